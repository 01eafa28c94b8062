// aws/retry_loop.cpp — see retry_loop.hpp.
#include "aws/retry_loop.hpp"

#include <algorithm>

namespace ssm_cache::aws {

RetryLoop::RetryLoop(RetryLoopSettings settings) : settings_(std::move(settings)) {
  const RetrySeams real = real_seams();
  if (!settings_.seams.sleep) settings_.seams.sleep = real.sleep;
  if (!settings_.seams.random) settings_.seams.random = real.random;
}

AttemptContext RetryLoop::start() {
  deadline_ = std::chrono::steady_clock::now() + settings_.deadline;
  retries_ = 0;
  held_cost_ = 0;
  return AttemptContext{};
}

void RetryLoop::before_attempt(AttemptContext& ctx) {
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  ctx.remaining = std::max(remaining, std::chrono::milliseconds(1));
  // Adaptive mode: after a throttle, each attempt waits for a send token first.
  if (settings_.limiter != nullptr && !settings_.limiter->acquire(remaining)) {
    throw TransportError(settings_.what +
                             ": no send token within the call deadline (adaptive retry mode; "
                             "AWS is throttling this client)",
                         true, true);
  }
}

void RetryLoop::on_success() {
  if (settings_.limiter != nullptr) settings_.limiter->on_response(false);
  settings_.bucket->release(held_cost_ > 0 ? held_cost_ : settings_.options.no_retry_increment);
}

bool RetryLoop::should_retry(const Error& e, const RetryHooks& hooks) {
  const bool throttled = hooks.throttling ? hooks.throttling(e) : is_throttling(e);
  if (settings_.limiter != nullptr) settings_.limiter->on_response(throttled);
  const RetryDecision decision =
      hooks.decide ? hooks.decide(e)
                   : (is_retryable(e) ? RetryDecision::retry : RetryDecision::stop);
  if (decision == RetryDecision::retry_now) return true;
  if (decision == RetryDecision::stop) return false;
  const RetryOptions& ro = settings_.options;
  if (retries_ + 1 >= ro.max_attempts) return false;
  const auto delay = backoff_delay(ro, retries_ + 1, throttled, settings_.seams.random());
  if (std::chrono::steady_clock::now() + delay >= deadline_) return false;
  const int cost = is_timeout(e) ? ro.timeout_retry_cost : ro.retry_cost;
  if (!settings_.bucket->try_acquire(cost)) return false;  // the quota is spent
  held_cost_ = cost;
  ++retries_;
  settings_.seams.sleep(delay);
  return true;
}

void RetryLoop::give_up(const Error& e, const RetryHooks& hooks, int attempts) {
  if (hooks.give_up) hooks.give_up(e, attempts);
}

}  // namespace ssm_cache::aws
