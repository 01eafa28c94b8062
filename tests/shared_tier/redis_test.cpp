// The shared tier against a real redis-server: instances share one fetch, nothing readable is
// stored, forged / moved entries are misses, keys rotate, TLS and ACL users work, and a dead
// or slow Redis costs nothing once the breaker is open.
#include <gtest/gtest.h>

#include <thread>

#include "shared_tier/fake_aws.hpp"
#include "shared_tier/redis_server.hpp"
#include "shared_tier/slow_proxy.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kSecretValue[] = "very-secret-db-password-4711";

/// One "instance" of a fleet: its own AWS (counted) behind its own tier.
struct Instance {
  std::shared_ptr<FakeAws> aws = std::make_shared<FakeAws>();
  std::shared_ptr<SharedCacheClient> client;
  std::vector<std::string> log;

  Instance(const std::string& url, SharedCacheOptions o = {}) {
    aws->params.put("/app/db-password", kSecretValue, "SecureString");
    aws->params.put("/app/region", "eu-west-1");
    aws->params.put("/app/list", "a,b,c", "StringList");
    aws->secrets.put_secret_string("prod/api", kSecretValue);
    o.url = url;
    if (o.key.empty() && !o.allow_plaintext) o.key = hex_key(0x11);
    // A loaded test machine is slow: a generous bound unless the test sets its own.
    if (o.operation_timeout == SharedCacheOptions{}.operation_timeout) o.operation_timeout = 2s;
    o.log = [this](std::string_view line) { log.emplace_back(line); };
    client = make_shared_cache_client(std::static_pointer_cast<AwsClient>(aws), o);
  }
  std::string value(const std::string& name) {
    auto r = client->get_parameters({name}, true);
    if (r.parameters.size() != 1) throw std::runtime_error("no value for " + name);
    return r.parameters.front().value;
  }
};

TEST(SharedTierRedis, SecondInstanceReadsWhatTheFirstFetched) {
  RedisServer redis;
  Instance a(redis.url()), b(redis.url());
  EXPECT_EQ(a.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(a.aws->calls(), 1u);
  EXPECT_EQ(b.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(b.aws->calls(), 0u);
  EXPECT_EQ(b.client->stats().hits, 1u);

  auto path_a = a.client->get_parameters_by_path("/app", true, {}, true);
  auto path_b = b.client->get_parameters_by_path("/app", true, {}, true);
  EXPECT_EQ(path_a.size(), 3u);
  EXPECT_EQ(path_b.size(), 3u);
  EXPECT_EQ(b.aws->calls(), 0u);

  // A missing name is shared too (briefly), and still reported missing.
  auto miss_a = a.client->get_parameters({"/app/nope", "/app/region"}, true);
  auto miss_b = b.client->get_parameters({"/app/nope", "/app/region"}, true);
  EXPECT_EQ(miss_b.invalid_parameters, std::vector<std::string>{"/app/nope"});
  ASSERT_EQ(miss_b.parameters.size(), 1u);
  EXPECT_EQ(miss_b.parameters[0].value, "eu-west-1");
  EXPECT_EQ(b.aws->calls(), 0u);

  EXPECT_EQ(a.client->get_secret_value("prod/api", "", "").secret_string, kSecretValue);
  EXPECT_EQ(b.client->get_secret_value("prod/api", "", "").secret_string, kSecretValue);
  EXPECT_EQ(b.aws->calls(), 0u);
  EXPECT_EQ(b.client->get_parameter("/app/region", true).value, "eu-west-1");
  EXPECT_EQ(b.aws->calls(), 0u);
  EXPECT_TRUE(b.log.empty());
}

TEST(SharedTierRedis, NothingReadableIsStored) {
  RedisServer redis;
  Instance a(redis.url());
  a.value("/app/db-password");
  a.client->get_parameters_by_path("/app", true, {}, true);
  a.client->get_secret_value("prod/api", "", "");
  const auto all = redis.dump();
  ASSERT_GE(all.size(), 3u);
  for (const auto& [key, value] : all) {
    for (const std::string& needle : {std::string(kSecretValue), std::string("/app/"),
                                      std::string("eu-west-1"), std::string("prod/api")}) {
      EXPECT_EQ(key.find(needle), std::string::npos) << key;
      EXPECT_EQ(value.find(needle), std::string::npos) << key;
    }
  }
}

TEST(SharedTierRedis, ATamperedEntryIsAMissAndIsReplaced) {
  RedisServer redis;
  Instance a(redis.url()), b(redis.url());
  a.value("/app/db-password");
  for (const auto& [key, value] : redis.dump()) {
    std::string bad = value;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x20);
    redis.command({"SET", key, bad});
  }
  EXPECT_EQ(b.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(b.aws->calls(), 1u);
  EXPECT_EQ(b.client->stats().seal_failures, 1u);
  ASSERT_EQ(b.log.size(), 1u);  // logged once, without the value
  EXPECT_EQ(b.log[0].find(kSecretValue), std::string::npos);
  // b published a good entry in place of the forged one.
  Instance c(redis.url());
  EXPECT_EQ(c.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(c.aws->calls(), 0u);
}

TEST(SharedTierRedis, AnEntryMovedToAnotherKeyIsAMiss) {
  RedisServer redis;
  Instance a(redis.url()), b(redis.url());
  a.value("/app/db-password");
  const auto first = redis.dump();
  ASSERT_EQ(first.size(), 1u);
  a.value("/app/region");
  std::string region_key;
  for (const auto& [k, v] : redis.dump()) {
    if (k != first[0].first) region_key = k;
  }
  ASSERT_FALSE(region_key.empty());
  // The attacker copies the password's entry onto the region's key.
  redis.command({"SET", region_key, first[0].second});
  EXPECT_EQ(b.value("/app/region"), "eu-west-1");
  EXPECT_EQ(b.client->stats().seal_failures, 1u);
}

TEST(SharedTierRedis, KeyRotation) {
  RedisServer redis;
  Instance old_key(redis.url(), {.key = hex_key(0x01)});
  Instance rotating(redis.url(), {.key = hex_key(0x02), .previous_key = hex_key(0x01)});
  Instance new_only(redis.url(), {.key = hex_key(0x02)});
  old_key.value("/app/db-password");
  EXPECT_EQ(rotating.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(rotating.aws->calls(), 0u);
  EXPECT_EQ(new_only.value("/app/db-password"), kSecretValue);  // cannot open it: a miss
  EXPECT_EQ(new_only.aws->calls(), 1u);
  EXPECT_EQ(new_only.client->stats().seal_failures, 1u);
}

TEST(SharedTierRedis, RefusesToStartWithoutAKey) {
  auto aws = std::make_shared<FakeAws>();
  try {
    (void)make_shared_cache_client(std::static_pointer_cast<AwsClient>(aws),
                                   {.url = "redis://127.0.0.1:1"});
    FAIL() << "started without a key";
  } catch (const ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("no sealing key"), std::string::npos);
  }
}

TEST(SharedTierRedis, PlaintextModeSharesOnlyNonSecretParameters) {
  RedisServer redis;
  Instance a(redis.url(), {.allow_plaintext = true}), b(redis.url(), {.allow_plaintext = true});
  a.value("/app/db-password");
  a.value("/app/region");
  a.client->get_secret_value("prod/api", "", "");
  for (const auto& [k, v] : redis.dump()) EXPECT_EQ(v.find(kSecretValue), std::string::npos);
  EXPECT_EQ(b.value("/app/region"), "eu-west-1");
  EXPECT_EQ(b.aws->calls(), 0u);
  EXPECT_EQ(b.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(b.client->get_secret_value("prod/api", "", "").secret_string, kSecretValue);
  EXPECT_EQ(b.aws->calls(), 2u);
}

TEST(SharedTierRedis, TlsWithTheTestCa) {
  RedisServer redis({.tls = true});
  Instance a(redis.url(), {.ca_file = redis.ca_file()}),
      b(redis.url(), {.ca_file = redis.ca_file()});
  EXPECT_EQ(a.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(b.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(b.aws->calls(), 0u);
  EXPECT_EQ(b.client->stats().redis_errors, 0u);
}

TEST(SharedTierRedis, TlsVerificationFailureFallsBackToTheSource) {
  RedisServer redis({.tls = true});
  Instance a(redis.url(), {.ca_file = redis.other_ca_file()});
  EXPECT_EQ(a.value("/app/db-password"), kSecretValue);
  EXPECT_EQ(a.aws->calls(), 1u);
  EXPECT_GE(a.client->stats().redis_errors, 1u);
  ASSERT_EQ(a.log.size(), 1u);
  EXPECT_NE(a.log[0].find("certificate"), std::string::npos) << a.log[0];
}

TEST(SharedTierRedis, AclUserOverTls) {
  RedisServer redis({.tls = true, .acl_user = "fleet", .acl_password = "acl-pass-9"});
  Instance a(redis.url(), {.ca_file = redis.ca_file()}),
      b(redis.url(), {.ca_file = redis.ca_file()});
  a.value("/app/region");
  EXPECT_EQ(b.value("/app/region"), "eu-west-1");
  EXPECT_EQ(b.aws->calls(), 0u);

  // A wrong password: refused, the source answers, the password is not logged.
  std::string url = redis.url();
  url.replace(url.find("acl-pass-9"), 10, "wrong-pass");
  Instance c(url, {.ca_file = redis.ca_file()});
  EXPECT_EQ(c.value("/app/region"), "eu-west-1");
  EXPECT_EQ(c.aws->calls(), 1u);
  ASSERT_EQ(c.log.size(), 1u);
  EXPECT_NE(c.log[0].find("AUTH"), std::string::npos) << c.log[0];
  EXPECT_EQ(c.log[0].find("wrong-pass"), std::string::npos);
}

TEST(SharedTierRedis, RefreshAheadInTheLastPartOfTheLife) {
  RedisServer redis;
  const SharedCacheOptions o{.ttl = 30s, .refresh_ahead = 0.01};  // refresh after 300 ms
  Instance a(redis.url(), o), b(redis.url(), o), c(redis.url(), o);
  a.value("/app/region");
  std::this_thread::sleep_for(400ms);
  a.aws->params.put("/app/region", "eu-central-1");
  b.aws->params.put("/app/region", "eu-central-1");
  // A hit in the refresh window: b renews the entry (and reads the new value doing so).
  EXPECT_EQ(b.value("/app/region"), "eu-central-1");
  EXPECT_EQ(b.aws->calls(), 1u);
  EXPECT_EQ(b.client->stats().hits, 1u);
  EXPECT_EQ(b.client->stats().misses, 0u);
  EXPECT_EQ(b.client->stats().refreshes_ahead, 1u);
  // Refreshed just now: c reads the new value without a call.
  EXPECT_EQ(c.value("/app/region"), "eu-central-1");
  EXPECT_EQ(c.aws->calls(), 0u);
}

TEST(SharedTierRedis, RedisKilledEveryReadStillAnswersAndTheBreakerOpens) {
  auto redis = std::make_unique<RedisServer>();
  Instance a(redis->url(), {.breaker_failures = 3, .breaker_cooldown = 60s});
  EXPECT_EQ(a.value("/app/region"), "eu-west-1");
  redis->kill();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.value("/app/db-password"), kSecretValue);
  const auto s = a.client->stats();
  EXPECT_TRUE(s.breaker_open);
  EXPECT_EQ(s.breaker_opens, 1u);
  EXPECT_EQ(s.redis_errors, 3u);  // then no more Redis attempts: the breaker is open
  EXPECT_GE(s.bypassed, 7u);
  EXPECT_EQ(a.aws->calls(), 11u);
  EXPECT_EQ(a.log.size(), 1u);
}

TEST(SharedTierRedis, TlsRedisKilledDoesNotKillTheProgram) {
  // OpenSSL writes with write(): without care, a write to the dead peer raises SIGPIPE.
  auto redis = std::make_unique<RedisServer>(RedisServerOptions{.tls = true});
  Instance a(redis->url(), {.breaker_failures = 100, .ca_file = redis->ca_file()});
  Instance b(redis->url(), {.breaker_failures = 100, .ca_file = redis->ca_file()});
  EXPECT_EQ(a.value("/app/region"), "eu-west-1");
  EXPECT_EQ(b.value("/app/region"), "eu-west-1");
  redis->kill();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.value("/app/db-password"), kSecretValue);
  EXPECT_GE(a.client->stats().redis_errors, 5u);
}

TEST(SharedTierRedis, SlowRedisOpensTheBreaker) {
  RedisServer redis;
  SlowProxy proxy(redis.port(), 300ms);
  Instance a("redis://127.0.0.1:" + std::to_string(proxy.port()),
             {.operation_timeout = 40ms, .breaker_failures = 2, .breaker_cooldown = 60s});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.value("/app/region"), "eu-west-1");
  const auto s = a.client->stats();
  EXPECT_TRUE(s.breaker_open);
  EXPECT_EQ(s.redis_errors, 2u);
  EXPECT_EQ(s.bypassed, 3u);
  ASSERT_FALSE(a.log.empty());
  EXPECT_NE(a.log[0].find("timed out"), std::string::npos) << a.log[0];
}

TEST(SharedTierRedis, ClusterRedirectionIsAClearError) {
  // A cluster node answers MOVED / ASK for keys it does not own; EVAL makes one reply so.
  RedisServer redis;
  auto conn = redis.connect();
  try {
    conn->command({"EVAL", "return redis.error_reply('MOVED 3999 127.0.0.1:6381')", "0"}, 5s);
    FAIL() << "MOVED was not reported";
  } catch (const shared_tier::RedisError& e) {
    EXPECT_NE(std::string(e.what()).find("Redis Cluster redirection is not supported"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace ssm_cache::testing
