// tests/local/fidelity_test.cpp — answers that differed from AWS (issue 13), on the core.
// Each test cites what it relies on; tests/local/aws_fidelity.py checks the same through
// botocore against the real program.
#include <gtest/gtest.h>

#include "core_fixture.hpp"
#include "server_process.hpp"

namespace local_test {
namespace {

using nlohmann::json;

class FidelityTest : public CoreTest {};

// AWS treats a root-level name with and without its leading slash as one parameter, and
// GetParametersByPath "/" lists root-level names created without the slash.
TEST_F(FidelityTest, RootNameWithAndWithoutSlashIsOneParameter) {
  put("foo", "1");
  EXPECT_EQ(value_of("/foo"), "1");
  EXPECT_EQ(ssm("PutParameter", {{"Name", "/foo"}, {"Value", "2"}, {"Type", "String"}}).code(),
            "ParameterAlreadyExists");
  put("/foo", "2", "String", {{"Overwrite", true}});
  EXPECT_EQ(value_of("foo"), "2");
  const auto listed = ssm("GetParametersByPath", {{"Path", "/"}});
  ASSERT_EQ(listed.json["Parameters"].size(), 1u) << listed.raw.body;
  EXPECT_EQ(listed.json["Parameters"][0]["Name"], "foo");  // as created
  EXPECT_EQ(listed.json["Parameters"][0]["Version"], 2);
  EXPECT_EQ(ssm("DeleteParameter", {{"Name", "/foo"}}).status, 200);
  EXPECT_EQ(value_of("foo"), "<ParameterNotFound>");
}

// LabelParameterVersion: "Length Constraints: Minimum length of 1. Maximum length of 100."
// (API reference): a request constraint, so ValidationException, not InvalidLabels.
TEST_F(FidelityTest, OverlongLabelIsValidationException) {
  put("/l", "v");
  const auto r =
      ssm("LabelParameterVersion", {{"Name", "/l"}, {"Labels", {std::string(101, 'a')}}});
  EXPECT_EQ(r.code(), "ValidationException");
  EXPECT_EQ(ssm("LabelParameterVersion", {{"Name", "/l"}, {"Labels", {std::string(100, 'a')}}})
                .json["InvalidLabels"],
            json::array());
}

TEST_F(FidelityTest, UnsupportedFeaturesAreRefusedNotIgnored) {
  const auto policies =
      ssm("PutParameter", {{"Name", "/p"},
                           {"Value", "v"},
                           {"Type", "String"},
                           {"Tier", "Advanced"},
                           {"Policies", R"([{"Type":"Expiration","Version":"1.0"}])"}});
  EXPECT_EQ(policies.code(), "ValidationException");
  EXPECT_EQ(value_of("/p"), "<ParameterNotFound>");
  const auto replica = sm(
      "CreateSecret",
      {{"Name", "r"}, {"SecretString", "x"}, {"AddReplicaRegions", {{{"Region", "eu-west-1"}}}}});
  EXPECT_EQ(replica.code(), "InvalidRequestException");
  EXPECT_EQ(sm("DescribeSecret", {{"SecretId", "r"}}).code(), "ResourceNotFoundException");
}

// PutSecretValue: "If this operation creates the first version for the secret, then Secrets
// Manager automatically attaches the staging label AWSCURRENT to the new version."
TEST_F(FidelityTest, FirstVersionFromPutSecretValueIsCurrent) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "empty"}}).status, 200);
  const auto r = sm("PutSecretValue",
                    {{"SecretId", "empty"}, {"SecretString", "v1"}, {"VersionStages", {"BLUE"}}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  const auto stages = r.json["VersionStages"];
  EXPECT_NE(std::find(stages.begin(), stages.end(), "AWSCURRENT"), stages.end()) << stages;
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "empty"}}).json["SecretString"], "v1");
}

// DeleteSecret with ForceDeleteWithoutRecovery of a secret that does not exist succeeds.
TEST_F(FidelityTest, ForcedDeleteOfMissingSecretSucceeds) {
  const auto r =
      sm("DeleteSecret", {{"SecretId", "never-made"}, {"ForceDeleteWithoutRecovery", true}});
  EXPECT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["Name"], "never-made");
  EXPECT_EQ(sm("DeleteSecret", {{"SecretId", "never-made"}}).code(), "ResourceNotFoundException");
}

// AWS omits members it has nothing for: no "Tags" without tags, no "VersionIdsToStages"
// without versions.
TEST_F(FidelityTest, DescribeSecretOmitsEmptyMembers) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "bare"}}).status, 200);
  const auto r = sm("DescribeSecret", {{"SecretId", "bare"}});
  EXPECT_FALSE(r.json.contains("Tags")) << r.raw.body;
  EXPECT_FALSE(r.json.contains("VersionIdsToStages")) << r.raw.body;
  const auto listed = sm("ListSecrets", json::object());
  EXPECT_FALSE(listed.json["SecretList"][0].contains("Tags")) << listed.raw.body;
}

// API_Filter: "all: Breaks the filter value string into words and then searches all
// attributes for matches. Not case-sensitive." Description: case-insensitive, by words
// (moto's filters.py records the same from AWS).
TEST_F(FidelityTest, AllAndDescriptionFiltersMatchWordsIgnoringCase) {
  ASSERT_EQ(sm("CreateSecret", {{"Name", "db/Primary-Password"},
                                {"Description", "Main database credentials"},
                                {"SecretString", "x"}})
                .status,
            200);
  ASSERT_EQ(sm("CreateSecret", {{"Name", "other"}, {"SecretString", "y"}}).status, 200);
  auto names = [&](const json& filters) {
    std::vector<std::string> out;
    const auto r = sm("ListSecrets", {{"Filters", filters}});
    if (r.status != 200) ADD_FAILURE() << r.raw.body;
    for (const auto& s : r.json["SecretList"]) {
      out.push_back(s["Name"]);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({{{"Key", "description"}, {"Values", {"DATABASE"}}}}), V{"db/Primary-Password"});
  EXPECT_EQ(names({{{"Key", "description"}, {"Values", {"cred"}}}}), V{"db/Primary-Password"});
  EXPECT_EQ(names({{{"Key", "all"}, {"Values", {"password"}}}}), V{"db/Primary-Password"});
  EXPECT_EQ(names({{{"Key", "all"}, {"Values", {"main creds"}}}}), V{});
  EXPECT_EQ(names({{{"Key", "all"}, {"Values", {"main cred"}}}}), V{"db/Primary-Password"});
  EXPECT_EQ(names({{{"Key", "name"}, {"Values", {"DB"}}}}), V{});  // name: case-sensitive prefix
}

TEST_F(FidelityTest, ListSecretsFilterWithoutKeyOrValuesIsInvalidParameter) {
  EXPECT_EQ(sm("ListSecrets", {{"Filters", {{{"Values", {"x"}}}}}}).code(),
            "InvalidParameterException");
  EXPECT_EQ(sm("ListSecrets", {{"Filters", {{{"Key", "name"}}}}}).code(),
            "InvalidParameterException");
}

// AWS keeps one store per region; the region is the one in the request's credential scope.
TEST_F(FidelityTest, EachRegionHasItsOwnStore) {
  ASSERT_EQ(
      call("secretsmanager.CreateSecret", {{"Name", "shared-name"}, {"SecretString", "east1"}})
          .status,
      200);
  const auto east2 =
      call("secretsmanager.CreateSecret", {{"Name", "shared-name"}, {"SecretString", "east2"}},
           {.region = "us-east-2"});
  ASSERT_EQ(east2.status, 200) << east2.raw.body;
  EXPECT_NE(east2.json["ARN"].get<std::string>().find(":us-east-2:"), std::string::npos);
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", "shared-name"}}).json["SecretString"], "east1");
  put("/only/east1", "v");
  EXPECT_EQ(
      call("AmazonSSM.GetParameter", {{"Name", "/only/east1"}}, {.region = "us-east-2"}).code(),
      "ParameterNotFound");
}

TEST_F(FidelityTest, RegionsArePersistedApart) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  reset({.data_file = file});
  put("/p", "east1");
  ASSERT_EQ(call("AmazonSSM.PutParameter", {{"Name", "/p"}, {"Value", "west2"}, {"Type", "String"}},
                 {.region = "us-west-2"})
                .status,
            200);
  server_.reset();
  reset({.data_file = file});
  EXPECT_EQ(value_of("/p"), "east1");
  EXPECT_EQ(call("AmazonSSM.GetParameter", {{"Name", "/p"}}, {.region = "us-west-2"})
                .json["Parameter"]["Value"],
            "west2");
}

// DescribeParameters filter validation, as AWS answers it (ParameterStringFilter model
// constraints, then the service's own checks; moto's test_ssm_boto3.py records the same).
TEST_F(FidelityTest, DescribeParametersFilterValidation) {
  auto code = [&](const json& filter) {
    return ssm("DescribeParameters", {{"ParameterFilters", {filter}}}).code();
  };
  EXPECT_EQ(code({{"Key", "key"}, {"Values", {"x"}}}), "ValidationException");
  EXPECT_EQ(code({{"Key", "Name"}, {"Option", "over 10 chars"}, {"Values", {"x"}}}),
            "ValidationException");
  EXPECT_EQ(code({{"Key", "Label"}, {"Values", {"x"}}}), "InvalidFilterKey");
  EXPECT_EQ(code({{"Key", "Path"}, {"Values", {"/aws"}}}), "ValidationException");
  EXPECT_EQ(code({{"Key", "Path"}, {"Values", {"/SSM/x"}}}), "ValidationException");
  EXPECT_EQ(code({{"Key", "Tier"}, {"Values", {"Premium"}}}), "InvalidFilterValue");
  EXPECT_EQ(code({{"Key", "Tier"}, {"Values", {"Standard"}}}), "");
  EXPECT_EQ(code({{"Key", "Path"}, {"Values", {"/app"}}}), "");
}

}  // namespace
}  // namespace local_test
