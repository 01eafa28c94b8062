// Concurrency test of the sidecar cache (cheap enough for TSan): many threads reading a small
// key set with short TTLs, background refreshes, evictions and forced refreshes at once. Every
// answer must be a value, and fetches must stay far below the number of reads.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "sidecar_cache.hpp"

namespace ssm_cache::cli {
namespace {

using namespace std::chrono_literals;

TEST(SidecarCacheConcurrency, ManyThreadsFewFetches) {
  SidecarCacheOptions o;
  o.capacity = 6;  // fewer than the 8 keys: evictions happen too
  SidecarCache cache(o);
  std::atomic<int> fetches{0};
  std::atomic<int> reads{0};
  std::atomic<int> bad{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      int i = 0;
      while (!stop.load()) {
        std::string key = "k" + std::to_string((t + i) % 8);
        auto r = cache.get(key, 20ms, i % 97 == 0, [&fetches, key] {
          ++fetches;
          return Outcome{200, "value of " + key, {}, false};
        });
        if (!r.outcome || r.outcome->body != "value of " + key) ++bad;
        ++reads;
        ++i;
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& th : threads) th.join();
  cache.wait_idle();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(reads.load(), 100);
  EXPECT_LT(fetches.load(), reads.load());
  EXPECT_LE(cache.size(), 6u);
}

}  // namespace
}  // namespace ssm_cache::cli
