// tests/aws/credentials_assume_role_test.cpp — STS AssumeRole for role profiles (source_profile,
// credential_source, role chaining, cycles) over the real libcurl transport against a loopback
// server playing STS that verifies the SigV4 signature; plus a botocore cross-check of the
// request, its signature and the reading of the answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/credentials_transport.hpp"
#include "aws/fake_sts.hpp"
#include "aws/sigv4.hpp"
#include "aws/temp_dir.hpp"
#include "common/env.hpp"
#include "common/time.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_aws::FakeSts;
using testing_aws::sts_error_xml;
using testing_aws::sts_success_xml;

const std::string kRole = "arn:aws:iam::123456789012:role/admin";
const std::string kSourceSecret = "source-secret-key/abc+def";

std::string answer(const std::string& key, const std::string& token = "role-token") {
  return sts_success_xml("AssumeRole", key, "2030-01-02T03:04:05Z", token);
}

/// The server side of SigV4: recomputes the signature of a received request.
bool signed_by(const FakeSts::Seen& seen, const std::string& key_id, const std::string& secret) {
  aws::SignableRequest received{"POST", seen.path, seen.headers, seen.body};
  aws::ParsedAuthorization auth;
  if (!aws::parse_authorization(seen.authorization, auth) || auth.access_key_id != key_id)
    return false;
  const std::string expected = aws::expected_signature(received, secret);
  return !expected.empty() && aws::constant_time_equals(expected, auth.signature);
}

struct Fixture {
  FakeSts sts{answer("ASIAROLE")};
  testing_aws::TempDir dir;
  std::vector<std::chrono::milliseconds> sleeps;

  std::map<std::string, std::string> env(const std::string& config, const std::string& profile) {
    return {{"HOME", dir.path()},
            {"AWS_CONFIG_FILE", dir.write("config", config)},
            {"AWS_SHARED_CREDENTIALS_FILE", dir.path() + "/no-credentials"},
            {"AWS_PROFILE", profile},
            {"AWS_REGION", "eu-west-1"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_ENDPOINT_URL_STS", sts.url()}};
  }
  std::shared_ptr<CredentialsProvider> chain(std::map<std::string, std::string> values) {
    DefaultCredentialsConfig config;
    config.environment = make_map_environment(values);
    config.sts_resolver = make_default_sts_profile_resolver(
        {.environment = config.environment,
         .sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
         .clock = testing_aws::clock_at(std::chrono::system_clock::time_point{} +
                                        std::chrono::milliseconds{1700000000456})});
    return make_default_credentials_provider(config);
  }
};

/// The message of the CredentialsError `f` throws, checked to hold no key and no token.
template <typename F>
std::string error_of(F&& f) {
  return testing_aws::credentials_error_of(
      std::forward<F>(f),
      {"source-secret-key", "sts-secret-key", "role-token", "env-secret", "env-token"});
}

TEST(AssumeRoleProfile, SourceProfileWithStaticKeysSignsTheCall) {
  Fixture f;
  auto provider =
      f.chain(f.env("[profile admin]\nrole_arn = " + kRole +
                        "\nsource_profile = base\nexternal_id = ext-123\nduration_seconds = 1800\n"
                        "role_session_name = ops\n"
                        "[profile base]\naws_access_key_id = AKIASOURCE\naws_secret_access_key = " +
                        kSourceSecret + "\n",
                    "admin"));
  const Credentials c = provider->get_credentials();
  EXPECT_EQ(c.provider, "assume-role");
  EXPECT_EQ(c.access_key_id, "ASIAROLE");
  EXPECT_EQ(c.session_token, "role-token");
  provider->get_credentials();  // cached until 2030

  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].params.at("Action"), "AssumeRole");
  EXPECT_EQ(seen[0].params.at("Version"), "2011-06-15");
  EXPECT_EQ(seen[0].params.at("RoleArn"), kRole);
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), "ops");
  EXPECT_EQ(seen[0].params.at("ExternalId"), "ext-123");
  EXPECT_EQ(seen[0].params.at("DurationSeconds"), "1800");
  EXPECT_EQ(seen[0].params.size(), 6u);
  EXPECT_THAT(seen[0].authorization, HasSubstr("Credential=AKIASOURCE/"));
  EXPECT_THAT(seen[0].authorization, HasSubstr("/eu-west-1/sts/aws4_request"));
  EXPECT_EQ(seen[0].header("X-Amz-Date"), "20231114T221320Z");  // the injected clock
  EXPECT_EQ(seen[0].header("X-Amz-Security-Token"), "");
  EXPECT_TRUE(signed_by(seen[0], "AKIASOURCE", kSourceSecret));
  EXPECT_FALSE(signed_by(seen[0], "AKIASOURCE", "another-secret"));  // the check can fail
}

TEST(AssumeRoleProfile, GeneratedSessionNameAndTheGlobalEndpointSignsForUsEast1) {
  Fixture f;
  auto env = f.env("[profile admin]\nrole_arn = " + kRole +
                       "\nsource_profile = admin\n"
                       "aws_access_key_id = AKIASELF\naws_secret_access_key = " +
                       kSourceSecret + "\n",
                   "admin");
  env.erase("AWS_REGION");  // no region: the global endpoint, whose signing region is us-east-1
  f.chain(env)->get_credentials();
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].params.at("RoleSessionName"), "ssm-cache-1700000000456");
  EXPECT_EQ(seen[0].params.count("ExternalId"), 0u);
  EXPECT_EQ(seen[0].params.count("DurationSeconds"), 0u);
  EXPECT_THAT(seen[0].authorization,
              HasSubstr("Credential=AKIASELF/20231114/us-east-1/sts/aws4_request"));
  EXPECT_TRUE(signed_by(seen[0], "AKIASELF", kSourceSecret));  // a profile may source its own keys
}

TEST(AssumeRoleProfile, CredentialSourceEnvironmentWithASessionToken) {
  Fixture f;
  auto env = f.env("[profile admin]\nrole_arn = " + kRole + "\ncredential_source = Environment\n",
                   "admin");
  env["AWS_ACCESS_KEY_ID"] = "ASIAENV";
  env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env["AWS_SESSION_TOKEN"] = "env-token";
  // common::Environment keys come first in the chain: go through the profile provider itself.
  ProfileCredentialsConfig config;
  config.environment = make_map_environment(env);
  config.sts_resolver = make_default_sts_profile_resolver({.environment = config.environment});
  EXPECT_EQ(make_profile_credentials_provider(config)->get_credentials().access_key_id, "ASIAROLE");
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("X-Amz-Security-Token"), "env-token");
  EXPECT_TRUE(signed_by(seen[0], "ASIAENV", "env-secret"));
}

TEST(AssumeRoleProfile, RoleChainingUsesEachRolesCredentialsForTheNext) {
  Fixture f;
  f.sts.answer(
      {{200, answer("ASIAROLEB", "token-of-b")}, {200, answer("ASIAROLEA", "token-of-a")}});
  auto provider =
      f.chain(f.env("[profile a]\nrole_arn = " + kRole +
                        "-a\nsource_profile = b\n"
                        "[profile b]\nrole_arn = " +
                        kRole +
                        "-b\nsource_profile = c\n"
                        "[profile c]\naws_access_key_id = AKIAC\naws_secret_access_key = " +
                        kSourceSecret + "\n",
                    "a"));
  EXPECT_EQ(provider->get_credentials().access_key_id, "ASIAROLEA");
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].params.at("RoleArn"), kRole + "-b");
  EXPECT_TRUE(signed_by(seen[0], "AKIAC", kSourceSecret));
  EXPECT_EQ(seen[1].params.at("RoleArn"), kRole + "-a");
  EXPECT_EQ(seen[1].header("X-Amz-Security-Token"), "token-of-b");
  EXPECT_TRUE(signed_by(seen[1], "ASIAROLEB", "sts-secret-key"));
}

TEST(AssumeRoleProfile, SourceProfileWithWebIdentity) {
  Fixture f;
  f.sts.answer({{200, sts_success_xml("AssumeRoleWithWebIdentity", "ASIAWEB",
                                      "2030-01-02T03:04:05Z", "web-token")},
                {200, answer("ASIAROLE")}});
  const std::string token_file = f.dir.write("token", "eyJ.web-identity-jwt.sig");
  auto provider = f.chain(f.env("[profile admin]\nrole_arn = " + kRole +
                                    "\nsource_profile = irsa\n"
                                    "[profile irsa]\nrole_arn = " +
                                    kRole + "-irsa\nweb_identity_token_file = " + token_file + "\n",
                                "admin"));
  EXPECT_EQ(provider->get_credentials().access_key_id, "ASIAROLE");
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].params.at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(seen[0].authorization, "");
  EXPECT_EQ(seen[1].params.at("Action"), "AssumeRole");
  EXPECT_TRUE(signed_by(seen[1], "ASIAWEB", "sts-secret-key"));
}

TEST(AssumeRoleProfile, CyclesAndOverlongChainsAreRefused) {
  Fixture f;
  std::string m = error_of([&] {
    f.chain(f.env("[profile a]\nrole_arn = " + kRole +
                      "\nsource_profile = b\n"
                      "[profile b]\nrole_arn = " +
                      kRole + "\nsource_profile = a\n",
                  "a"))
        ->get_credentials();
  });
  EXPECT_THAT(m, HasSubstr("source_profile makes a cycle: 'a' -> 'b' -> 'a'"));
  m = error_of([&] {
    f.chain(f.env("[profile a]\nrole_arn = " + kRole + "\nsource_profile = a\n", "a"))
        ->get_credentials();
  });
  EXPECT_THAT(m, HasSubstr("cycle"));

  std::string config;
  for (int i = 0; i < 12; ++i) {
    config += "[profile p" + std::to_string(i) + "]\nrole_arn = " + kRole + "\nsource_profile = p" +
              std::to_string(i + 1) + "\n";
  }
  config +=
      "[profile p12]\naws_access_key_id = AKIA\naws_secret_access_key = " + kSourceSecret + "\n";
  m = error_of([&] { f.chain(f.env(config, "p0"))->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("more than 8 roles chained"));
  EXPECT_TRUE(f.sts.seen().empty());
}

TEST(AssumeRoleProfile, ConfigurationMistakes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"role_arn = R\nsource_profile = base\ncredential_source = Environment\n",
       "both source_profile and credential_source"},
      {"role_arn = R\n", "neither source_profile nor credential_source"},
      {"role_arn = R\ncredential_source = Lambda\n", "credential_source 'Lambda' is not valid"},
      {"role_arn = R\nsource_profile = nowhere\n", "source_profile 'nowhere'"},
      {"role_arn = R\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n", "mfa_serial"},
      {"role_arn = R\nsource_profile = base\nduration_seconds = 1h\n",
       "duration_seconds must be a number"},
      {"role_arn = R\nsource_profile = base\nduration_seconds = 60\n",
       "900 to 43200 seconds, got 60"},
      {"role_arn = R\nsource_profile = empty\n", "its source_profile has no credentials"},
      {"role_arn = R\nsource_profile = half\n",
       "only one of aws_access_key_id and aws_secret_access_key"},
  };
  for (const auto& [lines, expected] : cases) {
    SCOPED_TRACE(lines);
    Fixture f;
    const std::string m = error_of([&] {
      f.chain(f.env("[profile admin]\n" + lines +
                        "[profile base]\naws_access_key_id = AKIA\naws_secret_access_key = " +
                        kSourceSecret +
                        "\n[profile empty]\nregion = eu-west-1\n[profile "
                        "half]\naws_secret_access_key = " +
                        kSourceSecret + "\n",
                    "admin"))
          ->get_credentials();
    });
    EXPECT_THAT(m, HasSubstr("profile 'admin'"));
    EXPECT_THAT(m, HasSubstr(expected));
    EXPECT_TRUE(f.sts.seen().empty());
  }
}

TEST(AssumeRoleProfile, StsErrorsNameRoleAndCodeButNoSecret) {
  Fixture f;
  f.sts.answer(
      {{403, sts_error_xml("AccessDenied",
                           "User AKIASOURCE is not authorized to perform sts:AssumeRole")}});
  const std::string config =
      "[profile admin]\nrole_arn = " + kRole +
      "\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AKIASOURCE\naws_secret_access_key = " +
      kSourceSecret + "\n";
  std::string m = error_of([&] { f.chain(f.env(config, "admin"))->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("assume role of profile 'admin': AssumeRole for role " + kRole));
  EXPECT_THAT(m, HasSubstr("AccessDenied: User AKIASOURCE is not authorized"));
  EXPECT_EQ(f.sts.seen().size(), 1u);
  EXPECT_TRUE(f.sleeps.empty());

  // Throttling is retried; InvalidIdentityToken only for web identity, so here it is final.
  Fixture g;
  g.sts.answer({{400, sts_error_xml("Throttling", "Rate exceeded")}, {200, answer("ASIAAFTER")}});
  EXPECT_EQ(g.chain(g.env(config, "admin"))->get_credentials().access_key_id, "ASIAAFTER");
  EXPECT_EQ(g.sts.seen().size(), 2u);
  EXPECT_EQ(g.sleeps.size(), 1u);
  EXPECT_TRUE(signed_by(g.sts.seen()[1], "AKIASOURCE", kSourceSecret));  // signed again

  Fixture h;
  h.sts.answer({{400, sts_error_xml("InvalidIdentityToken", "nope")}});
  m = error_of([&] { h.chain(h.env(config, "admin"))->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("InvalidIdentityToken: nope"));
  EXPECT_EQ(h.sts.seen().size(), 1u);
}

TEST(AssumeRoleProfile, AProfileProviderWithoutAResolverAssumesRolesToo) {
  // The profile the caller names is a role: a profile provider on its own serves it, as the
  // SDKs do, with the default resolver over the provider's environment.
  Fixture f;
  ProfileCredentialsConfig config;
  config.environment =
      make_map_environment(f.env("[profile admin]\nrole_arn = " + kRole +
                                     "\nsource_profile = admin\naws_access_key_id = AKIA\n"
                                     "aws_secret_access_key = " +
                                     kSourceSecret + "\n",
                                 "admin"));
  const Credentials c = make_profile_credentials_provider(config)->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIAROLE");
  EXPECT_EQ(c.provider, "assume-role");
  const auto seen = f.sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].params.at("Action"), "AssumeRole");
  EXPECT_TRUE(signed_by(seen[0], "AKIA", kSourceSecret));
}

TEST(AssumeRoleProvider, ErrorsFromTheSourceStopTheCall) {
  Fixture f;
  AssumeRoleCredentialsConfig config;
  config.role_arn = kRole;
  config.source = make_environment_credentials_provider({make_map_environment({})});
  config.environment =
      make_map_environment({{"HOME", f.dir.path()}, {"AWS_ENDPOINT_URL_STS", f.sts.url()}});
  const std::string m =
      error_of([&] { make_assume_role_credentials_provider(config)->get_credentials(); });
  EXPECT_THAT(m, HasSubstr("assume role: no source credentials to assume role " + kRole));
  EXPECT_TRUE(f.sts.seen().empty());
  config.source = nullptr;
  EXPECT_THROW(make_assume_role_credentials_provider(config), CredentialsError);
}

// ----- botocore cross-check ------------------------------------------------------------------

TEST(AssumeRoleBotocore, SameRequestSameSignatureSameReadingOfTheAnswers) {
  struct Case {
    std::string region, regional, role, session, key, secret, token, external_id;
    int duration;
    std::string amz_date;
    int status;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"eu-west-1", "regional", kRole, "ops", "AKIASOURCE", kSourceSecret, "", "", 0,
       "20240229T235959Z", 200, answer("ASIAONE")},
      {"us-west-2", "legacy", kRole + "/path with space", "s@me=name,x.y-z", "ASIASOURCE",
       "s/e+c=r", "IQoJb3/+==tok", "ext id&=+", 3600, "20150830T123600Z", 200,
       answer("ASIA&amp;TWO")},
      {"", "regional", kRole, "session", "AKIASOURCE", kSourceSecret, "tok", "", 43200,
       "20231114T221320Z", 403,
       sts_error_xml("AccessDenied",
                     "User is not authorized to perform: sts:AssumeRole on &lt;role&gt;")},
      {"cn-north-1", "regional", "arn:aws-cn:iam::123456789012:role/r", "session", "AKIASOURCE",
       kSourceSecret, "", "xy", 900, "20240101T000000Z", 400,
       sts_error_xml("RegionDisabledException", "STS is not activated")},
  };
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) {
    nlohmann::json j = {{"action", "AssumeRole"},
                        {"region", c.region},
                        {"regional", c.regional},
                        {"role_arn", c.role},
                        {"session_name", c.session},
                        {"access_key_id", c.key},
                        {"secret_access_key", c.secret},
                        {"session_token", c.token},
                        {"external_id", c.external_id},
                        {"amz_date", c.amz_date},
                        {"status", c.status},
                        {"body", c.body}};
    if (c.duration != 0) j["duration_seconds"] = c.duration;
    input.push_back(j);
  }
  const auto results = testing_aws::run_botocore_sts(input);
  ASSERT_EQ(results.size(), cases.size())
      << "botocore script failed (is python3-botocore installed?)";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const auto& b = results[i];
    SCOPED_TRACE("case " + std::to_string(i) + " " + c.region);
    testing_aws::TempDir dir;
    auto transport = std::make_shared<testing_aws::CannedTransport>(c.status, c.body);
    std::chrono::system_clock::time_point when;
    ASSERT_TRUE(common::parse_amz_date(c.amz_date, when));
    AssumeRoleCredentialsConfig config;
    config.source =
        make_static_credentials_provider({Credentials{c.key, c.secret, c.token, {}, "test"}});
    config.role_arn = c.role;
    config.session_name = c.session;
    config.external_id = c.external_id;
    if (c.duration != 0) config.duration = std::chrono::seconds{c.duration};
    config.max_attempts = 1;
    config.clock = testing_aws::clock_at(when);
    std::map<std::string, std::string> env = {{"HOME", dir.path()},
                                              {"AWS_STS_REGIONAL_ENDPOINTS", c.regional}};
    if (!c.region.empty()) env["AWS_REGION"] = c.region;
    config.environment = make_map_environment(env);
    testing_aws::expect_like_botocore(
        *aws::make_assume_role_credentials_provider(config, transport), *transport, b,
        {"source-secret-key", "s/e+c=r", "sts-secret-key", "role-token"});
    const http::Request sent = transport->last();
    EXPECT_EQ(testing_aws::header_of(sent, "X-Amz-Date"), b["x_amz_date"].get<std::string>());
    EXPECT_EQ(testing_aws::header_of(sent, "X-Amz-Security-Token"),
              b["x_amz_security_token"].get<std::string>());
    EXPECT_EQ(testing_aws::header_of(sent, "Authorization"), b["authorization"].get<std::string>());
    EXPECT_THAT(b["authorization"].get<std::string>(), HasSubstr("Signature="));
  }
}

}  // namespace
}  // namespace ssm_cache
