// Secrets Manager actions of the local server's core, and secrets read through Parameter
// Store's /aws/reference/secretsmanager/ names.
#include <gtest/gtest.h>

#include "core_fixture.hpp"

namespace {

using local_test::CoreTest;
using nlohmann::json;

class SecretsTest : public CoreTest {
 protected:
  std::vector<std::string> stages_of(const std::string& id, const std::string& version_id) {
    const auto r = sm("DescribeSecret", {{"SecretId", id}});
    if (!r.json["VersionIdsToStages"].contains(version_id)) return {};
    return r.json["VersionIdsToStages"][version_id].get<std::vector<std::string>>();
  }
};

TEST_F(SecretsTest, StagesMoveAsInAws) {
  auto c = sm("CreateSecret", {{"Name", "db"}, {"SecretString", "v1"}});
  ASSERT_EQ(c.status, 200) << c.raw.body;
  const std::string v1 = c.json["VersionId"];
  EXPECT_EQ(c.json["Name"], "db");
  EXPECT_EQ(c.json["ARN"].get<std::string>().rfind(
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-", 0),
            0u);
  auto p = sm("PutSecretValue", {{"SecretId", "db"}, {"SecretString", "v2"}});
  ASSERT_EQ(p.status, 200) << p.raw.body;
  const std::string v2 = p.json["VersionId"];
  EXPECT_EQ(p.json["VersionStages"], json({"AWSCURRENT"}));
  p = sm("PutSecretValue", {{"SecretId", "db"}, {"SecretString", "v3"}});
  const std::string v3 = p.json["VersionId"];
  EXPECT_EQ(stages_of("db", v3), std::vector<std::string>({"AWSCURRENT"}));
  EXPECT_EQ(stages_of("db", v2), std::vector<std::string>({"AWSPREVIOUS"}));
  EXPECT_EQ(stages_of("db", v1), std::vector<std::string>{});  // deprecated
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "db"}}).json["SecretString"], "v3");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "db"}, {"VersionStage", "AWSPREVIOUS"}})
                .json["SecretString"],
            "v2");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "db"}, {"VersionId", v1}}).json["SecretString"],
            "v1");
  EXPECT_EQ(
      sm("GetSecretValue", {{"SecretId", "db"}, {"VersionId", v1}, {"VersionStage", "AWSCURRENT"}})
          .code(),
      "ResourceNotFoundException");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "db"}, {"VersionStage", "NOPE"}}).code(),
            "ResourceNotFoundException");
  // A custom stage without AWSCURRENT does not move AWSCURRENT.
  p = sm("PutSecretValue",
         {{"SecretId", "db"}, {"SecretString", "v4"}, {"VersionStages", {"BETA"}}});
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "db"}}).json["SecretString"], "v3");
  EXPECT_EQ(
      sm("GetSecretValue", {{"SecretId", "db"}, {"VersionStage", "BETA"}}).json["SecretString"],
      "v4");
}

TEST_F(SecretsTest, GetSecretValueShape) {
  const auto c = sm("CreateSecret", {{"Name", "app/api"}, {"SecretString", "{\"k\":\"v\"}"}});
  const auto g = sm("GetSecretValue", {{"SecretId", "app/api"}});
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.json["ARN"], c.json["ARN"]);
  EXPECT_EQ(g.json["Name"], "app/api");
  EXPECT_EQ(g.json["VersionId"], c.json["VersionId"]);
  EXPECT_EQ(g.json["VersionStages"], json({"AWSCURRENT"}));
  EXPECT_TRUE(g.json["CreatedDate"].is_number());
  EXPECT_FALSE(g.json.contains("SecretBinary"));
  // By full and partial ARN.
  const std::string arn = c.json["ARN"];
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", arn}}).status, 200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", arn.substr(0, arn.size() - 7)}}).status, 200);
}

TEST_F(SecretsTest, BinarySecretsRoundTripAsBase64) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "bin"}, {"SecretBinary", "AAEC/w=="}}).status, 200);
  const auto g = sm("GetSecretValue", {{"SecretId", "bin"}});
  EXPECT_EQ(g.json["SecretBinary"], "AAEC/w==");
  EXPECT_FALSE(g.json.contains("SecretString"));
  EXPECT_EQ(sm("CreateSecret", {{"Name", "b2"}, {"SecretBinary", "not base64!"}}).code(),
            "SerializationException");
  EXPECT_EQ(
      sm("CreateSecret", {{"Name", "b3"}, {"SecretBinary", "AA=="}, {"SecretString", "x"}}).code(),
      "InvalidParameterException");
}

TEST_F(SecretsTest, CreateRules) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "s"}, {"SecretString", "x"}}).status, 200);
  EXPECT_EQ(sm("CreateSecret", {{"Name", "s"}, {"SecretString", "y"}}).code(),
            "ResourceExistsException");
  EXPECT_EQ(sm("CreateSecret", {{"Name", "bad name!"}}).code(), "ValidationException");
  EXPECT_EQ(sm("CreateSecret", {{"Name", "t"}, {"ClientRequestToken", "short"}}).code(),
            "ValidationException");
  // A secret with no value yet: no AWSCURRENT version.
  ASSERT_EQ(sm("CreateSecret", {{"Name", "empty"}}).status, 200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "empty"}}).code(), "ResourceNotFoundException");
  EXPECT_EQ(sm("PutSecretValue", {{"SecretId", "empty"}}).code(), "InvalidRequestException");
  EXPECT_EQ(sm("PutSecretValue", {{"SecretId", "nope"}, {"SecretString", "x"}}).code(),
            "ResourceNotFoundException");
}

TEST_F(SecretsTest, ClientRequestTokenIsIdempotent) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "s"}, {"SecretString", "x"}}).status, 200);
  const std::string token = "11111111-2222-3333-4444-555555555555";
  const auto a = sm("PutSecretValue",
                    {{"SecretId", "s"}, {"SecretString", "y"}, {"ClientRequestToken", token}});
  const auto b = sm("PutSecretValue",
                    {{"SecretId", "s"}, {"SecretString", "y"}, {"ClientRequestToken", token}});
  EXPECT_EQ(a.json["VersionId"], token);
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "s"}}).json["VersionIdsToStages"].size(), 2u);
  EXPECT_EQ(sm("PutSecretValue",
               {{"SecretId", "s"}, {"SecretString", "z"}, {"ClientRequestToken", token}})
                .code(),
            "ResourceExistsException");
}

TEST_F(SecretsTest, BatchGetSecretValue) {
  sm("CreateSecret", {{"Name", "a"}, {"SecretString", "1"}});
  sm("CreateSecret", {{"Name", "b"}, {"SecretString", "2"}});
  auto r = sm("BatchGetSecretValue", {{"SecretIdList", {"a", "b", "missing"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.json["SecretValues"].size(), 2u);
  EXPECT_EQ(r.json["SecretValues"][1]["SecretString"], "2");
  ASSERT_EQ(r.json["Errors"].size(), 1u);
  EXPECT_EQ(r.json["Errors"][0]["SecretId"], "missing");
  EXPECT_EQ(r.json["Errors"][0]["ErrorCode"], "ResourceNotFoundException");
  r = sm("BatchGetSecretValue", {{"Filters", {{{"Key", "name"}, {"Values", {"a"}}}}}});
  EXPECT_EQ(r.json["SecretValues"].size(), 1u);
  EXPECT_EQ(sm("BatchGetSecretValue", json::object()).code(), "InvalidParameterException");
  json many = json::array();
  for (int i = 0; i < 21; ++i) many.push_back("s" + std::to_string(i));
  EXPECT_EQ(sm("BatchGetSecretValue", {{"SecretIdList", many}}).code(), "ValidationException");
}

TEST_F(SecretsTest, ListDescribeDeleteRestore) {
  sm("CreateSecret", {{"Name", "one"},
                      {"SecretString", "1"},
                      {"Description", "first"},
                      {"Tags", {{{"Key", "env"}, {"Value", "dev"}}}}});
  sm("CreateSecret", {{"Name", "two"}, {"SecretString", "2"}});
  sm("CreateSecret", {{"Name", "three"}, {"SecretString", "3"}});
  auto l = sm("ListSecrets", {{"MaxResults", 2}});
  EXPECT_EQ(l.json["SecretList"].size(), 2u);
  ASSERT_TRUE(l.json.contains("NextToken"));
  l = sm("ListSecrets", {{"MaxResults", 2}, {"NextToken", l.json["NextToken"]}});
  EXPECT_EQ(l.json["SecretList"].size(), 1u);
  EXPECT_FALSE(l.json.contains("NextToken"));
  l = sm("ListSecrets", {{"Filters", {{{"Key", "tag-value"}, {"Values", {"dev"}}}}}});
  ASSERT_EQ(l.json["SecretList"].size(), 1u);
  EXPECT_EQ(l.json["SecretList"][0]["Description"], "first");
  EXPECT_FALSE(l.json["SecretList"][0].contains("SecretString"));

  auto d = sm("DeleteSecret", {{"SecretId", "two"}, {"RecoveryWindowInDays", 7}});
  ASSERT_EQ(d.status, 200) << d.raw.body;
  EXPECT_TRUE(d.json["DeletionDate"].is_number());
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "two"}}).code(), "InvalidRequestException");
  EXPECT_EQ(sm("ListSecrets", json::object()).json["SecretList"].size(), 2u);
  EXPECT_EQ(sm("ListSecrets", {{"IncludePlannedDeletion", true}}).json["SecretList"].size(), 3u);
  EXPECT_TRUE(sm("DescribeSecret", {{"SecretId", "two"}}).json.contains("DeletedDate"));
  EXPECT_EQ(sm("RestoreSecret", {{"SecretId", "two"}}).status, 200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "two"}}).json["SecretString"], "2");
  EXPECT_EQ(
      sm("DeleteSecret",
         {{"SecretId", "two"}, {"ForceDeleteWithoutRecovery", true}, {"RecoveryWindowInDays", 7}})
          .code(),
      "InvalidParameterException");
  EXPECT_EQ(sm("DeleteSecret", {{"SecretId", "two"}, {"ForceDeleteWithoutRecovery", true}}).status,
            200);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "two"}}).code(), "ResourceNotFoundException");
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "two"}}).code(), "ResourceNotFoundException");
}

TEST_F(SecretsTest, ParameterStoreReferences) {
  const auto c = sm("CreateSecret", {{"Name", "db-pass"}, {"SecretString", "p1"}});
  sm("PutSecretValue", {{"SecretId", "db-pass"}, {"SecretString", "p2"}});
  auto r = ssm("GetParameter", {{"Name", "/aws/reference/secretsmanager/db-pass"}});
  EXPECT_EQ(r.code(), "ValidationException");
  EXPECT_NE(r.message().find("WithDecryption"), std::string::npos);
  r = ssm("GetParameter",
          {{"Name", "/aws/reference/secretsmanager/db-pass"}, {"WithDecryption", true}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const auto& p = r.json["Parameter"];
  EXPECT_EQ(p["Name"], "/aws/reference/secretsmanager/db-pass");
  EXPECT_EQ(p["Type"], "SecureString");
  EXPECT_EQ(p["Value"], "p2");
  EXPECT_EQ(p["ARN"], c.json["ARN"]);
  const json source = json::parse(p["SourceResult"].get<std::string>());
  EXPECT_EQ(source["SecretString"], "p2");
  EXPECT_EQ(source["Name"], "db-pass");
  r = ssm("GetParameter", {{"Name", "/aws/reference/secretsmanager/db-pass:AWSPREVIOUS"},
                           {"WithDecryption", true}});
  EXPECT_EQ(r.json["Parameter"]["Value"], "p1");
  EXPECT_EQ(r.json["Parameter"]["Selector"], ":AWSPREVIOUS");
  r = ssm(
      "GetParameters",
      {{"Names", {"/aws/reference/secretsmanager/db-pass", "/aws/reference/secretsmanager/nope"}},
       {"WithDecryption", true}});
  EXPECT_EQ(r.json["Parameters"].size(), 1u);
  EXPECT_EQ(r.json["InvalidParameters"], json({"/aws/reference/secretsmanager/nope"}));
  EXPECT_EQ(ssm("GetParameters", {{"Names", {"/aws/reference/secretsmanager/db-pass"}}}).code(),
            "ValidationException");
  EXPECT_EQ(ssm("GetParameter",
                {{"Name", "/aws/reference/secretsmanager/nope"}, {"WithDecryption", true}})
                .code(),
            "ParameterNotFound");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/aws/reference/secretsmanager"}}).code(),
            "ValidationException");
}

}  // namespace
