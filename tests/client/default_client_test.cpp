// Integration tests of make_aws_client and the default client: configuration from the process
// environment (region, AWS_ENDPOINT_URL*, AWS_MAX_ATTEMPTS, AWS_CA_BUNDLE, credentials),
// options overriding it, typed errors for bad settings, and SSMParameter("x") with no client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "client/canned_aws.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_client::CannedAws;
using testing_client::Fault;

// Sets variables for one test and restores the previous environment after it. Everything a
// developer's shell might carry that would change the outcome is cleared.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::string>& vars) {
    for (const char* k : {"AWS_REGION",
                          "AWS_DEFAULT_REGION",
                          "AWS_PROFILE",
                          "AWS_DEFAULT_PROFILE",
                          "AWS_ENDPOINT_URL",
                          "AWS_ENDPOINT_URL_SSM",
                          "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                          "AWS_ACCESS_KEY_ID",
                          "AWS_SECRET_ACCESS_KEY",
                          "AWS_SESSION_TOKEN",
                          "AWS_CA_BUNDLE",
                          "AWS_MAX_ATTEMPTS",
                          "AWS_RETRY_MODE",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                          "AWS_WEB_IDENTITY_TOKEN_FILE",
                          "AWS_ROLE_ARN",
                          "AWS_USE_FIPS_ENDPOINT",
                          "AWS_USE_DUALSTACK_ENDPOINT",
                          "http_proxy",
                          "https_proxy",
                          "HTTP_PROXY",
                          "HTTPS_PROXY",
                          "ALL_PROXY",
                          "all_proxy"}) {
      save(k);
      ::unsetenv(k);
    }
    std::map<std::string, std::string> all = {
        {"AWS_CONFIG_FILE", "/nonexistent/ssm-cache-test/config"},
        {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/ssm-cache-test/credentials"},
        {"AWS_EC2_METADATA_DISABLED", "true"}};
    for (const auto& [k, v] : vars) all[k] = v;
    for (const auto& [k, v] : all) {
      save(k);
      ::setenv(k.c_str(), v.c_str(), 1);
    }
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) {
      if (v) {
        ::setenv(k.c_str(), v->c_str(), 1);
      } else {
        ::unsetenv(k.c_str());
      }
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void save(const std::string& k) {
    if (saved_.count(k)) return;
    const char* v = std::getenv(k.c_str());
    saved_[k] = v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

json one_parameter(const json& req) {
  json out = {{"Parameters", json::array()}, {"InvalidParameters", json::array()}};
  for (const auto& n : req["Names"]) {
    out["Parameters"].push_back({{"Name", n}, {"Type", "String"}, {"Value", "from-server"}});
  }
  return out;
}

std::map<std::string, std::string> env_for(const std::string& url) {
  const auto c = testing_client::test_credentials();
  return {{"AWS_REGION", "eu-west-1"},
          {"AWS_ENDPOINT_URL", url},
          {"AWS_ACCESS_KEY_ID", c.access_key_id},
          {"AWS_SECRET_ACCESS_KEY", c.secret_access_key}};
}

TEST(MakeAwsClient, ConfiguredFromTheEnvironment) {
  CannedAws aws;
  aws.on("AmazonSSM.GetParameters", one_parameter);
  aws.start();
  auto vars = env_for(aws.url());
  vars["AWS_MAX_ATTEMPTS"] = "2";
  ScopedEnv env(vars);
  auto client = make_aws_client();
  auto r = client->get_parameters({"/x"}, true);
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(r.parameters[0].value, "from-server");
  EXPECT_EQ(aws.bad_signatures(), 0);  // signed with the environment's keys, region eu-west-1

  // AWS_MAX_ATTEMPTS=2: two throttled answers exhaust the attempts.
  aws.fault(Fault::Throttle);
  aws.fault(Fault::Throttle);
  try {
    client->get_parameters({"/x"}, true);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ThrottlingException");
    EXPECT_THAT(e.what(), HasSubstr("after 2 attempts"));
  }
}

TEST(MakeAwsClient, OptionsOverrideTheEnvironment) {
  CannedAws aws;
  aws.on("AmazonSSM.GetParameters", one_parameter);
  aws.start();
  auto vars = env_for("http://127.0.0.1:1");  // nothing listens there
  vars["AWS_ACCESS_KEY_ID"] = "AKIDWRONG";
  ScopedEnv env(vars);
  AwsClientOptions o;
  o.ssm_endpoint_url = aws.url();
  o.credentials = aws::make_fixed_credentials(testing_client::test_credentials());
  o.max_attempts = 1;
  auto r = make_aws_client(o)->get_parameters({"/x"}, true);
  EXPECT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(aws.bad_signatures(), 0);
}

// The default chain's HTTP calls (here the container endpoint) go through the client's own
// transport, so http_log (`ssm-cache --debug`) shows them next to the service calls.
TEST(MakeAwsClient, TheDefaultChainSendsThroughTheClientTransport) {
  CannedAws aws;
  aws.on("AmazonSSM.GetParameters", one_parameter);
  aws.start();
  testing_http::LoopbackServer container;
  container.server().Get("/creds", [](const httplib::Request&, httplib::Response& res) {
    const auto c = testing_client::test_credentials();
    res.set_content(json{{"AccessKeyId", c.access_key_id},
                         {"SecretAccessKey", c.secret_access_key},
                         {"Token", "container-token"},
                         {"Expiration", "2099-01-01T00:00:00Z"}}
                        .dump(),
                    "application/json");
  });
  container.start();
  ScopedEnv env({{"AWS_REGION", "eu-west-1"},
                 {"AWS_ENDPOINT_URL", aws.url()},
                 {"AWS_CONTAINER_CREDENTIALS_FULL_URI", container.url() + "/creds"}});
  std::mutex mutex;
  std::vector<std::string> lines;
  AwsClientOptions o;
  o.http_log = [&](std::string_view line) {
    std::lock_guard lock(mutex);
    lines.emplace_back(line);
  };
  auto r = make_aws_client(o)->get_parameters({"/x"}, true);
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(aws.bad_signatures(), 0);  // signed with the container's keys
  EXPECT_EQ(container.requests(), 1);
  std::lock_guard lock(mutex);
  EXPECT_THAT(lines, Contains(HasSubstr("> GET " + container.url() + "/creds")));
  EXPECT_THAT(lines, Contains(HasSubstr("< HTTP 200 from " + container.url() + "/creds")));
  EXPECT_THAT(lines, Contains(HasSubstr("AmazonSSM.GetParameters")));
}

TEST(MakeAwsClient, MalformedEndpointNamesTheSetting) {
  ScopedEnv env({{"AWS_REGION", "us-east-1"}, {"AWS_ENDPOINT_URL_SSM", "localhost:99"}});
  try {
    make_aws_client();
    FAIL();
  } catch (const ConfigurationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("AWS_ENDPOINT_URL_SSM"));
    EXPECT_THAT(e.what(), HasSubstr("scheme"));  // says what is wrong with it
  }
}

TEST(MakeAwsClient, MissingRegionIsAConfigurationError) {
  ScopedEnv env({});
  EXPECT_THROW(make_aws_client(), ConfigurationError);
}

TEST(MakeAwsClient, CredentialsAreResolvedLazilyAndTheirAbsenceIsTyped) {
  CannedAws aws;
  aws.start();
  auto vars = env_for(aws.url());
  vars.erase("AWS_ACCESS_KEY_ID");
  vars.erase("AWS_SECRET_ACCESS_KEY");
  ScopedEnv env(vars);
  auto client = make_aws_client();  // no credentials needed yet
  EXPECT_THROW(client->get_parameters({"/x"}, true), CredentialsError);
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 0);
}

TEST(MakeAwsClient, AwsCaBundleMakesASelfSignedEndpointTrusted) {
  testing_http::SelfSignedCert cert;
  testing_http::LoopbackServer server(cert.cert(), cert.key());
  server.server().Post("/", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(one_parameter(json::parse(req.body)).dump(), "application/x-amz-json-1.1");
  });
  server.start();
  {
    ScopedEnv env(env_for(server.url("https")));
    try {
      make_aws_client()->get_parameters({"/x"}, true);
      FAIL() << "untrusted certificate accepted";
    } catch (const TransportError& e) {
      EXPECT_FALSE(e.transient());
    }
  }
  auto vars = env_for(server.url("https"));
  vars["AWS_CA_BUNDLE"] = cert.cert();
  ScopedEnv env(vars);
  EXPECT_EQ(make_aws_client()->get_parameters({"/x"}, true).parameters.size(), 1u);
}

TEST(DefaultClient, SSMParameterWithoutAClientUsesTheEnvironment) {
  CannedAws aws;
  aws.on("AmazonSSM.GetParameters", one_parameter);
  aws.start();
  ScopedEnv env(env_for(aws.url()));
  SSMParameter::set_ssm_client(nullptr);  // back to "AWS from the environment"
  SSMParameter p("/my/param");
  EXPECT_EQ(p.value(), "from-server");
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 1);
  SSMParameter::set_ssm_client(nullptr);  // do not keep a client pointing at this server
}

}  // namespace
}  // namespace ssm_cache
