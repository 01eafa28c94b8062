// shared_tier/tier.hpp — the read-through algorithm of the shared tier, independent of what
// the values are: look entries up in the store, open them, lease the misses, fetch what this
// instance leased, wait (bounded) on what others leased, refresh ahead, publish sealed.
//
// Thread-safe. Payloads are opaque strings (the client serializes records to JSON).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shared_tier/breaker.hpp"
#include "shared_tier/seal.hpp"
#include "shared_tier/store.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache::shared_tier {

/// One entry a read asks for.
struct Item {
  std::string cache_key;  ///< logical key, bound into the seal
  std::string kind;  ///< "parameter", "path", "secret"
  bool decrypted = false;
};

/// What a fetch gives back for one item: the payload to publish and its lifetime (nullopt:
/// do not publish, e.g. a value that must not be stored in plain text).
struct Fetched {
  std::string payload;
  std::chrono::milliseconds ttl;
};

/// Fetches the items at the given indices from the wrapped client; the caller keeps the
/// results it needs and returns, in the same order, what to publish.
using FetchFn = std::function<std::vector<std::optional<Fetched>>(const std::vector<std::size_t>&)>;

/// The tier's counters, kept per tier and process-wide (shared_cache_stats()).
struct TierCounters {
  std::atomic<std::uint64_t> hits{0}, misses{0}, fetches{0}, lease_waits{0}, lease_wait_timeouts{0},
      refreshes_ahead{0}, seal_failures{0}, bypassed{0};
  /// Copies the counts into the matching fields of `out`.
  void copy_to(SharedCacheStats& out) const;
};

class Tier {
 public:
  Tier(const SharedCacheOptions& options, std::optional<SealKey> key,
       std::optional<SealKey> previous, CircuitBreaker::Now now = {});

  /// Fills found[i] (sized like items) with the payload of each item the store served; the
  /// others are fetched through `fetch` (called at most three times: leased misses, misses
  /// whose wait ended, refresh-ahead). A fetch's exception propagates, except for a
  /// refresh-ahead, where the still-valid shared value is served instead.
  void read_through(const std::vector<Item>& items, std::vector<std::optional<std::string>>& found,
                    const FetchFn& fetch);

  [[nodiscard]] SharedCacheStats stats() const;
  [[nodiscard]] bool has_key() const noexcept { return sealer_.has_key(); }
  [[nodiscard]] std::chrono::milliseconds ttl() const noexcept { return options_.ttl; }

 private:
  using Counters = TierCounters;
  void count(std::atomic<std::uint64_t> Counters::*field, std::uint64_t n = 1);
  void log_once(std::atomic<bool>& flag, std::string_view message) const;
  std::string redis_key(const Item& item) const;
  std::string lease_key(const Item& item) const;
  /// Opens a stored entry: its payload and its age, or nullopt (counted as a seal failure).
  std::optional<std::pair<std::string, std::chrono::milliseconds>> open(const Item& item,
                                                                        const std::string& entry);
  void fetch_and_publish(const std::vector<Item>& items, const std::vector<std::size_t>& which,
                         const FetchFn& fetch, bool leased);
  /// The entries this caller just leased may have been published between its lookup and its
  /// lease (the previous holder publishes, then releases): look again before fetching.
  void recheck(const std::vector<Item>& items, std::vector<std::size_t>& mine,
               std::vector<std::optional<std::string>>& found);
  void wait_for(const std::vector<Item>& items, std::vector<std::size_t>& waiting,
                std::vector<std::optional<std::string>>& found);

  SharedCacheOptions options_;
  Sealer sealer_;
  std::shared_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<SharedStore> store_;
  Counters counters_;
  std::atomic<bool> logged_redis_{false}, logged_seal_{false};
};

}  // namespace ssm_cache::shared_tier
