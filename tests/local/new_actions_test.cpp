// tests/local/new_actions_test.cpp — the actions added for issue 13: UnlabelParameterVersion,
// parameter tags (AddTagsToResource / ListTagsForResource / RemoveTagsFromResource),
// UpdateSecret, UpdateSecretVersionStage, ListSecretVersionIds, GetRandomPassword,
// TagResource / UntagResource. Shapes and errors from the SSM and Secrets Manager API
// references.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "core_fixture.hpp"

namespace local_test {
namespace {

using nlohmann::json;

class NewActionsTest : public CoreTest {};

TEST_F(NewActionsTest, UnlabelParameterVersion) {
  put("/u", "v1");
  ASSERT_EQ(ssm("LabelParameterVersion", {{"Name", "/u"}, {"Labels", {"live", "blue"}}}).status,
            200);
  const auto r = ssm("UnlabelParameterVersion",
                     {{"Name", "/u"}, {"ParameterVersion", 1}, {"Labels", {"live", "nope"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["RemovedLabels"], json({"live"}));
  EXPECT_EQ(r.json["InvalidLabels"], json({"nope"}));
  EXPECT_EQ(value_of("/u:live"), "<ParameterNotFound>");
  EXPECT_EQ(value_of("/u:blue"), "v1");
  EXPECT_EQ(ssm("UnlabelParameterVersion",
                {{"Name", "/u"}, {"ParameterVersion", 9}, {"Labels", {"blue"}}})
                .code(),
            "ParameterVersionNotFound");
  EXPECT_EQ(ssm("UnlabelParameterVersion",
                {{"Name", "/none"}, {"ParameterVersion", 1}, {"Labels", {"x"}}})
                .code(),
            "ParameterNotFound");
}

TEST_F(NewActionsTest, ParameterTags) {
  put("/t", "v");
  auto tags = [&] {
    return ssm("ListTagsForResource", {{"ResourceType", "Parameter"}, {"ResourceId", "/t"}})
        .json["TagList"];
  };
  EXPECT_EQ(tags(), json::array());
  ASSERT_EQ(ssm("AddTagsToResource",
                {{"ResourceType", "Parameter"},
                 {"ResourceId", "/t"},
                 {"Tags", {{{"Key", "env"}, {"Value", "dev"}}, {{"Key", "team"}, {"Value", "a"}}}}})
                .status,
            200);
  ASSERT_EQ(ssm("AddTagsToResource", {{"ResourceType", "Parameter"},
                                      {"ResourceId", "/t"},
                                      {"Tags", {{{"Key", "env"}, {"Value", "prod"}}}}})
                .status,
            200);
  EXPECT_EQ(tags(), json({{{"Key", "env"}, {"Value", "prod"}}, {{"Key", "team"}, {"Value", "a"}}}));
  ASSERT_EQ(ssm("RemoveTagsFromResource",
                {{"ResourceType", "Parameter"}, {"ResourceId", "/t"}, {"TagKeys", {"team"}}})
                .status,
            200);
  EXPECT_EQ(tags(), json({{{"Key", "env"}, {"Value", "prod"}}}));
  EXPECT_EQ(
      ssm("ListTagsForResource", {{"ResourceType", "Parameter"}, {"ResourceId", "/none"}}).code(),
      "InvalidResourceId");
  EXPECT_EQ(ssm("ListTagsForResource", {{"ResourceType", "Document"}, {"ResourceId", "/t"}}).code(),
            "InvalidResourceType");
}

TEST_F(NewActionsTest, UpdateSecretChangesMetadataAndAddsACurrentVersion) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "u"}, {"SecretString", "v1"}}).status, 200);
  auto r = sm("UpdateSecret", {{"SecretId", "u"}, {"Description", "new"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_FALSE(r.json.contains("VersionId"));
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "u"}}).json["Description"], "new");
  r = sm("UpdateSecret", {{"SecretId", "u"}, {"SecretString", "v2"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_TRUE(r.json.contains("VersionId"));
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "u"}}).json["SecretString"], "v2");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "u"}, {"VersionStage", "AWSPREVIOUS"}})
                .json["SecretString"],
            "v1");
  EXPECT_EQ(sm("UpdateSecret", {{"SecretId", "none"}, {"Description", "x"}}).code(),
            "ResourceNotFoundException");
}

TEST_F(NewActionsTest, UpdateSecretVersionStageMovesLabels) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "st"}, {"SecretString", "v1"}}).status, 200);
  const std::string v1 = sm("GetSecretValue", {{"SecretId", "st"}}).json["VersionId"];
  const std::string v2 =
      sm("PutSecretValue", {{"SecretId", "st"}, {"SecretString", "v2"}}).json["VersionId"];
  // AWSCURRENT is on v2: moving it without naming v2 as RemoveFromVersionId is refused.
  EXPECT_EQ(sm("UpdateSecretVersionStage",
               {{"SecretId", "st"}, {"VersionStage", "AWSCURRENT"}, {"MoveToVersionId", v1}})
                .code(),
            "InvalidParameterException");
  ASSERT_EQ(sm("UpdateSecretVersionStage", {{"SecretId", "st"},
                                            {"VersionStage", "AWSCURRENT"},
                                            {"MoveToVersionId", v1},
                                            {"RemoveFromVersionId", v2}})
                .status,
            200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "st"}}).json["SecretString"], "v1");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "st"}, {"VersionStage", "AWSPREVIOUS"}})
                .json["SecretString"],
            "v2");
  ASSERT_EQ(sm("UpdateSecretVersionStage",
               {{"SecretId", "st"}, {"VersionStage", "BLUE"}, {"MoveToVersionId", v2}})
                .status,
            200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "st"}, {"VersionStage", "BLUE"}}).json["VersionId"],
            v2);
}

TEST_F(NewActionsTest, ListSecretVersionIdsPagesAndHidesDeprecated) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "l"}, {"SecretString", "v1"}}).status, 200);
  for (int i = 2; i <= 4; ++i) {
    ASSERT_EQ(
        sm("PutSecretValue", {{"SecretId", "l"}, {"SecretString", "v" + std::to_string(i)}}).status,
        200);
  }
  // v1 and v2 no longer carry a label: deprecated.
  auto r = sm("ListSecretVersionIds", {{"SecretId", "l"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["Versions"].size(), 2u);
  EXPECT_EQ(r.json["Name"], "l");
  r = sm("ListSecretVersionIds",
         {{"SecretId", "l"}, {"IncludeDeprecated", true}, {"MaxResults", 3}});
  EXPECT_EQ(r.json["Versions"].size(), 3u);
  ASSERT_TRUE(r.json.contains("NextToken"));
  r = sm("ListSecretVersionIds", {{"SecretId", "l"},
                                  {"IncludeDeprecated", true},
                                  {"MaxResults", 3},
                                  {"NextToken", r.json["NextToken"]}});
  EXPECT_EQ(r.json["Versions"].size(), 1u);
  EXPECT_FALSE(r.json.contains("NextToken"));
}

TEST_F(NewActionsTest, GetRandomPasswordHonoursItsOptions) {
  auto r = sm("GetRandomPassword", json::object());
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["RandomPassword"].get<std::string>().size(), 32u);
  r = sm("GetRandomPassword", {{"PasswordLength", 64},
                               {"ExcludePunctuation", true},
                               {"ExcludeUppercase", true},
                               {"ExcludeCharacters", "abc"}});
  const std::string pw = r.json["RandomPassword"];
  ASSERT_EQ(pw.size(), 64u);
  bool digit = false;
  for (char c : pw) {
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)))
        << pw;
    EXPECT_EQ(std::string("abc").find(c), std::string::npos) << pw;
    digit = digit || std::isdigit(static_cast<unsigned char>(c));
  }
  EXPECT_TRUE(digit) << "RequireEachIncludedType defaults to true: " << pw;
  EXPECT_NE(sm("GetRandomPassword", json::object()).json["RandomPassword"],
            sm("GetRandomPassword", json::object()).json["RandomPassword"]);
  EXPECT_EQ(sm("GetRandomPassword", {{"PasswordLength", 0}}).code(), "ValidationException");
}

TEST_F(NewActionsTest, SecretTags) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "tg"}, {"SecretString", "v"}}).status, 200);
  ASSERT_EQ(sm("TagResource",
               {{"SecretId", "tg"},
                {"Tags", {{{"Key", "env"}, {"Value", "dev"}}, {{"Key", "x"}, {"Value", "1"}}}}})
                .status,
            200);
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "tg"}}).json["Tags"].size(), 2u);
  ASSERT_EQ(sm("UntagResource", {{"SecretId", "tg"}, {"TagKeys", {"x"}}}).status, 200);
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "tg"}}).json["Tags"],
            json({{{"Key", "env"}, {"Value", "dev"}}}));
  EXPECT_EQ(sm("TagResource", {{"SecretId", "none"}, {"Tags", json::array()}}).code(),
            "ResourceNotFoundException");
}

// Resource policies are stored and returned (GetResourcePolicy omits ResourcePolicy when
// there is none); they are not evaluated.
TEST_F(NewActionsTest, ResourcePolicies) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "pol"}, {"SecretString", "v"}}).status, 200);
  EXPECT_FALSE(sm("GetResourcePolicy", {{"SecretId", "pol"}}).json.contains("ResourcePolicy"));
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  ASSERT_EQ(sm("PutResourcePolicy", {{"SecretId", "pol"}, {"ResourcePolicy", policy}}).status, 200);
  EXPECT_EQ(sm("GetResourcePolicy", {{"SecretId", "pol"}}).json["ResourcePolicy"], policy);
  EXPECT_EQ(sm("PutResourcePolicy", {{"SecretId", "pol"}, {"ResourcePolicy", "not json"}}).code(),
            "MalformedPolicyDocumentException");
  ASSERT_EQ(sm("DeleteResourcePolicy", {{"SecretId", "pol"}}).status, 200);
  EXPECT_FALSE(sm("GetResourcePolicy", {{"SecretId", "pol"}}).json.contains("ResourcePolicy"));
  EXPECT_EQ(sm("GetResourcePolicy", {{"SecretId", "none"}}).code(), "ResourceNotFoundException");
}

}  // namespace
}  // namespace local_test
