// Issue 11, point 2: the ValueView lifetime rule under stress. Readers hold value_view()
// while a writer refreshes 100,000 times, each refresh replacing the value; every view must
// stay valid and unchanged while held (a freed, reused or zeroed value fails consistent(),
// and ASan / TSan report the access), and retired values must be reclaimed meanwhile.
// Runs under TSan (label "concurrency").
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cache/reclaim.hpp"
#include "cache/secure_memory.hpp"
#include "rotating_client.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache::test {
namespace {

TEST(ViewStress, ReadersHoldViewsWhileAWriterRefreshes100000Times) {
  constexpr std::size_t kSize = 64;
  constexpr int kRefreshes = 100'000;
  constexpr int kReaders = 3;
  auto client = std::make_shared<RotatingClient>(kSize);
  SSMParameter p("p", {.client = client});
  (void)p.value();
  const std::size_t secure_before = detail::secure_bytes_in_use();

  std::atomic<bool> done{false};
  std::atomic<long> views{0};
  std::atomic<long> bad{0};
  std::atomic<std::size_t> peak_in_use{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      while (!done.load(std::memory_order_relaxed)) {
        auto view = p.value_view();
        const std::string first(view.view());
        if (!RotatingClient::consistent(first, kSize)) ++bad;
        if (t == 0) std::this_thread::yield();  // hold it across refreshes
        auto second = p.value_view();  // nested views on one thread
        if (!RotatingClient::consistent(second.view(), kSize)) ++bad;
        if (view != first) ++bad;  // unchanged while held
        ++views;
      }
    });
  }
  for (int i = 0; i < kRefreshes; ++i) {
    p.refresh();
    if (i % 1000 == 0) {
      std::size_t now = detail::secure_bytes_in_use();
      std::size_t prev = peak_in_use.load();
      while (now > prev && !peak_in_use.compare_exchange_weak(prev, now)) {
      }
    }
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(views.load(), 0);
  EXPECT_EQ(p.version(), kRefreshes + 1);
  // Reclaimed while it ran, and at the end. Kept, the 100,000 retired snapshots would take
  // about 50 MB; what may wait is what was retired during the longest time a reader thread
  // held a view (threads are preempted here: 4 threads on 2 cores).
  EXPECT_LT(peak_in_use.load(), secure_before + (16u << 20));
  detail::reclaim::collect();
  EXPECT_LE(detail::secure_bytes_in_use(), secure_before + 1024);
}

}  // namespace
}  // namespace ssm_cache::test
