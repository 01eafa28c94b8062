// Concurrency test of the AWS client: many threads share one client (token bucket, clock
// offset, connection pool) while each call fans its chunks out to worker threads, with
// throttling faults in the mix, in the standard and the adaptive retry mode (whose rate
// limiter all threads share). Run under TSan.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "client/canned_aws.hpp"

namespace ssm_cache {
namespace {

void many_threads_share_one_client(bool adaptive) {
  testing_client::CannedAws aws;
  aws.on("AmazonSSM.GetParameters", [](const nlohmann::json& req) {
    nlohmann::json out = {{"Parameters", nlohmann::json::array()},
                          {"InvalidParameters", nlohmann::json::array()}};
    for (const auto& n : req["Names"]) {
      out["Parameters"].push_back({{"Name", n}, {"Type", "String"}, {"Value", n}});
    }
    return out;
  });
  aws.start();
  // Fewer faults than attempts (3): whichever requests the scheduler hands them to, no call
  // can be throttled on every attempt, so every call must succeed.
  constexpr int kThrottles = 2;
  for (int i = 0; i < kThrottles; ++i) aws.fault(testing_client::Fault::Throttle);

  testing_client::FakeTime time;
  auto s = testing_client::settings_for(nullptr, &time, aws.url());
  s.max_concurrent_requests = 3;
  s.adaptive_retry = adaptive;
  auto client = aws::make_aws_client(s);

  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        std::vector<std::string> names;
        for (int i = 0; i < 25; ++i) {
          names.push_back("/t" + std::to_string(t) + "/" + std::to_string(round * 100 + i));
        }
        try {
          auto r = client->get_parameters(names, true);
          if (r.parameters.size() != names.size()) ++wrong;
          for (const auto& p : r.parameters) {
            if (p.value != p.name) ++wrong;
          }
        } catch (const Error&) {
          ++failed;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(aws.bad_signatures(), 0);
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 4 * 5 * 3 + kThrottles);
}

TEST(AwsClientConcurrency, ManyThreadsShareOneClient) { many_threads_share_one_client(false); }

TEST(AwsClientConcurrency, ManyThreadsShareOneAdaptiveClient) {
  many_threads_share_one_client(true);
}

}  // namespace
}  // namespace ssm_cache
