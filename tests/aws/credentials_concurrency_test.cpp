// tests/aws/credentials_concurrency_test.cpp — the credentials cache refreshes exactly once
// however many threads ask at the same moment (initial fetch, advisory and mandatory refresh).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <mutex>
#include <thread>

#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache {
namespace {

using namespace std::chrono_literals;

class SlowSource : public CredentialsProvider {
 public:
  explicit SlowSource(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {}
  Credentials get_credentials() override {
    const int n = ++calls;
    std::this_thread::sleep_for(20ms);  // a slow endpoint makes overlapping calls likely
    if (fail) throw CredentialsError("source failed", true);
    return Credentials{"ASIA" + std::to_string(n), "secret", "token", clock_->wall_now() + 1h,
                       "slow"};
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};

 private:
  std::shared_ptr<const Clock> clock_;
};

std::shared_ptr<testing::ManualClock> manual_clock() {
  auto clock = std::make_shared<testing::ManualClock>();
  clock->set(std::chrono::system_clock::now());
  return clock;
}

/// Runs `threads` threads that each call get_credentials `calls` times, released together.
std::vector<std::string> hammer(CredentialsProvider& provider, int threads, int calls,
                                std::atomic<int>* errors = nullptr) {
  std::barrier start(threads);
  std::mutex mutex;
  std::vector<std::string> seen;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < calls; ++i) {
        try {
          const std::string id = provider.get_credentials().access_key_id;
          std::lock_guard lock(mutex);
          seen.push_back(id);
        } catch (const CredentialsError&) {
          if (errors) ++*errors;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return seen;
}

TEST(CachedCredentialsConcurrency, OneFetchOneRefreshPerWindow) {
  auto clock = manual_clock();
  auto source = std::make_shared<SlowSource>(clock);
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});

  auto seen = hammer(*cached, 16, 50);
  EXPECT_EQ(source->calls, 1);
  for (const auto& id : seen) EXPECT_EQ(id, "ASIA1");

  clock->advance(3400s);  // 200 s left: advisory refresh, one thread does it
  seen = hammer(*cached, 16, 50);
  EXPECT_EQ(source->calls, 2);
  for (const auto& id : seen) EXPECT_TRUE(id == "ASIA1" || id == "ASIA2") << id;

  clock->advance(3570s);  // 30 s left of ASIA2: mandatory, everybody waits for one refresh
  seen = hammer(*cached, 16, 50);
  EXPECT_EQ(source->calls, 3);
  for (const auto& id : seen) EXPECT_EQ(id, "ASIA3");
}

TEST(CachedCredentialsConcurrency, ExpiredAndFailingSourceIsCalledOncePerWave) {
  auto clock = manual_clock();
  auto source = std::make_shared<SlowSource>(clock);
  auto cached = make_cached_credentials_provider({source, 300s, 60s, 10s, clock});
  source->fail = true;
  std::atomic<int> errors{0};
  std::barrier start(16);
  std::vector<std::thread> pool;
  for (int t = 0; t < 16; ++t) {
    pool.emplace_back([&] {
      start.arrive_and_wait();
      try {
        cached->get_credentials();
      } catch (const CredentialsError&) {
        ++errors;
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(errors, 16);
  // Threads that arrived during the failing call shared its result; latecomers may retry.
  EXPECT_GE(source->calls, 1);
  EXPECT_LE(source->calls, 16);
  source->fail = false;
  const int before = source->calls;
  hammer(*cached, 16, 10);
  EXPECT_EQ(source->calls, before + 1);
}

}  // namespace
}  // namespace ssm_cache
