// aws/adaptive_rate.hpp — the client-side rate limiter of the AWS "adaptive" retry mode
// (AWS_RETRY_MODE=adaptive, retry_mode = adaptive): after the first throttling answer, every
// attempt first takes a send token from a bucket whose fill rate follows CUBIC — cut to 70% of
// the measured send rate at each throttle, then growing back along a cubic curve while calls
// succeed. The rate arithmetic is botocore's (botocore/retries/adaptive.py, throttling.py,
// bucket.py), cross-checked against it by tests/client/adaptive_rate_test.cpp.
//
// Waiting callers sleep in slices of at most 100 ms and look again (botocore waits on a
// condition its rate changes signal), so a rate raised meanwhile by other threads' answers
// shortens their wait; a caller whose wait would pass its deadline fails at once instead.
//
// Thread-safe: one mutex, held for a few arithmetic operations, never while sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "ssm_cache/clock.hpp"

#include "common/thread_annotations.hpp"

namespace ssm_cache::aws {

/// CUBIC rate computation (botocore.retries.throttling.CubicCalculator). Pure; not locked.
class CubicRate {
 public:
  CubicRate(double starting_max_rate, double start_time);
  /// The rate to send at, `timestamp` seconds after the last throttle.
  [[nodiscard]] double success_received(double timestamp) const;
  /// Records a throttle while sending at `current_rate`; returns the reduced rate.
  double error_received(double current_rate, double timestamp);

  static constexpr double kScale = 0.4;
  static constexpr double kBeta = 0.7;

 private:
  void compute_zero_point();
  double w_max_;
  double k_ = 0;
  double last_fail_;
};

/// Measured send rate: requests per half-second bucket, exponentially smoothed
/// (botocore.retries.adaptive.RateClocker). Pure; not locked.
class SendRateMeter {
 public:
  explicit SendRateMeter(double now);
  /// Counts one response at `now`; returns the measured rate (requests per second).
  double record(double now);
  [[nodiscard]] double measured_rate() const noexcept { return measured_rate_; }

 private:
  double measured_rate_ = 0;
  double last_bucket_;
  double count_ = 0;
};

class ClientRateLimiter {
 public:
  /// `clock`: its now() paces the bucket; `sleep`: waits. Empty: std::chrono::steady_clock
  /// and std::this_thread::sleep_for.
  explicit ClientRateLimiter(std::shared_ptr<const Clock> clock = {},
                             std::function<void(std::chrono::milliseconds)> sleep = {});

  /// Before each attempt. Until a throttle has been seen, returns true at once. Then takes a
  /// send token, waiting for it; returns false (nothing taken) as soon as the wait, at the
  /// current rate, would take longer than `max_wait` in all.
  bool acquire(std::chrono::milliseconds max_wait);

  /// After each attempt's answer (or transport failure): adjusts the send rate.
  void on_response(bool throttled);

  [[nodiscard]] bool enabled() const;
  /// The token bucket's fill rate (requests per second).
  [[nodiscard]] double send_rate() const;
  [[nodiscard]] double measured_rate() const;

  static constexpr double kMinFillRate = 0.5;
  static constexpr std::chrono::milliseconds kMaxSleepSlice{100};
  static constexpr double kMaxRateAdjustScale = 2.0;

 private:
  void refill_locked(double now) SSM_CACHE_REQUIRES(mutex_);
  void set_max_rate_locked(double rate, double now) SSM_CACHE_REQUIRES(mutex_);

  /// Seconds on the clock's steady scale.
  [[nodiscard]] double seconds() const noexcept {
    return std::chrono::duration<double>(steady_now(clock_.get()).time_since_epoch()).count();
  }

  std::shared_ptr<const Clock> clock_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  mutable detail::Mutex mutex_;
  CubicRate cubic_ SSM_CACHE_GUARDED_BY(mutex_);
  SendRateMeter meter_ SSM_CACHE_GUARDED_BY(mutex_);
  bool enabled_ SSM_CACHE_GUARDED_BY(mutex_) = false;
  // Token bucket (botocore.retries.bucket.TokenBucket).
  double fill_rate_ SSM_CACHE_GUARDED_BY(mutex_) = 0;
  double max_capacity_ SSM_CACHE_GUARDED_BY(mutex_) = 1;
  double capacity_ SSM_CACHE_GUARDED_BY(mutex_) = 0;
  double last_refill_ SSM_CACHE_GUARDED_BY(mutex_) = 0;
  bool refilled_ SSM_CACHE_GUARDED_BY(mutex_) = false;
};

}  // namespace ssm_cache::aws
