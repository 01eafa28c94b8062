// Error rules of docs/design.md ("Cache semantics") and the options beyond the seed:
// stale-if-error with a growing backoff, max_stale, definitive errors remembered for a
// backoff, groups all-or-nothing for transient errors (missing names fail only themselves),
// negative caching, TTL jitter, partial fetches.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

AwsError access_denied() {
  return AwsError("AmazonSSM.GetParameters failed: AccessDeniedException (HTTP 400)",
                  "AccessDeniedException", "not authorized", 400, "req-1");
}

class ErrorsTest : public CacheTest {
 protected:
  void SetUp() override {
    fake->put("a", "a1");
    fake->put("b", "b1");
  }
};

TEST_F(ErrorsTest, TransientErrorServesLastGoodValueWithGrowingBackoff) {
  SSMParameter p("a", opts(60s));
  EXPECT_EQ(p.value(), "a1");
  fake->put("a", "a2");
  clock->advance(61s);
  fake->fail_next_with(100, FakeParameterClient::throttling());
  EXPECT_EQ(p.value(), "a1");  // stale-if-error
  EXPECT_EQ(get_calls(), 2u);
  EXPECT_EQ(p.value(), "a1");  // backing off: no call on every read
  clock->advance(900ms);
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 2u);
  clock->advance(200ms);  // 1 s backoff over
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 3u);
  clock->advance(1500ms);  // the backoff grew to 2 s
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 3u);
  clock->advance(600ms);
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 4u);
}

TEST_F(ErrorsTest, RecoversAfterTransientErrors) {
  SSMParameter p("a", opts(60s));
  EXPECT_EQ(p.value(), "a1");
  fake->put("a", "a2");
  clock->advance(61s);
  fake->fail_next_with(1, FakeParameterClient::throttling());
  EXPECT_EQ(p.value(), "a1");
  clock->advance(1s);
  EXPECT_EQ(p.value(), "a2");
  EXPECT_EQ(get_calls(), 3u);
  clock->advance(59s);
  EXPECT_EQ(p.value(), "a2");
  EXPECT_EQ(get_calls(), 3u);  // fresh for max_age after the successful refresh
}

TEST_F(ErrorsTest, BackoffCappedAtMaxAge) {
  SSMParameter p("a", opts(3s));
  EXPECT_EQ(p.value(), "a1");
  clock->advance(3s);
  fake->fail_next_with(100, TransportError("connection refused"));
  // Backoffs 1 s, 2 s, then capped at 3 s (not 4 s).
  EXPECT_EQ(p.value(), "a1");
  clock->advance(1s);
  EXPECT_EQ(p.value(), "a1");
  clock->advance(2s);
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 4u);
  clock->advance(3s);
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(get_calls(), 5u);
}

TEST_F(ErrorsTest, DefinitiveErrorThrowsEvenWithCachedValue) {
  SSMParameter p("a", opts(10s));
  EXPECT_EQ(p.value(), "a1");
  clock->advance(11s);
  fake->fail_next_with(1, access_denied());
  EXPECT_THROW((void)p.value(), AwsError);
  EXPECT_THROW((void)p.value(), AwsError);  // remembered for the backoff: no call
  EXPECT_EQ(get_calls(), 2u);
  clock->advance(1s);
  EXPECT_EQ(p.value(), "a1");  // after the backoff the next read tries again and succeeds
  EXPECT_EQ(get_calls(), 3u);
}

TEST_F(ErrorsTest, DeletedParameterThrowsAfterExpiry) {
  SSMParameter p("a", opts(10s));
  EXPECT_EQ(p.value(), "a1");
  fake->remove("a");
  clock->advance(11s);
  EXPECT_THROW((void)p.value(), InvalidParameterError);
}

TEST_F(ErrorsTest, ExplicitRefreshThrowsAndKeepsValue) {
  SSMParameter p("a", opts());
  EXPECT_EQ(p.value(), "a1");
  fake->put("a", "a2");
  fake->fail_next_with(1, FakeParameterClient::throttling());
  EXPECT_THROW(p.refresh(), AwsError);
  EXPECT_EQ(p.value(), "a1");
  EXPECT_EQ(p.version(), 1);
}

TEST_F(ErrorsTest, FirstFetchThrowsWhateverTheError) {
  SSMParameter p("a", opts(10s));
  fake->fail_next_with(1, FakeParameterClient::throttling());
  try {
    (void)p.value();
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_EQ(e.code(), "ThrottlingException");
  }
  EXPECT_EQ(p.value(), "a1");  // no backoff without a value to serve
}

TEST_F(ErrorsTest, MaxStaleBoundsStaleIfError) {
  auto o = opts(10s);
  o.max_stale = 5s;
  SSMParameter p("a", o);
  EXPECT_EQ(p.value(), "a1");
  clock->advance(11s);  // 1 s past expiry
  fake->fail_next_with(100, FakeParameterClient::throttling());
  EXPECT_EQ(p.value(), "a1");
  clock->advance(5s);  // 6 s past expiry: beyond max_stale
  EXPECT_THROW((void)p.value(), AwsError);
}

TEST_F(ErrorsTest, MaxStaleZeroNeverServesStale) {
  auto o = opts(10s);
  o.max_stale = 0ms;
  SSMParameter p("a", o);
  EXPECT_EQ(p.value(), "a1");
  clock->advance(10s);
  fake->fail_next_with(1, FakeParameterClient::throttling());
  EXPECT_THROW((void)p.value(), AwsError);
  EXPECT_EQ(p.value(), "a1");
}

TEST_F(ErrorsTest, GroupRefreshIsAllOrNothingForTransientErrors) {
  SSMParameterGroup group(gopts());
  auto a = group.parameter("a");
  auto b = group.parameter("b");
  EXPECT_EQ(a.value(), "a1");
  fake->put("a", "a2");
  fake->put("b", "b2");
  fake->fail_next_with(1, FakeParameterClient::throttling());
  EXPECT_THROW(group.refresh(), AwsError);
  EXPECT_EQ(a.value(), "a1");  // nothing changed
  EXPECT_EQ(b.value(), "b1");
}

TEST_F(ErrorsTest, GroupRefreshMissingNameFailsOnlyItself) {
  SSMParameterGroup group(gopts());
  auto a = group.parameter("a");
  auto b = group.parameter("b");
  EXPECT_EQ(a.value(), "a1");
  fake->put("a", "a2");
  fake->remove("b");
  try {
    group.refresh();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), std::vector<std::string>{"b"});
  }
  EXPECT_EQ(a.value(), "a2");  // the others take their fresh values
  EXPECT_THROW((void)b.value(), InvalidParameterError);
}

TEST_F(ErrorsTest, NewMemberOfFreshGroupFetchesOnlyWhatHasNoValue) {
  fake->put("c", "c1");
  SSMParameterGroup group(gopts(60s));
  auto a = group.parameter("a");
  auto b = group.parameter("b");
  EXPECT_EQ(a.value(), "a1");
  auto c = group.parameter("c");
  EXPECT_EQ(c.value(), "c1");
  const auto calls = fake->calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].names, std::vector<std::string>{"c"});
  // The group's time is still that of the first fetch.
  clock->advance(61s);
  (void)c.value();
  EXPECT_EQ(fake->calls().back().names.size(), 3u);
}

TEST_F(ErrorsTest, NegativeCacheRemembersMissingNames) {
  auto o = opts();
  o.negative_cache_ttl = 5s;
  SSMParameter missing("nope", o);
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 1u);
  clock->advance(6s);
  fake->put("nope", "now here");
  EXPECT_EQ(missing.value(), "now here");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(ErrorsTest, MissingNameRememberedForGrowingBackoffByDefault) {
  SSMParameter missing("nope", opts());
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 1u);
  clock->advance(1s);  // first backoff: 1 s
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 2u);
  clock->advance(1s);  // second backoff: 2 s
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 2u);
  fake->put("nope", "here");
  clock->advance(1s);
  EXPECT_EQ(missing.value(), "here");
  EXPECT_EQ(get_calls(), 3u);
}

TEST_F(ErrorsTest, TtlJitterShortensExpiryWithinBounds) {
  std::vector<SSMParameter> params;
  for (int i = 0; i < 20; ++i) {
    auto o = opts(100s);
    o.ttl_jitter = 0.5;
    params.emplace_back("a", o);
    (void)params.back().value();
  }
  fake->clear_calls();
  clock->advance(49s);
  for (auto& p : params) (void)p.value();
  EXPECT_EQ(get_calls(), 0u);  // never shorter than max_age * (1 - jitter)
  clock->advance(50s);  // t = 99 s
  for (auto& p : params) (void)p.value();
  EXPECT_GT(get_calls(), 0u);  // some expired early (all 20 at >= 99 s: probability 1e-40)
  clock->advance(2s);  // t = 101 s: every one expired once (early ones are fresh again)
  for (auto& p : params) (void)p.value();
  EXPECT_EQ(get_calls(), 20u);
}

TEST_F(ErrorsTest, NoJitterByDefault) {
  SSMParameter p("a", opts(100s));
  (void)p.value();
  clock->advance(99'999ms);
  (void)p.value();
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ErrorsTest, ErrorsNeverContainValues) {
  fake->put("secret_param", "hunter2-secret-value", "SecureString");
  SSMParameterGroup group(gopts());
  auto s = group.parameter("secret_param");
  group.parameter("absent");
  try {
    group.refresh();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace ssm_cache::test
