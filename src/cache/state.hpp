// Internal state behind SSMParameter / SSMParameterGroup handles: entries publishing immutable
// snapshots, and the group that refreshes them (single flight, expiry, stale-if-error).
//
// Thread-safe. A fresh read costs one acquire load of the group deadline, one of the entry's
// snapshot and one coarse clock read (none when max_age is 0), inside an epoch section
// (reclaim.hpp: two thread-local stores). A replaced snapshot is retired to the epoch domain
// and freed, zeroed, once no reader can hold it; snapshots live in MADV_DONTDUMP memory.
#pragma once

#include <time.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cache/derived.hpp"
#include "cache/reclaim.hpp"
#include "cache/secret_part.hpp"
#include "cache/secure_memory.hpp"
#include "cache/validation.hpp"
#include "common/refresh_policy.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/clock.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/options.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::detail {

inline constexpr std::int64_t kNever = common::kNeverNs;
inline constexpr std::int64_t kNone = common::kNoneNs;
/// A record type a client answers (SecretSource, version-aware refresh) to say "the cached
/// value is still current": publish() keeps the entry's snapshot as if the same record came.
/// Only answered for an entry that has a snapshot (checked under the refresh lock).
inline constexpr std::string_view kUnchangedSecretType = "SecretUnchanged";

/// clock_gettime as the hit path calls it: the vDSO's own entry point when the process has
/// one, else libc's (state.cpp). libc's clock_gettime is a wrapper around the same vDSO
/// function; calling it directly saves the PLT call and the wrapper's checks, about a fifth
/// of a ValueView read with max_age (docs/bench/cache.md).
using ClockGettime = int (*)(clockid_t, timespec*);
extern std::atomic<ClockGettime> g_clock_gettime;

/// Nanoseconds on the injected clock, else on CLOCK_MONOTONIC_COARSE (a few ns, no syscall).
inline std::int64_t now_ns(const Clock* clock) noexcept {
  if (clock == nullptr) [[likely]] {
    timespec ts{};
    g_clock_gettime.load(std::memory_order_relaxed)(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock->now().time_since_epoch())
      .count();
}

/// One fetched value, never modified after publication. The object and its value bytes live
/// in secure memory (excluded from core dumps, zeroed when freed).
struct Snapshot {
  ParameterRecord record;  ///< metadata; its value and source_result are empty
  SecureString value;
  SecureString source_result;
  /// StringList items; empty for other types (their one item is `value`).
  std::vector<SecureString, SecureAllocator<SecureString>> items;
  /// A secret's name, version id, stages and created date (cache/secret_part.hpp), in
  /// ordinary memory (no secret material); null for parameters. Placed after the fields a hit
  /// reads, which it leaves where they were.
  std::shared_ptr<const SecretPart> secret;

  /// Takes the record's value into secure memory and wipes the record's copy.
  explicit Snapshot(ParameterRecord&& fetched, std::shared_ptr<const SecretPart> part = nullptr);
  /// The whole record (value included), as ParameterRecord.
  [[nodiscard]] ParameterRecord to_record() const;
  /// Same value, version and metadata (the secret part included) as a freshly fetched record.
  [[nodiscard]] bool same_as(const ParameterRecord& fetched, const SecretPart* part) const;
  /// The secret's version id; empty for parameters.
  [[nodiscard]] std::string_view version_id() const noexcept {
    return secret ? std::string_view(secret->version_id) : std::string_view();
  }

  static void* operator new(std::size_t bytes) { return secure_allocate(bytes); }
  static void operator delete(void* p, std::size_t bytes) noexcept { secure_free(p, bytes); }
  /// The destroy function handed to reclaim::retire.
  static void destroy(void* p) noexcept { delete static_cast<Snapshot*>(p); }
};

struct GroupState;
class SharedTierSlot;  // cache/shared_tier_slot.hpp

/// A relaxed counter bumped by load + store: no locked instruction (a cache hit must stay a
/// few ns). Exact when one thread writes it; used for rare events under a lock, too.
struct Counter {
  std::atomic<std::uint64_t> n{0};
  void bump() noexcept {
    n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void add(std::uint64_t k) noexcept { n.fetch_add(k, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return n.load(std::memory_order_relaxed); }
};

/// Process-wide counters of events off the hit path (hits are in the thread records).
struct GlobalCounters {
  std::atomic<std::uint64_t> misses{0}, refreshes{0}, stale_serves{0}, errors_transient{0},
      errors_not_found{0}, errors_other{0}, aws_calls{0};
};
GlobalCounters& global_counters() noexcept;

/// One cache entry: a name (with its selector) inside a group.
struct Entry {
  Entry(GroupState* owner, ParsedName parsed)
      : group(owner),
        name(std::move(parsed.name)),
        full_name(std::move(parsed.full_name)),
        selector(std::move(parsed.selector)),
        secret(parsed.secret) {}

  GroupState* const group;  ///< owner; handles keep it alive (aliasing shared_ptr)
  const std::string name;
  const std::string full_name;
  const std::string selector;
  const bool secret;

  /// The value readers see; null before the first fetch, after the entry left the group and
  /// while its name is missing from Parameter Store.
  std::atomic<const Snapshot*> current{nullptr};
  /// Still a member (explicitly added, or found under one of the group's paths).
  std::atomic<bool> active{false};
  /// Per-entry backoff after a definitive error (a missing name): reads of an entry without
  /// a value before this time rethrow `error` without a call (kNone: no backoff).
  std::atomic<std::int64_t> retry_after{kNone};
  std::exception_ptr error;  ///< guarded by group->error_mutex

  /// Hits, sharded by thread (reclaim::ThreadRecord::index) so two readers of one parameter
  /// write different cache lines.
  struct alignas(64) HitSlot {
    Counter hits;
  };
  std::array<HitSlot, 4> hit_slots{};
  std::atomic<std::uint64_t> misses{0};
  std::atomic<std::uint64_t> stale_serves{0};
  std::atomic<std::uint64_t> errors_not_found{0};

  // Guarded by group->refresh_mutex (not annotated: GroupState's functions hold their own
  // refresh_mutex, which the analysis cannot tie to an entry's group->refresh_mutex).
  int consecutive_errors = 0;
  Snapshot* latest = nullptr;  ///< the last published snapshot, owned; retired when replaced
  // Guarded by group->members_mutex.
  bool explicit_member = false;
  int path_refs = 0;

  DerivedCache derived;  ///< transforms of the value (cache/transforms.cpp)
};

/// Group settings, normalized from ParameterOptions / GroupOptions.
struct Settings {
  std::int64_t max_age_ns = 0;
  bool with_decryption = true;
  std::string base_path;
  std::shared_ptr<ParameterClient> client;
  std::optional<std::int64_t> max_stale_ns;
  bool serve_stale_while_refreshing = false;
  double ttl_jitter = 0.0;
  std::int64_t negative_cache_ttl_ns = 0;
  std::shared_ptr<const Clock> clock;
  std::shared_ptr<CacheListener> listener;
  /// Latest deadline the source allows for values fetched at `now` (kNever: none), e.g. a
  /// secret's NextRotationDate; called under the refresh lock. Empty: no cap.
  std::function<std::int64_t(std::int64_t now)> expiry_cap;
  /// The fleet-shared tier the client is read through (options' shared_cache); null: none.
  std::shared_ptr<SharedTierSlot> shared_tier;
  /// Where the group's shared-tier counters are read: shared_tier, or for secrets the slot
  /// their SecretSource reads through.
  std::shared_ptr<SharedTierSlot> shared_tier_stats;
};

Settings make_settings(const ParameterOptions& options);
Settings make_settings(const GroupOptions& options);

/// A hierarchy path the group holds and the entries it found there at the last query.
struct PathSpec {
  std::string path;
  bool recursive = true;
  std::vector<Filter> filters;
  std::vector<Entry*> members;
};

/// A listener event recorded under the refresh lock, delivered after it is released.
struct ListenerEvent {
  enum class Kind { kRefresh, kChange, kError } kind = Kind::kRefresh;
  std::string name;
  std::int64_t old_version = 0;
  std::int64_t new_version = 0;
  std::size_t count = 0;
  std::exception_ptr error;
};

struct GroupState {
  explicit GroupState(Settings s);
  ~GroupState();
  GroupState(const GroupState&) = delete;
  GroupState& operator=(const GroupState&) = delete;

  const Settings settings;
  const Clock* const clock;  ///< settings.clock.get(); null: the coarse monotonic clock
  /// Stale reads (common/refresh_policy.hpp): bounded by max_stale; while another thread
  /// refreshes, the stale value only with serve_stale_while_refreshing; the reader that
  /// finds the group expired refreshes and waits (no background refresh).
  const common::StalePolicy policy;

  /// When the group's values expire (kNever: max_age 0). Stored after the snapshots.
  std::atomic<std::int64_t> deadline{kNever};
  /// Time of the oldest values of the group (kNone: never refreshed).
  std::atomic<std::int64_t> last_refresh{kNone};
  /// After a failed round, implicit refreshes wait until then (kNone: no backoff): reads
  /// serve the stale value (transient error) or rethrow `round_error` (definitive error).
  std::atomic<std::int64_t> next_attempt{kNone};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> refreshes{0};
  std::atomic<std::uint64_t> aws_calls{0};
  std::atomic<std::uint64_t> errors_transient{0};
  std::atomic<std::uint64_t> errors_other{0};
  mutable Mutex error_mutex;  ///< short: round_error, every Entry::error, events
  std::exception_ptr round_error SSM_CACHE_GUARDED_BY(error_mutex);
  bool round_error_transient SSM_CACHE_GUARDED_BY(error_mutex) = false;

  /// Single flight: held for a whole refresh round and by every writer of the group's state;
  /// a reader that finds it taken waits on it, then re-reads what the round published. (Not
  /// a common::Flight: docs/design.md, "Running one refresh at a time", says why.)
  Mutex refresh_mutex;
  mutable Mutex members_mutex;  ///< short: the maps below
  // by full name
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries
      SSM_CACHE_GUARDED_BY(members_mutex);
  std::vector<Entry*> order SSM_CACHE_GUARDED_BY(members_mutex);  // insertion order
  /// Modified only with refresh_mutex and members_mutex held, so read under either: the
  /// analysis has no "either", hence no annotation.
  std::vector<PathSpec> paths;
  int consecutive_failures SSM_CACHE_GUARDED_BY(refresh_mutex) = 0;
  std::vector<ListenerEvent> events SSM_CACHE_GUARDED_BY(error_mutex);

  /// The entry for a parsed name, created if needed; explicit marks it a member.
  Entry& entry(ParsedName parsed, bool explicit_member);
  /// Number of active entries.
  std::size_t size() const;

  /// Calls use(snapshot) with e's current snapshot, refreshing first if needed (throws on
  /// failure: docs/design.md, "Cache semantics"), inside an epoch section: the snapshot stays
  /// alive until use returns. With keep_section, the section is left open (a ValueView closes it).
  template <class Use>
  decltype(auto) with_snapshot(Entry& e, Use&& use, bool keep_section = false) {
    reclaim::ThreadRecord& r = reclaim::this_thread();
    reclaim::enter(r);
    const Snapshot* s = read_fast(e);
    if (s != nullptr) [[likely]] {
      r.hits.store(r.hits.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      e.hit_slots[r.index % e.hit_slots.size()].hits.bump();
    } else {
      s = read_slow(e, r);
    }
    struct Leave {
      reclaim::ThreadRecord& r;
      bool keep;
      ~Leave() {
        if (!keep) reclaim::leave(r);
      }
    } leave{r, keep_section};
    return use(*s);
  }

  /// The snapshot a hit returns (fresh, or no max_age), else null. Inside a section.
  const Snapshot* read_fast(const Entry& e) const noexcept {
    const std::int64_t d = deadline.load(std::memory_order_acquire);
    const Snapshot* s = e.current.load(std::memory_order_seq_cst);  // pairs with reclaim
    if (s != nullptr && (d == kNever || now_ns(clock) < d)) [[likely]]
      return s;
    return nullptr;
  }
  /// Leaves the section, refreshes as needed, re-enters; returns the snapshot to serve.
  const Snapshot* read_slow(Entry& e, reclaim::ThreadRecord& r);
  /// Refreshes e's group as needed; returns when e.current may be served. Throws.
  void prepare_read(Entry& e);

  /// Counters of one entry (with its group's rounds), and of the whole group.
  CacheStats entry_stats(const Entry& e) const;
  CacheStats group_stats() const;

  void record_event(ListenerEvent event);  // no-op without a listener
  /// Delivers the recorded events to the listener; call with no cache lock held.
  void deliver_events() noexcept;

  /// Explicit refresh: one batch round. A transient failure changes nothing; names found
  /// missing fail only themselves (the others take their fresh values), then it throws
  /// InvalidParameterError naming every missing name.
  void refresh();
  /// Drops every cached value, remembered error and backoff (paths and members stay): the
  /// next read fetches. Values are retired (freed and zeroed once no reader holds them).
  void clear();
  /// Write-through (cache/write_through.cpp): entries named `name` without selector that hold
  /// a value take `written` (value, type, version; the other metadata kept) at once, and
  /// `secret` as their secret part when given. Skips an entry already holding a newer version
  /// (written.version > 0 orders them).
  void write_through(const std::string& name, const ParameterRecord& written,
                     const std::shared_ptr<const SecretPart>& secret = nullptr);
  /// GetParametersByPath now; keeps the path for later refreshes.
  std::vector<Entry*> fetch_path(std::string full_path, bool recursive,
                                 std::vector<Filter> filters);

 private:
  struct Found {
    Entry* entry;
    ParameterRecord record;
    std::shared_ptr<const SecretPart> secret;  ///< null for parameters
  };
  struct Fetched {
    std::vector<Found> found;
    std::vector<Entry*> missing;
  };
  std::shared_ptr<ParameterClient> resolve_client() const;
  /// Every member and path; returns the names found missing.
  std::vector<std::string> refresh_all() SSM_CACHE_REQUIRES(refresh_mutex);
  /// Only the members without a value and out of their backoff.
  void fetch_missing() SSM_CACHE_REQUIRES(refresh_mutex);
  /// GetParameters for the entries (split by decryption flag); throws only for the whole call.
  Fetched fetch_names(ParameterClient& client, const std::vector<Entry*>& wanted);
  /// Publishes found values, marks missing entries; returns the missing names.
  std::vector<std::string> commit_names(Fetched fetched, std::int64_t now)
      SSM_CACHE_REQUIRES(refresh_mutex);
  /// The snapshot a read can return without refreshing, or null; rethrows remembered errors.
  const Snapshot* cached_or_remembered(Entry& e, std::int64_t now);
  /// secret: the record's secret part (null for parameters).
  void publish(Entry& e, ParameterRecord record, std::shared_ptr<const SecretPart> secret = nullptr)
      SSM_CACHE_REQUIRES(refresh_mutex);
  void unpublish(Entry& e) SSM_CACHE_REQUIRES(refresh_mutex);  // no value
  void mark_missing(Entry& e, std::int64_t now) SSM_CACHE_REQUIRES(refresh_mutex);
  /// Publishes a path's records and updates membership.
  void adopt_path_members(PathSpec& spec, std::vector<ParameterRecord> records)
      SSM_CACHE_REQUIRES(refresh_mutex);
  void mark_refreshed(std::int64_t now, bool keep_oldest) SSM_CACHE_REQUIRES(refresh_mutex);
  void note_failure(std::int64_t now, std::exception_ptr error, bool transient)
      SSM_CACHE_REQUIRES(refresh_mutex);
  /// Counts a failed round and records it for the listener (inside its catch block).
  void count_round_error(const Error& err);
  std::int64_t backoff_ns(int consecutive) const;
  bool stale_allowed(std::int64_t now) const;
  bool expired(std::int64_t now) const {
    const std::int64_t d = deadline.load(std::memory_order_acquire);
    return d != kNever && now >= d;
  }
};

/// A new group, registered for clear_caches().
std::shared_ptr<GroupState> make_group(Settings settings);
/// Every live group (for clear_caches()).
std::vector<std::shared_ptr<GroupState>> live_groups();

/// A handle's entry: owns the group, points at the entry.
std::shared_ptr<Entry> make_handle(const std::shared_ptr<GroupState>& group, Entry& e);

}  // namespace ssm_cache::detail
