// Thread safety and single flight: many readers, several expiries, exactly one refresh round
// each time; stale-while-refreshing. Runs under TSan (label "concurrency").
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <future>
#include <latch>
#include <thread>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

constexpr int kThreads = 8;
constexpr int kParams = 100;
constexpr int kExpiries = 4;

std::string name_of(int i) { return "/app/p" + std::to_string(i); }
std::string value_of(int round, int i) {
  return "r" + std::to_string(round) + "-" + std::to_string(i);
}

TEST_F(CacheTest, EightThreadsHundredGroupedParametersOneRoundPerExpiry) {
  for (int i = 0; i < kParams; ++i) fake->put(name_of(i), value_of(0, i));
  SSMParameterGroup group(gopts(60s));
  std::vector<SSMParameter> params;
  for (int i = 0; i < kParams; ++i) params.push_back(group.parameter(name_of(i)));

  std::barrier sync(kThreads + 1);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round <= kExpiries; ++round) {
        sync.arrive_and_wait();  // the main thread has set up this round
        for (int k = 0; k < kParams; ++k) {
          const int i = (k + t * 13) % kParams;  // threads start at different parameters
          if (params[static_cast<std::size_t>(i)].value() != value_of(round, i)) ++wrong;
          if (params[static_cast<std::size_t>(i)].value_view() != value_of(round, i)) ++wrong;
        }
        sync.arrive_and_wait();  // round done
      }
    });
  }
  for (int round = 0; round <= kExpiries; ++round) {
    if (round > 0) {
      for (int i = 0; i < kParams; ++i) fake->put(name_of(i), value_of(round, i));
      clock->advance(61s);
    }
    fake->clear_calls();
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    EXPECT_EQ(get_calls(), 10u) << "round " << round;  // ceil(100 / 10)
    EXPECT_EQ(fake->call_count(), 10u) << "round " << round;
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(CacheTest, SingleFlightOneCallForManyWaiters) {
  fake->put("p", "v1");
  SSMParameter p("p", opts(10s));
  EXPECT_EQ(p.value(), "v1");
  fake->put("p", "v2");
  clock->advance(11s);
  fake->set_latency(50ms);  // readers pile up on the refresh in flight
  fake->clear_calls();
  std::latch start(kThreads);
  std::vector<std::future<std::string>> results;
  for (int t = 0; t < kThreads; ++t) {
    results.push_back(std::async(std::launch::async, [&] {
      start.arrive_and_wait();
      return p.value();
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), "v2");  // waiters see the fresh value
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(CacheTest, SingleFlightFailureSharedByWaiters) {
  fake->put("p", "v1");
  SSMParameter p("p", opts(10s));
  EXPECT_EQ(p.value(), "v1");
  clock->advance(11s);
  fake->set_latency(30ms);
  fake->fail_next_with(100, FakeParameterClient::throttling());
  fake->clear_calls();
  std::vector<std::future<std::string>> results;
  for (int t = 0; t < kThreads; ++t) {
    results.push_back(std::async(std::launch::async, [&] { return p.value(); }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), "v1");  // stale-if-error for everyone
  EXPECT_EQ(get_calls(), 1u);  // the waiters found the backoff set, no call of their own
}

TEST_F(CacheTest, StaleWhileRefreshingDoesNotWait) {
  fake->put("p", "v1");
  auto o = opts(10s);
  o.serve_stale_while_refreshing = true;
  SSMParameter p("p", o);
  EXPECT_EQ(p.value(), "v1");
  fake->put("p", "v2");
  clock->advance(11s);

  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  std::atomic<bool> first{true};
  fake->set_call_hook([&](const testing::RecordedCall&) {
    if (first.exchange(false)) {
      entered.set_value();
      release_future.wait();  // hold the refresh in flight
    }
  });
  auto refresher = std::async(std::launch::async, [&] { return p.value(); });
  entered.get_future().wait();
  // Another reader while the refresh is blocked: served the old value at once.
  auto reader = std::async(std::launch::async, [&] { return p.value(); });
  const bool ready = reader.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  ASSERT_TRUE(ready) << "a reader waited for the refresh in flight";
  EXPECT_EQ(reader.get(), "v1");
  EXPECT_EQ(refresher.get(), "v2");
  EXPECT_EQ(p.value(), "v2");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(CacheTest, WithoutStaleWhileRefreshingReadersWaitForFreshValue) {
  fake->put("p", "v1");
  SSMParameter p("p", opts(10s));
  EXPECT_EQ(p.value(), "v1");
  fake->put("p", "v2");
  clock->advance(11s);
  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  std::atomic<bool> first{true};
  fake->set_call_hook([&](const testing::RecordedCall&) {
    if (first.exchange(false)) {
      entered.set_value();
      release_future.wait();
    }
  });
  auto refresher = std::async(std::launch::async, [&] { return p.value(); });
  entered.get_future().wait();
  auto reader = std::async(std::launch::async, [&] { return p.value(); });
  EXPECT_EQ(reader.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  release.set_value();
  EXPECT_EQ(reader.get(), "v2");
  EXPECT_EQ(refresher.get(), "v2");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(CacheTest, ConcurrentMembershipChangesAndReads) {
  for (int i = 0; i < 30; ++i) fake->put("/tree/p" + std::to_string(i), "v");
  SSMParameterGroup group(gopts(1s));
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; i < 50 && !stop; ++i) (void)group.parameters("/tree");
  });
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) {
      auto p = group.parameter("/tree/p" + std::to_string(i % 30));
      EXPECT_EQ(p.value(), "v");
      (void)group.size();
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) {
      clock->advance(500ms);
      try {
        group.refresh();
      } catch (const Error&) {
      }
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(group.size(), 30u);
}

}  // namespace
}  // namespace ssm_cache::test
