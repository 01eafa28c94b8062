// Issue 12 end to end: Secret and SecretGroup read through the real AWS client (SigV4,
// JSON 1.1) from the real ssm-cache-local program: GetSecretValue, BatchGetSecretValue,
// DescribeSecret (VersionIdsToStages) for version-aware refresh, stages after a rotation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "local/server_process.hpp"
#include "local_aws_client.hpp"
#include "ssm_cache/ssm_cache.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

using test::client_for;

TEST(SecretThroughLocalServer, StagesBatchAndDescribe) {
  local_test::ServerProcess server({"--quiet"});
  local_test::SignedClient seed(server.port());
  for (const char* name : {"db", "api"}) {
    auto r = seed.call("secretsmanager.CreateSecret",
                       json{{"Name", name}, {"SecretString", std::string(name) + "-1"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const auto client = client_for(server);
  auto clock = std::make_shared<testing::ManualClock>();

  const SecretDescription d = client->describe_secret("db");
  EXPECT_EQ(d.name, "db");
  ASSERT_EQ(d.version_ids_to_stages.size(), 1u);
  EXPECT_EQ(d.version_ids_to_stages.begin()->second, std::vector<std::string>{"AWSCURRENT"});

  Secret db("db", {.max_age = 10s, .client = client, .clock = clock});
  EXPECT_EQ(db.value(), "db-1");
  EXPECT_EQ(db.version_id(), d.version_ids_to_stages.begin()->first);
  clock->advance(11s);
  EXPECT_EQ(db.value(), "db-1");  // DescribeSecret said unchanged
  ASSERT_EQ(
      seed.call("secretsmanager.PutSecretValue", json{{"SecretId", "db"}, {"SecretString", "db-2"}})
          .status,
      200);
  clock->advance(11s);
  EXPECT_EQ(db.value(), "db-2");
  Secret previous("db", {.version_stage = "AWSPREVIOUS", .client = client});
  EXPECT_EQ(previous.value(), "db-1");

  SecretGroup group({.client = client});
  auto a = group.secret("db");
  auto b = group.secret("api");
  auto missing = group.secret("nope");
  EXPECT_THROW(group.refresh(), InvalidParameterError);
  EXPECT_EQ(a.value(), "db-2");
  EXPECT_EQ(b.value(), "api-1");
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
}

}  // namespace
}  // namespace ssm_cache
