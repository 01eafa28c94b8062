// tests/aws/credentials_loopback_test.cpp — the container and IMDS providers over the real
// libcurl transport against loopback cpp-httplib servers playing those endpoints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "aws/temp_dir.hpp"
#include "http/loopback_server.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

using ::testing::HasSubstr;
using testing_http::LoopbackServer;

const char* const kBody =
    R"({"Code":"Success","AccessKeyId":"ASIALOOP","SecretAccessKey":"loop-secret","Token":"loop-token","Expiration":"2030-01-01T00:00:00Z"})";

TEST(ContainerLoopback, FullUriWithAuthorization) {
  LoopbackServer server;
  server.server().Get("/v1/credentials", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "pod-token") {
      res.status = 401;
      return;
    }
    res.set_content(kBody, "application/json");
  });
  server.start();
  testing_aws::TempDir dir;
  const std::string token_file = dir.write("token", "pod-token");
  ContainerCredentialsConfig config;
  config.environment = make_map_environment(
      {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/v1/credentials"},
       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}});
  const Credentials c = make_container_credentials_provider(config)->get_credentials();
  EXPECT_EQ(c.access_key_id, "ASIALOOP");
  EXPECT_EQ(c.session_token, "loop-token");

  config.environment = make_map_environment(
      {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/v1/credentials"},
       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong"}});
  try {
    make_container_credentials_provider(config)->get_credentials();
    ADD_FAILURE();
  } catch (const CredentialsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("HTTP 401"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("wrong")));
  }
}

TEST(ContainerLoopback, RelativeUriAgainstTheConfiguredBase) {
  LoopbackServer server;
  server.server().Get("/v2/credentials/task-1",
                      [](const httplib::Request&, httplib::Response& res) {
                        res.set_content(kBody, "application/json");
                      });
  server.start();
  ContainerCredentialsConfig config;
  config.environment =
      make_map_environment({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1"}});
  config.relative_uri_base = server.url();
  EXPECT_EQ(make_container_credentials_provider(config)->get_credentials().access_key_id,
            "ASIALOOP");
}

TEST(ImdsLoopback, TokenFlowThroughTheDefaultChain) {
  LoopbackServer server;
  std::atomic<int> tokens{0};
  server.server().Put("/latest/api/token",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        if (req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
                          res.status = 400;
                          return;
                        }
                        ++tokens;
                        res.set_content("imds-token", "text/plain");
                      });
  auto authorized = [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token") != "imds-token") {
      res.status = 401;
      return false;
    }
    return true;
  };
  server.server().Get("/latest/meta-data/iam/security-credentials/",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        if (authorized(req, res)) res.set_content("ec2-role", "text/plain");
                      });
  server.server().Get("/latest/meta-data/iam/security-credentials/ec2-role",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        if (authorized(req, res)) res.set_content(kBody, "application/json");
                      });
  server.start();
  testing_aws::TempDir home;
  DefaultCredentialsConfig config;
  config.environment = make_map_environment(
      {{"HOME", home.path()}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}});
  auto provider = make_default_credentials_provider(config);
  const Credentials c = provider->get_credentials();
  EXPECT_EQ(c.provider, "imds");
  EXPECT_EQ(c.access_key_id, "ASIALOOP");
  provider->get_credentials();  // cached: no new request
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(tokens, 1);
}

TEST(ImdsLoopback, NobodyListeningIsNotConfigured) {
  int port = 0;
  {
    LoopbackServer closed;
    closed.start();
    port = closed.port();
  }  // stopped: connections to this port are refused
  ImdsCredentialsConfig config;
  config.environment = make_map_environment(
      {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(port)}});
  EXPECT_THROW(make_imds_credentials_provider(config)->get_credentials(), CredentialsNotConfigured);
}

}  // namespace
}  // namespace ssm_cache
