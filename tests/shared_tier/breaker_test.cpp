// The circuit breaker in front of Redis (on a ManualClock), and Redis URL parsing.
#include <gtest/gtest.h>

#include "shared_tier/breaker.hpp"
#include "shared_tier/redis_connection.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::shared_tier {
namespace {

using namespace std::chrono_literals;

TEST(Breaker, OpensAfterConsecutiveFailuresOnly) {
  auto clock = std::make_shared<testing::ManualClock>();
  CircuitBreaker b(3, 5s, clock);
  b.on_failure();
  b.on_failure();
  b.on_success();  // resets the run
  b.on_failure();
  b.on_failure();
  EXPECT_TRUE(b.allow());
  EXPECT_FALSE(b.open());
  b.on_failure();
  EXPECT_TRUE(b.open());
  EXPECT_FALSE(b.allow());
  EXPECT_EQ(b.opens(), 1u);
}

TEST(Breaker, HalfOpenLetsOneProbeThrough) {
  auto clock = std::make_shared<testing::ManualClock>();
  CircuitBreaker b(1, 5s, clock);
  b.on_failure();
  clock->advance(4999ms);
  EXPECT_FALSE(b.allow());
  clock->advance(1ms);
  EXPECT_TRUE(b.allow());  // the probe
  EXPECT_FALSE(b.allow());  // others wait for its outcome
  b.on_failure();  // probe failed: open for another cool-down
  EXPECT_FALSE(b.allow());
  EXPECT_EQ(b.opens(), 1u);  // still the same outage
  clock->advance(5s);
  EXPECT_TRUE(b.allow());
  b.on_success();
  EXPECT_FALSE(b.open());
  EXPECT_TRUE(b.allow());
  EXPECT_TRUE(b.allow());
}

TEST(Breaker, ReportsTransitions) {
  auto clock = std::make_shared<testing::ManualClock>();
  std::vector<bool> changes;
  CircuitBreaker b(2, 1s, clock, [&](bool opened) { changes.push_back(opened); });
  b.on_failure();
  b.on_failure();
  clock->advance(1s);
  ASSERT_TRUE(b.allow());
  b.on_success();
  EXPECT_EQ(changes, (std::vector<bool>{true, false}));
}

TEST(RedisUrl, ParsesUserPasswordHostPortDb) {
  auto e = parse_redis_url("rediss://app%40x:p%3Ass@cache.example:6380/2");
  EXPECT_TRUE(e.tls);
  EXPECT_EQ(e.user, "app@x");
  EXPECT_EQ(e.password, "p:ss");
  EXPECT_EQ(e.host, "cache.example");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 2);
  auto d = parse_redis_url("redis://127.0.0.1");
  EXPECT_FALSE(d.tls);
  EXPECT_EQ(d.port, 6379);
  EXPECT_EQ(d.db, 0);
  EXPECT_TRUE(d.user.empty());
  auto v6 = parse_redis_url("redis://[::1]:7000");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 7000);
}

TEST(RedisUrl, RejectsBadUrlsWithoutEchoingThePassword) {
  EXPECT_THROW(parse_redis_url("http://h:1"), ConfigurationError);
  EXPECT_THROW(parse_redis_url("redis://h:99999"), ConfigurationError);
  EXPECT_THROW(parse_redis_url("redis://:pw@"), ConfigurationError);
  try {
    parse_redis_url("redis://u:hunter2@h:abc");
    FAIL();
  } catch (const ConfigurationError& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace ssm_cache::shared_tier
