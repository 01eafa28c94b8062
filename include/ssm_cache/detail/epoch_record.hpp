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
  std::uint32_t depth = 0;                  ///< nesting, owner thread only
  std::atomic<bool> in_use{false};
  std::atomic<std::uint64_t> hits{0};       ///< cache hits of the threads that used it
  std::uint32_t index = 0;                  ///< registration order (hit counter sharding)
  ThreadRecord* next = nullptr;             ///< immutable once published
};

/// Retired snapshots wait for a reader to leave.
extern SSM_CACHE_EXPORT std::atomic<bool> g_pending;

SSM_CACHE_EXPORT void leave_slow() noexcept;

inline void leave(ThreadRecord& r) noexcept {
  if (--r.depth != 0) return;
  r.epoch.store(kIdle, std::memory_order_release);
}

/// Leaves, and frees what waited for this thread if anything did (used by ValueView).
inline void leave_and_collect(ThreadRecord& r) noexcept {
  leave(r);
  if (r.depth == 0 && g_pending.load(std::memory_order_relaxed)) [[unlikely]] leave_slow();
}

}  // namespace ssm_cache::detail::reclaim
