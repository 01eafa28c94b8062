// Cost of a cached read of a fresh parameter, next to its baseline measured in the same run:
// copying a std::string of the same size from a plain variable. Single thread and 2 threads.
// Run: build/<dir>/bench/cache_read_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "cache/reclaim.hpp"
#include "ssm_cache/ssm_cache.hpp"
#include "ssm_cache/testing/fake_client.hpp"

namespace {

using namespace std::chrono_literals;

// Two sizes: within libstdc++'s small string buffer (15 bytes: no allocation, the copy is
// nearly free, so fixed costs show) and a typical connection string (43 bytes: allocates).
const std::string kShort = "abc123";  // 6 bytes: SSO
const std::string kLong = "postgres://app:secret@db.internal:5432/app";  // 43 bytes: heap

struct Fixture {
  std::shared_ptr<ssm_cache::testing::FakeParameterClient> fake =
      std::make_shared<ssm_cache::testing::FakeParameterClient>();
  ssm_cache::SSMParameter forever;  // max_age 0: no clock read
  ssm_cache::SSMParameter expiring;  // max_age 300 s: coarse clock read per hit
  ssm_cache::SSMParameter grouped;

  explicit Fixture(const std::string& value)
      : forever(make("p", value, 0ms)),
        expiring(make("p", value, 300s)),
        grouped(make_grouped(value)) {}

  ssm_cache::SSMParameter make(const std::string& name, const std::string& value,
                               std::chrono::milliseconds max_age) {
    fake->put(name, value);
    ssm_cache::SSMParameter p(name, {.max_age = max_age, .client = fake});
    (void)p.value();
    return p;
  }
  ssm_cache::SSMParameter make_grouped(const std::string& value) {
    fake->put("g", value);
    ssm_cache::SSMParameterGroup group({.max_age = 300s, .client = fake});
    auto p = group.parameter("g");
    (void)p.value();
    return p;
  }
};

Fixture& fixture(bool long_value) {
  static Fixture short_fixture(kShort);
  static Fixture long_fixture(kLong);
  return long_value ? long_fixture : short_fixture;
}

void BM_Baseline_StringCopy(benchmark::State& state) {
  const std::string& source = state.range(0) != 0 ? kLong : kShort;
  for (auto _ : state) {
    std::string copy = source;
    benchmark::DoNotOptimize(copy);
  }
}

void BM_Value_MaxAge300s(benchmark::State& state) {
  auto& f = fixture(state.range(0) != 0);
  for (auto _ : state) {
    std::string v = f.expiring.value();
    benchmark::DoNotOptimize(v);
  }
}

void BM_Value_NoExpiry(benchmark::State& state) {
  auto& f = fixture(state.range(0) != 0);
  for (auto _ : state) {
    std::string v = f.forever.value();
    benchmark::DoNotOptimize(v);
  }
}

void BM_Value_Grouped(benchmark::State& state) {
  auto& f = fixture(state.range(0) != 0);
  for (auto _ : state) {
    std::string v = f.grouped.value();
    benchmark::DoNotOptimize(v);
  }
}

void BM_ValueView_MaxAge300s(benchmark::State& state) {
  auto& f = fixture(state.range(0) != 0);
  for (auto _ : state) {
    auto v = f.expiring.value_view();  // a ValueView pinning the value until the loop body ends
    benchmark::DoNotOptimize(v.data());
  }
}

void BM_ValueView_NoExpiry(benchmark::State& state) {
  auto& f = fixture(state.range(0) != 0);
  for (auto _ : state) {
    auto v = f.forever.value_view();
    benchmark::DoNotOptimize(v.data());
  }
}

// For scale: what a steady_clock read alone costs here (docs/design.md, "Cache semantics").
void BM_Reference_SteadyClockNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(std::chrono::steady_clock::now());
}

// The reader's cost of the reclamation schemes considered (src/cache/reclaim.hpp), measured
// alone; with 2 threads both use the same parameter, as a hot parameter is.
// Reference-counted snapshots: an increment and a decrement of the snapshot's shared count.
std::atomic<long> g_shared_count{0};
void BM_Scheme_RefcountAcquireRelease(benchmark::State& state) {
  for (auto _ : state) {
    g_shared_count.fetch_add(1, std::memory_order_acquire);
    g_shared_count.fetch_sub(1, std::memory_order_release);
  }
}
// Hazard pointers (or symmetric epochs): a store-load fence per read, as a seq_cst store.
void BM_Scheme_HazardSeqCstStore(benchmark::State& state) {
  static thread_local std::atomic<const void*> slot{nullptr};
  for (auto _ : state) {
    slot.store(&state, std::memory_order_seq_cst);
    slot.store(nullptr, std::memory_order_release);
  }
}
// Chosen: epoch section with the asymmetric fence (membarrier on the writer's side).
void BM_Scheme_EpochSection(benchmark::State& state) {
  for (auto _ : state) {
    ssm_cache::detail::reclaim::Section section;
    benchmark::ClobberMemory();
  }
}

#define SSM_BENCH(fn) BENCHMARK(fn)->ArgName("long")->Arg(0)->Arg(1)->Threads(1)->Threads(2)

SSM_BENCH(BM_Baseline_StringCopy);
SSM_BENCH(BM_Value_MaxAge300s);
SSM_BENCH(BM_Value_NoExpiry);
SSM_BENCH(BM_Value_Grouped);
SSM_BENCH(BM_ValueView_MaxAge300s);
SSM_BENCH(BM_ValueView_NoExpiry);
BENCHMARK(BM_Reference_SteadyClockNow);
BENCHMARK(BM_Scheme_RefcountAcquireRelease)->Threads(1)->Threads(2);
BENCHMARK(BM_Scheme_HazardSeqCstStore)->Threads(1)->Threads(2);
BENCHMARK(BM_Scheme_EpochSection)->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
