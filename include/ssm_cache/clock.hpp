// ssm_cache/clock.hpp — the one time source of the project, replaceable in tests: the cache's
// expiry, the sidecar cache's expiry and backoff, the adaptive rate limiter (now()), request
// signing and the programs' log timestamps (wall_now()). Tests inject
// ssm_cache::testing::ManualClock.
//
// Where no Clock is given the users read the real clocks directly (no virtual call): the cache
// CLOCK_MONOTONIC_COARSE (millisecond resolution, a few ns per read, because a cached read is
// dominated by the clock otherwise), the others std::chrono::steady_clock and system_clock.
// Implementations must be thread-safe.
#pragma once

#include <chrono>

#include "ssm_cache/export.hpp"

namespace ssm_cache {

class SSM_CACHE_EXPORT Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time; only differences matter.
  [[nodiscard]] virtual std::chrono::steady_clock::time_point now() const noexcept = 0;
  /// Wall-clock time (request signing, log timestamps); default: std::chrono::system_clock.
  [[nodiscard]] virtual std::chrono::system_clock::time_point wall_now() const noexcept {
    return std::chrono::system_clock::now();
  }
};

/// now() on `clock`, or std::chrono::steady_clock's without one.
[[nodiscard]] inline std::chrono::steady_clock::time_point steady_now(const Clock* clock) noexcept {
  return clock != nullptr ? clock->now() : std::chrono::steady_clock::now();
}
/// wall_now() on `clock`, or std::chrono::system_clock's without one.
[[nodiscard]] inline std::chrono::system_clock::time_point wall_now(const Clock* clock) noexcept {
  return clock != nullptr ? clock->wall_now() : std::chrono::system_clock::now();
}

}  // namespace ssm_cache
