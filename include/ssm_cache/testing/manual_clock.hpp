// ssm_cache/testing/manual_clock.hpp — a Clock that moves only when told, for tests of expiry.
//
// One counter drives both scales: now() and wall_now() read the same count of nanoseconds
// since their clock's epoch, so advance() moves both. Thread-safe (one atomic). Header-only.
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

  [[nodiscard]] std::chrono::system_clock::time_point wall_now() const noexcept override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns_.load(std::memory_order_acquire))));
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
  /// Sets the wall-clock time (and the monotonic one to the same count).
  void set(std::chrono::system_clock::time_point t) noexcept {
    ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(),
              std::memory_order_release);
  }

 private:
  std::atomic<std::int64_t> ns_;
};

}  // namespace ssm_cache::testing
