// Issue 12 end to end: writes through the real AWS client (PutParameter, PutSecretValue) to
// the real ssm-cache-local, with write-through: cached handles serve the written version and
// the server sees no read for it. And rotation-aware expiry from DescribeSecret's
// NextRotationDate (RotateSecret schedules it).
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

TEST(WriteThroughLocalServer, PutParameterAndPutSecretValue) {
  local_test::ServerProcess server({"--quiet", "--admin-token", local_test::kAdminToken});
  local_test::SignedClient admin(server.port());
  const auto client = test::client_for(server);

  const PutParameterResult created = put_parameter(
      "/app/db", "v1", {.type = "SecureString", .description = "the db password"}, client);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.tier, "Standard");
  SSMParameter p("/app/db", {.max_age = 60s, .client = client});
  EXPECT_EQ(p.value(), "v1");
  try {
    (void)put_parameter("/app/db", "v2", {.type = "SecureString"}, client);
    FAIL() << "expected ParameterAlreadyExists";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ParameterAlreadyExists");
    EXPECT_EQ(std::string(e.what()).find("v2"), std::string::npos) << e.what();
  }

  ASSERT_EQ(admin.call("secretsmanager.CreateSecret", json{{"Name", "db"}, {"SecretString", "pw1"}})
                .status,
            200);
  Secret s("db", {.max_age = 60s, .client = client});
  EXPECT_EQ(s.value(), "pw1");

  ASSERT_EQ(admin.admin("DELETE", "/_local/stats").status, 200);
  const PutParameterResult second =
      put_parameter("/app/db", "v2", {.type = "SecureString", .overwrite = true}, client);
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(p.value(), "v2");
  EXPECT_EQ(p.version(), 2);
  const PutSecretResult written = put_secret_value("db", "pw2", client);
  EXPECT_EQ(written.name, "db");
  EXPECT_EQ(written.version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(s.value(), "pw2");
  EXPECT_EQ(s.version_id(), written.version_id);

  const json calls = admin.admin("GET", "/_local/stats").json["calls"];
  EXPECT_EQ(calls.value("AmazonSSM.PutParameter", 0), 1) << calls.dump();
  EXPECT_EQ(calls.value("secretsmanager.PutSecretValue", 0), 1) << calls.dump();
  EXPECT_EQ(calls.value("AmazonSSM.GetParameters", 0), 0) << calls.dump();
  EXPECT_EQ(calls.value("secretsmanager.GetSecretValue", 0), 0) << calls.dump();

  // What the server stored is what a new handle reads.
  EXPECT_EQ(SSMParameter("/app/db", {.client = client}).value(), "v2");
  EXPECT_EQ(Secret("db", {.client = client}).value(), "pw2");
}

// Rotation-aware expiry end to end: ssm-cache-local's DescribeSecret reports the
// NextRotationDate RotateSecret scheduled, which the real client parses and the cache uses.
TEST(RotationLocalServer, DescribeSecretReportsTheScheduleAndTheCacheUsesIt) {
  local_test::ServerProcess server({"--quiet"});
  local_test::SignedClient seed(server.port());
  ASSERT_EQ(seed.call("secretsmanager.CreateSecret", json{{"Name", "db"}, {"SecretString", "pw1"}})
                .status,
            200);
  const auto client = test::client_for(server);
  EXPECT_FALSE(client->describe_secret("db").next_rotation_date.has_value());

  const auto immediately =
      seed.call("secretsmanager.RotateSecret",
                json{{"SecretId", "db"}, {"RotationRules", {{"AutomaticallyAfterDays", 1}}}});
  EXPECT_EQ(immediately.status, 400);
  EXPECT_NE(immediately.error_code().find("InvalidRequestException"), std::string::npos);
  const auto before = std::chrono::system_clock::now();
  const auto r = seed.call("secretsmanager.RotateSecret",
                           json{{"SecretId", "db"},
                                {"RotateImmediately", false},
                                {"RotationRules", {{"AutomaticallyAfterDays", 1}}}});
  ASSERT_EQ(r.status, 200) << r.body;

  const SecretDescription d = client->describe_secret("db");
  ASSERT_TRUE(d.next_rotation_date.has_value());
  EXPECT_GT(*d.next_rotation_date, before + 23h);
  EXPECT_LT(*d.next_rotation_date, before + 25h);
  ASSERT_EQ(d.version_ids_to_stages.size(), 1u);

  auto clock = std::make_shared<testing::ManualClock>();
  Secret s("db", {.client = client, .clock = clock, .rotation_aware_expiry = true});
  EXPECT_EQ(s.value(), "pw1");
  ASSERT_EQ(
      seed.call("secretsmanager.PutSecretValue", json{{"SecretId", "db"}, {"SecretString", "pw2"}})
          .status,
      200);
  clock->advance(23h);
  EXPECT_EQ(s.value(), "pw1");  // max_age 0, before the rotation date: cached
  clock->advance(2h);
  EXPECT_EQ(s.value(), "pw2");  // past it
}

}  // namespace
}  // namespace ssm_cache
