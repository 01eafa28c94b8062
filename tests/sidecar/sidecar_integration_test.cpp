// Integration tests of `ssm-cache serve` (the real program) against ssm-cache-local: one
// upstream call for repeated requests (seen in /_local/stats), the token check, TTL expiry,
// LRU eviction, prefetch, stale values while upstream fails (faults switched on mid-test),
// 100 concurrent kept-alive clients, /metrics, and a clean exit on SIGTERM.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/local_fixture.hpp"
#include "sidecar/sidecar_fixture.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class SidecarIntegration : public ::testing::Test {
 protected:
  LocalServer local;
};

TEST_F(SidecarIntegration, AnswersTwiceWithOneUpstreamCall) {
  Sidecar s(local, {});
  auto r1 = s.get("/systemsmanager/parameters/get?name=/app/prod/db-url");
  auto r2 = s.get("/systemsmanager/parameters/get?name=/app/prod/db-url");
  ASSERT_TRUE(r1 && r2);
  ASSERT_EQ(r1->status, 200) << r1->body;
  EXPECT_EQ(r1->body, r2->body);
  auto j = json::parse(r1->body);
  EXPECT_EQ(j["Parameter"]["Value"], "postgres://db.internal/app");
  EXPECT_EQ(j["Parameter"]["Name"], "/app/prod/db-url");
  EXPECT_TRUE(j.contains("ResultMetadata"));
  EXPECT_EQ(local.calls(kGetParameter), 1);

  auto sec1 = s.get("/secretsmanager/get?secretId=prod/db-password");
  auto sec2 = s.get("/secretsmanager/get?secretId=prod/db-password");
  ASSERT_TRUE(sec1 && sec2);
  ASSERT_EQ(sec1->status, 200) << sec1->body;
  EXPECT_EQ(json::parse(sec2->body)["SecretString"], "pa'ss");
  EXPECT_EQ(local.calls("secretsmanager.GetSecretValue"), 1);

  // Decryption is part of the key: the plain request gets no plaintext.
  auto plain = s.get("/systemsmanager/parameters/get?name=/app/prod/api-key");
  auto dec = s.get("/systemsmanager/parameters/get?name=/app/prod/api-key&withDecryption=true");
  ASSERT_TRUE(plain && dec);
  EXPECT_EQ(plain->body.find("s3cr3t"), std::string::npos) << plain->body;
  EXPECT_EQ(json::parse(dec->body)["Parameter"]["Value"], "s3cr3t-'quoted' $(x)");
  EXPECT_EQ(local.calls(kGetParameter), 3);

  auto missing = s.get("/systemsmanager/parameters/get?name=/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(json::parse(missing->body)["__type"], "ParameterNotFound");
  EXPECT_EQ(s.process().stderr_text().find("s3cr3t"), std::string::npos);
}

TEST_F(SidecarIntegration, TokenCheckedBeforeAnything) {
  Sidecar s(local, {});
  auto r = s.get("/systemsmanager/parameters/get?name=/app/prod/db-url", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["__type"], "Unauthorized");
  httplib::Client c("127.0.0.1", s.port());
  r = c.Get("/secretsmanager/get?secretId=prod/db-password",
            {{"X-Aws-Parameters-Secrets-Token", "wrong"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(local.total_calls(), 0);
}

TEST_F(SidecarIntegration, TokenFromEnvironmentLikeTheExtension) {
  ServerProcess p(
      {env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local.url(), "serve", "--port", "0"}, [&] {
        auto env = local.client_env();
        env["AWS_SESSION_TOKEN"] = "session-tok";
        env["SSM_PARAMETER_STORE_TTL"] = "600";  // beyond the extension's 300 s cap
        return env;
      }());
  auto url = p.wait_for_url();
  httplib::Client c("127.0.0.1", std::stoi(url.substr(url.rfind(':') + 1)));
  auto r = c.Get("/systemsmanager/parameters/get?name=/app/prod/port",
                 {{"X-Aws-Parameters-Secrets-Token", "session-tok"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(SidecarIntegration, TtlExpiry) {
  Sidecar s(local, {"--ssm-ttl", "300ms", "--no-stale-while-refresh"});
  EXPECT_EQ(s.parameter_value("/app/prod/port"), "5432");
  EXPECT_EQ(s.parameter_value("/app/prod/port"), "5432");
  EXPECT_EQ(local.calls(kGetParameter), 1);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(s.parameter_value("/app/prod/port"), "5432");
  EXPECT_EQ(local.calls(kGetParameter), 2);
}

// Issue 12, item 7: /secretsmanager/get reads through the library's Secret cache. After the
// TTL a refresh asks DescribeSecret and fetches no value while the stage did not move; after a
// rotation (PutSecretValue) the new value is fetched, and AWSPREVIOUS / a version id are keys
// of their own.
TEST_F(SidecarIntegration, SecretRefreshIsVersionAwareAndStagesWork) {
  Sidecar s(local, {"--secrets-ttl", "300ms", "--no-stale-while-refresh"});
  auto value = [&](const std::string& query) {
    auto r = s.get("/secretsmanager/get?secretId=prod/db-password" + query);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json::parse(r->body) : json();
  };
  const json first = value("");
  for (int i = 0; i < 9; ++i) EXPECT_EQ(value("")["SecretString"], "pa'ss");
  EXPECT_EQ(local.calls("secretsmanager.GetSecretValue"), 1);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(value(""), first);
  EXPECT_EQ(local.calls("secretsmanager.DescribeSecret"), 1);
  EXPECT_EQ(local.calls("secretsmanager.GetSecretValue"), 1) << "the stage did not move";

  AwsClientOptions o;
  o.region = "us-east-1";
  o.secrets_manager_endpoint_url = local.url();
  o.credentials = make_static_credentials_provider({{"test", "test", "", std::nullopt, "test"}});
  make_aws_client(o)->put_secret_value("prod/db-password", "rotated");
  const json now = value("&refreshNow=true");
  EXPECT_EQ(now["SecretString"], "rotated");
  EXPECT_EQ(local.calls("secretsmanager.GetSecretValue"), 2);
  const json previous = value("&versionStage=AWSPREVIOUS");
  EXPECT_EQ(previous["SecretString"], "pa'ss");
  EXPECT_EQ(previous["VersionId"], first["VersionId"]);
  EXPECT_EQ(previous["Name"], "prod/db-password");
  const json pinned = value("&versionId=" + first["VersionId"].get<std::string>());
  EXPECT_EQ(pinned["SecretString"], "pa'ss");
  EXPECT_EQ(local.calls("secretsmanager.GetSecretValue"), 4);
}

TEST_F(SidecarIntegration, TtlZeroMeansNoCaching) {
  Sidecar s(local, {}, {{"SSM_PARAMETER_STORE_TTL", "0"}});
  s.parameter_value("/app/prod/port");
  s.parameter_value("/app/prod/port");
  EXPECT_EQ(local.calls(kGetParameter), 2);
}

TEST_F(SidecarIntegration, LruEviction) {
  Sidecar s(local, {"--cache-size", "2"});
  EXPECT_EQ(s.parameter_value("/lru/a"), "A");
  EXPECT_EQ(s.parameter_value("/lru/b"), "B");
  EXPECT_EQ(s.parameter_value("/lru/a"), "A");  // a more recent than b
  EXPECT_EQ(s.parameter_value("/lru/c"), "C");  // evicts b
  EXPECT_EQ(local.calls(kGetParameter), 3);
  EXPECT_EQ(s.parameter_value("/lru/a"), "A");
  EXPECT_EQ(local.calls(kGetParameter), 3);
  EXPECT_EQ(s.parameter_value("/lru/b"), "B");
  EXPECT_EQ(local.calls(kGetParameter), 4);
  EXPECT_NE(s.metrics().find("ssm_cache_sidecar_cache_evictions_total 2"), std::string::npos)
      << s.metrics();
}

TEST_F(SidecarIntegration, Prefetch) {
  Sidecar s(local, {"--prefetch", "/app/prod/,/app/list,secret:prod/db-password"});
  const int before = local.total_calls();
  EXPECT_GT(before, 0);
  EXPECT_EQ(s.parameter_value("/app/prod/db-url"), "postgres://db.internal/app");
  EXPECT_EQ(s.parameter_value("/app/prod/nested/level"), "deep");
  EXPECT_EQ(s.parameter_value("/app/list"), "a,b,c");
  auto r = s.get("/systemsmanager/parameters/get?name=/app/prod/api-key&withDecryption=true");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = s.get("/secretsmanager/get?secretId=prod/db-password");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(local.total_calls(), before) << "prefetched values must not be fetched again";
  EXPECT_EQ(local.calls(kGetParameter), 0);
}

TEST_F(SidecarIntegration, StaleValueWhileUpstreamFails) {
  Sidecar s(local, {"--ssm-ttl", "300ms", "--no-stale-while-refresh"});
  EXPECT_EQ(s.parameter_value("/app/prod/db-url"), "postgres://db.internal/app");
  local.set_faults(R"({"error_rate": 1.0})");
  std::this_thread::sleep_for(400ms);
  // Expired, upstream answers 500: the last good value is served.
  EXPECT_EQ(s.parameter_value("/app/prod/db-url"), "postgres://db.internal/app");
  EXPECT_GE(local.calls(kGetParameter), 2);
  // A value never fetched has nothing to fall back on: the upstream error comes through.
  auto r = s.get("/systemsmanager/parameters/get?name=/app/prod/port");
  ASSERT_TRUE(r);
  EXPECT_GE(r->status, 500) << r->body;
  EXPECT_TRUE(json::parse(r->body).contains("__type"));
  EXPECT_NE(s.metrics().find("ssm_cache_sidecar_cache_stale_total 1"), std::string::npos)
      << s.metrics();
  local.clear_faults();
  // refreshNow forces a fetch as soon as upstream is back.
  r = s.get("/systemsmanager/parameters/get?name=/app/prod/db-url&refreshNow=true");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(SidecarIntegration, HundredConcurrentClients) {
  Sidecar s(local, {"--ssm-ttl", "1s"});
  std::atomic<int> ok{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  const std::vector<std::string> names = {"/app/prod/db-url", "/app/prod/port", "/app/list",
                                          "/lru/a"};
  for (int i = 0; i < 100; ++i) {
    clients.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", s.port());
      c.set_keep_alive(true);
      c.set_read_timeout(30);
      c.set_default_headers({{"X-Aws-Parameters-Secrets-Token", kToken}});
      int n = 0;
      while (!stop.load()) {
        auto r = c.Get("/systemsmanager/parameters/get?name=" + names[(i + n++) % names.size()]);
        if (r && r->status == 200) {
          ++ok;
        } else {
          ++failed;
        }
      }
    });
  }
  std::this_thread::sleep_for(3s);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(ok.load(), 100);
  // About one call per name per second, however many requests.
  EXPECT_LT(local.calls(kGetParameter), 40);
}

TEST_F(SidecarIntegration, BadInputAndMetrics) {
  Sidecar s(local, {});
  auto r = s.get("/systemsmanager/parameters/get?name=/a&version=1&label=x");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = s.get("/systemsmanager/parameters/get");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = s.get("/nowhere");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(local.total_calls(), 0);
  s.parameter_value("/app/prod/port");
  s.parameter_value("/app/prod/port");
  auto m = s.metrics();
  EXPECT_NE(m.find("ssm_cache_sidecar_cache_hits_total 1"), std::string::npos) << m;
  EXPECT_NE(m.find("ssm_cache_sidecar_upstream_calls_total{action=\"GetParameter\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("ssm_cache_sidecar_error_responses_total{status=\"400\"} 2"), std::string::npos)
      << m;
}

TEST_F(SidecarIntegration, SigtermStopsCleanly) {
  Sidecar s(local, {});
  EXPECT_EQ(s.parameter_value("/app/prod/port"), "5432");
  s.process().signal(SIGTERM);
  EXPECT_EQ(s.process().wait(), 0) << s.process().stderr_text();
}

}  // namespace
}  // namespace ssm_cache::testing
