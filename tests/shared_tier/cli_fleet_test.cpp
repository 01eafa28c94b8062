// The ssm-cache program with SSM_CACHE_SHARED_CACHE_* set: a fleet of processes makes one AWS
// round between them (counted at ssm-cache-local), stores nothing readable, and keeps
// answering when Redis dies mid-run.
#include <gtest/gtest.h>

#include <thread>

#include "cli/local_fixture.hpp"
#include "shared_tier/fake_aws.hpp"
#include "shared_tier/redis_server.hpp"

namespace ssm_cache::testing {
namespace {

using namespace std::chrono_literals;

class SharedTierFleet : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = write_temp_file(hex_key(0x5a) + "\n", ".key");
    // Every first fetch takes a while, so that the processes overlap and must share a lease.
    local_.set_faults(R"({"latency_ms": 400})");
  }
  void TearDown() override { std::remove(key_file_.c_str()); }

  std::map<std::string, std::string> env(const std::string& url) const {
    auto e = local_.client_env();
    e["SSM_CACHE_SHARED_CACHE_URL"] = url;
    e["SSM_CACHE_SHARED_CACHE_KEY_FILE"] = key_file_;
    e["SSM_CACHE_SHARED_CACHE_TTL"] = "60";
    // Twenty processes doing TLS handshakes on a loaded 2-core machine: generous bounds, so
    // that the test is about sharing, not about the machine's speed.
    e["SSM_CACHE_SHARED_CACHE_TIMEOUT_MS"] = "3000";
    e["SSM_CACHE_SHARED_CACHE_CONNECT_TIMEOUT_MS"] = "5000";
    return e;
  }
  /// Runs `n` ssm-cache processes at once; `between(i)` runs before the i-th starts.
  std::vector<ProgramResult> fleet(int n, const std::vector<std::string>& args,
                                   const std::string& url,
                                   const std::function<void(int)>& between = {}) {
    std::vector<ProgramResult> results(static_cast<std::size_t>(n));
    std::vector<std::thread> threads;
    auto argv = args;
    argv.insert(argv.begin(), {env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local_.url()});
    const auto e = env(url);
    for (int i = 0; i < n; ++i) {
      if (between) between(i);
      threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = run_program(argv, e); });
    }
    for (auto& t : threads) t.join();
    return results;
  }

  LocalServer local_;
  std::string key_file_;
};

TEST_F(SharedTierFleet, TwentyProcessesReadingOnePathMakeOneAwsRound) {
  RedisServer redis;
  const auto results = fleet(20, {"path", "/app/prod"}, redis.url());
  for (const auto& r : results) {
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("postgres://db.internal/app"), std::string::npos) << r.out;
    EXPECT_EQ(r.out, results[0].out);
  }
  EXPECT_EQ(local_.calls("AmazonSSM.GetParametersByPath"), 1);
  // Sealed: the secure string is nowhere in Redis, keys included.
  for (const auto& [k, v] : redis.dump()) {
    EXPECT_EQ(v.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(k.find("/app/prod"), std::string::npos);
  }
}

TEST_F(SharedTierFleet, TwentyProcessesGettingNamesMakeOneAwsRoundOverTlsWithAnAclUser) {
  RedisServer redis({.tls = true, .acl_user = "fleet", .acl_password = "fleet-pass"});
  ::setenv("SSM_CACHE_SHARED_CACHE_CA_FILE", redis.ca_file().c_str(), 1);  // run_program inherits
  const auto results = fleet(20, {"get", "/app/prod/api-key", "/app/prod/port"}, redis.url());
  ::unsetenv("SSM_CACHE_SHARED_CACHE_CA_FILE");
  for (const auto& r : results) {
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(r.err.find("fleet-pass"), std::string::npos);
    EXPECT_EQ(r.err, "");  // no "Redis unavailable": the tier was used
  }
  EXPECT_EQ(local_.calls("AmazonSSM.GetParameters"), 1);
}

TEST_F(SharedTierFleet, RedisKilledMidRunEveryProcessStillAnswers) {
  auto redis = std::make_unique<RedisServer>();
  const auto results = fleet(20, {"get", "/app/prod/db-url"}, redis->url(), [&](int i) {
    if (i == 10) redis->kill();
  });
  for (const auto& r : results) {
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("postgres://db.internal/app"), std::string::npos);
  }
}

TEST_F(SharedTierFleet, TwoSidecarsShareOneFetchAndReportTheTierInMetrics) {
  RedisServer redis;
  struct Serve {
    std::unique_ptr<ServerProcess> process;
    int port = 0;
  };
  auto serve = [&] {
    Serve s{std::make_unique<ServerProcess>(
        std::vector<std::string>{env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local_.url(),
                                 "serve", "--port", "0", "--token", "tok"},
        env(redis.url()))};
    const auto url = s.process->wait_for_url();
    s.port = std::stoi(url.substr(url.rfind(':') + 1));
    return s;
  };
  auto get = [](const Serve& s, const std::string& target) {
    httplib::Client c("127.0.0.1", s.port);
    auto r = c.Get(target, {{"X-Aws-Parameters-Secrets-Token", "tok"}});
    return r ? std::to_string(r->status) + " " + r->body : std::string("no response");
  };
  auto first = serve();
  EXPECT_NE(get(first, "/systemsmanager/parameters/get?name=/app/prod/port").find("5432"),
            std::string::npos);
  auto second = serve();
  EXPECT_NE(get(second, "/systemsmanager/parameters/get?name=/app/prod/port").find("5432"),
            std::string::npos);
  EXPECT_EQ(local_.calls("AmazonSSM.GetParameter"), 1);
  const std::string metrics = get(second, "/metrics");
  EXPECT_NE(metrics.find("ssm_cache_shared_cache_hits_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("ssm_cache_shared_cache_fetches_total 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("ssm_cache_shared_cache_breaker_open 0"), std::string::npos) << metrics;
}

TEST_F(SharedTierFleet, AMissingKeyFileRefusesToStart) {
  RedisServer redis;
  auto e = env(redis.url());
  e["SSM_CACHE_SHARED_CACHE_KEY_FILE"] = "/nonexistent/shared.key";
  auto r = run_program(
      {env_or_die("SSM_CACHE_BIN"), "--endpoint-url", local_.url(), "get", "/app/prod/port"}, e);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("/nonexistent/shared.key"), std::string::npos) << r.err;
  EXPECT_EQ(local_.calls("AmazonSSM.GetParameters"), 0);
}

}  // namespace
}  // namespace ssm_cache::testing
