// Parameter Store actions of the local server's core: AWS's rules, error codes and shapes.
#include <gtest/gtest.h>

#include "common/base64.hpp"
#include "core_fixture.hpp"

namespace {

using local_test::CoreTest;
using nlohmann::json;

class SsmTest : public CoreTest {};

TEST_F(SsmTest, PutCreatesVersionOneAndOverwriteIncrements) {
  put("/app/db/host", "a");
  auto r = ssm("PutParameter", {{"Name", "/app/db/host"}, {"Value", "b"}, {"Type", "String"}});
  EXPECT_EQ(r.code(), "ParameterAlreadyExists");
  EXPECT_EQ(value_of("/app/db/host"), "a");
  r = ssm("PutParameter", {{"Name", "/app/db/host"}, {"Value", "b"}, {"Overwrite", true}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["Version"], 2);
  EXPECT_EQ(r.json["Tier"], "Standard");
  const auto got = ssm("GetParameter", {{"Name", "/app/db/host"}});
  EXPECT_EQ(got.json["Parameter"]["Version"], 2);
  EXPECT_EQ(got.json["Parameter"]["Type"], "String");  // kept from version 1
  EXPECT_EQ(got.json["Parameter"]["DataType"], "text");
  EXPECT_TRUE(got.json["Parameter"]["LastModifiedDate"].is_number());
  EXPECT_FALSE(got.json["Parameter"].contains("Selector"));
}

TEST_F(SsmTest, TypeIsRequiredToCreateAndMustBeKnown) {
  EXPECT_EQ(ssm("PutParameter", {{"Name", "/a"}, {"Value", "v"}}).code(), "ValidationException");
  EXPECT_EQ(ssm("PutParameter", {{"Name", "/a"}, {"Value", "v"}, {"Type", "Number"}}).code(),
            "ValidationException");
  EXPECT_EQ(ssm("PutParameter", {{"Name", "/a"}, {"Value", ""}, {"Type", "String"}}).code(),
            "ValidationException");
  EXPECT_EQ(value_of("/a"), "<ParameterNotFound>");
}

TEST_F(SsmTest, SecureStringIsCiphertextUnlessDecrypted) {
  put("/app/pass", "hunter2", "SecureString");
  const auto enc = ssm("GetParameter", {{"Name", "/app/pass"}});
  const std::string shown = enc.json["Parameter"]["Value"];
  EXPECT_NE(shown, "hunter2");
  EXPECT_EQ(shown.find("hunter2"), std::string::npos);
  EXPECT_GT(shown.size(), 20u);
  // Shaped as KMS's blobs: their four header bytes, a 12-byte nonce, then one byte per byte.
  std::string blob;
  ASSERT_TRUE(ssm_cache::common::base64_decode(shown, blob));
  EXPECT_EQ(blob.substr(0, 4), std::string("\x01\x02\x02\x00", 4));
  EXPECT_EQ(blob.size(), 4u + 12u + std::string("hunter2").size());
  // Stable for one version.
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/pass"}}).json["Parameter"]["Value"], shown);
  EXPECT_EQ(value_of("/app/pass"), "hunter2");
  // KeyId defaults to the AWS managed key and shows in DescribeParameters.
  const auto d = ssm("DescribeParameters", json::object());
  EXPECT_EQ(d.json["Parameters"][0]["KeyId"], "alias/aws/ssm");
}

TEST_F(SsmTest, KeyIdRules) {
  put("/app/k", "v", "SecureString", {{"KeyId", "alias/my-key"}});
  EXPECT_EQ(ssm("DescribeParameters", json::object()).json["Parameters"][0]["KeyId"],
            "alias/my-key");
  EXPECT_EQ(ssm("PutParameter",
                {{"Name", "/app/s"}, {"Value", "v"}, {"Type", "String"}, {"KeyId", "alias/my-key"}})
                .code(),
            "ValidationException");
  EXPECT_EQ(
      ssm("PutParameter",
          {{"Name", "/app/s"}, {"Value", "v"}, {"Type", "SecureString"}, {"KeyId", "not a key"}})
          .code(),
      "InvalidKeyId");
}

TEST_F(SsmTest, NameRules) {
  auto code = [&](const std::string& name) {
    return ssm("PutParameter", {{"Name", name}, {"Value", "v"}, {"Type", "String"}}).code();
  };
  std::string deep;
  for (int i = 0; i < 16; ++i) deep += "/l" + std::to_string(i);
  EXPECT_EQ(code(deep), "HierarchyLevelLimitExceededException");
  std::string fifteen;
  for (int i = 0; i < 15; ++i) fifteen += "/l" + std::to_string(i);
  EXPECT_EQ(code(fifteen), "");
  EXPECT_EQ(code("/has space"), "ValidationException");
  EXPECT_EQ(code("/semi;colon"), "ValidationException");
  EXPECT_EQ(code("a/b"), "ValidationException");
  EXPECT_EQ(code("/a//b"), "ValidationException");
  EXPECT_EQ(code("/a/"), "ValidationException");
  EXPECT_EQ(code("/aws/x"), "ValidationException");
  EXPECT_EQ(code("SSMthing"), "ValidationException");
  EXPECT_EQ(code("/" + std::string(2048, 'n')), "ValidationException");
  EXPECT_EQ(code("plain_name-1.0"), "");
  EXPECT_EQ(value_of("plain_name-1.0"), "v");
}

TEST_F(SsmTest, AllowedPatternIsEnforcedAndKept) {
  put("/app/port", "8080", "String", {{"AllowedPattern", "^\\d+$"}});
  auto r = ssm("PutParameter", {{"Name", "/app/port"}, {"Value", "eighty"}, {"Overwrite", true}});
  EXPECT_EQ(r.code(), "ParameterPatternMismatchException");
  EXPECT_EQ(value_of("/app/port"), "8080");
  r = ssm("PutParameter", {{"Name", "/app/port"}, {"Value", "9090"}, {"Overwrite", true}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      ssm("PutParameter",
          {{"Name", "/app/bad"}, {"Value", "x"}, {"Type", "String"}, {"AllowedPattern", "([a-z"}})
          .code(),
      "InvalidAllowedPatternException");
}

TEST_F(SsmTest, DescriptionKeptAcrossVersionsAndTierLimits) {
  put("/app/d", "v", "String", {{"Description", "the d"}});
  ASSERT_EQ(ssm("PutParameter", {{"Name", "/app/d"}, {"Value", "w"}, {"Overwrite", true}}).status,
            200);
  EXPECT_EQ(ssm("DescribeParameters", json::object()).json["Parameters"][0]["Description"],
            "the d");
  EXPECT_EQ(ssm("PutParameter",
                {{"Name", "/app/big"}, {"Value", std::string(4097, 'x')}, {"Type", "String"}})
                .code(),
            "ValidationException");
  const auto adv = ssm("PutParameter", {{"Name", "/app/big"},
                                        {"Value", std::string(4097, 'x')},
                                        {"Type", "String"},
                                        {"Tier", "Advanced"}});
  EXPECT_EQ(adv.status, 200);
  EXPECT_EQ(adv.json["Tier"], "Advanced");
  EXPECT_EQ(ssm("PutParameter",
                {{"Name", "/app/big"}, {"Value", "x"}, {"Overwrite", true}, {"Tier", "Standard"}})
                .code(),
            "ValidationException");
}

TEST_F(SsmTest, GetParametersNamesAndSelectors) {
  put("/app/a", "a1");
  ASSERT_EQ(ssm("PutParameter", {{"Name", "/app/a"}, {"Value", "a2"}, {"Overwrite", true}}).status,
            200);
  ASSERT_EQ(ssm("LabelParameterVersion",
                {{"Name", "/app/a"}, {"ParameterVersion", 1}, {"Labels", {"prod"}}})
                .status,
            200);
  const auto r = ssm(
      "GetParameters",
      {{"Names", {"/app/a", "/app/a:1", "/app/a:prod", "/app/a:9", "/app/a:nolabel", "/nope"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.json["Parameters"].size(), 3u);
  EXPECT_EQ(r.json["Parameters"][0]["Value"], "a2");
  EXPECT_FALSE(r.json["Parameters"][0].contains("Selector"));
  EXPECT_EQ(r.json["Parameters"][1]["Value"], "a1");
  EXPECT_EQ(r.json["Parameters"][1]["Selector"], ":1");
  EXPECT_EQ(r.json["Parameters"][1]["Name"], "/app/a");
  EXPECT_EQ(r.json["Parameters"][2]["Selector"], ":prod");
  EXPECT_EQ(r.json["Parameters"][2]["Version"], 1);
  EXPECT_EQ(r.json["InvalidParameters"], json({"/app/a:9", "/app/a:nolabel", "/nope"}));
}

TEST_F(SsmTest, GetParametersTakesOneToTenNames) {
  json names = json::array();
  for (int i = 0; i < 11; ++i) names.push_back("/p" + std::to_string(i));
  auto r = ssm("GetParameters", {{"Names", names}});
  EXPECT_EQ(r.code(), "ValidationException");
  EXPECT_NE(r.message().find("less than or equal to 10"), std::string::npos);
  names.erase(names.begin());
  EXPECT_EQ(ssm("GetParameters", {{"Names", names}}).status, 200);
  EXPECT_EQ(ssm("GetParameters", {{"Names", json::array()}}).code(), "ValidationException");
}

TEST_F(SsmTest, GetParameterMissingVersionAndBadSelectors) {
  put("/app/v", "x");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:7"}}).code(), "ParameterVersionNotFound");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:0"}}).code(), "ParameterVersionNotFound");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:nolabel"}}).code(), "ParameterNotFound");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:"}}).code(), "ValidationException");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:1:2"}}).code(), "ValidationException");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/app/v:bad label"}}).code(), "ValidationException");
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/nope"}}).code(), "ParameterNotFound");
  const auto byarn =
      ssm("GetParameter", {{"Name", "arn:aws:ssm:us-east-1:000000000000:parameter/app/v:1"}});
  EXPECT_EQ(byarn.json["Parameter"]["Value"], "x");
  EXPECT_EQ(byarn.json["Parameter"]["Selector"], ":1");
}

class ByPathTest : public SsmTest {
 protected:
  void SetUp() override {
    SsmTest::SetUp();
    put("/app/a", "1");
    put("/app/b", "2", "StringList");
    put("/app/c", "3", "SecureString", {{"KeyId", "alias/custom"}});
    put("/app/sub/d", "4");
    put("/app/sub/deeper/e", "5", "SecureString");
    put("/apple", "not under /app");
  }
  std::vector<std::string> names(const json& body) {
    std::vector<std::string> out;
    json request = body;
    for (int pages = 0; pages < 100; ++pages) {
      const auto r = ssm("GetParametersByPath", request);
      EXPECT_EQ(r.status, 200) << r.raw.body;
      if (r.status != 200) break;
      for (const auto& p : r.json["Parameters"]) out.push_back(p["Name"]);
      if (!r.json.contains("NextToken")) break;
      request["NextToken"] = r.json["NextToken"];
    }
    return out;
  }
  using V = std::vector<std::string>;
};

TEST_F(ByPathTest, RecursiveAndOneLevel) {
  EXPECT_EQ(names({{"Path", "/app"}}), V({"/app/a", "/app/b", "/app/c"}));  // default: one level
  EXPECT_EQ(names({{"Path", "/app/"}, {"Recursive", false}}), V({"/app/a", "/app/b", "/app/c"}));
  EXPECT_EQ(names({{"Path", "/app"}, {"Recursive", true}}),
            V({"/app/a", "/app/b", "/app/c", "/app/sub/d", "/app/sub/deeper/e"}));
  EXPECT_EQ(names({{"Path", "/"}, {"Recursive", false}}), V({"/apple"}));
  EXPECT_EQ(names({{"Path", "/nothing"}, {"Recursive", true}}), V{});
}

TEST_F(ByPathTest, FiltersTypeKeyIdLabel) {
  EXPECT_EQ(names({{"Path", "/app"},
                   {"Recursive", true},
                   {"ParameterFilters", {{{"Key", "Type"}, {"Values", {"SecureString"}}}}}}),
            V({"/app/c", "/app/sub/deeper/e"}));
  EXPECT_EQ(names({{"Path", "/app"},
                   {"Recursive", true},
                   {"ParameterFilters",
                    {{{"Key", "Type"}, {"Option", "BeginsWith"}, {"Values", {"String"}}}}}}),
            V({"/app/a", "/app/b", "/app/sub/d"}));
  EXPECT_EQ(names({{"Path", "/app"},
                   {"Recursive", true},
                   {"ParameterFilters", {{{"Key", "KeyId"}, {"Values", {"alias/custom"}}}}}}),
            V({"/app/c"}));
  ASSERT_EQ(ssm("PutParameter", {{"Name", "/app/a"}, {"Value", "1b"}, {"Overwrite", true}}).status,
            200);
  ASSERT_EQ(ssm("LabelParameterVersion",
                {{"Name", "/app/a"}, {"ParameterVersion", 1}, {"Labels", {"stable"}}})
                .status,
            200);
  const auto r =
      ssm("GetParametersByPath",
          {{"Path", "/app"}, {"ParameterFilters", {{{"Key", "Label"}, {"Values", {"stable"}}}}}});
  ASSERT_EQ(r.json["Parameters"].size(), 1u);
  EXPECT_EQ(r.json["Parameters"][0]["Value"], "1");  // the labeled version, not the latest
  EXPECT_EQ(r.json["Parameters"][0]["Version"], 1);
}

TEST_F(ByPathTest, FilterValidationErrors) {
  auto code = [&](const json& filter) {
    return ssm("GetParametersByPath", {{"Path", "/app"}, {"ParameterFilters", {filter}}}).code();
  };
  EXPECT_EQ(code({{"Key", "Name"}, {"Values", {"x"}}}), "InvalidFilterKey");
  EXPECT_EQ(code({{"Key", "tag:env"}, {"Values", {"x"}}}), "InvalidFilterKey");
  EXPECT_EQ(code({{"Key", "Type"}, {"Option", "Contains"}, {"Values", {"String"}}}),
            "InvalidFilterOption");
  EXPECT_EQ(code({{"Key", "Label"}, {"Option", "BeginsWith"}, {"Values", {"x"}}}),
            "InvalidFilterOption");
  EXPECT_EQ(code({{"Key", "Type"}, {"Values", {"Number"}}}), "InvalidFilterValue");
  EXPECT_EQ(code({{"Key", "Type"}}), "InvalidFilterValue");
  json many = json::array();
  for (int i = 0; i < 51; ++i) many.push_back("v" + std::to_string(i));
  EXPECT_EQ(code({{"Key", "KeyId"}, {"Values", many}}), "ValidationException");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/app"},
                                        {"ParameterFilters",
                                         {{{"Key", "Type"}, {"Values", {"String"}}},
                                          {{"Key", "Type"}, {"Values", {"String"}}}}}})
                .code(),
            "InvalidFilterKey");
}

TEST_F(ByPathTest, PathAndMaxResultsValidation) {
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "app"}}).code(), "ValidationException");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/app"}, {"MaxResults", 11}}).code(),
            "ValidationException");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/app"}, {"MaxResults", 0}}).code(),
            "ValidationException");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/app"}, {"NextToken", "garbage"}}).code(),
            "InvalidNextToken");
}

TEST_F(ByPathTest, PaginatesWithMaxResults) {
  const auto first =
      ssm("GetParametersByPath", {{"Path", "/app"}, {"Recursive", true}, {"MaxResults", 2}});
  EXPECT_EQ(first.json["Parameters"].size(), 2u);
  EXPECT_TRUE(first.json.contains("NextToken"));
  EXPECT_EQ(names({{"Path", "/app"}, {"Recursive", true}, {"MaxResults", 2}}),
            V({"/app/a", "/app/b", "/app/c", "/app/sub/d", "/app/sub/deeper/e"}));
  EXPECT_EQ(names({{"Path", "/app"}, {"Recursive", true}, {"MaxResults", 1}}).size(), 5u);
}

TEST_F(ByPathTest, SecureStringsAreEncryptedUnlessAsked) {
  auto r = ssm(
      "GetParametersByPath",
      {{"Path", "/app"}, {"ParameterFilters", {{{"Key", "Type"}, {"Values", {"SecureString"}}}}}});
  EXPECT_NE(r.json["Parameters"][0]["Value"], "3");
  r = ssm("GetParametersByPath",
          {{"Path", "/app"},
           {"WithDecryption", true},
           {"ParameterFilters", {{{"Key", "Type"}, {"Values", {"SecureString"}}}}}});
  EXPECT_EQ(r.json["Parameters"][0]["Value"], "3");
}

TEST_F(SsmTest, LabelParameterVersionRules) {
  put("/app/l", "v1");
  ASSERT_EQ(ssm("PutParameter", {{"Name", "/app/l"}, {"Value", "v2"}, {"Overwrite", true}}).status,
            200);
  auto r =
      ssm("LabelParameterVersion", {{"Name", "/app/l"},
                                    {"ParameterVersion", 1},
                                    {"Labels", {"prod", "1abc", "awsy", "bad label", "ok.v-1_x"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["InvalidLabels"], json({"1abc", "awsy", "bad label"}));
  EXPECT_EQ(r.json["ParameterVersion"], 1);
  EXPECT_EQ(value_of("/app/l:prod"), "v1");
  // Without a version: the latest; the label moves.
  r = ssm("LabelParameterVersion", {{"Name", "/app/l"}, {"Labels", {"prod"}}});
  EXPECT_EQ(r.json["ParameterVersion"], 2);
  EXPECT_EQ(value_of("/app/l:prod"), "v2");
  EXPECT_EQ(
      ssm("LabelParameterVersion", {{"Name", "/app/l"}, {"ParameterVersion", 9}, {"Labels", {"x"}}})
          .code(),
      "ParameterVersionNotFound");
  EXPECT_EQ(ssm("LabelParameterVersion", {{"Name", "/nope"}, {"Labels", {"x"}}}).code(),
            "ParameterNotFound");
  EXPECT_EQ(ssm("LabelParameterVersion", {{"Name", "/app/l"}, {"Labels", json::array()}}).code(),
            "ValidationException");
  json ten = json::array();
  for (int i = 0; i < 9; ++i) ten.push_back("l" + std::to_string(i));
  ASSERT_EQ(ssm("LabelParameterVersion", {{"Name", "/app/l"}, {"Labels", ten}}).status,
            200);  // 10 on v2
  EXPECT_EQ(ssm("LabelParameterVersion", {{"Name", "/app/l"}, {"Labels", {"eleventh"}}}).code(),
            "ParameterVersionLabelLimitExceeded");
  EXPECT_EQ(value_of("/app/l:eleventh"), "<ParameterNotFound>");
}

TEST_F(SsmTest, HistoryListsVersionsWithLabels) {
  put("/app/h", "v1", "SecureString");
  for (int i = 2; i <= 5; ++i) {
    ASSERT_EQ(ssm("PutParameter",
                  {{"Name", "/app/h"}, {"Value", "v" + std::to_string(i)}, {"Overwrite", true}})
                  .status,
              200);
  }
  ASSERT_EQ(ssm("LabelParameterVersion",
                {{"Name", "/app/h"}, {"ParameterVersion", 2}, {"Labels", {"old"}}})
                .status,
            200);
  auto r = ssm("GetParameterHistory", {{"Name", "/app/h"}, {"WithDecryption", true}});
  ASSERT_EQ(r.json["Parameters"].size(), 5u);
  EXPECT_EQ(r.json["Parameters"][1]["Value"], "v2");
  EXPECT_EQ(r.json["Parameters"][1]["Labels"], json({"old"}));
  EXPECT_EQ(r.json["Parameters"][4]["Version"], 5);
  EXPECT_EQ(r.json["Parameters"][0]["KeyId"], "alias/aws/ssm");
  r = ssm("GetParameterHistory", {{"Name", "/app/h"}, {"MaxResults", 2}});
  EXPECT_EQ(r.json["Parameters"].size(), 2u);
  EXPECT_NE(r.json["Parameters"][0]["Value"], "v1");
  r = ssm("GetParameterHistory",
          {{"Name", "/app/h"}, {"MaxResults", 2}, {"NextToken", r.json["NextToken"]}});
  EXPECT_EQ(r.json["Parameters"][0]["Version"], 3);
  EXPECT_EQ(ssm("GetParameterHistory", {{"Name", "/nope"}}).code(), "ParameterNotFound");
}

TEST_F(SsmTest, DeleteParameterAndParameters) {
  put("/app/x", "1");
  put("/app/y", "2");
  put("/app/z", "3");
  EXPECT_EQ(ssm("DeleteParameter", {{"Name", "/app/x"}}).status, 200);
  EXPECT_EQ(ssm("DeleteParameter", {{"Name", "/app/x"}}).code(), "ParameterNotFound");
  const auto r = ssm("DeleteParameters", {{"Names", {"/app/y", "/app/z", "/app/nope"}}});
  EXPECT_EQ(r.json["DeletedParameters"], json({"/app/y", "/app/z"}));
  EXPECT_EQ(r.json["InvalidParameters"], json({"/app/nope"}));
  EXPECT_EQ(value_of("/app/y"), "<ParameterNotFound>");
}

TEST_F(SsmTest, DescribeParametersFilters) {
  put("/app/a", "1");
  put("/app/sub/b", "2", "SecureString");
  put("/other/c", "3");
  auto names = [&](const json& body) {
    std::vector<std::string> out;
    const auto reply = ssm("DescribeParameters", body);
    for (const auto& p : reply.json["Parameters"]) out.push_back(p["Name"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(json::object()), V({"/app/a", "/app/sub/b", "/other/c"}));
  EXPECT_EQ(names({{"ParameterFilters",
                    {{{"Key", "Name"}, {"Option", "BeginsWith"}, {"Values", {"/app"}}}}}}),
            V({"/app/a", "/app/sub/b"}));
  EXPECT_EQ(names({{"ParameterFilters", {{{"Key", "Path"}, {"Values", {"/app"}}}}}}),
            V({"/app/a"}));
  EXPECT_EQ(names({{"ParameterFilters",
                    {{{"Key", "Path"}, {"Option", "Recursive"}, {"Values", {"/app"}}}}}}),
            V({"/app/a", "/app/sub/b"}));
  EXPECT_EQ(names({{"Filters", {{{"Key", "Type"}, {"Values", {"SecureString"}}}}}}),
            V({"/app/sub/b"}));
  const auto d = ssm("DescribeParameters", json::object());
  EXPECT_FALSE(d.json["Parameters"][0].contains("Value"));
  EXPECT_EQ(d.json["Parameters"][0]["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/app/a");
}

}  // namespace
