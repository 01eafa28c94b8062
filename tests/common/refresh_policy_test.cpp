// Unit tests of the one refresh policy (common/refresh_policy.hpp): every decision, the stale
// bounds, and the backoff formula, with the settings each cache uses.
#include "common/refresh_policy.hpp"

#include <gtest/gtest.h>

namespace ssm_cache::common {
namespace {

constexpr std::int64_t kSec = 1'000'000'000;

RefreshState value_expiring_at(std::int64_t expires) {
  RefreshState s;
  s.has_value = true;
  s.expires = expires;
  return s;
}

TEST(RefreshPolicy, FreshValueIsServed) {
  EXPECT_EQ(decide({}, value_expiring_at(10 * kSec), 9 * kSec), ReadDecision::kServe);
  EXPECT_EQ(decide({}, value_expiring_at(kNeverNs), 1'000 * kSec), ReadDecision::kServe);
}

TEST(RefreshPolicy, ExpiredOrMissingValueIsRefreshed) {
  EXPECT_EQ(decide({}, value_expiring_at(10 * kSec), 10 * kSec), ReadDecision::kRefresh);
  EXPECT_EQ(decide({}, RefreshState{}, 0), ReadDecision::kRefresh);
}

TEST(RefreshPolicy, TransientBackoffServesStaleWithinMaxStale) {
  StalePolicy p;
  p.max_stale_ns = 5 * kSec;
  RefreshState s = value_expiring_at(10 * kSec);
  s.next_attempt = 20 * kSec;
  s.failure = FailureKind::kTransient;
  EXPECT_EQ(decide(p, s, 12 * kSec), ReadDecision::kServeStale);
  EXPECT_EQ(decide(p, s, 15 * kSec), ReadDecision::kRefresh);  // past max_stale (exclusive)
  EXPECT_EQ(decide(p, s, 20 * kSec), ReadDecision::kRefresh);  // backoff over
  s.has_value = false;
  EXPECT_EQ(decide(p, s, 12 * kSec), ReadDecision::kRefresh);  // nothing to serve: call
}

TEST(RefreshPolicy, DefinitiveBackoffRethrowsWithoutCall) {
  RefreshState s;
  s.next_attempt = 20 * kSec;
  s.failure = FailureKind::kDefinitive;
  EXPECT_EQ(decide({}, s, 19 * kSec), ReadDecision::kRethrow);
  EXPECT_EQ(decide({}, s, 20 * kSec), ReadDecision::kRefresh);
  RefreshState with_value = value_expiring_at(10 * kSec);
  with_value.next_attempt = 20 * kSec;
  with_value.failure = FailureKind::kDefinitive;
  EXPECT_EQ(decide({}, with_value, 12 * kSec), ReadDecision::kRethrow);
  EXPECT_EQ(decide({}, with_value, 9 * kSec), ReadDecision::kServe);  // fresh first
}

TEST(RefreshPolicy, InFlightServesStaleOnlyWhenAllowed) {
  RefreshState s = value_expiring_at(10 * kSec);
  s.refresh_in_flight = true;
  StalePolicy library;  // serve_stale_while_refreshing off: wait for the refresh
  EXPECT_EQ(decide(library, s, 11 * kSec), ReadDecision::kRefresh);
  library.stale_while_refreshing = true;
  EXPECT_EQ(decide(library, s, 11 * kSec), ReadDecision::kServeStale);
  // The credentials' tighter bound while another caller refreshes.
  StalePolicy credentials{.max_stale_ns = 300 * kSec,
                          .max_stale_in_flight_ns = 240 * kSec,
                          .stale_while_refreshing = true};
  EXPECT_EQ(decide(credentials, s, 249 * kSec), ReadDecision::kServeStale);
  EXPECT_EQ(decide(credentials, s, 250 * kSec), ReadDecision::kRefresh);
  EXPECT_TRUE(stale_allowed(credentials, 10 * kSec, 250 * kSec));
  EXPECT_FALSE(stale_allowed(credentials, 10 * kSec, 250 * kSec, /*in_flight=*/true));
}

TEST(RefreshPolicy, BackgroundRefreshServesStaleAndRefreshes) {
  StalePolicy sidecar{
      .max_stale_ns = 2 * kSec, .stale_while_refreshing = true, .refresh_in_background = true};
  RefreshState s = value_expiring_at(10 * kSec);
  EXPECT_EQ(decide(sidecar, s, 11 * kSec), ReadDecision::kServeStaleAndRefresh);
  EXPECT_EQ(decide(sidecar, s, 12 * kSec), ReadDecision::kRefresh);  // too old: wait
  s.refresh_in_flight = true;
  EXPECT_EQ(decide(sidecar, s, 11 * kSec), ReadDecision::kServeStale);  // one refresh only
}

TEST(RefreshPolicy, StaleBounds) {
  EXPECT_TRUE(stale_allowed({}, 10 * kSec, 1'000'000 * kSec));  // unbounded
  StalePolicy never{.max_stale_ns = 0};
  EXPECT_FALSE(stale_allowed(never, 10 * kSec, 10 * kSec));
  EXPECT_TRUE(stale_allowed(never, kNeverNs, 10 * kSec));  // a value that never expires
}

TEST(RefreshPolicy, BackoffDoublesFromBaseToCap) {
  EXPECT_EQ(backoff(kSec, 60 * kSec, 0), kSec);
  EXPECT_EQ(backoff(kSec, 60 * kSec, 1), kSec);
  EXPECT_EQ(backoff(kSec, 60 * kSec, 2), 2 * kSec);
  EXPECT_EQ(backoff(kSec, 60 * kSec, 6), 32 * kSec);
  EXPECT_EQ(backoff(kSec, 60 * kSec, 7), 60 * kSec);
  EXPECT_EQ(backoff(kSec, 60 * kSec, 1'000), 60 * kSec);  // no overflow
  EXPECT_EQ(backoff(10, 10, 5), 10);  // base == cap: a fixed interval
  EXPECT_EQ(backoff(5 * kSec, kSec, 1), kSec);  // the cap wins over the base
  EXPECT_EQ(backoff(0, kSec, 3), 0);
}

TEST(RefreshPolicy, BackoffJitterScalesTheCeiling) {
  EXPECT_EQ(backoff(100, 20'000, 3, 0.5), 200);
  EXPECT_EQ(backoff(100, 20'000, 3, 0.0), 0);
  EXPECT_EQ(backoff(100, 20'000, 3, 2.0), 400);  // clamped to 1
  EXPECT_EQ(backoff(100, 20'000, 3, 0.999), 399);  // truncated
}

}  // namespace
}  // namespace ssm_cache::common
