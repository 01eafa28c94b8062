// Tests of the whole command line against a fake AWS client: commands, outputs, options after
// the subcommand, exit codes (0 ok, 1 AWS errors naming parameter and code, 2 usage), exec.
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "cli_app.hpp"
#include "help_topics.hpp"
#include "ssm_cache/version.hpp"

namespace ssm_cache::cli {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    fake->put("/app/prod/db-url", "postgres://db");
    fake->put("/app/prod/port", "5432");
    fake->put("/app/prod/api-key", "s3cr3t", "SecureString");
    fake->put("/app/prod/nested/level", "deep");
    fake->put("/app/common/port", "80");
    fake->put("/app/list", "a,b,c", "StringList");
    fake->put("/app/v", "one", "String", 1);
    fake->put("/app/v", "two", "String", 2, {"live"});
    fake->put_secret("prod/db-password", "pa'ss");
  }
  CliRun run(std::vector<std::string> args) {
    args.insert(args.begin(), "ssm-cache");
    std::ostringstream out, err;
    int code = run_cli(
        args,
        [this](const AwsClientOptions& o) {
          last_options = o;
          return fake;
        },
        out, err,
        [this](const ExecRequest& r) {
          exec_request = r;
          return 42;
        });
    return {code, out.str(), err.str()};
  }
  std::shared_ptr<testing::FakeAwsClient> fake = std::make_shared<testing::FakeAwsClient>();
  AwsClientOptions last_options;
  std::optional<ExecRequest> exec_request;
};

TEST_F(CliTest, GetOneValueAsText) {
  auto r = run({"get", "/app/prod/db-url"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "postgres://db\n");
  EXPECT_EQ(fake->decryption_flags().back(), true);
}

TEST_F(CliTest, GetSelectorsAndOrder) {
  auto r = run({"get", "/app/v:1", "/app/v:live", "/app/v"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "/app/v:1\tone\n/app/v:live\ttwo\n/app/v\ttwo\n");
}

TEST_F(CliTest, OptionsMayFollowTheSubcommand) {
  auto r = run({"get", "/app/prod/port", "--output", "json", "--region", "eu-west-1",
                "--endpoint-url", "http://127.0.0.1:1", "--profile", "dev"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j[0]["Value"], "5432");
  EXPECT_EQ(last_options.region, "eu-west-1");
  EXPECT_EQ(last_options.ssm_endpoint_url, "http://127.0.0.1:1");
  EXPECT_EQ(last_options.secrets_manager_endpoint_url, "http://127.0.0.1:1");
  EXPECT_EQ(last_options.profile, "dev");
}

TEST_F(CliTest, NoDecryption) {
  auto r = run({"--no-decryption", "get", "/app/prod/api-key"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "ENCRYPTED:/app/prod/api-key\n");
  EXPECT_EQ(fake->decryption_flags().back(), false);
}

TEST_F(CliTest, GetMissingIsExit1NamingParameterAndCode) {
  auto r = run({"get", "/app/prod/port", "/nope", "/nope2"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("ParameterNotFound"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nope2"), std::string::npos) << r.err;
}

TEST_F(CliTest, AwsErrorIsExit1WithCodeAndNoSecret) {
  fake->fail_with(AwsError("x", "AccessDeniedException", "User is not authorized", 400, "rid-9"));
  auto r = run({"get", "/app/prod/api-key"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("AccessDeniedException"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/app/prod/api-key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rid-9"), std::string::npos) << r.err;
}

// A server that answers 200 with the wrong content: another parameter, or nothing at all.
class WrongAnswerClient : public testing::FakeAwsClient {
 public:
  explicit WrongAnswerClient(std::vector<ParameterRecord> answer) : answer_(std::move(answer)) {}
  GetParametersResult get_parameters(const std::vector<std::string>&, bool) override {
    GetParametersResult r;
    r.parameters = answer_;
    return r;
  }

 private:
  std::vector<ParameterRecord> answer_;
};

TEST_F(CliTest, AnAnswerWithoutTheAskedParameterIsExit1NotEmptyOutput) {
  fake = std::make_shared<WrongAnswerClient>(std::vector<ParameterRecord>{});
  auto r = run({"get", "/app/prod/port"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("did not return /app/prod/port"), std::string::npos) << r.err;

  ParameterRecord other;
  other.name = "/app/other";
  other.value = "x";
  fake = std::make_shared<WrongAnswerClient>(std::vector<ParameterRecord>{other});
  r = run({"get", "/app/prod/port"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("returned /app/other, which was not asked for"), std::string::npos) << r.err;
  r = run({"exec", "--name", "/app/prod/port", "--", "true"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(exec_request);

  // Asked by ARN, answered by name: that is the asked parameter.
  other.name = "/app/prod/port";
  fake = std::make_shared<WrongAnswerClient>(std::vector<ParameterRecord>{other});
  r = run({"get", "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/port"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(CliTest, NoDecryptionOnASecretReferenceIsExplainedBeforeAnyCall) {
  auto r =
      run({"--no-decryption", "get", "/app/prod/port", "/aws/reference/secretsmanager/prod/db"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--no-decryption cannot read /aws/reference/secretsmanager/prod/db"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("ssm-cache secret prod/db"), std::string::npos) << r.err;
  EXPECT_EQ(
      run({"--no-decryption", "exec", "--name", "/aws/reference/secretsmanager/x", "--", "true"})
          .code,
      2);
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(CliTest, ANonAwsErrorBodyGivesStatusEndpointAndHint) {
  // What the library throws for a proxy's HTML 404 (json_protocol's parse_error_response).
  fake->fail_with(
      AwsError("GetParameters (/app/prod/port) on https://proxy.corp.example/ failed: no AWS error "
               "code (HTTP 404): "
               "the body (153 bytes, text/html) is not an AWS error document",
               "", "", 404, ""));
  auto r = run({"get", "/app/prod/port"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("proxy.corp.example"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Hint:"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(":  (HTTP"), std::string::npos) << r.err;
}

TEST_F(CliTest, ConfigurationErrorsNameFlagsAndVariablesNotLibraryOptions) {
  std::ostringstream out, err;
  const int code = run_cli(
      {"ssm-cache", "get", "/x"},
      [](const AwsClientOptions&) -> std::shared_ptr<AwsClient> {
        throw ConfigurationError(
            "no AWS region configured: set AwsClientOptions::region, AWS_REGION, "
            "AWS_DEFAULT_REGION or 'region' "
            "in profile 'default' of /h/.aws/config");
      },
      out, err);
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.str().find("set --region, AWS_REGION"), std::string::npos) << err.str();
  EXPECT_EQ(err.str().find("AwsClientOptions"), std::string::npos) << err.str();
  EXPECT_EQ(cli_wording("the AWS profile 'x' named by the profile option is not in ..."),
            "the AWS profile 'x' named by --profile is not in ...");
  EXPECT_EQ(cli_wording("AwsClientOptions::ssm_endpoint_url 'ftp://x' is not http(s)"),
            "--endpoint-url 'ftp://x' is not http(s)");
}

TEST_F(CliTest, ExecNeverTakesPathFromAParameterNameButAnExplicitMapping) {
  fake->put("/app/prod/path", "/tmp/evil");
  fake->put("/ops/bin-path", "/opt/bin:/usr/bin");
  auto r = run({"exec", "--path", "/app/prod", "--", "env"});
  EXPECT_EQ(r.code, 42) << r.err;
  ASSERT_TRUE(exec_request);
  for (const auto& [k, v] : exec_request->environment) EXPECT_NE(k, "PATH");
  EXPECT_NE(r.err.find("warning: parameter '/app/prod/path' would set PATH"), std::string::npos)
      << r.err;

  exec_request.reset();
  r = run({"exec", "--path", "/app/prod", "--env", "PATH=/ops/bin-path", "--", "env"});
  EXPECT_EQ(r.code, 42) << r.err;
  ASSERT_TRUE(exec_request);
  std::map<std::string, std::string> env(exec_request->environment.begin(),
                                         exec_request->environment.end());
  EXPECT_EQ(env["PATH"], "/opt/bin:/usr/bin");
  EXPECT_EQ(env["DB_URL"], "postgres://db");

  EXPECT_EQ(run({"exec", "--env", "1BAD=/ops/bin-path", "--", "env"}).code, 2);
  EXPECT_EQ(run({"exec", "--env", "X=/nope", "--", "env"}).code, 1);
}

TEST_F(CliTest, UsageErrorsAreExit2) {
  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"get"}).code, 2);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"get", "x", "--output", "yaml"}).code, 2);
  EXPECT_EQ(run({"secret", "x", "--version-stage", "A", "--version-id", "B"}).code, 2);
  EXPECT_EQ(run({"path", "/app", "--filter", "Key=Colour,Values=red"}).code, 2);
  EXPECT_EQ(run({"path", "/app", "--filter", "garbage"}).code, 2);
  EXPECT_EQ(run({"path", "relative"}).code, 2);
  EXPECT_EQ(run({"get", "x", "--", "y"}).code, 2);
  EXPECT_EQ(run({"get", "x", "--timeout", "0"}).code, 2);
  EXPECT_EQ(run({"get", "x", "--timeout", "soon"}).code, 2);
  EXPECT_EQ(fake->total_calls(), 0) << "usage errors must not call AWS";
  EXPECT_EQ(run({"--help"}).code, 0);
}

TEST_F(CliTest, VersionIsTheProjectVersion) {
  auto r = run({"--version"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("ssm-cache ") + SSM_CACHE_VERSION_STRING + "\n");
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(CliTest, HelpListsSubcommandsAndTopics) {
  auto r = run({"help"});
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* name : {"get", "path", "secret", "exec", "serve"}) {
    EXPECT_NE(r.out.find(std::string("  ") + name + "\n"), std::string::npos) << name << r.out;
  }
  for (const auto& t : help_topics()) {
    EXPECT_NE(r.out.find(std::string(t.name) + ": " + std::string(t.summary)), std::string::npos)
        << t.name;
  }
}

TEST_F(CliTest, HelpTopicPrintsItsText) {
  auto r = run({"help", "exit-status"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(find_help_topic("exit-status")->text));
  // A subcommand's topic is its own --help.
  r = run({"help", "exec"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("--override"), std::string::npos) << r.out;
  EXPECT_EQ(r.out, run({"exec", "--help"}).out);
  r = run({"help", "no-such-topic"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no-such-topic"), std::string::npos);
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(CliTest, PathRecursiveAndNot) {
  auto r = run({"path", "/app/prod"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/app/prod/nested/level\tdeep\n"), std::string::npos) << r.out;
  r = run({"path", "/app/prod", "--no-recursive", "-o", "env"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "export API_KEY='s3cr3t'\nexport DB_URL='postgres://db'\nexport PORT='5432'\n");
}

TEST_F(CliTest, PathFilter) {
  auto r = run({"path", "/app", "--filter", "Key=Type,Values=StringList"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "/app/list\ta,b,c\n");
}

TEST_F(CliTest, Secret) {
  auto r = run({"secret", "prod/db-password"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pa'ss\n");
  r = run({"secret", "prod/db-password", "--output", "env"});
  EXPECT_EQ(r.out, "export DB_PASSWORD='pa'\\''ss'\n");
  r = run({"secret", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ResourceNotFoundException"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

// `secret` reads through the library's Secret (issue 12, item 7): version id and stage are
// passed on, a missing stage is AWS's ResourceNotFoundException.
TEST_F(CliTest, SecretVersionIdAndStage) {
  auto r = run({"secret", "prod/db-password", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string vid = nlohmann::json::parse(r.out)["VersionId"];
  r = run({"secret", "prod/db-password", "--version-id", vid});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pa'ss\n");
  r = run({"secret", "prod/db-password", "--version-stage", "AWSCURRENT"});
  EXPECT_EQ(r.out, "pa'ss\n");
  r = run({"secret", "prod/db-password", "--version-stage", "AWSPREVIOUS"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ResourceNotFoundException"), std::string::npos) << r.err;
  EXPECT_EQ(fake->calls("GetSecretValue"), 4);
}

TEST_F(CliTest, ExecSetsEnvironmentAndReturnsCommandStatus) {
  auto r = run({"exec", "--path", "/app/prod", "--no-recursive", "--name", "/app/list", "--", "env",
                "-i", "X=1"});
  EXPECT_EQ(r.code, 42) << r.err;
  ASSERT_TRUE(exec_request);
  EXPECT_EQ(exec_request->command, (std::vector<std::string>{"env", "-i", "X=1"}));
  std::map<std::string, std::string> env(exec_request->environment.begin(),
                                         exec_request->environment.end());
  EXPECT_EQ(env["DB_URL"], "postgres://db");
  EXPECT_EQ(env["API_KEY"], "s3cr3t");
  EXPECT_EQ(env["LIST"], "a,b,c");
  EXPECT_EQ(env.count("LEVEL"), 0u);
}

TEST_F(CliTest, ExecCollisionAcrossPathsNeedsOverride) {
  auto r =
      run({"exec", "--path", "/app/common", "--path", "/app/prod", "--no-recursive", "--", "true"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(exec_request);
  EXPECT_NE(r.err.find("/app/common/port"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/app/prod/port"), std::string::npos) << r.err;
  r = run({"exec", "--override", "--path", "/app/common", "--path", "/app/prod", "--no-recursive",
           "--", "true"});
  EXPECT_EQ(r.code, 42) << r.err;
  std::map<std::string, std::string> env(exec_request->environment.begin(),
                                         exec_request->environment.end());
  EXPECT_EQ(env["PORT"], "5432");
}

TEST_F(CliTest, ExecUsage) {
  EXPECT_EQ(run({"exec", "--path", "/app/prod"}).code, 2);
  EXPECT_EQ(run({"exec", "--", "env"}).code, 2);
  auto r = run({"exec", "--name", "/missing", "--", "env"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/missing"), std::string::npos);
}

}  // namespace
}  // namespace ssm_cache::cli
