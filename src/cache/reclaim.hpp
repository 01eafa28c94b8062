// Epoch-based reclamation of retired snapshots, with an asymmetric fence.
//
// Readers enter a critical section before loading a snapshot pointer and leave it when done
// (value() around its copy; a ValueView for its whole life). Entering publishes the global
// epoch in the thread's record with a plain store; the writer, which is rare (a refresh that
// changed a value), pays for the ordering instead: membarrier(PRIVATE_EXPEDITED) makes every
// running thread execute a full barrier before the writer scans the records. A snapshot
// retired at epoch E is freed once no thread is inside a section entered at epoch <= E.
//
// Why this scheme (measured in bench/cache_read_bench, docs/BENCHMARKS.md): the reader's cost
// is two thread-local stores (about 1 ns). Reference-counted snapshots cost an atomic
// increment and decrement on a counter shared by every reader of the parameter (a cache line
// bouncing between cores: tens of ns with two threads); hazard pointers need a store-load
// fence per read (an xchg, ~5-10 ns) unless made asymmetric, and then cost the same as this
// while needing one slot per live view. Where membarrier is unavailable (old kernel, seccomp)
// and under ThreadSanitizer (which does not model it), readers use a sequentially consistent
// store instead.
//
// Thread-safe. Threads register on their first read (a mutex, once) and release their
// record when they exit.
#pragma once

#include <atomic>
#include <cstdint>

#include "ssm_cache/detail/epoch_record.hpp"

namespace ssm_cache::detail::reclaim {

extern std::atomic<std::uint64_t> g_epoch;
extern std::atomic<bool> g_asymmetric;
inline thread_local ThreadRecord* t_record = nullptr;

ThreadRecord& register_thread();

inline ThreadRecord& this_thread() noexcept {
  ThreadRecord* r = t_record;
  if (r == nullptr) [[unlikely]]
    r = &register_thread();
  return *r;
}

inline void enter(ThreadRecord& r) noexcept {
  // A constant store when not nested (leave() says why).
  const std::uint32_t d = r.depth.load(std::memory_order_relaxed);
  if (d != 0) [[unlikely]] {
    r.depth.store(d + 1, std::memory_order_relaxed);
    return;
  }
  r.depth.store(1, std::memory_order_relaxed);
  const std::uint64_t e = g_epoch.load(std::memory_order_acquire);
#if defined(__SANITIZE_THREAD__)
  r.epoch.store(e, std::memory_order_seq_cst);
#else
  if (g_asymmetric.load(std::memory_order_relaxed)) [[likely]] {
    r.epoch.store(e, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the writer's membarrier pairs
  } else {
    r.epoch.store(e, std::memory_order_seq_cst);
  }
#endif
}

/// RAII section for one read.
class Section {
 public:
  Section() noexcept : record_(this_thread()) { enter(record_); }
  ~Section() { leave(record_); }
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;

 private:
  ThreadRecord& record_;
};

/// Hands an unlinked object to the domain: destroy(p) runs once no reader can hold it (at
/// once when no thread is inside a section). Call after the last store that published it.
void retire(void* p, void (*destroy)(void*));
/// Frees every retired object no reader can hold; returns how many are still waiting.
std::size_t collect() noexcept;
/// Sum of every thread record's hits.
std::uint64_t total_hits() noexcept;

}  // namespace ssm_cache::detail::reclaim
