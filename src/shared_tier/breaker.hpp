// shared_tier/breaker.hpp — the circuit breaker in front of Redis: closed until `failures`
// consecutive operations fail, then open (every read skips Redis) for `cooldown`, then
// half-open: one caller probes, the others keep skipping until the probe's outcome.
//
// Thread-safe (one mutex, held for a few instructions). The clock (ssm_cache::Clock::now()) is
// injectable for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/thread_annotations.hpp"

#include "ssm_cache/clock.hpp"

namespace ssm_cache::shared_tier {

class CircuitBreaker {
 public:
  /// `clock` null: std::chrono::steady_clock. on_change(true) when the breaker opens,
  /// on_change(false) when it closes again; called under the breaker's mutex (keep it to a counter
  /// update).
  CircuitBreaker(int failures, std::chrono::milliseconds cooldown,
                 std::shared_ptr<const Clock> clock = {}, std::function<void(bool)> on_change = {});

  /// May this caller use Redis now? In half-open state only one caller at a time gets true
  /// (the probe); it must then report success or failure.
  [[nodiscard]] bool allow();
  void on_success();
  void on_failure();

  [[nodiscard]] bool open() const;
  [[nodiscard]] std::uint64_t opens() const;

 private:
  enum class State { kClosed, kOpen, kHalfOpen };
  std::chrono::steady_clock::time_point now() const { return steady_now(clock_.get()); }

  const int failures_;
  const std::chrono::milliseconds cooldown_;
  const std::shared_ptr<const Clock> clock_;
  const std::function<void(bool)> on_change_;
  mutable detail::Mutex mutex_;
  State state_ SSM_CACHE_GUARDED_BY(mutex_) = State::kClosed;
  int consecutive_ SSM_CACHE_GUARDED_BY(mutex_) = 0;
  std::chrono::steady_clock::time_point opened_at_ SSM_CACHE_GUARDED_BY(mutex_){};
  std::uint64_t opens_ SSM_CACHE_GUARDED_BY(mutex_) = 0;
};

}  // namespace ssm_cache::shared_tier
