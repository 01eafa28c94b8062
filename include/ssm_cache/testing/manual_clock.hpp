// ssm_cache/testing/manual_clock.hpp — a Clock that moves only when told, for tests of expiry.
//
// Thread-safe (one atomic). Header-only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "ssm_cache/clock.hpp"

namespace ssm_cache::testing {

class ManualClock : public Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Starts at an arbitrary non-zero time.
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1)) noexcept
      : ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch())
                .count()) {}

  [[nodiscard]] time_point now() const noexcept override {
    return time_point(std::chrono::nanoseconds(ns_.load(std::memory_order_acquire)));
  }

  /// Moves the clock forward (or backward with a negative duration).
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> by) noexcept {
    ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(by).count(),
                  std::memory_order_acq_rel);
  }

  void set(time_point t) noexcept {
    ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(),
              std::memory_order_release);
  }

 private:
  std::atomic<std::int64_t> ns_;
};

}  // namespace ssm_cache::testing
