// tests/aws/credentials_sso_test.cpp — SSO profiles (sso_session and legacy forms): the token
// cache file name and the GetRoleCredentials request checked against botocore
// (botocore_sso.py), the answers read, and every way it fails: a missing, unreadable, malformed
// or expired token, a refused token, missing settings. Errors say to run `aws sso login` and
// never carry the token or a key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/credentials_sso.hpp"
#include "aws/credentials_transport.hpp"
#include "aws/credentials_util.hpp"
#include "aws/fake_sts.hpp"
#include "aws/temp_dir.hpp"
#include "common/time.hpp"
#include "python_script.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_aws::CannedTransport;
using testing_aws::TempDir;

constexpr const char* kToken = "aoaAAAAAGexampleSsoAccessTokenValue";
constexpr const char* kSecret = "sso-role-secret-access-key";
const std::string kAnswer =
    std::string(R"({"roleCredentials":{"accessKeyId":"ASIASSOROLE","secretAccessKey":")") +
    kSecret + R"(","sessionToken":"sso-session-token","expiration":4102444800000}})";

std::string error_of(CredentialsProvider& p) {
  try {
    p.get_credentials();
  } catch (const CredentialsError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no CredentialsError";
  return {};
}

aws::SsoSettings session_settings() {
  return {"dev",       "corp",         "https://corp.awsapps.com/start",
          "eu-west-1", "123456789012", "ReadParams"};
}

TEST(SsoCacheFileName, IsSha1OfSessionNameOrStartUrlLikeBotocore) {
  aws::SsoSettings legacy = session_settings();
  legacy.session.clear();
  const auto b = testing_python::run_json(
      "tests/aws/botocore_sso.py",
      {{"cache_keys",
        {{{"start_url", "https://corp.awsapps.com/start"}, {"session_name", "corp"}},
         {{"start_url", "https://corp.awsapps.com/start"}, {"session_name", nullptr}}}},
       {"calls", nlohmann::json::array()}});
  ASSERT_TRUE(b) << "tests/aws/botocore_sso.py failed (python3-botocore missing?)";
  EXPECT_EQ(aws::sso_cache_file_name(session_settings()), (*b)["cache_keys"][0].get<std::string>());
  EXPECT_EQ(aws::sso_cache_file_name(legacy), (*b)["cache_keys"][1].get<std::string>());
  // Recorded from botocore 1.29 (SSOTokenLoader._generate_cache_key), for runs without it.
  EXPECT_EQ(aws::sso_cache_file_name(session_settings()),
            "ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
  EXPECT_EQ(aws::sso_cache_file_name(legacy), "a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json");
}

struct SsoFixture {
  TempDir home;
  std::shared_ptr<CannedTransport> portal = std::make_shared<CannedTransport>(200, kAnswer);
  std::chrono::system_clock::time_point now = *common::parse_iso8601("2026-11-30T12:00:00Z");

  void write_token(const aws::SsoSettings& s, const std::string& expires_at,
                   const std::string& token = kToken) const {
    home.write(".aws/sso/cache/" + aws::sso_cache_file_name(s),
               nlohmann::json{{"startUrl", s.start_url},
                              {"region", s.region},
                              {"accessToken", token},
                              {"expiresAt", expires_at}}
                   .dump());
  }
  std::shared_ptr<CredentialsProvider> provider(const aws::SsoSettings& s,
                                                std::map<std::string, std::string> env = {}) const {
    env["HOME"] = home.path();
    return aws::make_sso_credentials_provider(
        {s, make_map_environment(std::move(env)), portal, testing_aws::clock_at(now)});
  }
};

TEST(SsoProvider, GetRoleCredentialsIsSentAsBotocoreSendsIt) {
  SsoFixture f;
  aws::SsoSettings s = session_settings();
  s.role_name = "Read Params/x";  // percent-encoded in the query
  f.write_token(s, "2026-11-30T20:00:00Z");
  const Credentials c = f.provider(s)->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIASSOROLE");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, "sso-session-token");
  EXPECT_EQ(c.provider, "sso");
  EXPECT_EQ(c.expiration, common::parse_iso8601("2100-01-01T00:00:00Z"));

  const http::Request sent = f.portal->last();
  const auto b = testing_python::run_json("tests/aws/botocore_sso.py",
                                          {{"cache_keys", nlohmann::json::array()},
                                           {"calls",
                                            {{{"region", "eu-west-1"},
                                              {"role_name", s.role_name},
                                              {"account_id", s.account_id},
                                              {"token", kToken},
                                              {"body", kAnswer}}}}});
  ASSERT_TRUE(b) << "tests/aws/botocore_sso.py failed (python3-botocore missing?)";
  const auto& call = (*b)["calls"][0];
  EXPECT_EQ(sent.method, call["method"].get<std::string>());
  EXPECT_EQ(sent.url, call["url"].get<std::string>());
  EXPECT_EQ(testing_aws::header_of(sent, "x-amz-sso_bearer_token"),
            call["headers"]["x-amz-sso_bearer_token"]);
  EXPECT_EQ(testing_aws::header_of(sent, "Authorization"), "");  // unsigned, as botocore's
  EXPECT_EQ(std::chrono::duration<double>(c.expiration->time_since_epoch()).count(),
            call["credentials"]["Expiration"].get<double>());
}

TEST(SsoProvider, PortalEndpointFromTheEnvironmentAndLegacyUtcExpiry) {
  SsoFixture f;
  aws::SsoSettings legacy = session_settings();
  legacy.session.clear();
  f.write_token(legacy, "2026-11-30T20:00:00UTC");  // what the AWS CLI v1 wrote
  EXPECT_NO_THROW(
      f.provider(legacy, {{"AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:4599/"}})->get_credentials());
  EXPECT_EQ(
      f.portal->last().url,
      "http://127.0.0.1:4599/federation/credentials?role_name=ReadParams&account_id=123456789012");
}

TEST(SsoProvider, MissingExpiredMalformedOrRefusedTokensSayToLogIn) {
  SsoFixture f;
  const aws::SsoSettings s = session_settings();
  std::string m = error_of(*f.provider(s));
  EXPECT_THAT(m, HasSubstr("no SSO token for sso-session 'corp'"));
  EXPECT_THAT(m, HasSubstr(aws::sso_cache_file_name(s)));
  EXPECT_THAT(m, HasSubstr("aws sso login --profile dev"));

  f.write_token(s, "2026-11-30T11:59:59Z");
  m = error_of(*f.provider(s));
  EXPECT_THAT(m, HasSubstr("expired at 20261130T115959Z"));
  EXPECT_THAT(m, HasSubstr("aws sso login --profile dev"));
  EXPECT_THAT(m, Not(HasSubstr(kToken)));

  for (const std::string& garbage :
       {std::string("not json ") + kToken, std::string(R"({"accessToken":"x"})"),
        std::string(R"({"accessToken":"x","expiresAt":"tomorrow"})")}) {
    f.home.write(".aws/sso/cache/" + aws::sso_cache_file_name(s), garbage);
    m = error_of(*f.provider(s));
    EXPECT_THAT(m, HasSubstr("aws sso login")) << garbage;
    EXPECT_THAT(m, Not(HasSubstr(kToken)));
  }

  f.write_token(s, "2026-11-30T20:00:00Z");
  f.portal =
      std::make_shared<CannedTransport>(401, R"({"message":"Session token not found or invalid"})");
  m = error_of(*f.provider(s));
  EXPECT_THAT(m, HasSubstr("refused the token (HTTP 401"));
  EXPECT_THAT(m, HasSubstr("aws sso login --profile dev"));
  EXPECT_THAT(m, Not(HasSubstr(kToken)));

  f.portal = std::make_shared<CannedTransport>(200, std::string("<html>") + kSecret);
  m = error_of(*f.provider(s));
  EXPECT_THAT(m, HasSubstr("has no roleCredentials"));
  EXPECT_THAT(m, Not(HasSubstr(kSecret)));
}

TEST(SsoSettings, SessionSectionLegacyFormAndMissingKeys) {
  TempDir home;
  home.write(".aws/config",
             "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = "
             "eu-west-1\n");
  const auto env = make_map_environment({{"HOME", home.path()}});
  const aws::SsoSettings s = aws::sso_settings_of("dev",
                                                  {{"sso_session", "corp"},
                                                   {"sso_account_id", "123456789012"},
                                                   {"sso_role_name", "ReadParams"}},
                                                  env);
  EXPECT_EQ(s.start_url, "https://corp.awsapps.com/start");
  EXPECT_EQ(s.region, "eu-west-1");

  const auto error = [&](const std::map<std::string, std::string>& values) {
    try {
      aws::sso_settings_of("dev", values, env);
    } catch (const CredentialsError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error({{"sso_session", "corp"}, {"sso_account_id", "1"}}),
              HasSubstr("without sso_role_name"));
  EXPECT_THAT(error({{"sso_session", "other"}, {"sso_account_id", "1"}, {"sso_role_name", "r"}}),
              HasSubstr("[sso-session other]"));
  EXPECT_THAT(
      error(
          {{"sso_start_url", "https://x/start"}, {"sso_account_id", "1"}, {"sso_role_name", "r"}}),
      HasSubstr("without sso_region"));
  EXPECT_THAT(error({{"sso_session", "corp"},
                     {"sso_region", "us-east-1"},
                     {"sso_account_id", "1"},
                     {"sso_role_name", "r"}}),
              HasSubstr("sso_region differs"));
}

TEST(SsoProfile, TheDefaultChainServesAnSsoProfile) {
  SsoFixture f;
  f.home.write(".aws/config",
               "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = "
               "ReadParams\n"
               "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = "
               "eu-west-1\n");
  f.write_token(session_settings(), "2099-01-01T00:00:00Z");
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(
      {{"HOME", f.home.path()}, {"AWS_PROFILE", "dev"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  EXPECT_EQ(
      aws::make_default_credentials_provider(config, f.portal)->get_credentials().access_key_id,
      "ASIASSOROLE");
  EXPECT_EQ(testing_aws::header_of(f.portal->last(), "x-amz-sso_bearer_token"), kToken);
}

}  // namespace
}  // namespace ssm_cache
