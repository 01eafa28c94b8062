// The shared tier as the cache's handles use it (ParameterOptions / GroupOptions /
// SecretOptions::shared_cache) against a real redis-server: a second "instance" reads what
// the first fetched, the counters reach CacheStats per handle and process-wide; a plain
// SecretsClient behind the tier (GetSecretValue, BatchGetSecretValue, DescribeSecret); and
// lease release by compare-and-delete.
#include <gtest/gtest.h>

#include <thread>

#include "cache/dated_secrets_client.hpp"
#include "shared_tier/redis_server.hpp"
#include "shared_tier/store.hpp"
#include "ssm_cache/group.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/shared_cache.hpp"
#include "ssm_cache/testing/fake_client.hpp"
#include "ssm_cache/testing/fake_secrets_client.hpp"

namespace ssm_cache::testing {
namespace {

using namespace std::chrono_literals;

SharedCacheOptions options_for(const std::string& url) {
  return {.url = url,
          .key = std::string(64, 'a'),
          .operation_timeout = 2s,  // a loaded test machine is slow
          .log = [](std::string_view) {}};
}

std::shared_ptr<FakeParameterClient> parameter_source() {
  auto c = std::make_shared<FakeParameterClient>();
  c->put("/app/db", "db-value", "SecureString");
  c->put("/app/region", "eu-west-1");
  return c;
}

TEST(SharedTierHandles, ParametersAndGroupsReadThroughTheTierOfTheirOptions) {
  RedisServer redis;
  const CacheStats before = cache_stats();
  auto first = parameter_source(), second = parameter_source(), third = parameter_source();
  SSMParameter a("/app/db", {.client = first, .shared_cache = options_for(redis.url())});
  EXPECT_EQ(a.value(), "db-value");
  EXPECT_EQ(first->call_count(), 1u);
  EXPECT_EQ(a.stats().shared_misses, 1u);
  EXPECT_EQ(a.stats().shared_hits, 0u);

  // Another instance: its own source, same shared options: served from Redis.
  SSMParameter b("/app/db", {.client = second, .shared_cache = options_for(redis.url())});
  EXPECT_EQ(b.value(), "db-value");
  EXPECT_EQ(second->call_count(), 0u);
  EXPECT_EQ(b.stats().shared_hits, 1u);
  EXPECT_EQ(b.stats().shared_misses, 0u);
  EXPECT_FALSE(b.stats().shared_breaker_open);

  SSMParameterGroup group({.client = third, .shared_cache = options_for(redis.url())});
  auto db = group.parameter("/app/db");
  EXPECT_EQ(db.value(), "db-value");
  EXPECT_EQ(third->call_count(), 0u);
  EXPECT_EQ(group.stats().shared_hits, 1u);
  EXPECT_EQ(db.stats().shared_hits, 1u);

  const CacheStats after = cache_stats();
  EXPECT_GE(after.shared_hits - before.shared_hits, 2u);
  EXPECT_GE(after.shared_misses - before.shared_misses, 1u);
}

TEST(SharedTierHandles, BadSharedOptionsFailAtConstruction) {
  RedisServer redis;
  SharedCacheOptions no_key{.url = redis.url()};
  EXPECT_THROW(SSMParameter("/app/db", {.client = parameter_source(), .shared_cache = no_key}),
               ConfigurationError);
  EXPECT_THROW(SSMParameterGroup({.client = parameter_source(), .shared_cache = no_key}),
               ConfigurationError);
  EXPECT_THROW(
      Secret("s", {.client = std::make_shared<FakeSecretsClient>(), .shared_cache = no_key}),
      ConfigurationError);
}

TEST(SharedTierHandles, ADeadRedisOpensTheBreakerInTheHandlesStats) {
  std::string url;
  {
    RedisServer redis;
    url = redis.url();
  }  // stopped: nothing listens there now
  auto source = parameter_source();
  auto o = options_for(url);
  o.breaker_failures = 1;
  o.connect_timeout = 500ms;
  SSMParameter p("/app/region", {.client = source, .shared_cache = o});
  EXPECT_EQ(p.value(), "eu-west-1");
  EXPECT_TRUE(p.stats().shared_breaker_open);
  EXPECT_GE(p.stats().shared_breaker_opens, 1u);
  EXPECT_TRUE(cache_stats().shared_breaker_open);
}

std::shared_ptr<FakeSecretsClient> secrets_source() {
  auto c = std::make_shared<FakeSecretsClient>();
  c->put_secret_string("prod/a", "secret-a");
  c->put_secret_string("prod/b", "secret-b");
  c->put_secret_string("prod/c", "secret-c");
  return c;
}

/// A plain SecretsClient behind a tier of its own.
std::shared_ptr<SharedCacheClient> behind_tier(const std::shared_ptr<FakeSecretsClient>& source,
                                               const std::string& url) {
  return make_shared_cache_client(std::static_pointer_cast<SecretsClient>(source),
                                  options_for(url));
}

TEST(SharedTierHandles, SecretsReadThroughTheTierOfTheirOptions) {
  RedisServer redis;
  auto first = secrets_source(), second = secrets_source();
  Secret a("prod/a", {.client = first, .shared_cache = options_for(redis.url())});
  EXPECT_EQ(a.value(), "secret-a");
  Secret b("prod/a", {.client = second, .shared_cache = options_for(redis.url())});
  EXPECT_EQ(b.value(), "secret-a");
  EXPECT_EQ(second->call_count("GetSecretValue"), 0u);
  EXPECT_EQ(b.stats().shared_hits, 1u);
  EXPECT_EQ(a.stats().shared_misses, 1u);
}

// What a fleet instance reads from the store is the whole version, metadata included: the
// name, version id, stages and created date, in Secrets Manager's whole character set.
TEST(SharedTierHandles, SecretMetadataRoundTripsThroughTheStore) {
  RedisServer redis;
  const std::string name = "prod/app_1+cfg=x.y@corp-db", stage = "blue/_+=.@-green";
  auto first = std::make_shared<FakeSecretsClient>(),
       second = std::make_shared<FakeSecretsClient>();
  const std::string v1 = first->put_secret_string(name, "pw1", {"AWSCURRENT", stage});
  first->put_secret_string("other=name", "b");
  // The second instance's source answers another version: what it serves came from Redis.
  second->put_secret_string(name, "stale");
  second->put_secret_string(name, "other", {"AWSCURRENT", stage});
  second->put_secret_string("other=name", "b");
  auto options = [&](const std::shared_ptr<FakeSecretsClient>& source) {
    return SecretOptions{.client = std::make_shared<test::DatedSecretsClient>(source),
                         .shared_cache = options_for(redis.url())};
  };
  SecretGroup one(options(first));
  Secret current = one.secret(name);
  (void)one.secret("other=name");
  Secret staged(name, [&] {
    SecretOptions o = options(first);
    o.version_stage = stage;
    return o;
  }());
  one.refresh();  // BatchGetSecretValue
  const SecretValue fetched = current.record();
  EXPECT_EQ(staged.record().version_id, v1);  // GetSecretValue by stage

  Secret read_current(name, options(second));
  Secret read_staged(name, [&] {
    SecretOptions o = options(second);
    o.version_stage = stage;
    return o;
  }());
  for (const Secret* s : {&read_current, &read_staged}) {
    const SecretValue r = s->record();
    EXPECT_EQ(r.secret_string, "pw1");
    EXPECT_EQ(r.name, name);
    EXPECT_EQ(r.arn, fetched.arn);
    EXPECT_EQ(r.version_id, v1);
    EXPECT_EQ(r.version_stages, (std::vector<std::string>{"AWSCURRENT", stage}));
    EXPECT_EQ(r.created_date, test::DatedSecretsClient::kCreated);
    EXPECT_EQ(s->version_id(), v1);
    EXPECT_EQ(s->version_stages(), r.version_stages);
  }
  EXPECT_EQ(second->call_count("GetSecretValue") + second->call_count("BatchGetSecretValue"), 0u);
}

TEST(SharedTierHandles, BatchGetSecretValueFetchesOnlyTheIdsTheStoreLacks) {
  RedisServer redis;
  auto first = secrets_source(), second = secrets_source();
  auto one = behind_tier(first, redis.url()), two = behind_tier(second, redis.url());
  // A single GetSecretValue and a batch share the AWSCURRENT entry.
  EXPECT_EQ(one->get_secret_value("prod/a").secret_string, "secret-a");
  auto batch = one->batch_get_secret_value({"prod/a", "prod/b"});
  ASSERT_EQ(batch.secrets.size(), 2u);
  ASSERT_EQ(first->call_count("BatchGetSecretValue"), 1u);
  EXPECT_EQ(first->calls().back().ids, std::vector<std::string>{"prod/b"});

  auto got = two->batch_get_secret_value({"prod/a", "prod/b", "prod/c", "prod/missing"});
  std::map<std::string, std::string> values;
  for (const auto& s : got.secrets) values[s.name] = s.secret_string.value_or("");
  EXPECT_EQ(values, (std::map<std::string, std::string>{
                        {"prod/a", "secret-a"}, {"prod/b", "secret-b"}, {"prod/c", "secret-c"}}));
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].secret_id, "prod/missing");
  ASSERT_EQ(second->call_count("BatchGetSecretValue"), 1u);
  EXPECT_EQ(second->calls().back().ids, (std::vector<std::string>{"prod/c", "prod/missing"}));
  EXPECT_EQ(second->call_count("GetSecretValue"), 0u);

  // A failed id was not stored: asking again goes to the source again.
  (void)two->batch_get_secret_value({"prod/missing"});
  EXPECT_EQ(second->call_count("BatchGetSecretValue"), 2u);
}

TEST(SharedTierHandles, DescribeSecretIsSharedBriefly) {
  RedisServer redis;
  auto first = secrets_source(), second = secrets_source();
  auto one = behind_tier(first, redis.url()), two = behind_tier(second, redis.url());
  const auto d1 = one->describe_secret("prod/a");
  const auto d2 = two->describe_secret("prod/a");
  EXPECT_EQ(second->call_count("DescribeSecret"), 0u);
  EXPECT_EQ(d1.name, d2.name);
  EXPECT_EQ(d1.version_ids_to_stages, d2.version_ids_to_stages);
  // Its Redis lifetime is short whatever the tier's ttl.
  bool found = false;
  for (const auto& [key, value] : redis.dump()) {
    const auto pttl = redis.command({"PTTL", key}).integer;
    if (pttl > 0 && pttl <= 10000) found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_THROW(two->describe_secret("prod/missing"), AwsError);
}

TEST(SharedTierHandles, APlainSecretsClientHasNoParameterCalls) {
  RedisServer redis;
  auto c = behind_tier(secrets_source(), redis.url());
  EXPECT_THROW(c->get_parameters({"/x"}, true), ConfigurationError);
}

TEST(SharedTierLease, ReleaseNeverDeletesALeaseAnotherTokenTookOver) {
  RedisServer redis;
  shared_tier::StoreSettings settings;
  settings.endpoint = shared_tier::parse_redis_url(redis.url());
  settings.operation_timeout = 2s;
  shared_tier::SharedStore store(settings, std::make_shared<shared_tier::CircuitBreaker>(5, 5s),
                                 {});
  const std::vector<std::string> lease{"test:lease"};
  ASSERT_EQ(store.acquire(lease, "token-a", 50ms), std::vector<bool>{true});
  // a's lease expires; b takes it.
  for (int i = 0; i < 200 && redis.command({"EXISTS", lease[0]}).integer != 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(store.acquire(lease, "token-b", 60s), std::vector<bool>{true});
  // a releases late: b's lease stays.
  ASSERT_TRUE(store.publish({}, lease, "token-a"));
  EXPECT_EQ(redis.command({"GET", lease[0]}).str, "token-b");
  ASSERT_TRUE(store.publish({}, lease, "token-b"));
  EXPECT_EQ(redis.command({"EXISTS", lease[0]}).integer, 0);
}

TEST(SharedTierLease, AUserWithoutScriptingReleasesByDel) {
  RedisServer redis;
  ASSERT_EQ(redis
                .command({"ACL", "SETUSER", "noscript", "on", ">noscript-pass", "~*", "+@all",
                          "-@scripting"})
                .type,
            shared_tier::RedisReply::Type::kStatus);
  std::string url = redis.url();
  url.replace(url.find("//") + 2, 0, "noscript:noscript-pass@");
  shared_tier::StoreSettings settings;
  settings.endpoint = shared_tier::parse_redis_url(url);
  settings.operation_timeout = 2s;
  auto breaker = std::make_shared<shared_tier::CircuitBreaker>(5, 5s);
  shared_tier::SharedStore store(settings, breaker, {});
  const std::vector<std::string> lease{"test:lease"};
  ASSERT_EQ(store.acquire(lease, "token-a", 60s), std::vector<bool>{true});
  // The first release meets NOPERM (not a Redis failure); the next ones use DEL.
  EXPECT_TRUE(store.publish({}, lease, "token-a"));
  ASSERT_EQ(store.acquire(lease, "token-a", 60s).value_or(std::vector<bool>{}).size(), 1u);
  EXPECT_TRUE(store.publish({}, lease, "token-a"));
  EXPECT_EQ(redis.command({"EXISTS", lease[0]}).integer, 0);
  EXPECT_FALSE(breaker->open());
  EXPECT_EQ(store.errors(), 0u);
}

}  // namespace
}  // namespace ssm_cache::testing
