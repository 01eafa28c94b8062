// aws/retry.hpp — AWS "standard" retry mode: which failures to retry, capped exponential
// backoff with full jitter, a retry token bucket shared by every call of a client, clock-skew
// detection, and the seams (wall clock, sleeper, random source) tests replace to run instantly.
//
// RetryTokenBucket is thread-safe (one mutex, held for a few arithmetic operations). The free
// functions are pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/thread_annotations.hpp"
#include "ssm_cache/clock.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {

struct RetryOptions {
  int max_attempts = 3;  ///< first try included
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds throttling_base_delay{500};  ///< as in the newer AWS SDKs
  std::chrono::milliseconds max_backoff{20000};
  int bucket_capacity = 500;
  int retry_cost = 5;
  int timeout_retry_cost = 10;
  int no_retry_increment = 1;  ///< deposited by a success that needed no retry
};

/// Seams: the client's clock (wall_now() signs requests, now() paces the adaptive rate
/// limiter), how it sleeps between attempts, and how it draws the jitter in [0, 1). Each
/// defaults to the real thing (a null clock: the system and steady clocks, read directly).
struct RetrySeams {
  std::shared_ptr<const Clock> clock;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random;
};
RetrySeams real_seams();

/// The retry quota of one client. Each retry withdraws a cost; a success returns what its
/// call withdrew, or a small increment when it needed no retry; an empty bucket stops retries
/// (so an outage does not multiply the load on the service).
class RetryTokenBucket {
 public:
  explicit RetryTokenBucket(int capacity = 500) : capacity_(capacity), tokens_(capacity) {}
  /// Withdraws `cost`; false (nothing withdrawn) when the bucket holds less.
  bool try_acquire(int cost);
  /// Puts back `amount`, never above capacity.
  void release(int amount);
  [[nodiscard]] int available() const;
  [[nodiscard]] int capacity() const noexcept { return capacity_; }

 private:
  const int capacity_;
  mutable detail::Mutex mutex_;
  int tokens_ SSM_CACHE_GUARDED_BY(mutex_);
};

/// True for failures the standard mode retries: throttling, 5xx, InternalServerError,
/// transient transport failures (connection refused or reset, timeouts).
bool is_retryable(const Error& error) noexcept;
/// True for throttling errors (a longer backoff base applies).
bool is_throttling(const Error& error) noexcept;
/// True for a transport timeout (a retry costs timeout_retry_cost).
bool is_timeout(const Error& error) noexcept;

/// Delay before retry number `retry` (1 = the first retry): random * min(base * 2^(retry-1),
/// max_backoff), with base the throttling base for throttling errors.
std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry, bool throttling,
                                        double random);

/// Codes with which AWS rejects a request signed at the wrong time (or with a bad signature,
/// which a skewed clock also produces).
bool is_clock_skew_code(std::string_view code) noexcept;

/// "amz-sdk-request" header value: "attempt=N; max=M".
std::string sdk_request_header(int attempt, int max_attempts);

/// A random (version 4) UUID for amz-sdk-invocation-id.
std::string make_invocation_id();

}  // namespace ssm_cache::aws
