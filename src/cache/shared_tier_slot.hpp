// The fleet-shared tier as the cache core uses it (ParameterOptions / GroupOptions /
// SecretOptions::shared_cache): a slot per group that wraps whichever client the group reads
// from in the tier and keeps the wrapper, so that the group's shared counters are its own.
//
// The cache layer does not see the tier's implementation (src/CMakeLists.txt): the
// functions declared at the end are the composition root's (default_client.cpp).
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "common/thread_annotations.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache::shared_tier {
struct TierCore;
}

namespace ssm_cache::detail {

class SharedTierSlot {
 public:
  /// Takes (or shares) the tier of `options`; throws ConfigurationError for bad options.
  explicit SharedTierSlot(const SharedCacheOptions& options);

  /// `inner` behind the tier; the same wrapper while `inner` stays the same. A client that
  /// is a tier already is returned as it is (and its counters are the slot's).
  std::shared_ptr<ParameterClient> wrap(const std::shared_ptr<ParameterClient>& inner);
  std::shared_ptr<SecretsClient> wrap(const std::shared_ptr<SecretsClient>& inner);

  /// The shared counters into `out` (those of wrappers this slot replaced included).
  void add_stats(CacheStats& out) const;

 private:
  std::shared_ptr<SharedCacheClient> wrapper_for(const std::shared_ptr<void>& inner,
                                                 std::shared_ptr<ParameterClient> params,
                                                 std::shared_ptr<SecretsClient> secrets);

  const std::shared_ptr<shared_tier::TierCore> core_;
  mutable detail::Mutex mutex_;
  /// Kept alive so that its address is not reused.
  std::shared_ptr<void> inner_ SSM_CACHE_GUARDED_BY(mutex_);
  std::shared_ptr<SharedCacheClient> wrapped_ SSM_CACHE_GUARDED_BY(mutex_);
  SharedCacheStats retired_
      SSM_CACHE_GUARDED_BY(mutex_){};  ///< counts of wrappers replaced (the default client changed)
};

/// Copies the shared tier's counters into the matching CacheStats fields (adding counts).
void add_shared_stats(const SharedCacheStats& from, CacheStats& out);

// Defined by the composition root.
std::shared_ptr<shared_tier::TierCore> shared_tier_core(const SharedCacheOptions& options);
std::shared_ptr<SharedCacheClient> shared_tier_client(
    const std::shared_ptr<shared_tier::TierCore>& core, std::shared_ptr<ParameterClient> params,
    std::shared_ptr<SecretsClient> secrets);
/// Every tier's counters in the process (shared_cache_stats()).
SharedCacheStats process_shared_tier_stats();

}  // namespace ssm_cache::detail
