// tests/aws/credentials_test.cpp — every credentials provider alone and composed: static,
// environment, profile files, credential_process, container and IMDSv2 (fake transport), the
// chain, the cache; errors name provider and setting and never carry a secret or a token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>

#include "aws/credentials_process.hpp"
#include "aws/credentials_transport.hpp"
#include "aws/credentials_util.hpp"
#include "aws/temp_dir.hpp"
#include "common/time.hpp"
#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_aws::TempDir;
using namespace std::chrono_literals;

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
constexpr const char* kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKENVALUE==";

/// The message of the CredentialsError `f` throws; fails the test when it throws nothing.
template <typename F>
std::string credentials_error(F&& f, bool* not_configured = nullptr) {
  try {
    f();
  } catch (const CredentialsNotConfigured& e) {
    if (not_configured) *not_configured = true;
    return e.what();
  } catch (const CredentialsError& e) {
    if (not_configured) *not_configured = false;
    return e.what();
  }
  ADD_FAILURE() << "no CredentialsError";
  return {};
}

void expect_no_secrets(const std::string& message) {
  EXPECT_THAT(message, Not(HasSubstr(kSecret)));
  EXPECT_THAT(message, Not(HasSubstr(kToken)));
}

std::string credentials_json(const std::string& expiration = "2030-01-01T00:00:00Z") {
  return std::string(
             R"({"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIATEMP","SecretAccessKey":")") +
         kSecret + R"(","Token":")" + kToken + R"(","Expiration":")" + expiration + R"("})";
}

/// A Transport that answers from a function and records what it was asked.
class FakeTransport : public http::Transport {
 public:
  using Handler = std::function<http::Response(const http::Request&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}
  http::Response send(const http::Request& request) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    return handler_(request);
  }
  std::vector<http::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  Handler handler_;
  mutable std::mutex mutex_;
  std::vector<http::Request> requests_;
};

http::Response respond(int status, std::string body = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string header_of(const http::Request& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n == name) return v;
  }
  return {};
}

// ----- static and environment ----------------------------------------------------------------

TEST(StaticCredentials, ReturnsWhatItWasGiven) {
  auto p = make_static_credentials_provider({Credentials{"AKID", kSecret, "", std::nullopt, ""}});
  const Credentials c = p->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKID");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.provider, "static");
  const auto message = credentials_error([] {
    make_static_credentials_provider({Credentials{"AKID", "", "", {}, ""}});
  });
  EXPECT_THAT(message, HasSubstr("static"));
}

TEST(EnvironmentCredentials, ReadsTheThreeVariables) {
  auto p = make_environment_credentials_provider(
      {make_map_environment({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                             {"AWS_SECRET_ACCESS_KEY", kSecret},
                             {"AWS_SESSION_TOKEN", kToken},
                             {"AWS_CREDENTIAL_EXPIRATION", "2030-05-06T07:08:09Z"}})});
  const Credentials c = p->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKIDENV");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.provider, "environment");
  ASSERT_TRUE(c.expiration);
  EXPECT_EQ(c.expiration, common::parse_iso8601("2030-05-06T07:08:09Z"));
}

TEST(EnvironmentCredentials, NotSetPartialAndBad) {
  bool not_configured = false;
  auto none = make_environment_credentials_provider({make_map_environment({})});
  EXPECT_THAT(credentials_error([&] { none->get_credentials(); }, &not_configured),
              HasSubstr("AWS_ACCESS_KEY_ID"));
  EXPECT_TRUE(not_configured);

  auto partial = make_environment_credentials_provider(
      {make_map_environment({{"AWS_SECRET_ACCESS_KEY", kSecret}})});
  std::string m = credentials_error([&] { partial->get_credentials(); }, &not_configured);
  EXPECT_FALSE(not_configured);  // set up but broken: a chain must stop here
  EXPECT_THAT(m, HasSubstr("AWS_ACCESS_KEY_ID is not"));
  expect_no_secrets(m);

  auto bad = make_environment_credentials_provider(
      {make_map_environment({{"AWS_ACCESS_KEY_ID", "A"},
                             {"AWS_SECRET_ACCESS_KEY", kSecret},
                             {"AWS_CREDENTIAL_EXPIRATION", "tomorrow"}})});
  m = credentials_error([&] { bad->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("AWS_CREDENTIAL_EXPIRATION"));
  expect_no_secrets(m);
}

// ----- profile files -------------------------------------------------------------------------

class ProfileTest : public ::testing::Test {
 protected:
  EnvironmentLookup env(std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> values{{"HOME", dir.path() + "/home"}};
    for (auto& [k, v] : extra) values[k] = v;
    return make_map_environment(values);
  }
  std::shared_ptr<CredentialsProvider> provider(std::map<std::string, std::string> extra = {},
                                                std::string profile = {}) const {
    ProfileCredentialsConfig config;
    config.environment = env(std::move(extra));
    config.profile = std::move(profile);
    config.process_timeout = 20s;
    return make_profile_credentials_provider(std::move(config));
  }
  void write_config(const std::string& text) const { dir.write("home/.aws/config", text); }
  void write_credentials(const std::string& text) const {
    dir.write("home/.aws/credentials", text);
  }
  TempDir dir;
};

TEST_F(ProfileTest, StaticKeysFromCredentialsAndConfigFiles) {
  write_credentials(
      std::string("[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = ") + kSecret +
      "\naws_session_token = " + kToken + "\n");
  write_config("[profile dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n");
  Credentials c = provider()->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKIDDEF");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.provider, "profile");
  EXPECT_FALSE(c.expiration);
  c = provider({{"AWS_PROFILE", "dev"}})->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKIDDEV");
  c = provider({}, "dev")->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKIDDEV");
}

TEST_F(ProfileTest, NoFilesIsNotConfiguredButAMissingNamedProfileIsAnError) {
  bool not_configured = false;
  std::string m = credentials_error([&] { provider()->get_credentials(); }, &not_configured);
  EXPECT_TRUE(not_configured);
  EXPECT_THAT(m, HasSubstr("profile"));
  write_config("[default]\nregion = us-east-1\n");
  m = credentials_error([&] { provider()->get_credentials(); }, &not_configured);
  EXPECT_TRUE(not_configured);
  EXPECT_THAT(m, HasSubstr("no aws_access_key_id"));
  m = credentials_error(
      [&] {
        provider({{"AWS_PROFILE", "ghost"}})->get_credentials();
      },
      &not_configured);
  EXPECT_FALSE(not_configured);
  EXPECT_THAT(m, HasSubstr("'ghost'"));
  EXPECT_THAT(m, HasSubstr("AWS_PROFILE"));
}

TEST_F(ProfileTest, PartialKeysAndMalformedFilesAreErrorsWithoutSecrets) {
  write_credentials(std::string("[default]\naws_secret_access_key = ") + kSecret + "\n");
  std::string m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("aws_access_key_id is not"));
  EXPECT_THAT(m, HasSubstr(dir.path() + "/home/.aws/credentials"));
  expect_no_secrets(m);

  write_credentials(std::string("[default]\n") + kSecret + "\n");
  m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("line 2"));
  expect_no_secrets(m);
}

TEST_F(ProfileTest, StsProfilesGoToTheResolver) {
  // Without a resolver of its own, the default one serves role profiles; here the source
  // profile does not exist, which fails before any STS call (whose endpoint is a closed
  // loopback port anyway).
  write_config(
      "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = "
      "default\n");
  std::string m = credentials_error([&] {
    provider({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"}}, "admin")->get_credentials();
  });
  EXPECT_THAT(m, HasSubstr("admin"));
  EXPECT_THAT(m, HasSubstr("default"));

  ProfileCredentialsConfig config;
  config.environment = env();
  config.profile = "admin";
  int resolved = 0;
  config.sts_resolver = [&](const std::string& name,
                            const std::map<std::string, std::string>& values) {
    ++resolved;
    EXPECT_EQ(name, "admin");
    EXPECT_EQ(values.at("source_profile"), "default");
    return make_static_credentials_provider({Credentials{"ASIAROLE", "s", "t", {}, "assume-role"}});
  };
  auto p = make_profile_credentials_provider(config);
  EXPECT_EQ(p->get_credentials().access_key_id, "ASIAROLE");
  EXPECT_EQ(p->get_credentials().provider, "assume-role");
  EXPECT_EQ(resolved, 1);  // the resolved provider is kept
}

// ----- credential_process ----------------------------------------------------------------------

TEST(SplitCommandLine, PosixWords) {
  using V = std::vector<std::string>;
  EXPECT_EQ(aws::split_command_line("a b\t c"), (V{"a", "b", "c"}));
  EXPECT_EQ(aws::split_command_line(R"('/opt/my tool' "x \"y\" \\ $z" w\ v)"),
            (V{"/opt/my tool", "x \"y\" \\ $z", "w v"}));
  EXPECT_EQ(aws::split_command_line(R"(a''b "" c)"), (V{"ab", "", "c"}));
  EXPECT_EQ(aws::split_command_line("tool; rm -rf / $(x) | y"),
            (V{"tool;", "rm", "-rf", "/", "$(x)", "|", "y"}));
  EXPECT_THROW(aws::split_command_line("'open"), std::invalid_argument);
  EXPECT_THROW(aws::split_command_line("\"open"), std::invalid_argument);
  EXPECT_TRUE(aws::split_command_line("   ").empty());
}

TEST_F(ProfileTest, CredentialProcessOutputWithExpiration) {
  const std::string script =
      dir.write("bin/my creds.sh",
                std::string("#!/bin/sh\n"
                            "printf '{\"Version\": 1, \"AccessKeyId\": \"%s|%s\", "
                            "\"SecretAccessKey\": \"") +
                    kSecret + "\", \"SessionToken\": \"" + kToken +
                    "\", \"Expiration\": \"2031-02-03T04:05:06Z\"}' \"$1\" \"$2\"\n",
                true);
  write_config("[default]\ncredential_process = \"" + script + "\" 'first arg' $HOME\n");
  const Credentials c = provider()->get_credentials();
  EXPECT_EQ(c.access_key_id, "first arg|$HOME");  // no shell: nothing expanded
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.expiration, common::parse_iso8601("2031-02-03T04:05:06Z"));
}

TEST_F(ProfileTest, CredentialProcessIsNotRunThroughAShell) {
  const std::string marker = dir.path() + "/pwned";
  write_config("[default]\ncredential_process = /bin/true ; /usr/bin/touch " + marker + "\n");
  const std::string m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("not valid JSON"));
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST_F(ProfileTest, CredentialProcessFailures) {
  const std::string secret_json =
      std::string(R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": ")") + kSecret + "\"}";
  const std::string v2 = dir.write("v2.sh", "#!/bin/sh\necho '" + secret_json + "'\n", true);
  write_config("[default]\ncredential_process = " + v2 + "\n");
  std::string m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("\"Version\": 1"));
  EXPECT_THAT(m, HasSubstr(v2));
  expect_no_secrets(m);

  const std::string garbage =
      dir.write("garbage.sh", std::string("#!/bin/sh\necho 'oops ") + kSecret + "'\n", true);
  write_config("[default]\ncredential_process = " + garbage + "\n");
  m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("not valid JSON"));
  expect_no_secrets(m);

  const std::string fails =
      dir.write("fails.sh", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n", true);
  write_config("[default]\ncredential_process = " + fails + "\n");
  m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("exited with status 3"));
  EXPECT_THAT(m, HasSubstr("token expired, run login"));

  write_config("[default]\ncredential_process = /nonexistent/tool --flag\n");
  m = credentials_error([&] { provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("could not be started"));
  EXPECT_THAT(m, HasSubstr("/nonexistent/tool"));

  write_config("[default]\ncredential_process = 'unterminated\n");
  EXPECT_THAT(credentials_error([&] { provider()->get_credentials(); }),
              HasSubstr("cannot be parsed"));

  const std::string no_secret = dir.write(
      "nosecret.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\"}'\n", true);
  write_config("[default]\ncredential_process = " + no_secret + "\n");
  EXPECT_THAT(credentials_error([&] { provider()->get_credentials(); }),
              HasSubstr("SecretAccessKey"));
}

TEST_F(ProfileTest, CredentialProcessTimeoutKillsIt) {
  const std::string slow = dir.write("slow.sh", "#!/bin/sh\nexec sleep 30\n", true);
  write_config("[default]\ncredential_process = " + slow + "\n");
  ProfileCredentialsConfig config;
  config.environment = env();
  config.process_timeout = 300ms;
  auto p = make_profile_credentials_provider(config);
  const auto start = std::chrono::steady_clock::now();
  try {
    p->get_credentials();
    ADD_FAILURE();
  } catch (const CredentialsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("killed"));
    EXPECT_TRUE(e.transient());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 25s);  // generous: only proves the kill
}

// ----- container -------------------------------------------------------------------------------

std::shared_ptr<CredentialsProvider> container(std::map<std::string, std::string> env,
                                               std::shared_ptr<http::Transport> transport) {
  ContainerCredentialsConfig config;
  config.environment = make_map_environment(std::move(env));
  return aws::make_container_credentials_provider(std::move(config), std::move(transport));
}

TEST(ContainerCredentials, RelativeUriWithToken) {
  auto fake = std::make_shared<FakeTransport>(
      [](const http::Request&) { return respond(200, credentials_json()); });
  auto p = container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok-123"}},
                     fake);
  const Credentials c = p->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIATEMP");
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.provider, "container");
  EXPECT_EQ(c.expiration, common::parse_iso8601("2030-01-01T00:00:00Z"));
  ASSERT_EQ(fake->requests().size(), 1u);
  const auto r = fake->requests()[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(header_of(r, "Authorization"), "tok-123");
  EXPECT_LE(r.connect_timeout, 1000ms);
}

TEST(ContainerCredentials, FullUriHostRulesAndTokenFile) {
  TempDir dir;
  const std::string token_file = dir.write("token", "file-token\n");
  auto fake = std::make_shared<FakeTransport>(
      [](const http::Request&) { return respond(200, credentials_json()); });
  for (const std::string url :
       {"http://127.0.0.1:8080/creds", "http://localhost/creds", "http://[::1]:1/c",
        "http://169.254.170.2/c", "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials", "https://creds.example.com/x?y=1"}) {
    auto p = container({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token"},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}},
                       fake);
    EXPECT_NO_THROW(p->get_credentials()) << url;
    EXPECT_EQ(fake->requests().back().url, url);
    EXPECT_EQ(header_of(fake->requests().back(), "Authorization"), "file-token");  // the file wins
  }
  const std::size_t sent = fake->requests().size();
  for (const std::string url :
       {"http://example.com/creds", "http://169.254.169.254/x", "http://10.0.0.1/x",
        "http://127.0.0.1.evil.com/x", "ftp://127.0.0.1/x"}) {
    auto p = container({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}}, fake);
    EXPECT_THAT(credentials_error([&] { p->get_credentials(); }),
                HasSubstr("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        << url;
  }
  EXPECT_EQ(fake->requests().size(), sent);  // refused before any request

  auto p = container({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.path() + "/missing"}},
                     fake);
  EXPECT_THAT(credentials_error([&] { p->get_credentials(); }), HasSubstr(dir.path() + "/missing"));
  auto injected = container({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                             {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}},
                            fake);
  EXPECT_THAT(credentials_error([&] { injected->get_credentials(); }), HasSubstr("line break"));
}

TEST(ContainerCredentials, ServiceEndpointReplacesTheAgentAddressAndEmptyTokenFilesAreRefused) {
  TempDir dir;
  auto fake = std::make_shared<FakeTransport>(
      [](const http::Request&) { return respond(200, credentials_json()); });
  // AWS_CONTAINER_SERVICE_ENDPOINT: the AWS SDK for Java's override of http://169.254.170.2.
  auto p = container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                      {"AWS_CONTAINER_SERVICE_ENDPOINT", "http://127.0.0.1:9911/"}},
                     fake);
  EXPECT_NO_THROW(p->get_credentials());
  EXPECT_EQ(fake->requests().back().url, "http://127.0.0.1:9911/v2/credentials/abc");

  for (const std::string& token_file : {dir.write("empty", "\n"), dir.path()}) {
    auto q = container({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}},
                       fake);
    bool not_configured = true;
    const std::string m = credentials_error([&] { q->get_credentials(); }, &not_configured);
    EXPECT_THAT(m, HasSubstr("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file)) << token_file;
    EXPECT_FALSE(not_configured);  // set up but broken: the chain stops here, as in botocore
  }
}

TEST(ContainerCredentials, NotSetServerErrorsAndGarbage) {
  bool not_configured = false;
  auto fake =
      std::make_shared<FakeTransport>([](const http::Request&) { return respond(500, "oops"); });
  EXPECT_THAT(credentials_error([&] { container({}, fake)->get_credentials(); }, &not_configured),
              HasSubstr("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
  EXPECT_TRUE(not_configured);

  auto p = container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}}, fake);
  try {
    p->get_credentials();
    ADD_FAILURE();
  } catch (const CredentialsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("HTTP 500"));
    EXPECT_TRUE(e.transient());
  }
  EXPECT_EQ(fake->requests().size(), 2u);  // one retry

  auto garbage = std::make_shared<FakeTransport>(
      [](const http::Request&) { return respond(200, std::string("<html>") + kSecret + kToken); });
  std::string m = credentials_error([&] {
    container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}}, garbage)->get_credentials();
  });
  EXPECT_THAT(m, HasSubstr("not valid JSON"));
  expect_no_secrets(m);

  auto down = std::make_shared<FakeTransport>(
      [](const http::Request&) -> http::Response { throw TransportError("connection refused"); });
  m = credentials_error(
      [&] {
        container({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}}, down)->get_credentials();
      },
      &not_configured);
  EXPECT_FALSE(not_configured);  // configured but unreachable stops a chain
  EXPECT_THAT(m, HasSubstr("no answer"));
}

// ----- IMDS ------------------------------------------------------------------------------------

/// Plays IMDSv2: token PUT, role list, role credentials.
struct FakeImds {
  std::atomic<int> token_requests{0};
  std::atomic<int> role_requests{0};
  std::atomic<bool> v2{true};
  std::atomic<bool> has_role{true};
  std::atomic<int> reject_token_once{0};

  std::shared_ptr<FakeTransport> transport() {
    return std::make_shared<FakeTransport>([this](const http::Request& r) {
      const std::string path = r.url.substr(r.url.find('/', r.url.find("://") + 3));
      if (r.method == "PUT" && path == "/latest/api/token") {
        ++token_requests;
        if (!v2) return respond(405);
        if (header_of(r, "X-aws-ec2-metadata-token-ttl-seconds") != "21600") return respond(400);
        return respond(200, "token-" + std::to_string(token_requests.load()));
      }
      if (v2 && header_of(r, "X-aws-ec2-metadata-token").empty()) return respond(401);
      if (reject_token_once > 0) {
        --reject_token_once;
        return respond(401);
      }
      if (path == "/latest/meta-data/iam/security-credentials/") {
        ++role_requests;
        return has_role ? respond(200, "my-role\n") : respond(404);
      }
      if (path == "/latest/meta-data/iam/security-credentials/my-role")
        return respond(200, credentials_json());
      return respond(404);
    });
  }
};

std::shared_ptr<CredentialsProvider> imds(std::map<std::string, std::string> env,
                                          std::shared_ptr<http::Transport> transport) {
  ImdsCredentialsConfig config;
  config.environment = make_map_environment(std::move(env));
  return aws::make_imds_credentials_provider(std::move(config), std::move(transport));
}

TEST(ImdsCredentials, TokenThenRoleThenCredentials) {
  FakeImds server;
  auto transport = server.transport();
  auto p = imds({}, transport);
  const Credentials c = p->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIATEMP");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.provider, "imds");
  EXPECT_TRUE(c.expiration);
  const auto requests = transport->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].url, "http://169.254.169.254/latest/api/token");
  EXPECT_EQ(requests[1].url, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(header_of(requests[1], "X-aws-ec2-metadata-token"), "token-1");
  EXPECT_EQ(requests[2].url,
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role");
  for (const auto& r : requests) {
    EXPECT_LE(r.connect_timeout, 1000ms);
    EXPECT_LE(r.timeout, 1000ms);
  }
  // The token is reused.
  p->get_credentials();
  EXPECT_EQ(server.token_requests, 1);
  // A rejected token is replaced once.
  server.reject_token_once = 1;
  EXPECT_NO_THROW(p->get_credentials());
  EXPECT_EQ(server.token_requests, 2);
}

TEST(ImdsCredentials, EndpointSettings) {
  FakeImds server;
  auto transport = server.transport();
  imds({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}}, transport)
      ->get_credentials();
  EXPECT_EQ(transport->requests().front().url, "http://127.0.0.1:1338/latest/api/token");
  imds({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}, transport)->get_credentials();
  EXPECT_EQ(transport->requests()[3].url, "http://[fd00:ec2::254]/latest/api/token");
  imds({{"AWS_METADATA_SERVICE_TIMEOUT", "0.5"}, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"}},
       transport)
      ->get_credentials();
  EXPECT_EQ(transport->requests().back().timeout, 500ms);
  EXPECT_THAT(credentials_error([&] {
                imds({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"}}, transport)
                    ->get_credentials();
              }),
              HasSubstr("AWS_EC2_METADATA_SERVICE_ENDPOINT"));
  EXPECT_THAT(
      credentials_error([&] {
        imds({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}, transport)->get_credentials();
      }),
      HasSubstr("IPv5"));
  EXPECT_THAT(credentials_error([&] {
                imds({{"AWS_METADATA_SERVICE_TIMEOUT", "soon"}}, transport)->get_credentials();
              }),
              HasSubstr("AWS_METADATA_SERVICE_TIMEOUT"));
}

TEST(ImdsCredentials, DisabledUnreachableOrNoRoleIsNotConfigured) {
  FakeImds server;
  auto transport = server.transport();
  bool not_configured = false;
  EXPECT_THAT(credentials_error(
                  [&] {
                    imds({{"AWS_EC2_METADATA_DISABLED", "true"}}, transport)->get_credentials();
                  },
                  &not_configured),
              HasSubstr("AWS_EC2_METADATA_DISABLED"));
  EXPECT_TRUE(not_configured);
  EXPECT_TRUE(transport->requests().empty());

  auto down = std::make_shared<FakeTransport>([](const http::Request&) -> http::Response {
    throw TransportError("connect timeout", true, true);
  });
  EXPECT_THAT(credentials_error([&] { imds({}, down)->get_credentials(); }, &not_configured),
              HasSubstr("no instance metadata service"));
  EXPECT_TRUE(not_configured);
  EXPECT_EQ(down->requests().size(), 1u);  // one attempt only: IMDS is last and must be quick

  server.has_role = false;
  EXPECT_THAT(credentials_error([&] { imds({}, transport)->get_credentials(); }, &not_configured),
              HasSubstr("no IAM role"));
  EXPECT_TRUE(not_configured);
}

TEST(ImdsCredentials, FallsBackToV1UnlessDisabled) {
  FakeImds server;
  server.v2 = false;
  auto transport = server.transport();
  EXPECT_EQ(imds({}, transport)->get_credentials().access_key_id, "ASIATEMP");
  EXPECT_TRUE(header_of(transport->requests().back(), "X-aws-ec2-metadata-token").empty());
  EXPECT_THAT(credentials_error([&] {
                imds({{"AWS_EC2_METADATA_V1_DISABLED", "true"}}, transport)->get_credentials();
              }),
              HasSubstr("AWS_EC2_METADATA_V1_DISABLED"));
}

TEST(ImdsCredentials, FailureDocumentsAndGarbage) {
  auto failing = std::make_shared<FakeTransport>([](const http::Request& r) {
    if (r.method == "PUT") return respond(200, "t");
    if (r.url.ends_with("/security-credentials/")) return respond(200, "role");
    return respond(200, R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"})");
  });
  std::string m = credentials_error([&] { imds({}, failing)->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("AssumeRoleUnauthorizedAccess"));
  EXPECT_THAT(m, HasSubstr("'role'"));

  auto garbage = std::make_shared<FakeTransport>([](const http::Request& r) {
    if (r.method == "PUT") return respond(200, "t");
    if (r.url.ends_with("/security-credentials/")) return respond(200, "role");
    return respond(200, std::string(R"({"AccessKeyId": "A", "SecretAccessKey": ")") + kSecret +
                            R"(", "Token": ")" + kToken + R"(", "Expiration": "never"})");
  });
  m = credentials_error([&] { imds({}, garbage)->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("Expiration"));
  expect_no_secrets(m);
}

// ----- chain and cache -------------------------------------------------------------------------

class CountingProvider : public CredentialsProvider {
 public:
  explicit CountingProvider(std::function<Credentials()> f) : f_(std::move(f)) {}
  Credentials get_credentials() override {
    ++calls;
    return f_();
  }
  std::atomic<int> calls{0};

 private:
  std::function<Credentials()> f_;
};

TEST(CredentialsChain, SkipsUnconfiguredStopsAtBroken) {
  auto none1 = std::make_shared<CountingProvider>(
      []() -> Credentials { throw CredentialsNotConfigured("first: nothing"); });
  auto none2 = std::make_shared<CountingProvider>(
      []() -> Credentials { throw CredentialsNotConfigured("second: nothing"); });
  auto broken = std::make_shared<CountingProvider>(
      []() -> Credentials { throw CredentialsError("third: broken"); });
  auto good = std::make_shared<CountingProvider>([] {
    return Credentials{"AKID", "s", "", {}, ""};
  });

  auto chain = make_credentials_provider_chain({{none1, good, broken}, {"a", "b", "c"}});
  const Credentials c = chain->get_credentials();
  EXPECT_EQ(c.access_key_id, "AKID");
  EXPECT_EQ(c.provider, "b");
  EXPECT_EQ(broken->calls, 0);

  auto stops = make_credentials_provider_chain({{none1, broken, good}, {}});
  EXPECT_EQ(credentials_error([&] { stops->get_credentials(); }), "third: broken");
  EXPECT_EQ(good->calls, 1);

  bool not_configured = false;
  auto nothing = make_credentials_provider_chain({{none1, none2}, {}});
  const std::string m = credentials_error([&] { nothing->get_credentials(); }, &not_configured);
  EXPECT_TRUE(not_configured);
  EXPECT_THAT(m, HasSubstr("first: nothing"));
  EXPECT_THAT(m, HasSubstr("second: nothing"));
}

/// A ManualClock on a wall-clock time in this century (expiry times are formatted in errors).
std::shared_ptr<testing::ManualClock> manual_clock() {
  auto clock = std::make_shared<testing::ManualClock>();
  clock->set(std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 50));
  return clock;
}

TEST(CachedCredentials, LongTermKeysAreFetchedOnce) {
  auto source = std::make_shared<CountingProvider>([] {
    return Credentials{"AKID", "s", "", {}, "x"};
  });
  auto clock = manual_clock();
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});
  for (int i = 0; i < 5; ++i) cached->get_credentials();
  clock->advance(std::chrono::hours(1000));
  cached->get_credentials();
  EXPECT_EQ(source->calls, 1);
}

TEST(CachedCredentials, RefreshesBeforeExpiryAndKeepsValidOnesOnFailure) {
  auto clock = manual_clock();
  std::atomic<bool> fail{false};
  std::atomic<int> serial{0};
  auto source = std::make_shared<CountingProvider>([&]() -> Credentials {
    if (fail) throw CredentialsError("source down", true);
    return Credentials{"ASIA" + std::to_string(++serial), "s", "t",
                       clock->wall_now() + std::chrono::hours(1), "x"};
  });
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA1");
  clock->advance(3000s);  // 600 s left: fresh enough
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA1");
  clock->advance(400s);  // 200 s left: refresh
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA2");
  EXPECT_EQ(source->calls, 2);

  clock->advance(3400s);  // 200 s left of ASIA2, and the source fails: keep ASIA2
  fail = true;
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA2");
  EXPECT_EQ(source->calls, 3);
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA2");  // no retry within 10 s
  EXPECT_EQ(source->calls, 3);
  clock->advance(11s);
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA2");
  EXPECT_EQ(source->calls, 4);

  clock->advance(300s);  // expired, source still failing: the error comes through
  EXPECT_THAT(credentials_error([&] { cached->get_credentials(); }), HasSubstr("source down"));
  fail = false;
  EXPECT_EQ(cached->get_credentials().access_key_id, "ASIA3");
}

TEST(CachedCredentials, CredentialsExpiredOnArrivalAreAnErrorNamingTheSource) {
  auto clock = manual_clock();
  auto source = std::make_shared<CountingProvider>([&] {
    return Credentials{"ASIA", kSecret, kToken, clock->wall_now() - std::chrono::seconds(5),
                       "container"};
  });
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});
  const std::string m = credentials_error([&] { cached->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("from container expired at"));
  expect_no_secrets(m);
}

TEST(CachedCredentials, ShortLivedCredentialsDoNotHammerTheSource) {
  auto clock = manual_clock();
  auto source = std::make_shared<CountingProvider>([&] {
    return Credentials{"ASIA", "s", "t", clock->wall_now() + std::chrono::seconds(120), "x"};
  });
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});
  for (int i = 0; i < 100; ++i) cached->get_credentials();
  EXPECT_EQ(source->calls, 1);
  clock->advance(11s);
  cached->get_credentials();
  EXPECT_EQ(source->calls, 2);
}

// ----- default chain ---------------------------------------------------------------------------

TEST(DefaultCredentials, OrderAndAggregatedError) {
  TempDir dir;
  FakeImds server;
  auto transport = server.transport();
  auto make = [&](std::map<std::string, std::string> env) {
    env["HOME"] = dir.path();
    DefaultCredentialsConfig config;
    config.environment = make_map_environment(std::move(env));
    return aws::make_default_credentials_provider(std::move(config), transport);
  };
  EXPECT_EQ(make({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}})
                ->get_credentials()
                .provider,
            "environment");
  dir.write(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
  EXPECT_EQ(make({})->get_credentials().access_key_id, "AKIDFILE");
  std::filesystem::remove(dir.path() + "/.aws/credentials");
  EXPECT_EQ(make({})->get_credentials().provider, "imds");
  auto container_fake = make({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/x"}});
  // The container endpoint comes before IMDS; our fake answers 404 there, which is an error.
  EXPECT_THAT(credentials_error([&] { container_fake->get_credentials(); }),
              HasSubstr("container"));

  const std::string m = credentials_error([&] {
    make({{"AWS_EC2_METADATA_DISABLED", "true"}})->get_credentials();
  });
  EXPECT_THAT(m, HasSubstr("no AWS credentials found"));
  EXPECT_THAT(m, HasSubstr("environment"));
  EXPECT_THAT(m, HasSubstr("profile"));
  EXPECT_THAT(m, HasSubstr("container"));
  EXPECT_THAT(m, HasSubstr("imds"));

  // No default profile (no files, or only [profile other]): skipped, not an error.
  dir.write(".aws/config", "[profile other]\nregion = eu-west-1\n");
  EXPECT_EQ(make({})->get_credentials().provider, "imds");
  // A profile the user names that does not exist stops the chain with a clear error.
  const std::string named = credentials_error([&] {
    make({{"AWS_PROFILE", "missing"}})->get_credentials();
  });
  EXPECT_THAT(named, HasSubstr("'missing'"));
  EXPECT_THAT(named, HasSubstr("AWS_PROFILE"));

  // An STS-based provider slots in right after the environment.
  DefaultCredentialsConfig config;
  config.environment = make_map_environment({{"HOME", dir.path()}});
  config.after_environment.push_back(
      make_static_credentials_provider({Credentials{"ASIAWEB", "s", "t", {}, "web-identity"}}));
  EXPECT_EQ(aws::make_default_credentials_provider(config, transport)->get_credentials().provider,
            "web-identity");
}

}  // namespace
}  // namespace ssm_cache
