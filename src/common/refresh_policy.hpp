// common/refresh_policy.hpp — the one fresh / stale / backoff policy of every cache in the
// project: the library's parameter cache (cache/state.cpp), the sidecar's response cache
// (sidecar_cache.cpp) and the cached credentials provider (aws/credentials_basic.cpp).
//
// What the three share is decided here, from the entry's state and the time: serve the value,
// serve it stale, refresh, or rethrow a remembered error without calling the source; and how
// long to back off after a failure. Each cache keeps its own storage. Running the one refresh
// and waiting for it is common/single_flight.hpp for the sidecar and the credentials; the
// library cache's group holds its refresh mutex for a round instead (docs/design.md, "Running
// one refresh at a time", says why). docs/design.md, "Shared helpers and policies", lists the
// settings each cache uses.
//
// Times are nanoseconds on the caller's clock (steady or wall: only differences matter).
// Pure functions, no state: thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace ssm_cache::common {

inline constexpr std::int64_t kNeverNs = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kNoneNs = std::numeric_limits<std::int64_t>::min();

/// What the last failed refresh was, as far as reads are concerned.
enum class FailureKind {
  kNone,
  /// The source may answer later (throttled, unavailable, timeout): during the backoff a
  /// value is served stale (within max_stale), and a read without one calls the source.
  kTransient,
  /// The source answered no (missing name, access denied): during the backoff reads rethrow
  /// the remembered error without a call, value or not.
  kDefinitive,
};

/// One entry (or group of entries refreshed together) as the policy sees it.
struct RefreshState {
  bool has_value = false;
  /// When the value stops being fresh (kNeverNs: it never does).
  std::int64_t expires = kNeverNs;
  /// After a failure, no read starts a refresh before this time (kNoneNs: no backoff).
  std::int64_t next_attempt = kNoneNs;
  FailureKind failure = FailureKind::kNone;  ///< what set next_attempt
  /// Another caller's refresh is running.
  bool refresh_in_flight = false;
};

/// How a cache serves stale values. The three caches differ in these settings only.
struct StalePolicy {
  /// How long past `expires` a value may still be served (in backoff, while refreshing, when
  /// a refresh fails transiently). Unset: unbounded; zero: never.
  std::optional<std::int64_t> max_stale_ns{};
  /// A tighter bound while another caller's refresh runs (credentials: until the mandatory
  /// refresh window before expiry, when every caller waits). Unset: max_stale_ns.
  std::optional<std::int64_t> max_stale_in_flight_ns{};
  /// While another caller refreshes, readers are served the stale value instead of waiting
  /// (library: the serve_stale_while_refreshing option; sidecar and credentials: always).
  bool stale_while_refreshing = false;
  /// The reader that finds the value expired starts the refresh in the background and is
  /// served the stale value at once (sidecar: its stale_while_refresh option); otherwise it
  /// refreshes and waits (library, credentials).
  bool refresh_in_background = false;
};

enum class ReadDecision {
  kServe,  ///< fresh value
  kServeStale,  ///< expired value, no refresh started (backing off, or one is running)
  kServeStaleAndRefresh,  ///< expired value now; start a background refresh
  kRefresh,  ///< refresh (or join the one running) and wait for it
  kRethrow,  ///< rethrow the remembered definitive error, no call
};

/// Whether a value that expired at `expires` may still be served at `now`.
[[nodiscard]] bool stale_allowed(const StalePolicy& policy, std::int64_t expires, std::int64_t now,
                                 bool in_flight = false) noexcept;

/// What a read at `now` does with the entry.
[[nodiscard]] ReadDecision decide(const StalePolicy& policy, const RefreshState& state,
                                  std::int64_t now) noexcept;

/// The one backoff formula, in the caller's unit: `base` doubled per consecutive failure
/// (the first waits `base`; at most 30 doublings), capped at `cap`, then scaled by `jitter`
/// in [0, 1] (1: none; callers with jitter draw it from their injected random source) and
/// truncated. base == cap: a fixed interval. Also the AWS retry delay (aws/retry.cpp).
[[nodiscard]] std::int64_t backoff(std::int64_t base, std::int64_t cap, int consecutive_failures,
                                   double jitter = 1.0) noexcept;

}  // namespace ssm_cache::common
