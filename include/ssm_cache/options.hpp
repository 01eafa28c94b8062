// ssm_cache/options.hpp — option structs for parameters and groups.
//
// Every field has a default member initializer, so designated initializers naming only some
// fields compile without warnings: SSMParameter p("x", {.max_age = 300s});
//
// Environment defaults, for programs that cannot change their code: where the code leaves
// max_age or with_decryption unset, SSM_CACHE_MAX_AGE (whole seconds, 0 = cache forever) and
// SSM_CACHE_DECRYPT (true / false) apply, read when the parameter or group is constructed.
// Precedence: the option set in code > the environment variable > the built-in default
// (max_age 0, with_decryption true). An invalid value throws ConfigurationError naming the
// variable at construction.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ssm_cache/client.hpp"
#include "ssm_cache/clock.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/shared_cache_options.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

/// Options of a stand-alone SSMParameter / SecretsManagerParameter.
struct ParameterOptions {
  /// Zero: cached forever after the first fetch. Positive: refreshed on the first read after
  /// last refresh + max_age. Unset: SSM_CACHE_MAX_AGE, else zero.
  std::optional<std::chrono::milliseconds> max_age{};
  /// Fetch SecureString values decrypted (secret references always are). Unset:
  /// SSM_CACHE_DECRYPT, else true.
  std::optional<bool> with_decryption{};
  /// Source of values; empty: the process default (set_ssm_client, else AWS from environment).
  std::shared_ptr<ParameterClient> client{};
  /// Stale-if-error bound: how long past expiry value() may still serve the last good value
  /// when refreshing fails transiently. Unset: unbounded. Zero: never serve stale.
  std::optional<std::chrono::milliseconds> max_stale{};
  /// When a value expires, one thread refreshes while the others keep reading the old value
  /// instead of waiting for the refresh.
  bool serve_stale_while_refreshing = false;
  /// 0..1: each expiry is shortened by a random fraction up to this, so that many instances
  /// started together do not refresh together.
  double ttl_jitter = 0.0;
  /// Remember names found missing for this long, so that reads of a missing name do not call
  /// the API each time. Zero (default): off.
  std::chrono::milliseconds negative_cache_ttl{0};
  /// Time source; empty: the coarse monotonic clock.
  std::shared_ptr<const Clock> clock{};
  /// Told of refreshes, changes and errors, outside the cache's locks (observability.hpp).
  std::shared_ptr<CacheListener> listener{};
  /// The fleet-shared tier on Redis / Valkey (shared_cache.hpp) between this cache and the
  /// client: refreshes read through it. Handles with equal options share one tier (its
  /// connections and breaker). Unset: none (the default client may still have one from
  /// SSM_CACHE_SHARED_CACHE_URL); a client already behind a tier is not wrapped again.
  /// A bad setting (no key, bad URL) throws ConfigurationError at construction.
  std::optional<SharedCacheOptions> shared_cache{};
};

/// Options of an SSMParameterGroup: the parameter options plus a base path.
struct GroupOptions {
  std::optional<std::chrono::milliseconds> max_age{};  ///< as ParameterOptions::max_age
  std::optional<bool> with_decryption{};  ///< as ParameterOptions

  /// Prefixed to names and paths given to parameter() and parameters() ("/Foo").
  std::string base_path{};
  std::shared_ptr<ParameterClient> client{};
  std::optional<std::chrono::milliseconds> max_stale{};
  bool serve_stale_while_refreshing = false;
  double ttl_jitter = 0.0;
  std::chrono::milliseconds negative_cache_ttl{0};
  std::shared_ptr<const Clock> clock{};
  std::shared_ptr<CacheListener> listener{};
  std::optional<SharedCacheOptions> shared_cache{};  ///< as ParameterOptions
};

/// Options of SSMParameterGroup::parameters(path, ...).
struct PathOptions {
  bool recursive = true;
  std::vector<Filter> filters{};
};

}  // namespace ssm_cache
