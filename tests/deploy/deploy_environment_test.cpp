// tests/deploy/deploy_environment_test.cpp — one end-to-end test per place users run us: the
// built `ssm-cache get` and an application linking the library (deploy_get_parameter) run
// under `env -i` with an empty temporary HOME (and again with a ~/.aws/config holding only
// `[profile other]`), the variables the platform sets, loopback stand-ins for its credential
// source, and ssm-cache-local as the SSM endpoint. ssm-cache-local accepts only the stand-ins'
// keys, so a passing read proves which credentials signed it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/fake_sts.hpp"
#include "cli/process.hpp"
#include "http/loopback_server.hpp"

namespace ssm_cache::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::LoopbackServer;

struct Keys {
  std::string id, secret, token;
};
const Keys kEcs{"ASIAECSTASK", "ecs-task-secret-value", "ecs-task-session-token"};
const Keys kPod{"ASIAPODIDENTITY", "pod-identity-secret-value", "pod-identity-session-token"};
const Keys kEc2{"ASIAEC2ROLE", "ec2-role-secret-value", "ec2-role-session-token"};
const Keys kSso{"ASIASSOLAPTOP", "sso-laptop-secret-value", "sso-laptop-session-token"};
// What testing_aws::sts_success_xml hands out (the token is XML-escaped there).
const Keys kIrsa{"ASIAIRSA", "sts-secret-key", "sts-session-token&more"};

constexpr const char* kParameter = "/deploy/greeting";
constexpr const char* kValue = "hello from parameter store";

std::string program(const char* name) {
  if (std::string(name) == "DEPLOY_GET_PARAMETER_BIN") return DEPLOY_GET_PARAMETER_BIN;
  return env_or_die(name);
}

/// The container and instance metadata endpoints' JSON (ECS task role / EKS Pod Identity / IMDS).
std::string metadata_credentials_json(const Keys& k) {
  return nlohmann::json{{"Code", "Success"},
                        {"Type", "AWS-HMAC"},
                        {"AccessKeyId", k.id},
                        {"SecretAccessKey", k.secret},
                        {"Token", k.token},
                        {"Expiration", "2099-01-01T00:00:00Z"},
                        {"LastUpdated", "2026-01-01T00:00:00Z"}}
      .dump();
}

/// ssm-cache-local holding one parameter, accepting only the stand-ins' keys.
class SsmStandIn {
 public:
  SsmStandIn()
      : data_(write_temp_file(nlohmann::json{
            {"format", "ssm-cache-local"},
            {"version", 1},
            {"parameters", {{{"Name", kParameter}, {"Type", "String"}, {"Value", kValue}}}}}
                                  .dump())),
        process_({program("SSM_CACHE_LOCAL_BIN"), "--port", "0", "--quiet", "--data", data_,
                  "--credentials", kEcs.id + ":" + kEcs.secret, kPod.id + ":" + kPod.secret,
                  kEc2.id + ":" + kEc2.secret, kIrsa.id + ":" + kIrsa.secret,
                  kSso.id + ":" + kSso.secret}) {
    url_ = process_.wait_for_url();
  }
  ~SsmStandIn() { std::filesystem::remove(data_); }
  const std::string& url() const { return url_; }

 private:
  std::string data_;
  ServerProcess process_;
  std::string url_;
};

/// One request as a stand-in saw it.
struct Seen {
  std::string method, path, authorization, imds_token, imds_ttl;
};

/// A loopback HTTP server recording what it is asked; handlers are added per environment.
class StandIn {
 public:
  StandIn() = default;
  void record(const httplib::Request& req) {
    std::lock_guard lock(mutex_);
    seen_.push_back({req.method, req.path, req.get_header_value("Authorization"),
                     req.get_header_value("X-aws-ec2-metadata-token"),
                     req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds")});
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  httplib::Server& server() { return server_.server(); }
  void start() { server_.start(); }
  std::string url() const { return server_.url(); }

 private:
  LoopbackServer server_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

/// The ECS agent / EKS Pod Identity agent: any GET answers the given keys.
class ContainerStandIn : public StandIn {
 public:
  explicit ContainerStandIn(const Keys& keys) {
    server().Get(".*", [this, body = metadata_credentials_json(keys)](const httplib::Request& req,
                                                                      httplib::Response& res) {
      record(req);
      res.set_content(body, "application/json");
    });
    start();
  }
};

/// IMDSv2: a session token from PUT /latest/api/token is required on every GET (else 401).
class ImdsStandIn : public StandIn {
 public:
  static constexpr const char* kSessionToken = "imds-session-token-AQAEAExample";
  explicit ImdsStandIn(const Keys* keys) {
    server().Put("/latest/api/token", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
        res.status = 400;
        return;
      }
      res.set_content(kSessionToken, "text/plain");
    });
    server().Get(".*", [this, keys](const httplib::Request& req, httplib::Response& res) {
      record(req);
      if (req.get_header_value("X-aws-ec2-metadata-token") != kSessionToken) {
        res.status = 401;
        return;
      }
      const std::string base = "/latest/meta-data/iam/security-credentials/";
      if (keys == nullptr || !req.path.starts_with(base)) {
        res.status = 404;  // an instance without a role
      } else if (req.path == base) {
        res.set_content("deploy-role", "text/plain");
      } else if (req.path == base + "deploy-role") {
        res.set_content(metadata_credentials_json(*keys), "text/plain");
      } else {
        res.status = 404;
      }
    });
    start();
  }
};

/// A fresh HOME: empty, or with a config file that names only another profile.
class TempHome {
 public:
  explicit TempHome(bool other_profile_only) {
    char tmpl[] = "/tmp/ssm_cache_deploy_home_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
    if (other_profile_only) {
      std::filesystem::create_directories(path_ + "/.aws");
      std::ofstream(path_ + "/.aws/config") << "[profile other]\nregion = eu-west-1\n";
    }
  }
  ~TempHome() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name) << text;
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

/// Runs `argv` under `env -i`: only the variables given exist in its environment.
ProgramResult run_clean(const std::vector<std::string>& argv,
                        const std::map<std::string, std::string>& env) {
  std::vector<std::string> command = {"/usr/bin/env", "-i"};
  for (const auto& [k, v] : env) command.push_back(k + "=" + v);
  command.insert(command.end(), argv.begin(), argv.end());
  return run_program(command, {}, std::chrono::seconds(60));
}

/// What every environment sets besides its credential source: region, the SSM endpoint, and
/// an instance metadata endpoint on loopback (the real one is never reached from a test).
std::map<std::string, std::string> base_env(const TempHome& home, const SsmStandIn& ssm,
                                            const StandIn& imds) {
  return {{"HOME", home.path()},
          {"AWS_REGION", "us-east-1"},
          {"AWS_ENDPOINT_URL_SSM", ssm.url()},
          {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}};
}

/// The two programs a user runs: the CLI and an application using the library's default client.
std::vector<std::vector<std::string>> readers() {
  return {{program("SSM_CACHE_BIN"), "get", kParameter},
          {program("DEPLOY_GET_PARAMETER_BIN"), kParameter}};
}

/// Both programs, with both HOMEs: each reads the parameter; returns how many runs there were.
template <typename MakeEnv>
int expect_every_program_reads(MakeEnv make_env) {
  int runs = 0;
  for (const bool other_profile_only : {false, true}) {
    TempHome home(other_profile_only);
    for (const auto& argv : readers()) {
      const ProgramResult r = run_clean(argv, make_env(home));
      EXPECT_EQ(r.code, 0) << argv[0]
                           << (other_profile_only ? " ([profile other] only)" : " (empty HOME)")
                           << "\nstderr: " << r.err;
      EXPECT_THAT(r.out, HasSubstr(kValue)) << argv[0];
      ++runs;
    }
  }
  return runs;
}

TEST(DeployEcs, TaskRoleThroughTheRelativeUri) {
  SsmStandIn ssm;
  ContainerStandIn agent(kEcs);
  ImdsStandIn imds(&kEc2);
  const int runs = expect_every_program_reads([&](const TempHome& home) {
    auto env = base_env(home, ssm, imds);
    env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/3f9c2a1e-task";
    // The ECS agent's address (169.254.170.2) replaced as the AWS SDK for Java allows.
    env["AWS_CONTAINER_SERVICE_ENDPOINT"] = agent.url();
    return env;
  });
  const auto seen = agent.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), runs);
  for (const auto& s : seen) {
    EXPECT_EQ(s.method, "GET");
    EXPECT_EQ(s.path, "/v2/credentials/3f9c2a1e-task");
    EXPECT_EQ(s.authorization, "");  // ECS task roles carry no token
  }
  EXPECT_TRUE(imds.seen().empty());  // the container answered: IMDS is never asked
}

TEST(DeployEcs, FullUriWithAnAuthorizationToken) {
  SsmStandIn ssm;
  ContainerStandIn agent(kEcs);
  ImdsStandIn imds(&kEc2);
  const int runs = expect_every_program_reads([&](const TempHome& home) {
    auto env = base_env(home, ssm, imds);
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds?id=task";
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic ecs-full-uri-token";
    return env;
  });
  const auto seen = agent.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), runs);
  for (const auto& s : seen) {
    EXPECT_EQ(s.path, "/creds");
    EXPECT_EQ(s.authorization, "Basic ecs-full-uri-token");
  }
  EXPECT_TRUE(imds.seen().empty());
}

TEST(DeployEksPodIdentity, TokenFileIsSentAsAuthorization) {
  SsmStandIn ssm;
  ContainerStandIn agent(kPod);
  ImdsStandIn imds(&kEc2);
  TempHome token_dir(false);
  // What the EKS Pod Identity webhook mounts: a projected service account token, newline-ended.
  const std::string token_file =
      token_dir.write("eks-pod-identity-token", "eyJhbGciOiJSUzI1NiJ9.pod.sig\n");
  const int runs = expect_every_program_reads([&](const TempHome& home) {
    auto env = base_env(home, ssm, imds);
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/v1/credentials";
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = token_file;
    return env;
  });
  const auto seen = agent.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), runs);
  for (const auto& s : seen) {
    EXPECT_EQ(s.path, "/v1/credentials");
    EXPECT_EQ(s.authorization, "eyJhbGciOiJSUzI1NiJ9.pod.sig");
  }
  EXPECT_TRUE(imds.seen().empty());
}

TEST(DeployEksIrsa, WebIdentityTokenIsExchangedAtSts) {
  SsmStandIn ssm;
  testing_aws::FakeSts sts(
      testing_aws::sts_success_xml("AssumeRoleWithWebIdentity", kIrsa.id, "2099-01-01T00:00:00Z"));
  ImdsStandIn imds(&kEc2);
  TempHome token_dir(false);
  const std::string token_file = token_dir.write("irsa-token", "eyJhbGciOiJSUzI1NiJ9.irsa.sig");
  const int runs = expect_every_program_reads([&](const TempHome& home) {
    auto env = base_env(home, ssm, imds);
    env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/eks-app";
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
    env["AWS_ENDPOINT_URL_STS"] = sts.url();
    return env;
  });
  const auto seen = sts.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), runs);
  for (const auto& s : seen) {
    EXPECT_EQ(s.params.at("Action"), "AssumeRoleWithWebIdentity");
    EXPECT_EQ(s.params.at("RoleArn"), "arn:aws:iam::123456789012:role/eks-app");
    EXPECT_EQ(s.params.at("WebIdentityToken"), "eyJhbGciOiJSUzI1NiJ9.irsa.sig");
    EXPECT_EQ(s.authorization, "");  // the web identity call is not signed
  }
  EXPECT_TRUE(imds.seen().empty());
}

TEST(DeployEc2, InstanceRoleThroughImdsV2TokenFirst) {
  SsmStandIn ssm;
  ImdsStandIn imds(&kEc2);
  const int runs =
      expect_every_program_reads([&](const TempHome& home) { return base_env(home, ssm, imds); });
  const auto seen = imds.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), 3 * runs);  // token, role name, role credentials
  for (std::size_t i = 0; i < seen.size(); i += 3) {
    EXPECT_EQ(seen[i].method, "PUT");
    EXPECT_EQ(seen[i].path, "/latest/api/token");
    EXPECT_FALSE(seen[i].imds_ttl.empty());
    EXPECT_EQ(seen[i + 1].path, "/latest/meta-data/iam/security-credentials/");
    EXPECT_EQ(seen[i + 2].path, "/latest/meta-data/iam/security-credentials/deploy-role");
    EXPECT_EQ(seen[i + 1].imds_token, ImdsStandIn::kSessionToken);
    EXPECT_EQ(seen[i + 2].imds_token, ImdsStandIn::kSessionToken);
  }
}

TEST(DeployNowhere, OneErrorNamesEveryProviderAndWhy) {
  SsmStandIn ssm;
  ImdsStandIn imds(nullptr);  // an instance without a role
  for (const bool other_profile_only : {false, true}) {
    TempHome home(other_profile_only);
    for (const auto& argv : readers()) {
      const ProgramResult r = run_clean(argv, base_env(home, ssm, imds));
      EXPECT_EQ(r.code, 1) << argv[0] << "\n" << r.err;
      EXPECT_THAT(r.err, HasSubstr("no AWS credentials found")) << argv[0];
      for (const char* why :
           {"AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "no profile 'default'",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "no IAM role"}) {
        EXPECT_THAT(r.err, HasSubstr(why)) << argv[0];
      }
      EXPECT_THAT(r.err, Not(HasSubstr(ImdsStandIn::kSessionToken)));
    }
  }
}

TEST(DeployNowhere, ANamedProfileThatIsMissingIsAClearError) {
  SsmStandIn ssm;
  ContainerStandIn agent(kEcs);
  ImdsStandIn imds(&kEc2);
  TempHome home(true);
  auto env = base_env(home, ssm, imds);
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds";
  env["AWS_PROFILE"] = "missing";
  for (const auto& argv : readers()) {
    const ProgramResult r = run_clean(argv, env);
    EXPECT_NE(r.code, 0) << argv[0];
    EXPECT_THAT(r.err, HasSubstr("'missing'")) << argv[0];
    EXPECT_THAT(r.err, HasSubstr("AWS_PROFILE")) << argv[0];
  }
  auto cli = env;
  cli.erase("AWS_PROFILE");
  const ProgramResult r =
      run_clean({program("SSM_CACHE_BIN"), "--profile", "missing", "get", kParameter}, cli);
  EXPECT_EQ(r.code, 2);  // a setting to fix, as for a usage error
  EXPECT_THAT(r.err, HasSubstr("'missing'"));
  EXPECT_THAT(r.err, HasSubstr("--profile"));
  EXPECT_TRUE(agent.seen().empty());  // the chain stops at the named profile
}

/// The IAM Identity Center portal: GetRoleCredentials for one bearer token, 401 for others.
class SsoPortalStandIn : public StandIn {
 public:
  static constexpr const char* kAccessToken = "aoaAAAAAGlaptopSsoAccessToken";
  SsoPortalStandIn() {
    server().Get("/federation/credentials", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      record(req);
      if (req.get_header_value("x-amz-sso_bearer_token") != kAccessToken) {
        res.status = 401;
        res.set_header("x-amzn-ErrorType", "UnauthorizedException");
        res.set_content(R"({"message":"Session token not found or invalid"})", "application/json");
        return;
      }
      res.set_content(nlohmann::json{{"roleCredentials",
                                      {{"accessKeyId", kSso.id},
                                       {"secretAccessKey", kSso.secret},
                                       {"sessionToken", kSso.token},
                                       {"expiration", 4102444800000LL}}}}
                          .dump(),
                      "application/json");
    });
    start();
  }
};

/// ~/.aws as `aws configure sso` and `aws sso login` leave it: an SSO profile, its
/// sso-session, and the token cache file named by the SHA-1 of the session name (botocore's
/// rule, checked in tests/aws/credentials_sso_test.cpp).
void write_sso_login(const TempHome& home, const std::string& profile_section,
                     const std::string& expires_at) {
  std::filesystem::create_directories(home.path() + "/.aws/sso/cache");
  std::ofstream(home.path() + "/.aws/config")
      << "[profile other]\nregion = eu-west-1\n"
      << profile_section
      << "\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadParams\n"
      << "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = "
         "eu-west-1\n";
  std::ofstream(home.path() + "/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
      << nlohmann::json{{"startUrl", "https://corp.awsapps.com/start"},
                        {"region", "eu-west-1"},
                        {"accessToken", SsoPortalStandIn::kAccessToken},
                        {"expiresAt", expires_at}}
             .dump();
}

TEST(DeployLaptop, SsoLoginTokenIsExchangedAtThePortal) {
  SsmStandIn ssm;
  SsoPortalStandIn portal;
  ImdsStandIn imds(&kEc2);
  int runs = 0;
  // The SSO profile as [default], and as a named profile chosen by AWS_PROFILE and by --profile.
  for (const std::string section : {"[default]", "[profile dev]"}) {
    TempHome home(false);
    write_sso_login(home, section, "2099-01-01T00:00:00Z");
    auto env = base_env(home, ssm, imds);
    env["AWS_ENDPOINT_URL_SSO"] = portal.url();
    if (section == "[profile dev]") env["AWS_PROFILE"] = "dev";
    for (const auto& argv : readers()) {
      const ProgramResult r = run_clean(argv, env);
      EXPECT_EQ(r.code, 0) << section << " " << argv[0] << "\n" << r.err;
      EXPECT_THAT(r.out, HasSubstr(kValue));
      ++runs;
    }
    if (section == "[profile dev]") {
      env.erase("AWS_PROFILE");
      const ProgramResult r =
          run_clean({program("SSM_CACHE_BIN"), "--profile", "dev", "get", kParameter}, env);
      EXPECT_EQ(r.code, 0) << r.err;
      ++runs;
    }
  }
  const auto seen = portal.seen();
  ASSERT_EQ(static_cast<int>(seen.size()), runs);
  for (const auto& request : seen) EXPECT_EQ(request.path, "/federation/credentials");
  EXPECT_TRUE(imds.seen().empty());
}

TEST(DeployLaptop, AnExpiredSsoTokenSaysToLogInAgain) {
  SsmStandIn ssm;
  SsoPortalStandIn portal;
  ImdsStandIn imds(&kEc2);
  TempHome home(false);
  write_sso_login(home, "[profile dev]", "2020-01-01T00:00:00Z");
  auto env = base_env(home, ssm, imds);
  env["AWS_ENDPOINT_URL_SSO"] = portal.url();
  env["AWS_PROFILE"] = "dev";
  for (const auto& argv : readers()) {
    const ProgramResult r = run_clean(argv, env);
    EXPECT_EQ(r.code, 1) << argv[0];
    EXPECT_THAT(r.err, HasSubstr("expired")) << argv[0];
    EXPECT_THAT(r.err, HasSubstr("aws sso login --profile dev")) << argv[0];
    EXPECT_THAT(r.err, Not(HasSubstr(SsoPortalStandIn::kAccessToken)));
  }
  EXPECT_TRUE(portal.seen().empty());  // an expired token is never sent
  EXPECT_TRUE(imds.seen().empty());  // nor does the chain fall through to other credentials
}

/// A container agent that never answers in time (held until the test ends).
class HangingContainerStandIn : public StandIn {
 public:
  HangingContainerStandIn() {
    server().Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      for (int i = 0; i < 200 && !released_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      res.status = 503;
    });
    start();
  }
  ~HangingContainerStandIn() { released_ = true; }

 private:
  std::atomic<bool> released_{false};
};

TEST(DeployCli, DebugShowsEachExchangeAndNoSecret) {
  SsmStandIn ssm;
  ContainerStandIn agent(kEcs);
  ImdsStandIn imds(&kEc2);
  TempHome home(false);
  auto env = base_env(home, ssm, imds);
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds?task=1";
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic ecs-full-uri-token";
  const ProgramResult r = run_clean({program("SSM_CACHE_BIN"), "--debug", "get", kParameter}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kValue) + "\n");  // the log goes to stderr only
  EXPECT_THAT(r.err, HasSubstr("debug: > GET " + agent.url() + "/creds ("));
  EXPECT_THAT(r.err, HasSubstr("debug: < HTTP 200 from " + agent.url() + "/creds"));
  EXPECT_THAT(r.err, HasSubstr("(AmazonSSM.GetParameter"));
  EXPECT_THAT(r.err, HasSubstr("debug: < HTTP 200 from " + ssm.url()));
  for (const std::string& secret :
       {std::string("ecs-full-uri-token"), kEcs.secret, kEcs.token, std::string(kValue),
        std::string("task=1"), std::string("Signature=")}) {
    EXPECT_THAT(r.err, Not(HasSubstr(secret)));
  }
}

TEST(DeployCli, TimeoutBoundsTheWholeCommandCredentialLookupIncluded) {
  SsmStandIn ssm;
  HangingContainerStandIn agent;
  ImdsStandIn imds(&kEc2);
  TempHome home(false);
  auto env = base_env(home, ssm, imds);
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.url() + "/creds";
  const auto start = std::chrono::steady_clock::now();
  const ProgramResult r =
      run_clean({program("SSM_CACHE_BIN"), "--timeout", "1", "get", kParameter}, env);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("--timeout 1"));
  // Without the deadline the container lookup alone takes 2 attempts x 2 s; a generous bound.
  EXPECT_LT(took, std::chrono::milliseconds(3500));
  EXPECT_FALSE(agent.seen().empty());
}

}  // namespace
}  // namespace ssm_cache::testing
