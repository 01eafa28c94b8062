// Many threads of several instances reading through the shared tier at once (run under TSan
// by scripts/test.sh): one fetch per entry fleet-wide, every reader gets the value.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "shared_tier/fake_aws.hpp"
#include "shared_tier/redis_server.hpp"
#include "ssm_cache/group.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache::testing {
namespace {

using namespace std::chrono_literals;

TEST(SharedTierConcurrency, ManyThreadsOfManyInstancesShareOneFetch) {
  RedisServer redis;
  constexpr int kInstances = 4, kThreads = 6;
  std::vector<std::shared_ptr<FakeAws>> aws;
  std::vector<std::shared_ptr<SharedCacheClient>> clients;
  for (int i = 0; i < kInstances; ++i) {
    aws.push_back(std::make_shared<FakeAws>());
    aws.back()->params.put("/fleet/a", "value-a");
    aws.back()->params.put("/fleet/b", "value-b", "SecureString");
    // The first fetch is slow, so that every other reader meets the lease.
    aws.back()->params.set_latency(300ms);
    clients.push_back(make_shared_cache_client(
        std::static_pointer_cast<AwsClient>(aws.back()),
        {.url = redis.url(), .key = hex_key(0x33), .operation_timeout = 5s, .wait_bound = 30s}));
  }
  std::atomic<int> wrong{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, i] {
        for (int round = 0; round < 5; ++round) {
          auto r =
              clients[static_cast<std::size_t>(i)]->get_parameters({"/fleet/a", "/fleet/b"}, true);
          std::map<std::string, std::string> got;
          for (const auto& p : r.parameters) got[p.name] = p.value;
          if (got["/fleet/a"] != "value-a" || got["/fleet/b"] != "value-b") ++wrong;
        }
      });
    }
  }
  // Counters are read while the readers run.
  std::thread observer([&] {
    while (!done) {
      (void)shared_cache_stats();
      for (auto& c : clients) (void)c->stats();
      std::this_thread::sleep_for(1ms);
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  observer.join();
  EXPECT_EQ(wrong.load(), 0);
  std::size_t calls = 0;
  for (auto& a : aws) calls += a->calls();
  EXPECT_EQ(calls, 1u);
  std::uint64_t waits = 0;
  for (auto& c : clients) waits += c->stats().lease_waits;
  EXPECT_GT(waits, 0u);
}

TEST(SharedTierConcurrency, HandlesWithEqualOptionsShareOneTierAcrossThreads) {
  RedisServer redis;
  constexpr int kInstances = 6;
  const SharedCacheOptions shared{.url = redis.url(),
                                  .key = hex_key(0x44),
                                  .operation_timeout = 5s,
                                  .wait_bound = 30s,
                                  .log = [](std::string_view) {}};
  std::vector<std::shared_ptr<FakeParameterClient>> sources;
  for (int i = 0; i < kInstances; ++i) {
    sources.push_back(std::make_shared<FakeParameterClient>());
    sources.back()->put("/fleet/c", "value-c");
    sources.back()->set_latency(300ms);
  }
  std::atomic<int> wrong{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      // Each thread makes its own group: the tier registry and the slots are raced too.
      SSMParameterGroup group(
          {.client = sources[static_cast<std::size_t>(i)], .shared_cache = shared});
      auto c = group.parameter("/fleet/c");
      for (int round = 0; round < 5; ++round) {
        if (c.value() != "value-c") ++wrong;
        (void)group.stats();
      }
    });
  }
  std::thread observer([&] {
    while (!done) {
      (void)cache_stats();
      std::this_thread::sleep_for(1ms);
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  observer.join();
  EXPECT_EQ(wrong.load(), 0);
  std::size_t calls = 0;
  for (auto& s : sources) calls += s->call_count();
  EXPECT_EQ(calls, 1u);
}

}  // namespace
}  // namespace ssm_cache::testing
