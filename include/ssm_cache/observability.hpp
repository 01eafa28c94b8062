// ssm_cache/observability.hpp — counters and an optional listener of the cache.
//
// CacheStats is a plain snapshot of counters: per handle (SSMParameter::stats()), per group
// (SSMParameterGroup::stats()) and process-wide (ssm_cache::cache_stats()), the fleet-shared
// tier's included (shared_cache.hpp has its full counters: shared_cache_stats()). Reading them is
// thread-safe and takes no lock a reader waits on. Hits are counted in per-thread (process)
// and per-entry sharded slots, so counting costs a hit about 1 ns and writes no line shared
// with another core; with more than 4 threads reading one parameter at once, a few per-handle
// hits may be lost (the process-wide count stays exact).
//
// CacheListener is called after the refresh that caused the event, on the thread that ran it,
// outside every lock of the cache: a listener may read or refresh the same parameter. It must
// not throw (exceptions are swallowed) and should be quick (it delays the reader that
// refreshed). Events never carry a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ssm_cache/export.hpp"

namespace ssm_cache {

class Error;

struct CacheStats {
  std::uint64_t hits = 0;  ///< reads served without refreshing
  std::uint64_t misses = 0;  ///< reads that had to refresh or fetch (or wait for one)
  std::uint64_t refreshes = 0;  ///< refresh rounds that succeeded (explicit or on read)
  std::uint64_t stale_serves = 0;  ///< expired values served because refreshing failed
  std::uint64_t errors_transient = 0;  ///< failed rounds: throttling, 5xx, timeouts, network
  std::uint64_t errors_not_found = 0;  ///< names found missing (ParameterNotFound)
  std::uint64_t errors_other = 0;  ///< other definitive failures (access denied, ...)
  /// API calls made: GetParameters calls (10 names each) and GetParametersByPath queries
  /// (a query's further pages, followed inside the client, are not seen here).
  std::uint64_t aws_calls = 0;
  /// The fleet-shared tier (shared_cache.hpp; ParameterOptions::shared_cache or
  /// SSM_CACHE_SHARED_CACHE_URL), zero without one. Per handle: the tier reads of its group;
  /// process-wide: every tier's. Entries served from / absent in Redis, reads that waited on
  /// another instance's lease, entries that failed to open (forged, corrupt, moved).
  std::uint64_t shared_hits = 0;
  std::uint64_t shared_misses = 0;
  std::uint64_t shared_lease_waits = 0;
  std::uint64_t shared_seal_failures = 0;
  /// Times the tier's circuit breaker opened, and whether it is open now (process-wide: any).
  std::uint64_t shared_breaker_opens = 0;
  bool shared_breaker_open = false;
};

class SSM_CACHE_EXPORT CacheListener {
 public:
  virtual ~CacheListener() = default;
  /// A refresh round of the group succeeded (names found missing are reported by on_error).
  virtual void on_refresh(std::size_t parameters) { (void)parameters; }
  /// A cached value was replaced by a different one (a new version, or the same version with
  /// other content). Not called for a first fetch. name is as given (selector included).
  virtual void on_change(const std::string& name, std::int64_t old_version,
                         std::int64_t new_version) {
    (void)name, (void)old_version, (void)new_version;
  }
  /// A refresh failed (names: InvalidParameterError::names(); whole round: the error).
  virtual void on_error(const Error& error) { (void)error; }
};

/// Process-wide counters: every parameter and group, past and present.
SSM_CACHE_EXPORT CacheStats cache_stats();

}  // namespace ssm_cache
