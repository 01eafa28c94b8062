// ssm_cache/detail/epoch_record.hpp — internal: a thread's epoch record (src/cache/reclaim.hpp
// has the scheme). Public only so that ValueView's destructor leaves its section inline, with
// no call on the zero-copy read path. Not part of the API; may change without notice.
#pragma once

#include <atomic>
#include <cstdint>

#include "ssm_cache/export.hpp"

namespace ssm_cache::detail::reclaim {

inline constexpr std::uint64_t kIdle = ~std::uint64_t{0};

struct alignas(64) ThreadRecord {
  std::atomic<std::uint64_t> epoch{kIdle};  ///< epoch entered at; kIdle outside a section
  /// Nesting, owner thread only. Atomic (relaxed) only so that the compiler keeps the
  /// constant stores of enter()/leave() as written (see leave()).
  std::atomic<std::uint32_t> depth{0};
  std::atomic<bool> in_use{false};
  std::atomic<std::uint64_t> hits{0};  ///< cache hits of the threads that used it
  std::uint32_t index = 0;  ///< registration order (hit counter sharding)
  ThreadRecord* next = nullptr;  ///< immutable once published
};

/// Retired snapshots wait for a reader to leave.
extern SSM_CACHE_EXPORT std::atomic<bool> g_pending;

SSM_CACHE_EXPORT void leave_slow() noexcept;

/// Leaves a section; true when it was the outermost one. The outermost leave stores the
/// constant 0 rather than depth - 1: a read then enter()s and leave()s with no store that
/// depends on the load before it, so back-to-back reads are not chained through store-to-load
/// forwarding of `depth` (measured in docs/bench/cache.md: about 1-2 ns of a ValueView read).
inline bool leave(ThreadRecord& r) noexcept {
  const std::uint32_t d = r.depth.load(std::memory_order_relaxed);
  if (d != 1) [[unlikely]] {
    r.depth.store(d - 1, std::memory_order_relaxed);
    return false;
  }
  r.depth.store(0, std::memory_order_relaxed);
  r.epoch.store(kIdle, std::memory_order_release);
  return true;
}

/// Leaves, and frees what waited for this thread if anything did (used by ValueView).
inline void leave_and_collect(ThreadRecord& r) noexcept {
  if (leave(r) && g_pending.load(std::memory_order_relaxed)) [[unlikely]]
    leave_slow();
}

}  // namespace ssm_cache::detail::reclaim
