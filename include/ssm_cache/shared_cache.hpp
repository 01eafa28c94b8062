// ssm_cache/shared_cache.hpp — a fleet-shared cache tier on Redis / Valkey between the
// in-process cache and AWS (docs/shared-cache.md).
//
// The tier is a decorator of the client interfaces: make_shared_cache_client wraps a
// ParameterClient (or an AwsClient, or a SecretsClient) and answers each fetch from sealed
// entries in Redis when one is there; on a shared miss one instance takes a short lease
// (SET NX PX) and fetches from the wrapped client, the others wait on the entry for a bounded
// time (then fetch themselves). An entry read in the last part of its life is refreshed by
// the reader that wins the refresh lease, so a steady fleet never sees a shared miss.
//
// The store is untrusted: every entry is sealed with AES-256-GCM under the configured key,
// bound to its cache key, value kind, decryption flag and format version; a forged, corrupt
// or moved entry is a miss. Redis down, slow or refusing costs at most one operation timeout
// per read until a circuit breaker opens; then reads go to the wrapped client directly.
//
// Thread-safe: one client serves any number of threads (a small pool of Redis connections).
// Cost: a shared hit is one Redis round trip (GET / MGET) plus an AES-GCM open.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/export.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/shared_cache_options.hpp"

namespace ssm_cache {

/// Counters of the shared tier. A plain snapshot, read without locks.
struct SharedCacheStats {
  std::uint64_t hits = 0;  ///< entries served from Redis
  std::uint64_t misses = 0;  ///< entries absent (or unreadable) in Redis
  std::uint64_t fetches = 0;  ///< calls to the wrapped client made by the tier
  std::uint64_t lease_waits = 0;  ///< reads that waited on another instance's lease
  std::uint64_t lease_wait_timeouts = 0;  ///< ... and gave up waiting (fetched themselves)
  std::uint64_t refreshes_ahead = 0;  ///< entries refreshed before their expiry
  std::uint64_t seal_failures = 0;  ///< entries that failed to open (forged, corrupt, moved)
  std::uint64_t redis_errors = 0;  ///< failed Redis operations (timeout, refused, protocol)
  std::uint64_t bypassed = 0;  ///< reads sent straight to the wrapped client (breaker open)
  std::uint64_t breaker_opens = 0;  ///< times the breaker opened
  bool breaker_open = false;  ///< the breaker is open now
};

/// The shared tier over a parameter source (and, through AwsClient, over Secrets Manager).
class SSM_CACHE_EXPORT SharedCacheClient : public AwsClient {
 public:
  [[nodiscard]] virtual SharedCacheStats stats() const = 0;
};

/// Wraps `inner`. Throws ConfigurationError for a bad URL, an unreadable or malformed key, or
/// no key without allow_plaintext. Does not connect yet (the first read does).
SSM_CACHE_EXPORT std::shared_ptr<SharedCacheClient> make_shared_cache_client(
    std::shared_ptr<AwsClient> inner, SharedCacheOptions options);
/// A ParameterClient only: get_parameter and the SecretsClient calls throw
/// ConfigurationError (there is nothing to forward them to).
SSM_CACHE_EXPORT std::shared_ptr<SharedCacheClient> make_shared_cache_client(
    std::shared_ptr<ParameterClient> inner, SharedCacheOptions options);
/// A SecretsClient only: GetSecretValue, BatchGetSecretValue (each id served from the store
/// when there, the others fetched in one batch call) and DescribeSecret (shared for 10 s at
/// most) go through the tier; the ParameterClient calls throw ConfigurationError.
SSM_CACHE_EXPORT std::shared_ptr<SharedCacheClient> make_shared_cache_client(
    std::shared_ptr<SecretsClient> inner, SharedCacheOptions options);

/// The options from SSM_CACHE_SHARED_CACHE_URL, SSM_CACHE_SHARED_CACHE_KEY_FILE,
/// SSM_CACHE_SHARED_CACHE_PREVIOUS_KEY_FILE, SSM_CACHE_SHARED_CACHE_TTL (seconds),
/// SSM_CACHE_SHARED_CACHE_TIMEOUT_MS, SSM_CACHE_SHARED_CACHE_CONNECT_TIMEOUT_MS,
/// SSM_CACHE_SHARED_CACHE_CA_FILE and SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT (1 / true); the
/// url is empty when the tier is not configured. Throws ConfigurationError for a malformed
/// number.
SSM_CACHE_EXPORT SharedCacheOptions shared_cache_options_from_environment();

/// `inner` wrapped in the tier when SSM_CACHE_SHARED_CACHE_URL is set, else `inner` itself.
/// The default client and the ssm-cache program go through this.
SSM_CACHE_EXPORT std::shared_ptr<AwsClient> with_shared_cache_from_environment(
    std::shared_ptr<AwsClient> inner);

/// Process-wide counters: every shared cache client, past and present.
SSM_CACHE_EXPORT SharedCacheStats shared_cache_stats();

}  // namespace ssm_cache
