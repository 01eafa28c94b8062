// tests/aws/credentials_sts_test.cpp — the web identity provider (EKS IRSA) over the real
// libcurl transport against a loopback cpp-httplib server playing STS: the request, success,
// each error class and its retries, token rotation, the default chain's order, web identity
// profiles, and no secret in any error; plus a cross-check of the request and of the canned
// answers against botocore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credentials_transport.hpp"
#include "aws/fake_sts.hpp"
#include "aws/temp_dir.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_http::LoopbackServer;

const std::string kRole = "arn:aws:iam::123456789012:role/eks-app";
const std::string kToken = "eyJhbGciOiJSUzI1NiJ9.first-token-payload.signature";

std::string success_xml(const std::string& key = "ASIASTSLOOP",
                        const std::string& expiration = "2030-01-02T03:04:05Z") {
  return testing_aws::sts_success_xml("AssumeRoleWithWebIdentity", key, expiration);
}
using testing_aws::FakeSts;
using testing_aws::sts_error_xml;

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
    c.clock = testing_aws::clock_at(std::chrono::system_clock::time_point{} +
                                    std::chrono::milliseconds{1700000000123});
    return c;
  }
  std::shared_ptr<CredentialsProvider> provider() {
    return make_web_identity_credentials_provider(config(env()));
  }
};

/// The message of the CredentialsError `f` throws, checked to hold no token and no credential.
template <typename F>
std::string error_of(F&& f) {
  return testing_aws::credentials_error_of(
      std::forward<F>(f),
      {"first-token-payload", "rotated-token", "sts-secret-key", "sts-session-token"});
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
  EXPECT_THAT(none, HasSubstr("not configured: web identity: AWS_WEB_IDENTITY_TOKEN_FILE and "
                              "AWS_ROLE_ARN are not set"));
  const std::string only_file = error_of([&] {
    make_web_identity_credentials_provider(
        f.config({{"AWS_WEB_IDENTITY_TOKEN_FILE", f.token_file}}))
        ->get_credentials();
  });
  EXPECT_THAT(only_file, HasSubstr("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"));
  EXPECT_THAT(only_file, Not(HasSubstr("not configured")));
  const std::string only_role = error_of([&] {
    make_web_identity_credentials_provider(f.config({{"AWS_ROLE_ARN", kRole}}))->get_credentials();
  });
  EXPECT_THAT(only_role, HasSubstr("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"));
  auto env = f.env();
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = f.dir.path() + "/missing-token";
  const std::string missing =
      error_of([&] { make_web_identity_credentials_provider(f.config(env))->get_credentials(); });
  EXPECT_THAT(missing, HasSubstr("cannot read the web identity token file " + f.dir.path() +
                                 "/missing-token"));
  EXPECT_TRUE(f.sts.seen().empty());
}

TEST(WebIdentity, DefinitiveErrorsFailAtOnceNamingRoleCodeAndMessage) {
  const std::vector<std::pair<int, std::string>> cases = {{403, "AccessDenied"},
                                                          {400, "ExpiredTokenException"},
                                                          {400, "ValidationError"},
                                                          {400, "InvalidParameterValue"}};
  for (const auto& [status, code] : cases) {
    SCOPED_TRACE(code);
    Fixture f;
    // A server that echoes the token in its message: it must not reach the error.
    f.sts.answer(
        {{status, sts_error_xml(code, "Request for token " + kToken + " refused &amp; logged")}});
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
  f.sts.answer(
      {{400, sts_error_xml("IDPCommunicationError", "The OIDC provider did not answer")},
       {400, sts_error_xml("InvalidIdentityToken",
                           "Couldn't retrieve verification key from your identity provider")},
       {400, sts_error_xml("Throttling", "Rate exceeded")},
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
    EXPECT_THAT(e.what(),
                HasSubstr("failed after 4 attempts: HTTP 503 without an STS error document"));
  }
  EXPECT_EQ(f.sts.seen().size(), 4u);
  EXPECT_EQ(f.sleeps.size(), 3u);

  Fixture g;
  g.sts.answer({{400, sts_error_xml("InvalidIdentityToken", "No OpenIDConnect provider found")}});
  const std::string m = error_of([&] { g.provider()->get_credentials(); });
  EXPECT_THAT(
      m,
      HasSubstr("failed after 4 attempts: InvalidIdentityToken: No OpenIDConnect provider found"));
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
  env["AWS_SHARED_CREDENTIALS_FILE"] = f.dir.write(
      "credentials",
      "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
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
  EXPECT_EQ(make_default_credentials_provider(config)->get_credentials().access_key_id,
            "AKIAPROFILE");
}

TEST(WebIdentityChain, HalfConfiguredWebIdentityStopsTheChain) {
  Fixture f;
  auto env = no_metadata(f.env());
  env.erase("AWS_ROLE_ARN");
  env["AWS_SHARED_CREDENTIALS_FILE"] = f.dir.write(
      "credentials",
      "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(env);
  const std::string m =
      error_of([&] { make_default_credentials_provider(config)->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("AWS_ROLE_ARN is not"));
}

TEST(WebIdentityProfile, ProfileWithTokenFileAndRole) {
  Fixture f;
  const std::string config_file =
      f.dir.write("config", "[profile irsa]\nweb_identity_token_file = " + f.token_file +
                                "\nrole_arn = " + kRole +
                                "-profile\nrole_session_name = from-profile\nregion = eu-west-1\n"
                                "[profile broken]\nweb_identity_token_file = " +
                                f.token_file +
                                "\n"
                                "[profile chained]\nrole_arn = " +
                                kRole + "\nsource_profile = irsa\n");
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
  EXPECT_EQ(make_profile_credentials_provider(alone)->get_credentials().access_key_id,
            "ASIASTSLOOP");

  f.sts.answer({{403, sts_error_xml("AccessDenied", "Not authorized")}});
  const std::string denied =
      error_of([&] { make_profile_credentials_provider(alone)->get_credentials(); });
  EXPECT_THAT(denied,
              HasSubstr("web identity of profile 'irsa': AssumeRoleWithWebIdentity for role " +
                        kRole + "-profile"));

  alone.profile = "broken";
  EXPECT_THAT(error_of([&] { make_profile_credentials_provider(alone)->get_credentials(); }),
              HasSubstr("profile 'broken' has web_identity_token_file but no role_arn"));
  // A role whose source is the web identity profile: both STS calls, in order.
  alone.profile = "chained";
  f.sts.answer({{200, testing_aws::sts_success_xml("AssumeRoleWithWebIdentity", "ASIAIRSA")},
                {200, testing_aws::sts_success_xml("AssumeRole", "ASIACHAINED")}});
  const std::size_t before = f.sts.seen().size();
  EXPECT_EQ(make_profile_credentials_provider(alone)->get_credentials().access_key_id,
            "ASIACHAINED");
  seen = f.sts.seen();
  ASSERT_EQ(seen.size(), before + 2);
  EXPECT_EQ(seen[before].params.at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(seen[before + 1].params.at("Action"), "AssumeRole");
}

// ----- botocore cross-check ------------------------------------------------------------------

TEST(WebIdentityBotocore, SameRequestAndSameReadingOfTheAnswers) {
  struct Case {
    std::string region, regional, role, session, token;
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"eu-west-1", "regional", kRole, "ssm-cache-1700000000123", kToken, 200, success_xml()},
      {"us-west-2", "legacy", "arn:aws:iam::123456789012:role/path/with spaces+plus",
       "s@me=name,x.y-z", "eyJ.a+b/c=d~e%f", 200,
       success_xml("ASIA&amp;ODD", "2031-05-06T07:08:09.123Z")},
      {"cn-north-1", "regional", "arn:aws-cn:iam::123456789012:role/r", "session", kToken, 403,
       sts_error_xml("AccessDenied",
                     "Not authorized to perform sts:AssumeRoleWithWebIdentity &lt;x&gt; &#233;")},
      {"eu-central-1", "legacy", kRole, "session", kToken, 400,
       sts_error_xml("ExpiredTokenException",
                     "Token expired: current date/time 1700000000 must be before the "
                     "expiration date/time 1600000000")},
      {"ap-southeast-2", "regional", kRole, "session", kToken, 400,
       sts_error_xml("ValidationError", "1 validation error")},
  };
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) {
    input.push_back({{"region", c.region},
                     {"regional", c.regional},
                     {"role_arn", c.role},
                     {"session_name", c.session},
                     {"token", c.token},
                     {"status", c.status},
                     {"body", c.body}});
  }
  const auto results = testing_aws::run_botocore_sts(input);
  ASSERT_EQ(results.size(), cases.size())
      << "botocore script failed (is python3-botocore installed?)";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + " " + c.region);
    testing_aws::TempDir dir;
    auto transport = std::make_shared<testing_aws::CannedTransport>(c.status, c.body);
    WebIdentityCredentialsConfig config;
    config.role_arn = c.role;
    config.token_file = dir.write("token", c.token);
    config.session_name = c.session;
    config.max_attempts = 1;
    config.environment = make_map_environment({{"HOME", dir.path()},
                                               {"AWS_REGION", c.region},
                                               {"AWS_STS_REGIONAL_ENDPOINTS", c.regional}});
    testing_aws::expect_like_botocore(
        *aws::make_web_identity_credentials_provider(config, transport), *transport, results[i],
        {"first-token-payload", "sts-secret-key", "sts-session-token"});
    EXPECT_EQ(testing_aws::header_of(transport->last(), "Authorization"), "");
    EXPECT_FALSE(results[i]["has_authorization"].get<bool>());
  }
}

}  // namespace
}  // namespace ssm_cache
