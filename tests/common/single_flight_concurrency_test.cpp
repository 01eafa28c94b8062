// Concurrency tests of the single-flight primitive (common/single_flight.hpp), also run under
// TSan: many callers join-or-lead one slot under their own lock, and every waiter gets the
// result of the flight it joined; bounded waits, stop conditions, cut-offs and results race
// and every wait ends with the result or nothing, never a torn or foreign value.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "common/single_flight.hpp"
#include "common/thread_annotations.hpp"

namespace ssm_cache::common {
namespace {

using namespace std::chrono_literals;
using Clock = Flight<int>::Clock;

// A cache of one value: the reader that finds no flight running leads one (one "fetch"),
// the others join it. Each flight's result is its own number.
struct OneValueCache {
  detail::Mutex mu;
  FlightSlot<int> slot SSM_CACHE_GUARDED_BY(mu);
  std::atomic<int> fetches{0};

  // The result of the flight this caller led or joined.
  int read() {
    detail::UniqueLock lock(mu);
    if (auto joined = slot.join()) {
      lock.unlock();
      return joined->wait();
    }
    const auto led = slot.lead();
    lock.unlock();
    const int number = ++fetches;
    std::this_thread::sleep_for(100us);  // a slow source lets others join
    lock.lock();
    slot.release(led);
    lock.unlock();
    led->finish(number);
    return number;
  }
};

TEST(SingleFlightConcurrency, OneFetchPerFlightAndEveryWaiterGetsItsResult) {
  OneValueCache cache;
  constexpr int kThreads = 8;
  constexpr int kReads = 300;
  std::barrier start(kThreads);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      int last = 0;
      for (int i = 0; i < kReads; ++i) {
        const int got = cache.read();
        // Results only grow: a waiter never sees an older flight's result after a newer one.
        if (got <= 0 || got > cache.fetches.load() || got < last) ++bad;
        last = got;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad, 0);
  EXPECT_LT(cache.fetches.load(), kThreads * kReads) << "some readers joined a running flight";
  detail::MutexLock lock(cache.mu);
  EXPECT_FALSE(cache.slot.running());
}

// Waiters with short deadlines, stop conditions and joins race with the result and with a
// cut-off; every wait returns, the counted waiters drop to zero, and any result is the one.
TEST(SingleFlightConcurrency, BoundedWaitsRaceWithTheResultAndACutOff) {
  for (int round = 0; round < 50; ++round) {
    Flight<int> flight;
    constexpr int kWaiters = 6;
    std::atomic<int> bad{0};
    std::atomic<bool> gone{false};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWaiters; ++w) {
      flight.join();
      threads.emplace_back([&, w] {
        std::optional<int> r;
        if (w % 3 == 0) {
          r = flight.wait_until(Clock::now() + std::chrono::microseconds(50 * w));
        } else if (w % 3 == 1) {
          r = flight.wait_until(
              Clock::now() + 60s, [&] { return gone.load(); }, 100us);
        } else {
          r = flight.wait_until(Clock::now() + 60s);  // ended by the result or the cut-off
        }
        if (r && *r != round) ++bad;
      });
    }
    std::thread finisher([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(round * 10));
      flight.finish(round);
    });
    std::thread stopper([&] {
      gone = true;
      flight.cut_off(Clock::now() + 1ms);
    });
    for (auto& th : threads) th.join();
    finisher.join();
    stopper.join();
    EXPECT_EQ(bad, 0);
    EXPECT_FALSE(flight.wanted());
    EXPECT_TRUE(flight.done());
  }
}

}  // namespace
}  // namespace ssm_cache::common
