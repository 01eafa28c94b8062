// tests/aws/credentials_sts_test.cpp — the web identity provider (EKS IRSA) over the real
// libcurl transport against a loopback cpp-httplib server playing STS: the request, success,
// each error class and its retries, token rotation, the default chain's order, web identity
// profiles, and no secret in any error; plus a cross-check of the request and of the canned
// answers against botocore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "aws/temp_dir.hpp"
#include "http/loopback_server.hpp"
#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::LoopbackServer;

const std::string kRole = "arn:aws:iam::123456789012:role/eks-app";
const std::string kToken = "eyJhbGciOiJSUzI1NiJ9.first-token-payload.signature";

std::string success_xml(const std::string& key = "ASIASTSLOOP", const std::string& expiration = "2030-01-02T03:04:05Z") {
  return "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
         "  <AssumeRoleWithWebIdentityResult>\n"
         "    <SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>\n"
         "    <Audience>sts.amazonaws.com</Audience>\n"
         "    <AssumedRoleUser>\n"
         "      <Arn>arn:aws:sts::123456789012:assumed-role/eks-app/s</Arn>\n"
         "      <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n"
         "    </AssumedRoleUser>\n"
         "    <Credentials>\n"
         "      <SessionToken>sts-session-token&amp;more</SessionToken>\n"
         "      <SecretAccessKey>sts-secret-key</SecretAccessKey>\n"
         "      <Expiration>" + expiration + "</Expiration>\n"
         "      <AccessKeyId>" + key + "</AccessKeyId>\n"
         "    </Credentials>\n"
         "    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.example</Provider>\n"
         "  </AssumeRoleWithWebIdentityResult>\n"
         "  <ResponseMetadata>\n    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
         "  </ResponseMetadata>\n"
         "</AssumeRoleWithWebIdentityResponse>\n";
}

std::string error_xml(const std::string& code, const std::string& message, const std::string& type = "Sender") {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>" + type +
         "</Type>\n    <Code>" + code + "</Code>\n    <Message>" + message +
         "</Message>\n  </Error>\n  <RequestId>req-" + code + "</RequestId>\n</ErrorResponse>\n";
}

/// A loopback STS: answers from a script (the last answer repeats), records each request.
class FakeSts {
 public:
  struct Seen {
    std::string path, content_type, authorization, body;
    std::map<std::string, std::string> params;
  };

  FakeSts() {
    server_.server().Post("/", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      Seen s{req.path, req.get_header_value("Content-Type"), req.get_header_value("Authorization"), req.body, {}};
      for (const auto& [k, v] : req.params) s.params[k] = v;
      seen_.push_back(std::move(s));
      const auto [status, body] = answers_.size() > 1 ? pop() : answers_.front();
      res.status = status;
      res.set_content(body, "text/xml");
    });
    server_.start();
  }

  void answer(std::vector<std::pair<int, std::string>> answers) {
    std::lock_guard lock(mutex_);
    answers_.assign(answers.begin(), answers.end());
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::string url() const { return server_.url(); }

 private:
  std::pair<int, std::string> pop() {
    auto a = answers_.front();
    answers_.pop_front();
    return a;
  }

  LoopbackServer server_;
  mutable std::mutex mutex_;
  std::deque<std::pair<int, std::string>> answers_{{200, success_xml()}};
  std::vector<Seen> seen_;
};

struct Fixture {
  FakeSts sts;
  testing_aws::TempDir dir;
  std::string token_file = dir.write("token", kToken);
  std::vector<std::chrono::milliseconds> sleeps;

  std::map<std::string, std::string> env() const {
    return {{"HOME", dir.path()},
            {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
            {"AWS_ROLE_ARN", kRole},
            {"AWS_ENDPOINT_URL_STS", sts.url()}};
  }
  WebIdentityCredentialsConfig config(std::map<std::string, std::string> values) {
    WebIdentityCredentialsConfig c;
    c.environment = make_map_environment(std::move(values));
    c.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    c.clock = [] { return std::chrono::system_clock::time_point{} + std::chrono::milliseconds{1700000000123}; };
    return c;
  }
  std::shared_ptr<CredentialsProvider> provider() { return make_web_identity_credentials_provider(config(env())); }
};

/// Runs `f`, expects a CredentialsError and returns its message after checking it holds no
/// token and no credential.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const CredentialsNotConfigured& e) {
    return std::string("not configured: ") + e.what();
  } catch (const CredentialsError& e) {
    const std::string m = e.what();
    for (const char* secret : {"first-token-payload", "rotated-token", "sts-secret-key", "sts-session-token"}) {
      EXPECT_THAT(m, Not(HasSubstr(secret)));
    }
    return m;
  }
  ADD_FAILURE() << "no CredentialsError";
  return {};
}

TEST(WebIdentity, AssumesTheRoleWithAnUnsignedFormRequest) {
  Fixture f;
  const Credentials c = f.provider()->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIASTSLOOP");
  EXPECT_EQ(c.secret_access_key, "sts-secret-key");
  EXPECT_EQ(c.session_token, "sts-session-token&more");
  EXPECT_EQ(c.provider, "web-identity");
  ASSERT_TRUE(c.expiration);
  EXPECT_EQ(c.expiration->time_since_epoch(), std::chrono::seconds{1893553445});

  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/");
  EXPECT_EQ(seen[0].content_type, "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(seen[0].authorization, "");  // not signed
  EXPECT_EQ(seen[0].params.at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(seen[0].params.at("Version"), "2011-06-15");
  EXPECT_EQ(seen[0].params.at("RoleArn"), kRole);
  EXPECT_EQ(seen[0].params.at("WebIdentityToken"), kToken);
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), "ssm-cache-1700000000123");
  EXPECT_EQ(seen[0].params.size(), 5u);
  EXPECT_TRUE(f.sleeps.empty());
}

TEST(WebIdentity, SessionNameFromTheEnvironmentAndTrailingNewlineOfTheToken) {
  Fixture f;
  f.dir.write("token", kToken + "\n");
  auto env = f.env();
  env["AWS_ROLE_SESSION_NAME"] = "my-session";
  make_web_identity_credentials_provider(f.config(env))->get_credentials();
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), "my-session");
  EXPECT_EQ(seen[0].params.at("WebIdentityToken"), kToken);
}

TEST(WebIdentity, NotConfiguredOrHalfConfigured) {
  Fixture f;
  const std::string none = error_of([&] {
    make_web_identity_credentials_provider(f.config({{"HOME", f.dir.path()}}))->get_credentials();
  });
  EXPECT_THAT(none, HasSubstr("not configured: web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set"));
  const std::string only_file = error_of([&] {
    make_web_identity_credentials_provider(f.config({{"AWS_WEB_IDENTITY_TOKEN_FILE", f.token_file}}))->get_credentials();
  });
  EXPECT_THAT(only_file, HasSubstr("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"));
  EXPECT_THAT(only_file, Not(HasSubstr("not configured")));
  const std::string only_role = error_of([&] {
    make_web_identity_credentials_provider(f.config({{"AWS_ROLE_ARN", kRole}}))->get_credentials();
  });
  EXPECT_THAT(only_role, HasSubstr("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"));
  auto env = f.env();
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = f.dir.path() + "/missing-token";
  const std::string missing = error_of([&] { make_web_identity_credentials_provider(f.config(env))->get_credentials(); });
  EXPECT_THAT(missing, HasSubstr("cannot read the web identity token file " + f.dir.path() + "/missing-token"));
  EXPECT_TRUE(f.sts.seen().empty());
}

TEST(WebIdentity, DefinitiveErrorsFailAtOnceNamingRoleCodeAndMessage) {
  const std::vector<std::pair<int, std::string>> cases = {
      {403, "AccessDenied"}, {400, "ExpiredTokenException"}, {400, "ValidationError"}, {400, "InvalidParameterValue"}};
  for (const auto& [status, code] : cases) {
    SCOPED_TRACE(code);
    Fixture f;
    // A server that echoes the token in its message: it must not reach the error.
    f.sts.answer({{status, error_xml(code, "Request for token " + kToken + " refused &amp; logged")}});
    const std::string m = error_of([&] { f.provider()->get_credentials(); });
    EXPECT_THAT(m, HasSubstr("web identity: AssumeRoleWithWebIdentity for role " + kRole));
    EXPECT_THAT(m, HasSubstr(f.sts.url()));
    EXPECT_THAT(m, HasSubstr(code + ": Request for token <redacted> refused & logged"));
    EXPECT_THAT(m, HasSubstr("HTTP " + std::to_string(status)));
    EXPECT_THAT(m, HasSubstr("request id req-" + code));
    EXPECT_EQ(f.sts.seen().size(), 1u);
    EXPECT_TRUE(f.sleeps.empty());
  }
}

TEST(WebIdentity, TransientErrorsAreRetriedWithBackoff) {
  Fixture f;
  f.sts.answer({{400, error_xml("IDPCommunicationError", "The OIDC provider did not answer")},
                {400, error_xml("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")},
                {400, error_xml("Throttling", "Rate exceeded")},
                {200, success_xml("ASIAAFTERRETRIES")}});
  EXPECT_EQ(f.provider()->get_credentials().access_key_id, "ASIAAFTERRETRIES");
  EXPECT_EQ(f.sts.seen().size(), 4u);
  ASSERT_EQ(f.sleeps.size(), 3u);
  for (const auto d : f.sleeps) EXPECT_LE(d.count(), 2000);
}

TEST(WebIdentity, ServerErrorsAreRetriedThenReportedAsTransient) {
  Fixture f;
  f.sts.answer({{503, "<html>Service Unavailable</html>"}});
  try {
    f.provider()->get_credentials();
    ADD_FAILURE();
  } catch (const CredentialsError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("failed after 4 attempts: HTTP 503 without an STS error document"));
  }
  EXPECT_EQ(f.sts.seen().size(), 4u);
  EXPECT_EQ(f.sleeps.size(), 3u);

  Fixture g;
  g.sts.answer({{400, error_xml("InvalidIdentityToken", "No OpenIDConnect provider found")}});
  const std::string m = error_of([&] { g.provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("failed after 4 attempts: InvalidIdentityToken: No OpenIDConnect provider found"));
}

TEST(WebIdentity, NobodyListeningIsATransientError) {
  int port = 0;
  {
    LoopbackServer closed;
    closed.start();
    port = closed.port();
  }
  Fixture f;
  auto env = f.env();
  env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:" + std::to_string(port);
  try {
    make_web_identity_credentials_provider(f.config(env))->get_credentials();
    ADD_FAILURE();
  } catch (const CredentialsError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("got no answer after 4 attempts"));
    EXPECT_THAT(e.what(), Not(HasSubstr("first-token-payload")));
  }
}

TEST(WebIdentity, MalformedAnswersAreErrorsWithoutTheBody) {
  Fixture f;
  f.sts.answer({{200, success_xml().substr(0, 600)}});
  const std::string m = error_of([&] { f.provider()->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("answer is not valid XML"));
}

TEST(WebIdentity, TheTokenFileIsReadAgainAtEachRefresh) {
  Fixture f;
  auto provider = f.provider();
  provider->get_credentials();
  f.dir.write("token", "eyJhbGciOiJSUzI1NiJ9.rotated-token.signature");
  provider->get_credentials();
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].params.at("WebIdentityToken"), kToken);
  EXPECT_EQ(seen[1].params.at("WebIdentityToken"), "eyJhbGciOiJSUzI1NiJ9.rotated-token.signature");
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), seen[1].params.at("RoleSessionName"));
}

// ----- the default chain and profiles ----------------------------------------------------------

std::map<std::string, std::string> no_metadata(std::map<std::string, std::string> env) {
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  return env;
}

TEST(WebIdentityChain, EnvironmentKeysWinOverWebIdentity) {
  Fixture f;
  auto env = no_metadata(f.env());
  env["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(env);
  EXPECT_EQ(make_default_credentials_provider(config)->get_credentials().provider, "environment");
  EXPECT_TRUE(f.sts.seen().empty());
}

TEST(WebIdentityChain, WebIdentityBeatsTheProfileAndIsCached) {
  Fixture f;
  auto env = no_metadata(f.env());
  env["AWS_SHARED_CREDENTIALS_FILE"] =
      f.dir.write("credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(env);
  auto provider = make_default_credentials_provider(config);
  const Credentials c = provider->get_credentials();
  EXPECT_EQ(c.provider, "web-identity");
  EXPECT_EQ(c.access_key_id, "ASIASTSLOOP");
  provider->get_credentials();  // expires in 2030: served from the cache
  EXPECT_EQ(f.sts.seen().size(), 1u);

  env.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  env.erase("AWS_ROLE_ARN");
  config.environment = make_map_environment(env);
  EXPECT_EQ(make_default_credentials_provider(config)->get_credentials().access_key_id, "AKIAPROFILE");
}

TEST(WebIdentityChain, HalfConfiguredWebIdentityStopsTheChain) {
  Fixture f;
  auto env = no_metadata(f.env());
  env.erase("AWS_ROLE_ARN");
  env["AWS_SHARED_CREDENTIALS_FILE"] =
      f.dir.write("credentials", "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(env);
  const std::string m = error_of([&] { make_default_credentials_provider(config)->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("AWS_ROLE_ARN is not"));
}

TEST(WebIdentityProfile, ProfileWithTokenFileAndRole) {
  Fixture f;
  const std::string config_file = f.dir.write(
      "config", "[profile irsa]\nweb_identity_token_file = " + f.token_file + "\nrole_arn = " + kRole +
                    "-profile\nrole_session_name = from-profile\nregion = eu-west-1\n"
                    "[profile broken]\nweb_identity_token_file = " + f.token_file + "\n"
                    "[profile chained]\nrole_arn = " + kRole + "\nsource_profile = irsa\n");
  std::map<std::string, std::string> env = no_metadata({{"HOME", f.dir.path()},
                                                        {"AWS_CONFIG_FILE", config_file},
                                                        {"AWS_PROFILE", "irsa"},
                                                        {"AWS_ENDPOINT_URL_STS", f.sts.url()}});
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(env);
  const Credentials c = make_default_credentials_provider(config)->get_credentials();
  EXPECT_EQ(c.provider, "web-identity");
  auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].params.at("RoleArn"), kRole + "-profile");
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), "from-profile");
  EXPECT_EQ(seen[0].params.at("WebIdentityToken"), kToken);

  // The profile provider alone (no resolver given) uses the default resolver too.
  ProfileCredentialsConfig alone;
  alone.environment = make_map_environment(env);
  EXPECT_EQ(make_profile_credentials_provider(alone)->get_credentials().access_key_id, "ASIASTSLOOP");

  f.sts.answer({{403, error_xml("AccessDenied", "Not authorized")}});
  const std::string denied = error_of([&] { make_profile_credentials_provider(alone)->get_credentials(); });
  EXPECT_THAT(denied, HasSubstr("web identity of profile 'irsa': AssumeRoleWithWebIdentity for role " + kRole +
                                "-profile"));

  alone.profile = "broken";
  EXPECT_THAT(error_of([&] { make_profile_credentials_provider(alone)->get_credentials(); }),
              HasSubstr("profile 'broken' has web_identity_token_file but no role_arn"));
  alone.profile = "chained";
  EXPECT_THAT(error_of([&] { make_profile_credentials_provider(alone)->get_credentials(); }),
              HasSubstr("not supported"));
}

// ----- botocore cross-check ------------------------------------------------------------------

/// Records the request and answers from a canned body: no network at all.
class CannedTransport final : public http::Transport {
 public:
  CannedTransport(int status, std::string body) : status_(status), body_(std::move(body)) {}
  http::Response send(const http::Request& request) override {
    std::lock_guard lock(mutex_);
    last_ = request;
    http::Response r;
    r.status = status_;
    r.body = body_;
    return r;
  }
  http::Request last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  int status_;
  std::string body_;
  std::mutex mutex_;
  http::Request last_;
};

std::string run_botocore(const nlohmann::json& cases) {
  const auto input = std::filesystem::temp_directory_path() / ("ssm_cache_botocore_sts_" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(input, std::ios::binary);
    out << cases.dump();
  }
  const std::string script = std::string(SSM_CACHE_SOURCE_DIR) + "/tests/aws/botocore_sts.py";
  const std::string command = "/usr/bin/python3 '" + script + "' '" + input.string() + "'";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = ::pclose(pipe);
  std::filesystem::remove(input);
  return status == 0 ? output : std::string{};
}

TEST(WebIdentityBotocore, SameRequestAndSameReadingOfTheAnswers) {
  struct Case {
    std::string region, regional, role, session, token;
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"eu-west-1", "regional", kRole, "ssm-cache-1700000000123", kToken, 200, success_xml()},
      {"us-west-2", "legacy", "arn:aws:iam::123456789012:role/path/with spaces+plus", "s@me=name,x.y-z",
       "eyJ.a+b/c=d~e%f", 200, success_xml("ASIA&amp;ODD", "2031-05-06T07:08:09.123Z")},
      {"cn-north-1", "regional", "arn:aws-cn:iam::123456789012:role/r", "session", kToken, 403,
       error_xml("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity &lt;x&gt; &#233;")},
      {"eu-central-1", "legacy", kRole, "session", kToken, 400,
       error_xml("ExpiredTokenException", "Token expired: current date/time 1700000000 must be before the "
                                          "expiration date/time 1600000000")},
      {"ap-southeast-2", "regional", kRole, "session", kToken, 400, error_xml("ValidationError", "1 validation error")},
  };
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) {
    input.push_back({{"region", c.region}, {"regional", c.regional}, {"role_arn", c.role},
                     {"session_name", c.session}, {"token", c.token}, {"status", c.status}, {"body", c.body}});
  }
  const std::string output = run_botocore(input);
  ASSERT_FALSE(output.empty()) << "botocore script failed (is python3-botocore installed?)";
  const auto results = nlohmann::json::parse(output);
  ASSERT_EQ(results.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const auto& b = results[i];
    SCOPED_TRACE("case " + std::to_string(i) + " " + c.region);
    testing_aws::TempDir dir;
    const std::string token_file = dir.write("token", c.token);
    auto transport = std::make_shared<CannedTransport>(c.status, c.body);
    WebIdentityCredentialsConfig config;
    config.role_arn = c.role;
    config.token_file = token_file;
    config.session_name = c.session;
    config.transport = transport;
    config.max_attempts = 1;
    config.environment = make_map_environment(
        {{"HOME", dir.path()}, {"AWS_REGION", c.region}, {"AWS_STS_REGIONAL_ENDPOINTS", c.regional}});
    auto provider = make_web_identity_credentials_provider(config);
    if (b.contains("credentials")) {
      const Credentials mine = provider->get_credentials();
      EXPECT_EQ(mine.access_key_id, b["credentials"]["AccessKeyId"].get<std::string>());
      EXPECT_EQ(mine.secret_access_key, b["credentials"]["SecretAccessKey"].get<std::string>());
      EXPECT_EQ(mine.session_token, b["credentials"]["SessionToken"].get<std::string>());
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(mine.expiration->time_since_epoch()).count();
      const std::time_t t = static_cast<std::time_t>(secs);
      char iso[32];
      std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
      EXPECT_EQ(iso, b["credentials"]["Expiration"].get<std::string>());
    } else {
      const std::string m = error_of([&] { provider->get_credentials(); });
      const auto& e = b["error"];
      EXPECT_THAT(m, HasSubstr(e["Code"].get<std::string>() + ": " + e["Message"].get<std::string>()));
      EXPECT_THAT(m, HasSubstr("request id " + e["RequestId"].get<std::string>()));
      EXPECT_EQ(e["Type"].get<std::string>(), "Sender");
    }
    const http::Request sent = transport->last();
    EXPECT_EQ(sent.url, b["url"].get<std::string>());
    EXPECT_EQ(sent.body, b["body"].get<std::string>());  // byte for byte, field order included
    std::string content_type;
    for (const auto& [name, value] : sent.headers) {
      if (name == "Content-Type") content_type = value;
      EXPECT_NE(name, "Authorization");
    }
    EXPECT_EQ(content_type, b["content_type"].get<std::string>());
    EXPECT_FALSE(b["has_authorization"].get<bool>());
  }
}

}  // namespace
}  // namespace ssm_cache
