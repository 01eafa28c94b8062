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

/// What the clients of one tier share: options, keys, the store and its breaker, the
/// once-only log flags. Thread-safe (the members are set at construction, or atomic).
struct TierCore {
  TierCore(const SharedCacheOptions& options, std::optional<SealKey> key,
           std::optional<SealKey> previous, std::shared_ptr<const Clock> clock = {});
  /// A tier dropped while its breaker is open no longer counts as open process-wide.
  ~TierCore();
  TierCore(const TierCore&) = delete;
  TierCore& operator=(const TierCore&) = delete;
  void log_once(std::atomic<bool>& flag, std::string_view message) const;

  const SharedCacheOptions options;
  const Sealer sealer;
  const std::shared_ptr<CircuitBreaker> breaker;
  std::unique_ptr<SharedStore> store;
  mutable std::atomic<bool> logged_redis{false}, logged_seal{false};
};

/// One client's view of a tier: the read-through algorithm over the shared core, counting
/// into this view, the process-wide counters and nothing else (so that each client, and so
/// each cache handle, has its own counts while handles with equal options share a core).
class Tier {
 public:
  Tier(const SharedCacheOptions& options, std::optional<SealKey> key,
       std::optional<SealKey> previous, std::shared_ptr<const Clock> clock = {});
  explicit Tier(std::shared_ptr<TierCore> core) : core_(std::move(core)) {}

  /// Fills found[i] (sized like items) with the payload of each item the store served; the
  /// others are fetched through `fetch` (called at most three times: leased misses, misses
  /// whose wait ended, refresh-ahead). A fetch's exception propagates, except for a
  /// refresh-ahead, where the still-valid shared value is served instead.
  void read_through(const std::vector<Item>& items, std::vector<std::optional<std::string>>& found,
                    const FetchFn& fetch);

  [[nodiscard]] SharedCacheStats stats() const;
  [[nodiscard]] bool has_key() const noexcept { return core_->sealer.has_key(); }
  [[nodiscard]] std::chrono::milliseconds ttl() const noexcept { return core_->options.ttl; }

 private:
  using Counters = TierCounters;
  void count(std::atomic<std::uint64_t> Counters::*field, std::uint64_t n = 1);
  std::string redis_key(const Item& item) const;
  std::string lease_key(const Item& item) const;
  /// Opens a stored entry: its payload and its age, or nullopt (counted as a seal failure).
  std::optional<std::pair<std::string, std::chrono::milliseconds>> open(const Item& item,
                                                                        const std::string& entry);
  void fetch_and_publish(const std::vector<Item>& items, const std::vector<std::size_t>& which,
                         const FetchFn& fetch, const std::string* lease_token);
  /// The entries this caller just leased may have been published between its lookup and its
  /// lease (the previous holder publishes, then releases): look again before fetching.
  void recheck(const std::vector<Item>& items, std::vector<std::size_t>& mine,
               std::vector<std::optional<std::string>>& found, const std::string& lease_token);
  void wait_for(const std::vector<Item>& items, std::vector<std::size_t>& waiting,
                std::vector<std::optional<std::string>>& found);
  /// Refresh-ahead of entries this caller leased: fetched and published; when the fetch
  /// fails, the still-valid shared values stay in `found`.
  void refresh_leased(const std::vector<Item>& items, const std::vector<std::size_t>& which,
                      std::vector<std::optional<std::string>>& found, const FetchFn& fetch,
                      const std::string& lease_token);

  std::shared_ptr<TierCore> core_;
  Counters counters_;
};

/// The core for `options`: one per distinct options in the process while any client holds
/// it (the log function is not compared: the first one's is kept). Validates the options as
/// make_shared_cache_client does (ConfigurationError).
std::shared_ptr<TierCore> shared_core(SharedCacheOptions options);

/// A client over `core` forwarding to the given clients (either may be null; an AwsClient
/// among them serves both and GetParameter). Its counters are its own.
std::shared_ptr<SharedCacheClient> client_of_core(std::shared_ptr<TierCore> core,
                                                  std::shared_ptr<ParameterClient> params,
                                                  std::shared_ptr<SecretsClient> secrets);

/// Lowercase hex of the SHA-256 of text.
std::string sha256_hex(const std::string& text);

}  // namespace ssm_cache::shared_tier
