// /secretsmanager/get reads through the library's Secret cache (sidecar_secrets.hpp), over a
// fake AWS client: repeats cost one GetSecretValue, a refresh is version-aware (DescribeSecret,
// no GetSecretValue while the stage did not move), version ids and stages are separate keys,
// and a failure answers with AWS's own code and message.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "sidecar_service.hpp"

namespace ssm_cache::cli {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class SidecarSecretsTest : public ::testing::Test {
 protected:
  SidecarSecretsTest() { fake->put_secret("prod/db", "pw1"); }
  std::unique_ptr<SidecarService> make(SidecarConfig c = {}) {
    c.token = "tok";
    return std::make_unique<SidecarService>(c, fake, fake, nullptr);
  }
  ServiceResponse get(SidecarService& s, QueryParams q) {
    return s.handle("GET", "/secretsmanager/get", q, {"tok"});
  }
  std::shared_ptr<testing::FakeAwsClient> fake = std::make_shared<testing::FakeAwsClient>();
};

TEST_F(SidecarSecretsTest, TenReadsOneGetSecretValueAndRefreshNowIsVersionAware) {
  auto s = make();
  std::string first;
  for (int i = 0; i < 10; ++i) {
    auto r = get(*s, {{"secretId", "prod/db"}});
    ASSERT_EQ(r.status, 200) << r.body;
    if (i == 0) first = r.body;
    EXPECT_EQ(r.body, first);
  }
  EXPECT_EQ(fake->calls("GetSecretValue"), 1);
  EXPECT_EQ(fake->calls("DescribeSecret"), 0);
  // Forced refresh, nothing rotated: DescribeSecret only, the same answer.
  auto same = get(*s, {{"secretId", "prod/db"}, {"refreshNow", "true"}});
  EXPECT_EQ(same.body, first);
  EXPECT_EQ(fake->calls("DescribeSecret"), 1);
  EXPECT_EQ(fake->calls("GetSecretValue"), 1);
  // Rotated: the stage moved, so the value is fetched.
  fake->put_secret("prod/db", "pw2");
  auto rotated = json::parse(get(*s, {{"secretId", "prod/db"}, {"refreshNow", "true"}}).body);
  EXPECT_EQ(rotated["SecretString"], "pw2");
  EXPECT_EQ(fake->calls("DescribeSecret"), 2);
  EXPECT_EQ(fake->calls("GetSecretValue"), 2);
  auto metrics = s->handle("GET", "/metrics", {}, {"tok"}).body;
  EXPECT_NE(metrics.find("ssm_cache_sidecar_upstream_calls_total{action=\"DescribeSecret\"} 2\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ssm_cache_sidecar_upstream_calls_total{action=\"GetSecretValue\"} 2\n"),
            std::string::npos)
      << metrics;
}

TEST_F(SidecarSecretsTest, ExpiryRefreshesWithDescribeSecretOnly) {
  SidecarConfig c;
  c.secrets_ttl = 1ms;
  auto s = make(c);
  const std::string first = get(*s, {{"secretId", "prod/db"}}).body;
  std::this_thread::sleep_for(20ms);  // past the TTL (no timing is asserted)
  auto r = get(*s, {{"secretId", "prod/db"}});  // stale while one background refresh runs
  EXPECT_EQ(r.body, first);
  s->cache().wait_idle();
  EXPECT_GE(fake->calls("DescribeSecret"), 1);
  EXPECT_EQ(fake->calls("GetSecretValue"), 1) << "the stage did not move: no value fetched";
  EXPECT_EQ(get(*s, {{"secretId", "prod/db"}}).body, first);
}

TEST_F(SidecarSecretsTest, VersionIdAndStageAreTheirOwnKeys) {
  auto s = make();
  auto current = json::parse(get(*s, {{"secretId", "prod/db"}}).body);
  const std::string vid = current["VersionId"];
  auto pinned = get(*s, {{"secretId", "prod/db"}, {"versionId", vid}});
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(json::parse(pinned.body)["VersionId"], vid);
  EXPECT_EQ(fake->calls("GetSecretValue"), 2);
  // A version never changes: a forced refresh of it calls nothing.
  const int before = fake->total_calls();
  EXPECT_EQ(get(*s, {{"secretId", "prod/db"}, {"versionId", vid}, {"refreshNow", "true"}}).body,
            pinned.body);
  EXPECT_EQ(fake->total_calls(), before);
  auto staged = get(*s, {{"secretId", "prod/db"}, {"versionStage", "AWSCURRENT"}});
  ASSERT_EQ(staged.status, 200) << staged.body;
  EXPECT_EQ(json::parse(staged.body)["SecretString"], "pw1");
  EXPECT_EQ(fake->calls("GetSecretValue"), 3);
}

TEST_F(SidecarSecretsTest, MissingSecretOrStageAnswersAwsError) {
  auto s = make();
  auto missing = get(*s, {{"secretId", "nope"}});
  EXPECT_EQ(missing.status, 400);
  auto j = json::parse(missing.body);
  EXPECT_EQ(j["__type"], "ResourceNotFoundException");
  EXPECT_EQ(j["message"], "Secrets Manager can't find the specified secret.");
  auto previous = get(*s, {{"secretId", "prod/db"}, {"versionStage", "AWSPREVIOUS"}});
  EXPECT_EQ(previous.status, 400);
  EXPECT_EQ(json::parse(previous.body)["__type"], "ResourceNotFoundException");
  auto metrics = s->handle("GET", "/metrics", {}, {"tok"}).body;
  EXPECT_NE(metrics.find("ssm_cache_sidecar_upstream_errors_total{action=\"GetSecretValue\","
                         "code=\"ResourceNotFoundException\"} 2\n"),
            std::string::npos)
      << metrics;
}

TEST_F(SidecarSecretsTest, TransientFailureAfterAValueServesStale) {
  SidecarConfig c;
  c.secrets_ttl = 1ms;
  auto s = make(c);
  const std::string first = get(*s, {{"secretId", "prod/db"}}).body;
  fake->fail_with(AwsError("throttled", "ThrottlingException", "Rate exceeded", 400, "r"));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(get(*s, {{"secretId", "prod/db"}}).body, first);  // stale while refreshing
  s->cache().wait_idle();  // the refresh failed (DescribeSecret throttled)
  auto after = get(*s, {{"secretId", "prod/db"}});
  EXPECT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.body, first) << "stale-if-error is the sidecar's, as before";
  // refreshNow returns the failure, with AWS's code (docs/sidecar.md).
  auto forced = get(*s, {{"secretId", "prod/db"}, {"refreshNow", "true"}});
  EXPECT_EQ(json::parse(forced.body)["__type"], "ThrottlingException");
  EXPECT_EQ(fake->calls("GetSecretValue"), 1);
  EXPECT_GE(fake->calls("DescribeSecret"), 2);
}

}  // namespace
}  // namespace ssm_cache::cli
