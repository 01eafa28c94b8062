// Integration tests of the ssm-cache program against ssm-cache-local: get / path / secret in
// every output format, eval of env output in a real shell, exec with `env` as the command and
// its exit status, exit codes 1 (AWS errors, naming parameter and code) and 2 (usage).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/local_fixture.hpp"

namespace ssm_cache::testing {
namespace {

class CliIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { local = new LocalServer(); }
  static void TearDownTestSuite() {
    delete local;
    local = nullptr;
  }
  void SetUp() override { ASSERT_NE(local, nullptr) << "ssm-cache-local did not start"; }
  ProgramResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), {env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local->url()});
    return run_program(args, local->client_env());
  }
  static LocalServer* local;
};
LocalServer* CliIntegration::local = nullptr;

TEST_F(CliIntegration, GetText) {
  auto r = cli({"get", "/app/prod/db-url"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "postgres://db.internal/app\n");
  r = cli({"get", "/app/prod/api-key"});
  EXPECT_EQ(r.out, "s3cr3t-'quoted' $(x)\n");
  r = cli({"get", "/app/v:1", "/app/v:live"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "/app/v:1\tone\n/app/v:live\ttwo\n");
}

TEST_F(CliIntegration, GetJsonWithOptionsAfterSubcommand) {
  auto r =
      run_program({env_or_die("SSM_CACHE_BIN"), "get", "/app/prod/port", "/app/list", "--output",
                   "json", "--endpoint-url", local->url(), "--region", "us-east-1"},
                  local->client_env());
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["Name"], "/app/prod/port");
  EXPECT_EQ(j[0]["Value"], "5432");
  EXPECT_EQ(j[0]["Version"], 1);
  EXPECT_EQ(j[1]["Type"], "StringList");
  EXPECT_TRUE(j[1]["ARN"].get<std::string>().find("parameter/app/list") != std::string::npos);
}

TEST_F(CliIntegration, EnvOutputEvaluatesInShell) {
  auto r = cli({"path", "/app/prod", "--no-recursive", "--output", "env"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto sh = run_program(
      {"/bin/sh", "-c", r.out + "printf '%s|%s|%s' \"$DB_URL\" \"$PORT\" \"$API_KEY\""});
  EXPECT_EQ(sh.out, "postgres://db.internal/app|5432|s3cr3t-'quoted' $(x)");
}

TEST_F(CliIntegration, PathRecursiveFilterAndNoDecryption) {
  auto r = cli({"path", "/app/prod"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/app/prod/nested/level\tdeep"), std::string::npos) << r.out;
  r = cli({"path", "/app", "--filter", "Key=Type,Values=StringList"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "/app/list\ta,b,c\n");
  r = cli({"--no-decryption", "get", "/app/prod/api-key"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos) << "not decrypted: " << r.out;
}

TEST_F(CliIntegration, Secret) {
  auto r = cli({"secret", "prod/db-password"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "pa'ss\n");
  r = cli({"secret", "prod/db-password", "-o", "json"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["Name"], "prod/db-password");
  EXPECT_EQ(j["VersionStages"][0], "AWSCURRENT");
  r = cli({"secret", "nope/nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ResourceNotFoundException"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nope/nope"), std::string::npos) << r.err;
}

TEST_F(CliIntegration, ExitCodes) {
  auto r = cli({"get", "/app/prod/port", "/does/not/exist"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("ParameterNotFound"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/does/not/exist"), std::string::npos) << r.err;
  r = cli({"get", "/app/v:9"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("/app/v:9"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"get"}).code, 2);
  EXPECT_EQ(cli({"bogus"}).code, 2);
  EXPECT_EQ(cli({"path", "/app", "--filter", "Key=Nope,Values=x"}).code, 2);
  // Wrong credentials: an AWS error code from the server.
  auto env = local->client_env();
  env["AWS_SECRET_ACCESS_KEY"] = "wrong";
  r = run_program({env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local->url(), "get", "/app/v"},
                  env);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("Signature"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong"), std::string::npos) << "a credential leaked: " << r.err;
}

TEST_F(CliIntegration, ExecWithEnv) {
  auto r = cli({"exec", "--path", "/app/prod", "--no-recursive", "--name", "/app/list", "--",
                "/usr/bin/env"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\nDB_URL=postgres://db.internal/app\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nPORT=5432\n"), std::string::npos);
  EXPECT_NE(r.out.find("\nAPI_KEY=s3cr3t-'quoted' $(x)\n"), std::string::npos);
  EXPECT_NE(r.out.find("\nLIST=a,b,c\n"), std::string::npos);
  EXPECT_EQ(r.out.find("LEVEL="), std::string::npos);
  // The command's arguments are its own, even those that look like options.
  r = cli({"exec", "--name", "/app/prod/port", "--", "env", "-u", "HOME", "sh", "-c",
           "echo $PORT; exit 7"});
  EXPECT_EQ(r.code, 7) << r.err;
  EXPECT_EQ(r.out, "5432\n");
}

TEST_F(CliIntegration, ExecCollisionsAndOverride) {
  auto r =
      cli({"exec", "--path", "/app/common", "--path", "/app/prod", "--no-recursive", "--", "env"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/app/common/port"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/app/prod/port"), std::string::npos) << r.err;
  r = cli({"exec", "--override", "--path", "/app/common", "--path", "/app/prod", "--no-recursive",
           "--", "sh", "-c", "echo $PORT"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "5432\n");
  r = cli({"exec", "--name", "/app/prod/port", "--", "/no/such/program"});
  EXPECT_EQ(r.code, 127);
}

}  // namespace
}  // namespace ssm_cache::testing
