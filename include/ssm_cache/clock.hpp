// ssm_cache/clock.hpp — the time source of the cache, replaceable in tests.
//
// The default is CLOCK_MONOTONIC_COARSE (millisecond resolution, a few ns per read), because a
// cached read is dominated by the clock otherwise. Implementations must be thread-safe.
#pragma once

#include <chrono>

#include "ssm_cache/export.hpp"

namespace ssm_cache {

class SSM_CACHE_EXPORT Clock {
 public:
  virtual ~Clock() = default;
  /// Monotonic time; only differences matter.
  [[nodiscard]] virtual std::chrono::steady_clock::time_point now() const noexcept = 0;
};

}  // namespace ssm_cache
