// How a user's test uses ssm_cache::mocks: gmock expectations on the client the cache calls.
// Built twice: in this project's suite (tests/client) and, against the installed package, by
// the install test's consumer project (find_package(ssm_cache COMPONENTS mocks)).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <ssm_cache/mocks/mock_clients.hpp>
#include <ssm_cache/ssm_cache.hpp>

namespace {

using ::testing::ElementsAre;
using ::testing::Return;
using ::testing::StrictMock;

ssm_cache::ParameterRecord record(std::string name, std::string value) {
  ssm_cache::ParameterRecord r;
  r.name = std::move(name);
  r.type = "String";
  r.value = std::move(value);
  r.version = 1;
  return r;
}

TEST(MockClients, ParameterIsFetchedOnceThenServedFromTheCache) {
  auto client = std::make_shared<StrictMock<ssm_cache::mocks::MockParameterClient>>();
  ssm_cache::GetParametersResult result;
  result.parameters.push_back(record("/app/db", "postgres://db"));
  // StrictMock: any other call (a second fetch, a path read) fails the test.
  EXPECT_CALL(*client, get_parameters(ElementsAre("/app/db"), true)).WillOnce(Return(result));

  ssm_cache::SSMParameter p("/app/db", {.max_age = std::chrono::hours(1), .client = client});
  EXPECT_EQ(p.value(), "postgres://db");
  EXPECT_EQ(p.value(), "postgres://db");
}

TEST(MockClients, AwsClientMockStandsInForMakeAwsClient) {
  auto client = std::make_shared<StrictMock<ssm_cache::mocks::MockAwsClient>>();
  EXPECT_CALL(*client, get_parameter("/app/flag", false))
      .WillOnce(Return(record("/app/flag", "on")));
  std::shared_ptr<ssm_cache::AwsClient> as_aws = client;
  EXPECT_EQ(as_aws->get_parameter("/app/flag", false), record("/app/flag", "on"));
}

TEST(MockClients, SecretIsFetchedThroughGetSecretValue) {
  auto client = std::make_shared<StrictMock<ssm_cache::mocks::MockSecretsClient>>();
  ssm_cache::SecretValue v;
  v.name = "app/token";
  v.version_id = "v1";
  v.secret_string = "s3cr3t-value";
  v.version_stages = {"AWSCURRENT"};
  EXPECT_CALL(*client, get_secret_value("app/token", "", "AWSCURRENT")).WillOnce(Return(v));

  ssm_cache::Secret s("app/token", {.max_age = std::chrono::hours(1), .client = client});
  EXPECT_EQ(s.value(), "s3cr3t-value");
  EXPECT_EQ(s.version_id(), "v1");
}

}  // namespace
