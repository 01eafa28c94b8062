// shared_tier/breaker.cpp — see breaker.hpp.
#include "shared_tier/breaker.hpp"

#include <algorithm>

namespace ssm_cache::shared_tier {

CircuitBreaker::CircuitBreaker(int failures, std::chrono::milliseconds cooldown,
                               std::shared_ptr<const Clock> clock,
                               std::function<void(bool)> on_change)
    : failures_(std::max(1, failures)),
      cooldown_(cooldown),
      clock_(std::move(clock)),
      on_change_(std::move(on_change)) {}

bool CircuitBreaker::allow() {
  detail::MutexLock lock(mutex_);
  switch (state_) {
    case State::kClosed: return true;
    case State::kHalfOpen: return false;  // a probe is out; its outcome decides
    case State::kOpen:
      if (now() - opened_at_ < cooldown_) return false;
      state_ = State::kHalfOpen;
      return true;
  }
  return false;
}

void CircuitBreaker::on_success() {
  detail::MutexLock lock(mutex_);
  if (state_ != State::kClosed && on_change_) on_change_(false);
  state_ = State::kClosed;
  consecutive_ = 0;
}

void CircuitBreaker::on_failure() {
  detail::MutexLock lock(mutex_);
  if (state_ == State::kHalfOpen || ++consecutive_ >= failures_) {
    if (state_ == State::kClosed) {  // half-open -> open is the same outage
      ++opens_;
      if (on_change_) on_change_(true);
    }
    state_ = State::kOpen;
    opened_at_ = now();
    consecutive_ = 0;
  }
}

bool CircuitBreaker::open() const {
  detail::MutexLock lock(mutex_);
  return state_ != State::kClosed;
}

std::uint64_t CircuitBreaker::opens() const {
  detail::MutexLock lock(mutex_);
  return opens_;
}

}  // namespace ssm_cache::shared_tier
