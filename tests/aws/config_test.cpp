// tests/aws/config_test.cpp — shared-file parsing, profile loading and region/endpoint
// resolution, each with its typed errors. Injected environment only; files in a temp dir.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/config.hpp"
#include "aws/temp_dir.hpp"
#include "common/env.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

using ::testing::HasSubstr;
using testing_aws::TempDir;

/// Runs `f`, expecting a ConfigurationError whose message contains every fragment.
template <typename F>
void expect_config_error(F&& f, std::initializer_list<std::string> fragments) {
  try {
    f();
    ADD_FAILURE() << "no ConfigurationError";
  } catch (const ConfigurationError& e) {
    for (const auto& fragment : fragments) EXPECT_THAT(e.what(), HasSubstr(fragment));
  }
}

class ConfigTest : public ::testing::Test {
 protected:
  common::Environment env(std::map<std::string, std::string> extra = {}) const {
    std::map<std::string, std::string> values{{"HOME", dir.path() + "/home"}};
    for (auto& [k, v] : extra) values[k] = v;
    return common::map_environment(values);
  }
  ResolvedConfig resolve(std::map<std::string, std::string> extra = {},
                         AwsClientOptions options = {}) const {
    return resolve_config(options, env(std::move(extra)));
  }
  TempDir dir;
};

TEST(ParseIni, SectionsPropertiesCommentsAndSubProperties) {
  const auto sections = parse_ini(
      "# comment\n"
      "; another\n"
      "[default]\r\n"
      "region = eu-west-1\n"
      "Aws_Access_Key_Id=AKID\n"
      "  \n"
      "[profile   dev] # trailing comment\n"
      "region=us-west-2\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "\tendpoint_url = http://localhost:9000\n"
      "[services local]\n"
      "ssm =\n"
      "  endpoint_url = http://127.0.0.1:4566\n"
      "[empty]\n",
      "/x/config");
  ASSERT_EQ(sections.size(), 4u);
  EXPECT_EQ(sections.at("default").at("region"), "eu-west-1");
  EXPECT_EQ(sections.at("default").at("aws_access_key_id"), "AKID");  // keys are case-insensitive
  EXPECT_EQ(sections.at("profile dev").at("region"), "us-west-2");
  EXPECT_EQ(sections.at("profile dev").at("s3.max_concurrent_requests"), "10");
  EXPECT_EQ(sections.at("profile dev").at("s3.endpoint_url"), "http://localhost:9000");
  EXPECT_EQ(sections.at("services local").at("ssm.endpoint_url"), "http://127.0.0.1:4566");
  EXPECT_TRUE(sections.at("empty").empty());
}

TEST(ParseIni, MalformedLinesNameFileAndLineButNotTheText) {
  expect_config_error(
      [] { parse_ini("[default]\nthis is a secret-looking line\n", "/x/credentials"); },
      {"/x/credentials", "line 2"});
  try {
    parse_ini("[default]\nwJalrXUtnFEMI/K7MDENG\n", "/x/credentials");
  } catch (const ConfigurationError& e) {
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("wJalrXUtnFEMI")));
  }
  expect_config_error([] { parse_ini("region = us-east-1\n", "/x/config"); },
                      {"line 1", "before any [section]"});
  expect_config_error([] { parse_ini("[default\n", "/x/config"); }, {"line 1", "']'"});
  expect_config_error([] { parse_ini("[]\n", "/x/config"); }, {"empty section name"});
  expect_config_error([] { parse_ini("[a]\n= value\n", "/x/config"); },
                      {"line 2", "without a name"});
}

TEST_F(ConfigTest, ProfileMergesConfigAndCredentialsFilesCredentialsWin) {
  dir.write("home/.aws/config",
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\naws_access_key_id = "
            "FROMCONFIG\n"
            "[dev]\nregion = not-a-profile-in-config\n");
  dir.write("home/.aws/credentials",
            "[default]\naws_access_key_id = AKIDDEFAULT\n[dev]\naws_access_key_id = AKIDDEV\n"
            "[profile dev]\naws_access_key_id = literal-name-in-credentials\n");
  const Profile def = load_profile(env());
  EXPECT_EQ(def.name, "default");
  EXPECT_EQ(def.values.at("region"), "eu-west-1");
  EXPECT_EQ(def.values.at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_THAT(def.source, HasSubstr(dir.path() + "/home/.aws/config"));
  EXPECT_THAT(def.source, HasSubstr(dir.path() + "/home/.aws/credentials"));

  const Profile dev = load_profile(env({{"AWS_PROFILE", "dev"}}));
  EXPECT_EQ(dev.name, "dev");
  EXPECT_EQ(dev.values.at("region"), "us-west-2");
  EXPECT_EQ(dev.values.at("aws_access_key_id"), "AKIDDEV");

  // The explicit name wins over AWS_PROFILE.
  EXPECT_EQ(load_profile(env({{"AWS_PROFILE", "dev"}}), "default").name, "default");
}

TEST_F(ConfigTest, ProfileDefaultSectionInConfigWinsOverPlainDefault) {
  dir.write("home/.aws/config", "[default]\nregion = a-1\n[profile default]\nregion = b-2\n");
  EXPECT_EQ(load_profile(env()).values.at("region"), "b-2");
}

TEST_F(ConfigTest, FileLocationsFromEnvironment) {
  const std::string config = dir.write("elsewhere/cfg", "[profile x]\nregion = ap-south-1\n");
  const std::string creds = dir.write("elsewhere/creds", "[x]\naws_access_key_id = K\n");
  const Profile p =
      load_profile(env({{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", creds}}), "x");
  EXPECT_EQ(p.values.at("region"), "ap-south-1");
  EXPECT_EQ(p.values.at("aws_access_key_id"), "K");
  EXPECT_EQ(config_file_path(env({{"AWS_CONFIG_FILE", "~/c"}})), dir.path() + "/home/c");
  EXPECT_EQ(credentials_file_path(env()), dir.path() + "/home/.aws/credentials");
}

TEST_F(ConfigTest, MissingFilesGiveAnEmptyDefaultProfile) {
  const Profile p = load_profile(env());
  EXPECT_EQ(p.name, "default");
  EXPECT_TRUE(p.values.empty());
  EXPECT_TRUE(p.source.empty());
}

TEST_F(ConfigTest, NamedProfileThatDoesNotExistIsAnError) {
  dir.write("home/.aws/config", "[default]\nregion = eu-west-1\n");
  expect_config_error(
      [&] {
        load_profile(env({{"AWS_PROFILE", "nope"}}));
      },
      {"'nope'", "AWS_PROFILE", dir.path() + "/home/.aws/config"});
}

TEST_F(ConfigTest, UnreadableOrMalformedFileIsAnError) {
  std::filesystem::create_directories(dir.path() + "/home/.aws/credentials");  // a directory
  expect_config_error([&] { load_profile(env()); },
                      {dir.path() + "/home/.aws/credentials", "directory"});
  const std::string bad = dir.write("bad-config", "[default]\nregion\n");
  expect_config_error(
      [&] {
        resolve({{"AWS_CONFIG_FILE", bad}, {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"}});
      },
      {bad, "line 2"});
}

TEST_F(ConfigTest, RegionPrecedence) {
  dir.write("home/.aws/config", "[default]\nregion = eu-west-3\n");
  EXPECT_EQ(resolve().region, "eu-west-3");
  EXPECT_THAT(resolve().region_source, HasSubstr("profile 'default'"));
  EXPECT_EQ(resolve({{"AWS_DEFAULT_REGION", "eu-west-2"}}).region, "eu-west-2");
  EXPECT_EQ(resolve({{"AWS_DEFAULT_REGION", "eu-west-2"}}).region_source, "AWS_DEFAULT_REGION");
  EXPECT_EQ(resolve({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}}).region,
            "eu-west-1");
  AwsClientOptions options;
  options.region = "ap-northeast-1";
  const auto rc = resolve({{"AWS_REGION", "eu-west-1"}}, options);
  EXPECT_EQ(rc.region, "ap-northeast-1");
  EXPECT_EQ(rc.region_source, "AwsClientOptions::region");
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.ap-northeast-1.amazonaws.com");
}

TEST_F(ConfigTest, MissingOrInvalidRegion) {
  expect_config_error([&] { resolve(); },
                      {"no AWS region", "AWS_REGION", "AWS_DEFAULT_REGION", "profile 'default'"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "US East 1"}});
      },
      {"'US East 1'", "AWS_REGION"});
  expect_config_error([&] { resolve({{"AWS_REGION", "us-east-1/evil"}}); }, {"AWS_REGION"});
}

TEST_F(ConfigTest, DefaultEndpointsByPartition) {
  auto rc = resolve({{"AWS_REGION", "us-east-1"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.us-east-1.amazonaws.com");
  EXPECT_EQ(rc.secrets_manager_endpoint, "https://secretsmanager.us-east-1.amazonaws.com");
  EXPECT_EQ(rc.max_attempts, 3);
  EXPECT_EQ(rc.retry_mode, "standard");
  EXPECT_TRUE(rc.ca_bundle.empty());
  rc = resolve({{"AWS_REGION", "cn-north-1"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(rc.secrets_manager_endpoint, "https://secretsmanager.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(resolve({{"AWS_REGION", "us-gov-west-1"}}).ssm_endpoint,
            "https://ssm.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(resolve({{"AWS_REGION", "us-iso-east-1"}}).ssm_endpoint,
            "https://ssm.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(resolve({{"AWS_REGION", "us-isob-east-1"}}).ssm_endpoint,
            "https://ssm.us-isob-east-1.sc2s.sgov.gov");
  // Unknown regions fall back to the aws partition, as in the SDKs.
  EXPECT_EQ(resolve({{"AWS_REGION", "xx-future-9"}}).ssm_endpoint,
            "https://ssm.xx-future-9.amazonaws.com");
}

TEST_F(ConfigTest, FipsAndDualStack) {
  auto rc = resolve({{"AWS_REGION", "us-east-1"}, {"AWS_USE_FIPS_ENDPOINT", "true"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(rc.secrets_manager_endpoint, "https://secretsmanager-fips.us-east-1.amazonaws.com");
  rc = resolve({{"AWS_REGION", "us-east-1"}, {"AWS_USE_DUALSTACK_ENDPOINT", "TRUE"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.us-east-1.api.aws");
  rc = resolve({{"AWS_REGION", "us-east-1"},
                {"AWS_USE_FIPS_ENDPOINT", "true"},
                {"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm-fips.us-east-1.api.aws");
  rc = resolve({{"AWS_REGION", "cn-northwest-1"}, {"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.cn-northwest-1.api.amazonwebservices.com.cn");
  // GovCloud: the plain SSM endpoint is the FIPS one; Secrets Manager has a -fips host.
  rc = resolve({{"AWS_REGION", "us-gov-east-1"}, {"AWS_USE_FIPS_ENDPOINT", "true"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.us-gov-east-1.amazonaws.com");
  EXPECT_EQ(rc.secrets_manager_endpoint, "https://secretsmanager-fips.us-gov-east-1.amazonaws.com");
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-iso-east-1"}, {"AWS_USE_DUALSTACK_ENDPOINT", "true"}});
      },
      {"dual-stack", "aws-iso"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_USE_FIPS_ENDPOINT", "yes"}});
      },
      {"AWS_USE_FIPS_ENDPOINT", "'yes'"});
  // From the profile too.
  dir.write("home/.aws/config", "[default]\nregion = us-west-2\nuse_fips_endpoint = true\n");
  EXPECT_EQ(resolve().ssm_endpoint, "https://ssm-fips.us-west-2.amazonaws.com");
}

TEST_F(ConfigTest, ConfiguredEndpointPrecedence) {
  dir.write(
      "home/.aws/config",
      "[default]\nregion = us-east-1\nendpoint_url = http://profile-global:1\nservices = local\n"
      "[services local]\nssm =\n  endpoint_url = http://services-ssm:2/\n"
      "secrets_manager =\n  endpoint_url = http://services-sm:3\n");
  auto rc = resolve();
  EXPECT_EQ(rc.ssm_endpoint, "http://services-ssm:2");
  EXPECT_THAT(rc.ssm_endpoint_source, HasSubstr("services section"));
  EXPECT_EQ(rc.secrets_manager_endpoint, "http://services-sm:3");

  rc = resolve({{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}});
  EXPECT_EQ(rc.ssm_endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(rc.secrets_manager_endpoint, "http://127.0.0.1:4566");
  EXPECT_EQ(rc.ssm_endpoint_source, "AWS_ENDPOINT_URL");

  rc = resolve({{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                {"AWS_ENDPOINT_URL_SSM", "https://[::1]:8443/"},
                {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://localhost:5000"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://[::1]:8443");
  EXPECT_EQ(rc.ssm_endpoint_source, "AWS_ENDPOINT_URL_SSM");
  EXPECT_EQ(rc.secrets_manager_endpoint, "http://localhost:5000");

  AwsClientOptions options;
  options.ssm_endpoint_url = "http://code:9";
  rc = resolve({{"AWS_ENDPOINT_URL_SSM", "http://env:8"}}, options);
  EXPECT_EQ(rc.ssm_endpoint, "http://code:9");
  EXPECT_EQ(rc.ssm_endpoint_source, "AwsClientOptions::ssm_endpoint_url");

  // Ignoring configured endpoints drops environment and files, not code.
  rc = resolve({{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
                {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}});
  EXPECT_EQ(rc.ssm_endpoint, "https://ssm.us-east-1.amazonaws.com");
  EXPECT_EQ(rc.secrets_manager_endpoint, "https://secretsmanager.us-east-1.amazonaws.com");
  rc = resolve({{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}, options);
  EXPECT_EQ(rc.ssm_endpoint, "http://code:9");

  // The profile's global endpoint_url when nothing more specific is set.
  dir.write("home/.aws/config",
            "[default]\nregion = us-east-1\nendpoint_url = http://profile-global:1\n");
  EXPECT_EQ(resolve().ssm_endpoint, "http://profile-global:1");
}

TEST_F(ConfigTest, MalformedEndpointUrlsNameTheirSetting) {
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL_SSM", "ftp://x"}});
      },
      {"AWS_ENDPOINT_URL_SSM", "scheme"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "localhost:4566"}});
      },
      {"AWS_ENDPOINT_URL", "no scheme"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://h:99999"}});
      },
      {"AWS_ENDPOINT_URL", "port"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://h/?q=1"}});
      },
      {"query"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "http://a b"}});
      },
      {"space"});
  try {
    resolve({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL", "https://user:hunter2@host"}});
    ADD_FAILURE();
  } catch (const ConfigurationError& e) {
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("hunter2")));
    EXPECT_THAT(e.what(), HasSubstr("AWS_ENDPOINT_URL"));
  }
  AwsClientOptions options;
  options.secrets_manager_endpoint_url = "http://";
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}}, options);
      },
      {"AwsClientOptions::secrets_manager_endpoint_url", "no host"});
  dir.write("home/.aws/config", "[default]\nregion = us-east-1\nendpoint_url = nonsense\n");
  expect_config_error([&] { resolve(); }, {"'endpoint_url' in profile 'default'", "config"});
  // Custom endpoint with FIPS is refused, as by the SDKs' endpoint rules.
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"},
                 {"AWS_ENDPOINT_URL", "http://x:1"},
                 {"AWS_USE_FIPS_ENDPOINT", "true"}});
      },
      {"FIPS", "AWS_ENDPOINT_URL"});
  dir.write("home/.aws/config", "[default]\nregion = us-east-1\nservices = missing\n");
  expect_config_error([&] { resolve(); }, {"[services missing]"});
}

TEST_F(ConfigTest, CaBundleAttemptsAndRetryMode) {
  const std::string bundle = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  auto rc = resolve({{"AWS_REGION", "us-east-1"},
                     {"AWS_CA_BUNDLE", bundle},
                     {"AWS_MAX_ATTEMPTS", "5"},
                     {"AWS_RETRY_MODE", "adaptive"}});
  EXPECT_EQ(rc.ca_bundle, bundle);
  EXPECT_EQ(rc.ca_bundle_source, "AWS_CA_BUNDLE");
  EXPECT_EQ(rc.max_attempts, 5);
  EXPECT_EQ(rc.retry_mode, "adaptive");
  AwsClientOptions options;
  options.max_attempts = 7;
  options.ca_bundle = bundle;
  rc = resolve({{"AWS_REGION", "us-east-1"},
                {"AWS_CA_BUNDLE", "/nonexistent.pem"},
                {"AWS_MAX_ATTEMPTS", "5"}},
               options);
  EXPECT_EQ(rc.max_attempts, 7);
  EXPECT_EQ(rc.ca_bundle_source, "AwsClientOptions::ca_bundle");

  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_CA_BUNDLE", "/nonexistent.pem"}});
      },
      {"/nonexistent.pem", "AWS_CA_BUNDLE", "no such file"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_MAX_ATTEMPTS", "three"}});
      },
      {"AWS_MAX_ATTEMPTS", "'three'"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_MAX_ATTEMPTS", "0"}});
      },
      {"AWS_MAX_ATTEMPTS"});
  expect_config_error(
      [&] {
        resolve({{"AWS_REGION", "us-east-1"}, {"AWS_RETRY_MODE", "forever"}});
      },
      {"AWS_RETRY_MODE", "'forever'"});
  dir.write("home/.aws/config",
            "[default]\nregion = us-east-1\nmax_attempts = 4\nretry_mode = legacy\n");
  rc = resolve();
  EXPECT_EQ(rc.max_attempts, 4);
  EXPECT_EQ(rc.retry_mode, "legacy");
  dir.write("home/.aws/config", "[default]\nregion = us-east-1\nmax_attempts = -1\n");
  expect_config_error([&] { resolve(); }, {"max_attempts", "profile 'default'"});
}

TEST(EndpointUrl, Parses) {
  EndpointUrl u;
  std::string why;
  ASSERT_TRUE(parse_endpoint_url("HTTPS://Example.com:8443/base", u, why)) << why;
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "Example.com");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.path, "/base");
  ASSERT_TRUE(parse_endpoint_url("http://[fd00:ec2::254]", u, why)) << why;
  EXPECT_EQ(u.host, "fd00:ec2::254");
  EXPECT_EQ(u.port, 0);
  EXPECT_FALSE(parse_endpoint_url("http://[::1", u, why));
  EXPECT_FALSE(parse_endpoint_url("http://h:", u, why));
  EXPECT_FALSE(parse_endpoint_url("http://h:0", u, why));
  EXPECT_FALSE(parse_endpoint_url("", u, why));
}

}  // namespace
}  // namespace ssm_cache::aws
