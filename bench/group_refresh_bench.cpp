// group_refresh_bench.cpp — wall time of refreshing an SSMParameterGroup of 100 parameters
// through the real AWS client (SigV4, libcurl, JSON 1.1) against a loopback server that adds
// 20 ms of latency per call. 100 names are 10 GetParameters chunks: with 4 in flight they
// should cost ceil(10/4) = 3 round trips, not 10. The baseline (1 in flight, i.e. sequential)
// runs in the same program. The server is loopback_ssm_server.hpp (raw sockets), so the bench
// needs no library beyond ssm_cache.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/aws_client_impl.hpp"
#include "loopback_ssm_server.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace {

using namespace std::chrono_literals;

void BM_GroupRefresh100(benchmark::State& state) {
  ssm_cache_bench::LoopbackSsmServer server(20ms);
  ssm_cache::aws::ClientSettings s;
  s.region = "us-east-1";
  s.ssm_endpoint = s.secrets_manager_endpoint = server.url();
  s.credentials = ssm_cache::aws::make_fixed_credentials(
      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "bench"});
  s.max_concurrent_requests = static_cast<std::size_t>(state.range(0));
  auto client = ssm_cache::aws::make_aws_client(s);

  ssm_cache::SSMParameterGroup group({.client = client});
  std::vector<ssm_cache::SSMParameter> params;
  for (int i = 0; i < 100; ++i) params.push_back(group.parameter("/bench/p" + std::to_string(i)));
  group.refresh();  // warm: connections open, so each iteration measures round trips only

  const int before = server.calls();
  std::chrono::steady_clock::duration wall{};
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    group.refresh();
    wall += std::chrono::steady_clock::now() - start;
    benchmark::DoNotOptimize(params[99].value());
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["calls_per_refresh"] = (server.calls() - before) / iterations;
  // Wall time of one refresh in units of the server's 20 ms latency.
  state.counters["round_trips"] = std::chrono::duration<double>(wall).count() / iterations / 0.020;
}

// range(0): GetParameters chunks in flight. 1 is the sequential baseline; 4 the default.
BENCHMARK(BM_GroupRefresh100)
    ->ArgName("in_flight")
    ->Arg(1)
    ->Arg(4)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
