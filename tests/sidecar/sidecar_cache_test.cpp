// Tests of the sidecar cache with a manual clock: TTL, LRU, single flight, stale-while-refresh,
// stale-if-error with backoff, definitive errors, refreshNow, caching off.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "sidecar_cache.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::cli {
namespace {

using namespace std::chrono_literals;

class SidecarCacheTest : public ::testing::Test {
 protected:
  SidecarCacheOptions options(std::size_t capacity = 10) {
    SidecarCacheOptions o;
    o.capacity = capacity;
    o.clock = clock;
    return o;
  }
  SidecarCache::Fetch counting(const std::string& body) {
    return [this, body] {
      ++fetches;
      return Outcome{200, body + std::to_string(fetches.load()), {}, false};
    };
  }
  SidecarCache::Fetch failing(int status, std::string code, bool transient) {
    return [this, status, code, transient] {
      ++fetches;
      return Outcome{status, "{}", code, transient};
    };
  }
  std::shared_ptr<ssm_cache::testing::ManualClock> clock =
      std::make_shared<ssm_cache::testing::ManualClock>(
          ssm_cache::testing::ManualClock::time_point(1'000'000ms));
  std::atomic<int> fetches{0};
};

TEST_F(SidecarCacheTest, HitUntilTtlThenRefetch) {
  SidecarCacheOptions o = options();
  o.stale_while_refresh = false;
  SidecarCache cache(o);
  EXPECT_EQ(cache.get("k", 1000ms, false, counting("v")).source, CacheSource::kMiss);
  auto r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kHit);
  EXPECT_EQ(r.outcome->body, "v1");
  clock->advance(999ms);
  EXPECT_EQ(cache.get("k", 1000ms, false, counting("v")).source, CacheSource::kHit);
  clock->advance(1ms);
  r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kMiss);
  EXPECT_EQ(r.outcome->body, "v2");
  EXPECT_EQ(fetches, 2);
}

TEST_F(SidecarCacheTest, StaleWhileRefreshServesOldValueAndRefreshesInBackground) {
  SidecarCache cache(options());
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(1500ms);  // expired, within one more TTL
  auto r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kStale);
  EXPECT_EQ(r.outcome->body, "v1");
  cache.wait_idle();
  EXPECT_EQ(fetches, 2);
  r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kHit);
  EXPECT_EQ(r.outcome->body, "v2");
}

// Issue 14: however long ago the entry expired, it is answered at once while one refresh runs,
// up to max_stale; beyond that the request waits for the fetch.
TEST_F(SidecarCacheTest, LongExpiredEntryServedStaleUpToMaxStale) {
  SidecarCacheOptions o = options();
  o.max_stale_if_error = 10s;
  SidecarCache cache(o);
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(5000ms);  // four TTLs past expiry, within max_stale
  auto r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kStale);
  EXPECT_EQ(r.outcome->body, "v1");
  cache.wait_idle();
  EXPECT_EQ(fetches, 2);
  clock->advance(20000ms);  // beyond max_stale
  r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kMiss);
  EXPECT_EQ(r.outcome->body, "v3");
}

// A fetch that never ends: released by the test (so the cache's threads can be joined).
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> calls{0};
  SidecarCache::Fetch fetch(std::string body) {
    return [this, body] {
      ++calls;
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return open; });
      return Outcome{200, body, {}, false};
    };
  }
  void release() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

TEST_F(SidecarCacheTest, HungFetchAnswers504AtTheBudget) {
  SidecarCacheOptions o = options();
  o.wait_budget = 200ms;
  SidecarCache cache(o);
  Gate gate;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = cache.get("k", 10s, false, gate.fetch("v"));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.outcome->status, 504);
  EXPECT_NE(r.outcome->body.find("RequestTimeout"), std::string::npos) << r.outcome->body;
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 5s);  // a hang bound, not a speed assertion
  gate.release();
  cache.wait_idle();
  // The fetch went on and filled the cache.
  EXPECT_EQ(cache.get("k", 10s, false, counting("v")).outcome->body, "v");
}

TEST_F(SidecarCacheTest, HungRefreshWithoutStaleWhileRefreshServesStaleAtTheBudget) {
  SidecarCacheOptions o = options();
  o.stale_while_refresh = false;
  o.wait_budget = 100ms;
  SidecarCache cache(o);
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(2000ms);
  Gate gate;
  auto r = cache.get("k", 1000ms, false, gate.fetch("new"));
  EXPECT_EQ(r.source, CacheSource::kStale);
  EXPECT_EQ(r.outcome->body, "v1");
  gate.release();
}

TEST_F(SidecarCacheTest, QueuedFetchNobodyWaitsForIsDropped) {
  SidecarCacheOptions o = options();
  o.refresh_threads = 1;
  o.wait_budget = 100ms;
  SidecarCache cache(o);
  Gate gate;
  EXPECT_EQ(cache.get("a", 10s, false, gate.fetch("a")).outcome->status, 504);  // holds the thread
  EXPECT_EQ(cache.get("b", 10s, false, counting("b"), [] { return true; }).outcome->status, 504);
  EXPECT_EQ(cache.get("c", 10s, false, counting("c")).outcome->status, 504);  // timed out
  gate.release();
  cache.wait_idle();
  EXPECT_EQ(gate.calls, 1);
  EXPECT_EQ(fetches, 0) << "b's client left and c's request timed out: no upstream call";
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(SidecarCacheTest, ShutdownRefusesNewFetchesAndEndsWaits) {
  SidecarCacheOptions o = options();
  o.wait_budget = 60s;
  SidecarCache cache(o);
  cache.get("cached", 1000ms, false, counting("v"));
  Gate gate;
  std::thread waiter([&] {
    auto r = cache.get("hung", 10s, false, gate.fetch("h"));
    EXPECT_EQ(r.outcome->status, 503);
  });
  while (gate.calls.load() == 0) std::this_thread::sleep_for(1ms);
  const auto t0 = std::chrono::steady_clock::now();
  cache.shutdown(SidecarCache::Clock::now() + 100ms);
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);  // not the 60 s budget
  EXPECT_EQ(cache.get("new", 10s, false, counting("n")).outcome->status, 503);
  EXPECT_EQ(cache.get("cached", 1000ms, false, counting("v")).outcome->body, "v1");
  clock->advance(5000ms);  // expired: still served, no refresh started
  EXPECT_EQ(cache.get("cached", 1000ms, false, counting("v")).outcome->body, "v1");
  EXPECT_EQ(fetches, 1);
  EXPECT_FALSE(cache.wait_idle_for(10ms));  // the hung fetch
  gate.release();
  EXPECT_TRUE(cache.wait_idle_for(10s));
}

TEST_F(SidecarCacheTest, LruEvictsLeastRecentlyUsed) {
  SidecarCache cache(options(2));
  cache.get("a", 10s, false, counting("a"));
  cache.get("b", 10s, false, counting("b"));
  cache.get("a", 10s, false, counting("a"));  // a is now more recent than b
  cache.get("c", 10s, false, counting("c"));  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(cache.get("a", 10s, false, counting("a")).source, CacheSource::kHit);
  EXPECT_EQ(cache.get("b", 10s, false, counting("b")).source, CacheSource::kMiss);
}

TEST_F(SidecarCacheTest, SingleFlightOneFetchForManyWaiters) {
  SidecarCache cache(options());
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  auto slow = [&] {
    ++started;
    ++fetches;
    while (!release.load()) std::this_thread::sleep_for(1ms);
    return Outcome{200, "slow", {}, false};
  };
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (cache.get("k", 10s, false, slow).outcome->body == "slow") ++ok;
    });
  }
  while (started.load() == 0) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);  // let the others queue up behind the flight
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 16);
  EXPECT_EQ(fetches, 1);
}

TEST_F(SidecarCacheTest, TransientErrorServesStaleWithBackoff) {
  SidecarCacheOptions o = options();
  o.stale_while_refresh = false;
  o.initial_backoff = 1000ms;
  SidecarCache cache(o);
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(2000ms);
  auto r = cache.get("k", 1000ms, false, failing(503, "ServiceUnavailable", true));
  EXPECT_EQ(r.source, CacheSource::kStale);
  EXPECT_EQ(r.outcome->body, "v1");
  EXPECT_EQ(fetches, 2);
  // Within the backoff: no new call.
  r = cache.get("k", 1000ms, false, failing(503, "ServiceUnavailable", true));
  EXPECT_EQ(r.outcome->body, "v1");
  EXPECT_EQ(fetches, 2);
  clock->advance(1001ms);
  r = cache.get("k", 1000ms, false, counting("v"));
  EXPECT_EQ(r.source, CacheSource::kMiss);
  EXPECT_EQ(r.outcome->body, "v3");
}

TEST_F(SidecarCacheTest, StaleIfErrorBound) {
  SidecarCacheOptions o = options();
  o.stale_while_refresh = false;
  o.max_stale_if_error = 500ms;
  SidecarCache cache(o);
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(2000ms);  // 1000 ms past expiry > 500 ms bound
  auto r = cache.get("k", 1000ms, false, failing(503, "ServiceUnavailable", true));
  EXPECT_EQ(r.outcome->status, 503);
}

TEST_F(SidecarCacheTest, DefinitiveErrorDropsEntry) {
  SidecarCacheOptions o = options();
  o.stale_while_refresh = false;
  SidecarCache cache(o);
  cache.get("k", 1000ms, false, counting("v"));
  clock->advance(2000ms);
  auto r = cache.get("k", 1000ms, false, failing(400, "ParameterNotFound", false));
  EXPECT_EQ(r.outcome->status, 400);
  EXPECT_EQ(cache.size(), 0u);
  // Errors are never cached.
  cache.get("k", 1000ms, false, failing(400, "ParameterNotFound", false));
  EXPECT_EQ(fetches, 3);
}

TEST_F(SidecarCacheTest, RefreshNowFetchesAndReportsErrors) {
  SidecarCache cache(options());
  cache.get("k", 10s, false, counting("v"));
  auto r = cache.get("k", 10s, true, counting("v"));
  EXPECT_EQ(r.outcome->body, "v2");
  r = cache.get("k", 10s, true, failing(429, "ThrottlingException", true));
  EXPECT_EQ(r.outcome->status, 429);  // a forced refresh reports the failure...
  r = cache.get("k", 10s, false, counting("v"));
  EXPECT_EQ(r.outcome->body, "v2");  // ...and keeps the last good value
}

TEST_F(SidecarCacheTest, TtlZeroOrCapacityZeroMeansNoCaching) {
  SidecarCache cache(options());
  cache.get("k", 0ms, false, counting("v"));
  EXPECT_EQ(cache.get("k", 0ms, false, counting("v")).source, CacheSource::kBypass);
  EXPECT_EQ(fetches, 2);
  SidecarCache off(options(0));
  off.get("k", 10s, false, counting("v"));
  off.get("k", 10s, false, counting("v"));
  EXPECT_EQ(fetches, 4);
  EXPECT_EQ(off.size(), 0u);
}

TEST_F(SidecarCacheTest, PutPrefillsAndThrowingFetchBecomes500) {
  SidecarCache cache(options());
  cache.put("k", 10s, Outcome{200, "pre", {}, false});
  EXPECT_EQ(cache.get("k", 10s, false, counting("v")).outcome->body, "pre");
  EXPECT_EQ(fetches, 0);
  auto r = cache.get("t", 10s, false, []() -> Outcome { throw std::runtime_error("boom"); });
  EXPECT_EQ(r.outcome->status, 500);
}

// try_get is what event loops call: it answers only what needs no waiting, and otherwise
// leaves no trace (no entry, no fetch), so that get() on a worker does the work once.
TEST_F(SidecarCacheTest, TryGetAnswersOnlyWithoutWaiting) {
  SidecarCacheOptions o = options();
  o.max_stale_if_error = 2000ms;
  SidecarCache cache(o);
  EXPECT_FALSE(cache.try_get("k", 1000ms, false, counting("v")));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(fetches, 0);
  cache.get("k", 1000ms, false, counting("v"));
  auto hit = cache.try_get("k", 1000ms, false, counting("v"));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->source, CacheSource::kHit);
  EXPECT_EQ(hit->outcome->body, "v1");
  // refreshNow must fetch: not for a loop.
  EXPECT_FALSE(cache.try_get("k", 1000ms, true, counting("v")));
  // Expired within one more TTL: the stale value now, the refresh in the background.
  clock->advance(1500ms);
  auto stale = cache.try_get("k", 1000ms, false, counting("v"));
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->source, CacheSource::kStale);
  EXPECT_EQ(stale->outcome->body, "v1");
  cache.wait_idle();
  EXPECT_EQ(fetches, 2);
  // Expired beyond max_stale: a fetch is needed.
  clock->advance(5000ms);
  EXPECT_FALSE(cache.try_get("k", 1000ms, false, counting("v")));
  EXPECT_EQ(fetches, 2);
  // Caching off: every answer is a fetch.
  EXPECT_FALSE(cache.try_get("k", 0ms, false, counting("v")));
  EXPECT_EQ(fetches, 2);
}

TEST_F(SidecarCacheTest, TryGetDoesNotWaitForAFirstFetchInFlight) {
  SidecarCache cache(options());
  std::atomic<bool> release{false};
  std::atomic<bool> started{false};
  std::thread first([&] {
    cache.get("k", 1000ms, false, [&] {
      started = true;
      while (!release) std::this_thread::yield();
      return Outcome{200, "v", {}, false};
    });
  });
  while (!started) std::this_thread::yield();
  EXPECT_FALSE(cache.try_get("k", 1000ms, false, counting("v")));
  release = true;
  first.join();
  ASSERT_TRUE(cache.try_get("k", 1000ms, false, counting("v")));
  EXPECT_EQ(fetches, 0);
}

}  // namespace
}  // namespace ssm_cache::cli
