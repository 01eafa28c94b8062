// The real AWS CLI (Debian awscli) against ssm-cache-local: if the CLI — botocore signing,
// its parsers, its paginators — accepts our answers, so will the SDKs. Then the same values
// are read through ssm_cache's own AWS client and cache.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "server_process.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace {

using local_test::CommandResult;
using local_test::kAdminToken;
using local_test::ServerProcess;
using local_test::SignedClient;
using local_test::TempDir;
using nlohmann::json;

constexpr const char* kAws = "/usr/bin/aws";

class AwsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kAws))
      GTEST_SKIP() << "the AWS CLI (Debian awscli) is not installed at " << kAws;
    server_ =
        std::make_unique<ServerProcess>(std::vector<std::string>{"--admin-token", kAdminToken});
    local_test::write_file(config_dir_.file("config"), "");
    local_test::write_file(config_dir_.file("credentials"), "");
  }

  CommandResult aws(std::vector<std::string> args) {
    std::vector<std::string> argv = {kAws, "--endpoint-url", server_->url(), "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return local_test::run_command(
        argv, {{"AWS_ACCESS_KEY_ID", "test"},
               {"AWS_SECRET_ACCESS_KEY", "test"},
               {"AWS_REGION", "us-east-1"},
               {"AWS_DEFAULT_REGION", "us-east-1"},
               {"AWS_CONFIG_FILE", config_dir_.file("config")},
               {"AWS_SHARED_CREDENTIALS_FILE", config_dir_.file("credentials")},
               {"AWS_EC2_METADATA_DISABLED", "true"},
               {"AWS_PAGER", ""}});
  }

  /// Runs the CLI, expects success, returns its JSON output.
  json ok(std::vector<std::string> args) {
    const auto r = aws(args);
    EXPECT_EQ(r.exit_code, 0) << "aws " << args[0] << " " << args[1] << ": " << r.err;
    if (r.out.find_first_not_of(" \n") == std::string::npos) return json::object();
    return json::parse(r.out, nullptr, false);
  }

  static std::vector<std::string> names(const json& parameters) {
    std::vector<std::string> out;
    for (const auto& p : parameters) out.push_back(p["Name"]);
    return out;
  }

  TempDir config_dir_;
  std::unique_ptr<ServerProcess> server_;
};

using V = std::vector<std::string>;

// The bundled sample of AWS's public parameters (docs/local-server.md), as scripts read them:
// get-parameter with --query, and the paginated by-path listing.
TEST_F(AwsCliTest, PublicParameterSample) {
  const std::string infra = "/aws/service/global-infrastructure";
  const auto region = aws({"ssm", "get-parameter", "--name", infra + "/current-region", "--query",
                           "Parameter.Value", "--output", "text"});
  EXPECT_EQ(region.exit_code, 0) << region.err;
  EXPECT_EQ(region.out, "us-east-1\n");
  const auto ami = ok({"ssm", "get-parameters", "--names",
                       "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"});
  ASSERT_EQ(ami["Parameters"].size(), 1u) << ami.dump();
  EXPECT_EQ(ami["Parameters"][0]["Value"].get<std::string>().rfind("ami-", 0), 0u);
  EXPECT_EQ(ami["Parameters"][0]["ARN"],
            "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/"
            "al2023-ami-kernel-default-x86_64");
  const auto ssm = ok({"ssm", "get-parameters-by-path", "--path", infra + "/regions/eu-west-1",
                       "--recursive", "--page-size", "3"});
  std::map<std::string, std::string> values;
  for (const auto& p : ssm["Parameters"]) values[p["Name"]] = p["Value"];
  EXPECT_EQ(values[infra + "/regions/eu-west-1/longName"], "Europe (Ireland)");
  EXPECT_EQ(values[infra + "/regions/eu-west-1/services/ssm/endpoint"],
            "ssm.eu-west-1.amazonaws.com");
  const auto missing = aws({"ssm", "get-parameter", "--name", infra + "/regions/xx-nowhere-1"});
  EXPECT_EQ(missing.exit_code, 254);
  EXPECT_NE(missing.err.find("ParameterNotFound"), std::string::npos) << missing.err;
}

TEST_F(AwsCliTest, ParameterStoreAndSecretsManagerThenTheLibrary) {
  // --- put-parameter ---
  EXPECT_EQ(ok({"ssm", "put-parameter", "--name", "/cli/app/name", "--value", "demo", "--type",
                "String", "--description", "the name"})["Version"],
            1);
  const auto overwrite =
      aws({"ssm", "put-parameter", "--name", "/cli/app/name", "--value", "x", "--type", "String"});
  EXPECT_EQ(overwrite.exit_code, 254);
  EXPECT_NE(overwrite.err.find("ParameterAlreadyExists"), std::string::npos) << overwrite.err;
  EXPECT_EQ(ok({"ssm", "put-parameter", "--name", "/cli/app/name", "--value", "demo2",
                "--overwrite"})["Version"],
            2);
  ok({"ssm", "put-parameter", "--name", "/cli/app/list", "--value", "a,b,c", "--type",
      "StringList"});
  ok({"ssm", "put-parameter", "--name", "/cli/app/secret", "--value", "s3cr3t", "--type",
      "SecureString"});
  ok({"ssm", "put-parameter", "--name", "/cli/app/sub/deep", "--value", "deep", "--type",
      "String"});

  // --- get-parameter ---
  auto got = ok({"ssm", "get-parameter", "--name", "/cli/app/name"});
  EXPECT_EQ(got["Parameter"]["Value"], "demo2");
  EXPECT_EQ(got["Parameter"]["Version"], 2);
  EXPECT_EQ(got["Parameter"]["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/cli/app/name");
  EXPECT_EQ(ok({"ssm", "get-parameter", "--name", "/cli/app/secret",
                "--with-decryption"})["Parameter"]["Value"],
            "s3cr3t");
  EXPECT_NE(ok({"ssm", "get-parameter", "--name", "/cli/app/secret"})["Parameter"]["Value"],
            "s3cr3t");

  // --- get-parameters ---
  got = ok({"ssm", "get-parameters", "--names", "/cli/app/name:1", "/cli/app/list", "/cli/nope"});
  ASSERT_EQ(got["Parameters"].size(), 2u);
  EXPECT_EQ(got["Parameters"][0]["Value"], "demo");
  EXPECT_EQ(got["Parameters"][0]["Selector"], ":1");
  EXPECT_EQ(got["Parameters"][1]["Type"], "StringList");
  EXPECT_EQ(got["InvalidParameters"], json({"/cli/nope"}));

  // --- get-parameters-by-path ---
  EXPECT_EQ(names(ok({"ssm", "get-parameters-by-path", "--path", "/cli/app",
                      "--recursive"})["Parameters"]),
            V({"/cli/app/list", "/cli/app/name", "/cli/app/secret", "/cli/app/sub/deep"}));
  EXPECT_EQ(names(ok({"ssm", "get-parameters-by-path", "--path", "/cli/app",
                      "--no-recursive"})["Parameters"]),
            V({"/cli/app/list", "/cli/app/name", "/cli/app/secret"}));
  EXPECT_EQ(names(ok({"ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive",
                      "--parameter-filters", "Key=Type,Values=StringList"})["Parameters"]),
            V({"/cli/app/list"}));
  EXPECT_EQ(
      names(ok({"ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive",
                "--parameter-filters", "Key=Type,Option=BeginsWith,Values=Secure"})["Parameters"]),
      V({"/cli/app/secret"}));
  // Server-side pages of one (MaxResults=1): the CLI follows every NextToken.
  EXPECT_EQ(names(ok({"ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive",
                      "--page-size", "1"})["Parameters"]),
            V({"/cli/app/list", "/cli/app/name", "/cli/app/secret", "/cli/app/sub/deep"}));
  // --max-items: the CLI stops and hands back a token to resume from.
  auto page = ok({"ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive",
                  "--max-items", "3", "--page-size", "2"});
  EXPECT_EQ(names(page["Parameters"]), V({"/cli/app/list", "/cli/app/name", "/cli/app/secret"}));
  ASSERT_TRUE(page.contains("NextToken")) << page.dump();
  page = ok({"ssm", "get-parameters-by-path", "--path", "/cli/app", "--recursive", "--max-items",
             "3", "--page-size", "2", "--starting-token", page["NextToken"]});
  EXPECT_EQ(names(page["Parameters"]), V({"/cli/app/sub/deep"}));
  EXPECT_FALSE(page.contains("NextToken"));
  const auto bad_filter = aws({"ssm", "get-parameters-by-path", "--path", "/cli/app",
                               "--parameter-filters", "Key=Name,Values=x"});
  EXPECT_EQ(bad_filter.exit_code, 254);
  EXPECT_NE(bad_filter.err.find("InvalidFilterKey"), std::string::npos) << bad_filter.err;

  // --- labels and history ---
  const auto labeled = ok({"ssm", "label-parameter-version", "--name", "/cli/app/name",
                           "--parameter-version", "1", "--labels", "stable", "1bad"});
  EXPECT_EQ(labeled["ParameterVersion"], 1);
  EXPECT_EQ(labeled["InvalidLabels"], json({"1bad"}));
  EXPECT_EQ(ok({"ssm", "get-parameter", "--name", "/cli/app/name:stable"})["Parameter"]["Value"],
            "demo");
  const auto history = ok({"ssm", "get-parameter-history", "--name", "/cli/app/name"});
  ASSERT_EQ(history["Parameters"].size(), 2u);
  EXPECT_EQ(history["Parameters"][0]["Value"], "demo");
  EXPECT_EQ(history["Parameters"][0]["Labels"], json({"stable"}));
  EXPECT_EQ(history["Parameters"][0]["Description"], "the name");
  EXPECT_EQ(history["Parameters"][1]["Version"], 2);

  // --- delete-parameter ---
  ok({"ssm", "delete-parameter", "--name", "/cli/app/sub/deep"});
  const auto gone = aws({"ssm", "get-parameter", "--name", "/cli/app/sub/deep"});
  EXPECT_EQ(gone.exit_code, 254);
  EXPECT_NE(gone.err.find("ParameterNotFound"), std::string::npos) << gone.err;

  // --- Secrets Manager ---
  const auto created =
      ok({"secretsmanager", "create-secret", "--name", "cli/secret", "--secret-string", "first"});
  EXPECT_EQ(created["Name"], "cli/secret");
  EXPECT_TRUE(created.contains("VersionId"));
  const auto put = ok({"secretsmanager", "put-secret-value", "--secret-id", "cli/secret",
                       "--secret-string", "second"});
  EXPECT_EQ(put["VersionStages"], json({"AWSCURRENT"}));
  EXPECT_EQ(put["ARN"], created["ARN"]);
  EXPECT_EQ(ok({"secretsmanager", "get-secret-value", "--secret-id", "cli/secret"})["SecretString"],
            "second");
  const auto previous = ok({"secretsmanager", "get-secret-value", "--secret-id", "cli/secret",
                            "--version-stage", "AWSPREVIOUS"});
  EXPECT_EQ(previous["SecretString"], "first");
  EXPECT_EQ(previous["VersionId"], created["VersionId"]);
  EXPECT_EQ(ok({"ssm", "get-parameter", "--name", "/aws/reference/secretsmanager/cli/secret",
                "--with-decryption"})["Parameter"]["Value"],
            "second");

  // --- the same values through the library ---
  std::shared_ptr<ssm_cache::AwsClient> client;
  ssm_cache::Credentials credentials;
  credentials.access_key_id = "test";
  credentials.secret_access_key = "test";
  try {
    client = ssm_cache::make_aws_client(
        {.region = "us-east-1",
         .ssm_endpoint_url = server_->url(),
         .secrets_manager_endpoint_url = server_->url(),
         .credentials = ssm_cache::make_static_credentials_provider({.credentials = credentials})});
  } catch (const ssm_cache::ConfigurationError& e) {
    if (std::string(e.what()).find("not built yet") != std::string::npos) {
      GTEST_SKIP()
          << "pending: ssm_cache::make_aws_client (the AWS client, engineer 'client') is still "
             "the placeholder, so the library half of this test cannot run: "
          << e.what();
    }
    throw;
  }
  SignedClient admin(server_->port());
  const auto calls_before = admin.admin("GET", "/_local/stats").json["calls"];

  ssm_cache::SSMParameter name("/cli/app/name", {.client = client});
  ssm_cache::SSMParameter first("/cli/app/name:1", {.client = client});
  ssm_cache::SSMParameter stable("/cli/app/name:stable", {.client = client});
  ssm_cache::SSMParameter list("/cli/app/list", {.client = client});
  ssm_cache::SSMParameter secure("/cli/app/secret", {.client = client});
  ssm_cache::SecretsManagerParameter secret("cli/secret", {.client = client});
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(name.value(), "demo2");
    ASSERT_EQ(first.value(), "demo");
    ASSERT_EQ(stable.value(), "demo");
    ASSERT_EQ(list.values(), V({"a", "b", "c"}));
    ASSERT_EQ(secure.value(), "s3cr3t");
    ASSERT_EQ(secret.value(), "second");
  }
  ssm_cache::SSMParameterGroup group({.client = client});
  const auto under = group.parameters("/cli/app");
  EXPECT_EQ(under.size(), 3u);
  EXPECT_EQ(group.parameter("/cli/app/list").values(), V({"a", "b", "c"}));
  EXPECT_EQ(client->get_secret_value("cli/secret", "", "AWSPREVIOUS").secret_string, "first");

  // 600 cached reads cost one call per parameter, not one per read.
  const auto calls = admin.admin("GET", "/_local/stats").json["calls"];
  auto delta = [&](const std::string& target) {
    return calls.value(target, 0) - calls_before.value(target, 0);
  };
  EXPECT_LE(delta("AmazonSSM.GetParameters") + delta("AmazonSSM.GetParameter"), 6);
  EXPECT_GE(delta("AmazonSSM.GetParametersByPath"), 1);
}

}  // namespace
