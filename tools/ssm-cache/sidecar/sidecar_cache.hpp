// sidecar_cache.hpp — the sidecar's response cache: LRU of ready-to-send responses keyed by
// endpoint + name + version/label + decryption, with per-entry TTL, single flight (one upstream
// call per key however many requests wait), stale-while-refresh (an entry that expires is
// refreshed in the background while requests keep getting the old value at once, up to
// max_stale past expiry), stale-if-error (a transient upstream failure keeps serving the last
// good value, retried with a backoff growing up to the TTL) and forced refreshes. What a read
// serves is decided by the project's one refresh policy (common/refresh_policy.hpp).
//
// Every answer is bounded in time whatever upstream does: fetches run on the cache's own
// threads and a request waits for one at most `wait_budget` (then a stale value if allowed,
// else 504). A queued fetch nobody waits for any more is dropped before it calls upstream.
// shutdown() refuses new fetches and ends every wait by a deadline.
//
// Thread-safe. A hit costs one mutex section (hash lookup + LRU splice) and a shared_ptr copy;
// the response body is shared, never copied.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/refresh_policy.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/clock.hpp"
#include "task_pool.hpp"

namespace ssm_cache::cli {

/// A response ready to send: status, body, and for errors the AWS code and whether it is
/// transient (throttling, 5xx, timeouts, connection failures).
struct Outcome {
  int status = 200;
  std::string body{};
  std::string error_code{};
  bool transient = false;
  [[nodiscard]] bool ok() const noexcept { return status == 200; }
};
using OutcomePtr = std::shared_ptr<const Outcome>;

enum class CacheSource {
  kHit,  ///< fresh value from the cache
  kStale,  ///< expired value served (refresh running, or upstream failing transiently)
  kMiss,  ///< fetched (or waited for a fetch) now
  kBypass,  ///< caching off: fetched, not stored
};

struct CacheResult {
  OutcomePtr outcome;
  CacheSource source = CacheSource::kMiss;
};

struct SidecarCacheOptions {
  std::size_t capacity = 1000;  ///< entries; 0 turns caching off
  /// Serve an expired entry at once while one background refresh runs (up to max_stale).
  bool stale_while_refresh = true;
  /// How long past expiry a value may be served, while it is refreshed or while refreshing
  /// fails transiently. Unset: unbounded. Zero: never.
  std::optional<std::chrono::milliseconds> max_stale_if_error{};
  /// First wait before retrying after a transient failure; doubles up to the entry's TTL.
  std::chrono::milliseconds initial_backoff{1000};
  /// Threads running fetches (misses and refreshes); at most this many upstream calls at once.
  std::size_t refresh_threads = 2;
  /// Longest a request waits for a fetch (real time); then a stale value or a 504.
  std::chrono::milliseconds wait_budget{2000};
  /// Time source of expiry and backoff (tests: ssm_cache::testing::ManualClock); null:
  /// std::chrono::steady_clock, read directly (no virtual call). Waits for a fetch are
  /// always measured in real time.
  std::shared_ptr<const ssm_cache::Clock> clock{};
};

/// Whether the client of a waiting request has left (polled while it waits); empty: never.
using ClientGone = std::function<bool()>;

class SidecarCache {
 public:
  using Fetch = std::function<Outcome()>;
  using Clock = std::chrono::steady_clock;

  explicit SidecarCache(SidecarCacheOptions options = {});
  ~SidecarCache();  ///< waits for background refreshes to finish
  SidecarCache(const SidecarCache&) = delete;
  SidecarCache& operator=(const SidecarCache&) = delete;

  /// The response for `key`. `ttl` <= 0 (or capacity 0): `fetch` runs every time, nothing is
  /// stored. `refresh_now`: fetch whatever the cache holds (joins a fetch already running).
  /// `fetch` must not throw (a throw becomes a 500 outcome); it may run on a background thread,
  /// so it must own what it captures.
  /// `client_gone`, when set, is polled while waiting: once true the request stops waiting
  /// (its answer is not sent), so that a queued fetch nobody waits for is dropped.
  CacheResult get(const std::string& key, std::chrono::milliseconds ttl, bool refresh_now,
                  const Fetch& fetch, const ClientGone& client_gone = {});

  /// The same answer as get() when it needs no waiting on the calling thread: a fresh hit, or
  /// a stale value (starting a background refresh if one is due). Empty when get() would
  /// fetch or wait for a fetch (miss, fetch in flight without a value, refresh_now, caching
  /// off); nothing is inserted then. Event loops call this and hand the empty case to a
  /// thread that may block.
  std::optional<CacheResult> try_get(const std::string& key, std::chrono::milliseconds ttl,
                                     bool refresh_now, const Fetch& fetch);

  /// Stores a fetched response (prefetch). Ignored when caching is off or `outcome` is an error.
  void put(const std::string& key, std::chrono::milliseconds ttl, Outcome outcome);

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t capacity() const noexcept { return options_.capacity; }
  [[nodiscard]] std::uint64_t evictions() const;
  /// Blocks until no background refresh is queued or running (tests, shutdown).
  void wait_idle();
  /// wait_idle() for at most `timeout`; false if a fetch is still running (a hung upstream).
  bool wait_idle_for(std::chrono::milliseconds timeout);

  /// From now on no fetch starts (a miss answers 503, a stale value is served if allowed), and
  /// every request still waiting for a fetch gets its answer by `deadline` at the latest.
  void shutdown(Clock::time_point deadline);

 private:
  // One fetch and the requests waiting for it. `waiters` counts requests still waiting; a
  // queued fetch that has none (they timed out or left) and is no background refresh is
  // dropped before it calls upstream.
  struct Flight {
    detail::Mutex mu;
    std::condition_variable cv;
    OutcomePtr result SSM_CACHE_GUARDED_BY(mu);  // set once, with done
    bool done SSM_CACHE_GUARDED_BY(mu) = false;
    // Under mu, but first set before the flight is shared (hence not annotated).
    int waiters = 0;
    bool background = false;
    void finish(OutcomePtr r);
  };
  struct Entry {
    OutcomePtr value;  // last good response; null until the first fetch succeeds
    Clock::time_point expires{};
    Clock::time_point retry_after{};  // meaningful while failures > 0
    std::chrono::milliseconds ttl{0};
    int failures = 0;  // consecutive transient failures since the last good value
    std::shared_ptr<Flight> flight;  // the fetch in progress, if any
    std::list<std::string>::iterator lru;
  };

  Clock::time_point now() const { return ssm_cache::steady_now(options_.clock.get()); }
  common::RefreshState state_of(const Entry& e) const;
  std::optional<CacheResult> lookup(const std::string& key, std::chrono::milliseconds ttl,
                                    bool refresh_now, const Fetch& fetch, bool may_wait,
                                    const ClientGone& client_gone = {});
  bool stale_allowed(const Entry& e, Clock::time_point t) const;
  Entry& insert_locked(const std::string& key) SSM_CACHE_REQUIRES(mu_);
  void evict_locked(const std::string& keep) SSM_CACHE_REQUIRES(mu_);
  CacheResult complete(const std::string& key, const std::shared_ptr<Flight>& flight,
                       Outcome outcome, std::chrono::milliseconds ttl, bool refresh_now);
  void start(const std::string& key, const std::shared_ptr<Flight>& flight,
             std::chrono::milliseconds ttl, bool refresh_now, const Fetch& fetch);
  void abandon(const std::string& key, const std::shared_ptr<Flight>& flight, Outcome why);
  CacheResult wait_for(const std::string& key, const std::shared_ptr<Flight>& flight,
                       const OutcomePtr& before, bool refresh_now, const ClientGone& client_gone);
  static Outcome run(const Fetch& fetch) noexcept;
  static OutcomePtr shutting_down();
  static OutcomePtr timed_out(std::chrono::milliseconds budget);

  SidecarCacheOptions options_;
  /// Stale reads: within max_stale_if_error; always while a fetch runs; an expired entry is
  /// refreshed in the background when stale_while_refresh is on.
  common::StalePolicy policy_;
  mutable detail::Mutex mu_;
  std::unordered_map<std::string, Entry> map_ SSM_CACHE_GUARDED_BY(mu_);
  std::list<std::string> lru_ SSM_CACHE_GUARDED_BY(mu_);  // front: most recently used
  std::uint64_t evictions_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<Clock::rep> shutdown_deadline_{Clock::time_point::max().time_since_epoch().count()};

  // Background refreshes (last: destroyed first, after the destructor has stopped it).
  TaskPool refreshes_;
};

}  // namespace ssm_cache::cli
