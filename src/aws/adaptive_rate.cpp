// aws/adaptive_rate.cpp — see adaptive_rate.hpp.
#include "aws/adaptive_rate.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace ssm_cache::aws {

CubicRate::CubicRate(double starting_max_rate, double start_time)
    : w_max_(starting_max_rate), last_fail_(start_time) {
  compute_zero_point();
}

void CubicRate::compute_zero_point() { k_ = std::cbrt(w_max_ * (1 - kBeta) / kScale); }

double CubicRate::success_received(double timestamp) const {
  const double dt = timestamp - last_fail_;
  return kScale * std::pow(dt - k_, 3) + w_max_;
}

double CubicRate::error_received(double current_rate, double timestamp) {
  w_max_ = current_rate;
  compute_zero_point();
  last_fail_ = timestamp;
  return current_rate * kBeta;
}

namespace {
constexpr double kBucketsPerSecond = 2;  // one measuring bucket per half second
constexpr double kSmoothing = 0.8;

double bucket_of(double t) { return std::floor(t * kBucketsPerSecond) / kBucketsPerSecond; }
}  // namespace

// As botocore: the first bucket starts at the whole second, not the half second.
SendRateMeter::SendRateMeter(double now) : last_bucket_(std::floor(now)) {}

double SendRateMeter::record(double now) {
  const double bucket = bucket_of(now);
  count_ += 1;
  if (bucket > last_bucket_) {
    const double current_rate = count_ / (bucket - last_bucket_);
    measured_rate_ = current_rate * kSmoothing + measured_rate_ * (1 - kSmoothing);
    count_ = 0;
    last_bucket_ = bucket;
  }
  return measured_rate_;
}

ClientRateLimiter::ClientRateLimiter(std::shared_ptr<const Clock> clock,
                                     std::function<void(std::chrono::milliseconds)> sleep)
    : clock_(std::move(clock)),
      sleep_(sleep ? std::move(sleep)
                   : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }),
      cubic_(0, seconds()),
      meter_(seconds()) {
  detail::MutexLock lock(mutex_);  // nobody else sees it yet; the analysis wants the lock
  set_max_rate_locked(1, seconds());
}

void ClientRateLimiter::refill_locked(double now) {
  if (!refilled_) {
    refilled_ = true;
    last_refill_ = now;
    return;
  }
  capacity_ = std::min(max_capacity_, capacity_ + (now - last_refill_) * fill_rate_);
  last_refill_ = now;
}

void ClientRateLimiter::set_max_rate_locked(double rate, double now) {
  // Tokens accrued so far count at the old rate.
  refill_locked(now);
  fill_rate_ = std::max(rate, kMinFillRate);
  max_capacity_ = rate >= 1 ? rate : 1;
  capacity_ = std::min(capacity_, max_capacity_);
}

bool ClientRateLimiter::acquire(std::chrono::milliseconds max_wait) {
  double start = 0;
  for (bool first = true;; first = false) {
    std::chrono::milliseconds wait{0};
    {
      detail::MutexLock lock(mutex_);
      if (!enabled_) return true;
      const double now = seconds();
      if (first) start = now;
      refill_locked(now);
      if (capacity_ >= 1) {
        capacity_ -= 1;
        return true;
      }
      const double needed = (1 - capacity_) / fill_rate_;  // seconds at the current rate
      const double spent = now - start;
      if (spent + needed > std::chrono::duration<double>(max_wait).count()) return false;
      // Sleep in slices: a rate raised by other threads' answers meanwhile shortens the wait
      // (botocore's waiters are woken by the rate change; a slice bounds the delay to notice).
      wait = std::chrono::milliseconds(
          std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(needed * 1000))));
      wait = std::min(wait, kMaxSleepSlice);
    }
    sleep_(wait);
  }
}

void ClientRateLimiter::on_response(bool throttled) {
  detail::MutexLock lock(mutex_);
  const double now = seconds();
  const double measured = meter_.record(now);
  double new_rate = 0;
  if (!throttled) {
    new_rate = cubic_.success_received(now);
  } else {
    const double rate_to_use = enabled_ ? std::min(measured, fill_rate_) : measured;
    new_rate = cubic_.error_received(rate_to_use, now);
    enabled_ = true;
  }
  set_max_rate_locked(std::min(new_rate, kMaxRateAdjustScale * measured), now);
}

bool ClientRateLimiter::enabled() const {
  detail::MutexLock lock(mutex_);
  return enabled_;
}

double ClientRateLimiter::send_rate() const {
  detail::MutexLock lock(mutex_);
  return fill_rate_;
}

double ClientRateLimiter::measured_rate() const {
  detail::MutexLock lock(mutex_);
  return meter_.measured_rate();
}

}  // namespace ssm_cache::aws
