// aws/retry_loop.hpp — the one retry loop of every AWS call: the service client, STS and the
// container / instance metadata credential providers. Each attempt either returns or throws
// an ssm_cache::Error; the loop retries transient failures with capped exponential backoff and
// full jitter, withdraws each retry from a token bucket (an outage does not multiply the load),
// stops at an overall deadline, and, where the caller has one, waits for the adaptive-mode
// send token before each attempt. Callers say what differs (which errors to retry, which count
// as throttling, how the final error reads) through RetryHooks.
//
// A RetryLoop is used by one call on one thread; the bucket and limiter it points at are shared
// and thread-safe. Costs nothing beyond the attempts themselves and one sleep per retry.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "aws/adaptive_rate.hpp"
#include "aws/retry.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {

/// What the loop does after a failed attempt.
enum class RetryDecision {
  stop,  ///< give up: the error is final
  retry,  ///< back off, withdraw a retry token, try again (within max_attempts and deadline)
  retry_now,  ///< try again at once, free and uncounted (a re-signed request after clock skew)
};

/// Where the loop stands when an attempt starts.
struct AttemptContext {
  int attempt = 1;  ///< 1-based, free retries included
  std::chrono::milliseconds remaining{};  ///< until the overall deadline, at least 1 ms
};

/// The caller's say in the loop. Every member may be empty: the defaults retry transient
/// errors, treat AwsError::throttling() as throttling and rethrow the last error unchanged.
struct RetryHooks {
  std::function<RetryDecision(const Error&)> decide;
  std::function<bool(const Error&)> throttling;
  /// Called inside the catch block of the final failure with the number of attempts made; must
  /// throw (`throw;` rethrows the original). Returning rethrows the original.
  std::function<void(const Error&, int attempts)> give_up;
};

struct RetryLoopSettings {
  RetryOptions options;
  std::chrono::milliseconds deadline{30000};  ///< over all attempts and sleeps
  RetryTokenBucket* bucket = nullptr;  ///< required
  ClientRateLimiter* limiter = nullptr;  ///< adaptive retry mode only
  RetrySeams seams;  ///< empty members: the real sleep and jitter
  std::string what;  ///< "GetParameter /a at https://...", for errors
};

class RetryLoop {
 public:
  explicit RetryLoop(RetryLoopSettings settings);

  /// Runs `attempt` until it returns (that value is returned) or the loop gives up.
  template <class F>
  auto run(F&& attempt, const RetryHooks& hooks = {}) -> decltype(attempt(AttemptContext{})) {
    for (AttemptContext ctx = start();; ++ctx.attempt) {
      before_attempt(ctx);
      try {
        auto result = attempt(ctx);
        on_success();
        return result;
      } catch (const Error& e) {
        if (!should_retry(e, hooks)) {
          give_up(e, hooks, ctx.attempt);
          throw;
        }
      }
    }
  }

 private:
  AttemptContext start();
  void before_attempt(AttemptContext& ctx);
  void on_success();
  /// Decides, and for a counted retry withdraws the token and sleeps; false: give up.
  bool should_retry(const Error& e, const RetryHooks& hooks);
  static void give_up(const Error& e, const RetryHooks& hooks, int attempts);

  RetryLoopSettings settings_;
  std::chrono::steady_clock::time_point deadline_{};
  int retries_ = 0;
  int held_cost_ = 0;  // tokens withdrawn by the latest retry, refunded on success
};

}  // namespace ssm_cache::aws
