// throttle_bench.cpp — eight threads reading through one AWS client as fast as they can against
// a loopback SSM endpoint that throttles beyond 40 calls per second (the default Parameter
// Store quota), for 10 s, in the standard retry mode (the baseline) and in the adaptive mode
// (AWS_RETRY_MODE=adaptive: the client-side rate limiter). Counters: calls answered per second,
// calls that failed for the caller (throttled on every attempt), calls the server saw and how
// many it throttled, server calls per answered call. No cache in front: this measures what the
// client does when its callers exceed the quota.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_client_impl.hpp"
#include "loopback_ssm_server.hpp"
#include "ssm_cache/errors.hpp"

namespace {

using namespace std::chrono_literals;

constexpr double kQuota = 40;
constexpr int kThreads = 8;
constexpr auto kDuration = 10s;

void BM_ThrottledReaders(benchmark::State& state) {
  const bool adaptive = state.range(0) != 0;
  for (auto _ : state) {
    ssm_cache_bench::LoopbackSsmServer server(0ms, kQuota);
    ssm_cache::aws::ClientSettings s;
    s.region = "us-east-1";
    s.ssm_endpoint = s.secrets_manager_endpoint = server.url();
    s.credentials = ssm_cache::aws::make_fixed_credentials(
        {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "bench"});
    s.adaptive_retry = adaptive;
    auto client = ssm_cache::aws::make_aws_client(s);

    std::atomic<int> answered{0};
    std::atomic<int> failed{0};
    const auto end = std::chrono::steady_clock::now() + kDuration;
    std::vector<std::thread> readers;
    for (int t = 0; t < kThreads; ++t) {
      readers.emplace_back([&, t] {
        while (std::chrono::steady_clock::now() < end) {
          try {
            auto r = client->get_parameter("/bench/p" + std::to_string(t), false);
            benchmark::DoNotOptimize(r);
            ++answered;
          } catch (const ssm_cache::Error&) {
            ++failed;
          }
        }
      });
    }
    for (auto& r : readers) r.join();
    const double seconds = std::chrono::duration<double>(kDuration).count();
    state.counters["answered_per_s"] = answered.load() / seconds;
    state.counters["caller_errors"] = failed.load();
    state.counters["server_calls"] = server.calls();
    state.counters["throttled"] = server.throttled();
    state.counters["calls_per_answer"] =
        answered.load() > 0 ? static_cast<double>(server.calls()) / answered.load() : 0.0;
  }
}

// range(0): 0 = standard retry mode (the baseline), 1 = adaptive.
BENCHMARK(BM_ThrottledReaders)
    ->ArgName("adaptive")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
