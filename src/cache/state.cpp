// Cache core: group refresh rounds, single flight, stale-if-error, snapshot publication.
// See state.hpp. Thread-safe.
#include "cache/state.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "cache/record_matcher.hpp"
#include "cache/shared_tier_slot.hpp"
#include "common/env.hpp"
#include "common/names.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/parameter.hpp"

namespace ssm_cache::detail {

namespace {

// The vDSO's clock_gettime, found in the link map where the dynamic loader put the vDSO
// (x86-64 and aarch64 names); null without one (valgrind, some sandboxes).
ClockGettime vdso_clock_gettime() noexcept {
  void* vdso = ::dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD);
  if (vdso == nullptr) return nullptr;
  for (const char* name : {"__vdso_clock_gettime", "__kernel_clock_gettime"}) {
    if (void* f = ::dlsym(vdso, name)) return reinterpret_cast<ClockGettime>(f);
  }
  return nullptr;
}

}  // namespace

// Constant-initialized to libc's, so a read during another file's static initialization
// works; switched to the vDSO's during this file's.
constinit std::atomic<ClockGettime> g_clock_gettime{&::clock_gettime};
[[maybe_unused]] const bool g_clock_gettime_resolved = [] {
  if (ClockGettime f = vdso_clock_gettime()) g_clock_gettime.store(f, std::memory_order_relaxed);
  return true;
}();

namespace {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;

constexpr std::int64_t kSecond = 1'000'000'000;

bool same_metadata(const ParameterRecord& a, const ParameterRecord& b) {
  return a.version == b.version && a.type == b.type && a.name == b.name &&
         a.selector == b.selector && a.arn == b.arn && a.last_modified == b.last_modified &&
         a.data_type == b.data_type;
}

bool same_bytes(const SecureString& a, const std::string& b) {
  return std::string_view(a) == std::string_view(b);
}

/// GetParameters, with the records' secret parts when the client has them (SecretSource).
PartedResult get_parted(ParameterClient& client, const std::vector<std::string>& names,
                        bool decrypt) {
  if (auto* parted = dynamic_cast<PartSource*>(&client)) return parted->get_parted(names, decrypt);
  return {client.get_parameters(names, decrypt), {}};
}

double jitter_fraction(double max_fraction) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, max_fraction);
  return dist(rng);
}

constexpr const char* kMaxAgeVariable = "SSM_CACHE_MAX_AGE";
constexpr const char* kDecryptVariable = "SSM_CACHE_DECRYPT";

/// SSM_CACHE_MAX_AGE: whole seconds; unset or empty: 0 (cache forever).
std::int64_t max_age_from_environment() {
  const auto text = common::process_environment()(kMaxAgeVariable);
  if (!text || text->empty()) return 0;
  const std::string_view v(*text);
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  constexpr std::int64_t kMaxSeconds = 100LL * 365 * 24 * 3600;
  if (ec != std::errc() || end != v.data() + v.size() || seconds < 0 || seconds > kMaxSeconds) {
    throw ConfigurationError(std::string(kMaxAgeVariable) +
                             " must be a whole number of seconds (0 = cache forever), got " +
                             quote_input(v));
  }
  return seconds * kSecond;
}

/// SSM_CACHE_DECRYPT: true / false; unset or empty: true.
bool decrypt_from_environment() {
  const auto text = common::process_environment()(kDecryptVariable);
  if (!text || text->empty()) return true;
  return common::parse_bool_setting(*text, kDecryptVariable, "the environment");
}

template <class Options>
Settings settings_from(const Options& o) {
  Settings s;
  // The option set in code wins over the environment, which wins over the default.
  s.max_age_ns = o.max_age
                     ? std::max<std::int64_t>(0, duration_cast<nanoseconds>(*o.max_age).count())
                     : max_age_from_environment();
  s.with_decryption = o.with_decryption ? *o.with_decryption : decrypt_from_environment();
  s.client = o.client;
  if (o.max_stale) {
    s.max_stale_ns = std::max<std::int64_t>(0, duration_cast<nanoseconds>(*o.max_stale).count());
  }
  s.serve_stale_while_refreshing = o.serve_stale_while_refreshing;
  if (!(o.ttl_jitter >= 0.0 && o.ttl_jitter <= 1.0)) {
    throw ConfigurationError("ttl_jitter must be between 0 and 1, got " +
                             std::to_string(o.ttl_jitter));
  }
  s.ttl_jitter = o.ttl_jitter;
  s.negative_cache_ttl_ns =
      std::max<std::int64_t>(0, duration_cast<nanoseconds>(o.negative_cache_ttl).count());
  s.clock = o.clock;
  s.listener = o.listener;
  if (o.shared_cache)
    s.shared_tier = s.shared_tier_stats = std::make_shared<SharedTierSlot>(*o.shared_cache);
  return s;
}

}  // namespace

Settings make_settings(const ParameterOptions& options) { return settings_from(options); }

Settings make_settings(const GroupOptions& options) {
  Settings s = settings_from(options);
  if (!options.base_path.empty()) validate_path(options.base_path);
  s.base_path = options.base_path;
  return s;
}

Snapshot::Snapshot(ParameterRecord&& fetched, std::shared_ptr<const SecretPart> part)
    : value(fetched.value.data(), fetched.value.size()),
      source_result(fetched.source_result.data(), fetched.source_result.size()),
      secret(std::move(part)) {
  // StringList items; other types keep no second copy (values() gives {value}).
  std::string_view rest(value);
  while (fetched.type == "StringList") {
    const auto comma = rest.find(',');
    items.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  wipe(fetched.value);
  wipe(fetched.source_result);
  record = std::move(fetched);
}

ParameterRecord Snapshot::to_record() const {
  ParameterRecord out = record;
  out.value.assign(value.data(), value.size());
  out.source_result.assign(source_result.data(), source_result.size());
  return out;
}

bool Snapshot::same_as(const ParameterRecord& fetched, const SecretPart* part) const {
  const bool same_part = secret == nullptr ? part == nullptr : part != nullptr && *secret == *part;
  return same_part && same_metadata(record, fetched) && same_bytes(value, fetched.value) &&
         same_bytes(source_result, fetched.source_result);
}

GroupState::GroupState(Settings s)
    : settings(std::move(s)),
      clock(settings.clock.get()),
      policy{.max_stale_ns = settings.max_stale_ns,
             .stale_while_refreshing = settings.serve_stale_while_refreshing} {}

GroupState::~GroupState() {
  // Views may still pin these snapshots (a ValueView outliving every handle): retire them.
  for (auto& [name, e] : entries) reclaim::retire(e->latest, &Snapshot::destroy);
}

namespace {

struct GroupRegistry {
  Mutex mutex;
  std::vector<std::weak_ptr<GroupState>> groups SSM_CACHE_GUARDED_BY(mutex);
  std::size_t prune_at SSM_CACHE_GUARDED_BY(mutex) = 64;
};

GroupRegistry& registry() {
  static GroupRegistry* r = new GroupRegistry;  // never destroyed: handles may outlive main
  return *r;
}

}  // namespace

GlobalCounters& global_counters() noexcept {
  static GlobalCounters counters;
  return counters;
}

namespace {

void count(std::atomic<std::uint64_t>& group_or_entry,
           std::atomic<std::uint64_t> GlobalCounters::*global, std::uint64_t k = 1) {
  group_or_entry.fetch_add(k, std::memory_order_relaxed);
  (global_counters().*global).fetch_add(k, std::memory_order_relaxed);
}

std::uint64_t load(const std::atomic<std::uint64_t>& c) {
  return c.load(std::memory_order_relaxed);
}

/// Where a failed round's error is counted.
std::atomic<std::uint64_t> GlobalCounters::*error_counter(const Error& err) {
  if (err.transient()) return &GlobalCounters::errors_transient;
  if (dynamic_cast<const InvalidParameterError*>(&err) != nullptr) {
    return &GlobalCounters::errors_not_found;
  }
  return &GlobalCounters::errors_other;
}

}  // namespace

CacheStats GroupState::entry_stats(const Entry& e) const {
  CacheStats out;
  for (const auto& slot : e.hit_slots) out.hits += slot.hits.get();
  out.misses = load(e.misses);
  out.stale_serves = load(e.stale_serves);
  out.errors_not_found = load(e.errors_not_found);
  out.refreshes = load(refreshes);
  out.errors_transient = load(errors_transient);
  out.errors_other = load(errors_other);
  out.aws_calls = load(aws_calls);
  if (settings.shared_tier_stats) settings.shared_tier_stats->add_stats(out);
  return out;
}

CacheStats GroupState::group_stats() const {
  CacheStats out;
  {
    MutexLock lock(members_mutex);
    for (const Entry* e : order) {
      const CacheStats one = entry_stats(*e);
      out.hits += one.hits;
      out.misses += one.misses;
      out.stale_serves += one.stale_serves;
      out.errors_not_found += one.errors_not_found;
    }
  }
  out.refreshes = load(refreshes);
  out.errors_transient = load(errors_transient);
  out.errors_other = load(errors_other);
  out.aws_calls = load(aws_calls);
  if (settings.shared_tier_stats) settings.shared_tier_stats->add_stats(out);
  return out;
}

void GroupState::record_event(ListenerEvent event) {
  if (!settings.listener) return;
  MutexLock lock(error_mutex);
  events.push_back(std::move(event));
}

void GroupState::deliver_events() noexcept {
  if (!settings.listener) return;
  std::vector<ListenerEvent> ready;
  {
    MutexLock lock(error_mutex);
    ready.swap(events);
  }
  CacheListener& listener = *settings.listener;
  for (const auto& ev : ready) {
    try {
      switch (ev.kind) {
        case ListenerEvent::Kind::kRefresh: listener.on_refresh(ev.count); break;
        case ListenerEvent::Kind::kChange:
          listener.on_change(ev.name, ev.old_version, ev.new_version);
          break;
        case ListenerEvent::Kind::kError: try { std::rethrow_exception(ev.error);
          } catch (const Error& err) {
            listener.on_error(err);
          }
          break;
      }
    } catch (...) {
      // A listener must not break the read that refreshed.
    }
  }
}

std::shared_ptr<GroupState> make_group(Settings settings) {
  auto group = std::make_shared<GroupState>(std::move(settings));
  GroupRegistry& r = registry();
  MutexLock lock(r.mutex);
  if (r.groups.size() >= r.prune_at) {
    std::erase_if(r.groups, [](const auto& g) { return g.expired(); });
    r.prune_at = std::max<std::size_t>(64, 2 * r.groups.size());
  }
  r.groups.push_back(group);
  return group;
}

std::vector<std::shared_ptr<GroupState>> live_groups() {
  GroupRegistry& r = registry();
  MutexLock lock(r.mutex);
  std::vector<std::shared_ptr<GroupState>> out;
  for (const auto& weak : r.groups) {
    if (auto g = weak.lock()) out.push_back(std::move(g));
  }
  return out;
}

void GroupState::clear() {
  MutexLock lock(refresh_mutex);
  {
    MutexLock members_lock(members_mutex);
    for (Entry* e : order) {
      e->consecutive_errors = 0;
      e->retry_after.store(kNone, std::memory_order_release);
      if (e->latest != nullptr || e->current.load(std::memory_order_relaxed) != nullptr) {
        unpublish(*e);
      }
    }
  }
  consecutive_failures = 0;
  next_attempt.store(kNone, std::memory_order_release);
  last_refresh.store(kNone, std::memory_order_release);
  deadline.store(kNever, std::memory_order_release);
}

std::shared_ptr<Entry> make_handle(const std::shared_ptr<GroupState>& group, Entry& e) {
  return std::shared_ptr<Entry>(group, &e);
}

Entry& GroupState::entry(ParsedName parsed, bool explicit_member) {
  MutexLock lock(members_mutex);
  auto it = entries.find(parsed.full_name);
  if (it == entries.end()) {
    std::string key = parsed.full_name;
    auto owned = std::make_unique<Entry>(this, std::move(parsed));
    order.push_back(owned.get());
    it = entries.emplace(std::move(key), std::move(owned)).first;
  }
  Entry& e = *it->second;
  if (explicit_member) {
    e.explicit_member = true;
    e.active.store(true, std::memory_order_release);
  }
  return e;
}

std::size_t GroupState::size() const {
  MutexLock lock(members_mutex);
  return static_cast<std::size_t>(std::count_if(order.begin(), order.end(), [](const Entry* e) {
    return e->active.load(std::memory_order_relaxed);
  }));
}

std::shared_ptr<ParameterClient> GroupState::resolve_client() const {
  auto client = settings.client ? settings.client : default_client();
  return settings.shared_tier ? settings.shared_tier->wrap(client) : client;
}

bool GroupState::stale_allowed(std::int64_t now) const {
  return common::stale_allowed(policy, deadline.load(std::memory_order_acquire), now);
}

std::int64_t GroupState::backoff_ns(int consecutive) const {
  // 1 s, 2 s, 4 s ... capped at max_age (a minute when values never expire): no call on
  // every read while the source is down or a name is missing.
  constexpr std::int64_t kCapWithoutMaxAge = 60 * kSecond;
  const std::int64_t cap = settings.max_age_ns > 0 ? settings.max_age_ns : kCapWithoutMaxAge;
  return common::backoff(kSecond, cap, consecutive);
}

void GroupState::note_failure(std::int64_t now, std::exception_ptr error, bool transient) {
  failures.fetch_add(1, std::memory_order_relaxed);
  ++consecutive_failures;
  {
    MutexLock lock(error_mutex);
    round_error = std::move(error);
    round_error_transient = transient;
  }
  next_attempt.store(now + backoff_ns(consecutive_failures), std::memory_order_release);
}

void GroupState::mark_refreshed(std::int64_t now, bool keep_oldest) {
  const std::int64_t at = now;
  if (keep_oldest) {
    // Values fetched in between keep the group's oldest time (and its expiry), within the
    // source's expiry cap.
    if (last_refresh.load(std::memory_order_acquire) != kNone) {
      if (settings.expiry_cap) {
        const std::int64_t cap = settings.expiry_cap(at);
        if (cap < deadline.load(std::memory_order_acquire)) {
          deadline.store(cap, std::memory_order_release);  // refresh_mutex held: one writer
        }
      }
      return;
    }
  } else {
    consecutive_failures = 0;
    next_attempt.store(kNone, std::memory_order_release);
  }
  last_refresh.store(at, std::memory_order_release);
  std::int64_t d = kNever;
  if (settings.max_age_ns > 0) {
    std::int64_t age = settings.max_age_ns;
    if (settings.ttl_jitter > 0.0) {
      age -= static_cast<std::int64_t>(static_cast<double>(age) *
                                       jitter_fraction(settings.ttl_jitter));
    }
    d = at + age;
  }
  if (settings.expiry_cap) d = std::min(d, settings.expiry_cap(at));
  deadline.store(d, std::memory_order_release);
}

void GroupState::publish(Entry& e, ParameterRecord record,
                         std::shared_ptr<const SecretPart> secret) {
  if (e.consecutive_errors != 0) {
    e.consecutive_errors = 0;
    e.retry_after.store(kNone, std::memory_order_release);
  }
  if (e.latest != nullptr &&
      (record.type == kUnchangedSecretType || e.latest->same_as(record, secret.get()))) {
    // Same value and version: no new snapshot, memory grows only with real changes.
    wipe(record.value);
    wipe(record.source_result);
    if (e.current.load(std::memory_order_relaxed) != e.latest) {
      e.current.store(e.latest, std::memory_order_seq_cst);
    }
    return;
  }
  Snapshot* replaced = e.latest;
  e.latest = new Snapshot(std::move(record), std::move(secret));
  if (replaced != nullptr) {
    record_event({ListenerEvent::Kind::kChange, e.full_name, replaced->record.version,
                  e.latest->record.version, 0, nullptr});
  }
  e.current.store(e.latest, std::memory_order_seq_cst);  // unlink before retiring
  reclaim::retire(replaced, &Snapshot::destroy);
}

void GroupState::unpublish(Entry& e) {
  e.current.store(nullptr, std::memory_order_seq_cst);
  reclaim::retire(std::exchange(e.latest, nullptr), &Snapshot::destroy);
}

void GroupState::mark_missing(Entry& e, std::int64_t now) {
  // A missing name fails only itself: its reads throw ParameterNotFound, remembered for a
  // growing per-entry backoff (or negative_cache_ttl when set), so no read calls the API.
  ++e.consecutive_errors;
  count(e.errors_not_found, &GlobalCounters::errors_not_found);
  const std::int64_t wait = settings.negative_cache_ttl_ns > 0 ? settings.negative_cache_ttl_ns
                                                               : backoff_ns(e.consecutive_errors);
  {
    MutexLock lock(error_mutex);
    e.error = std::make_exception_ptr(
        InvalidParameterError("parameter not found: '" + e.full_name + "'", {e.full_name}));
  }
  e.retry_after.store(now + wait, std::memory_order_release);
  unpublish(e);
}

GroupState::Fetched GroupState::fetch_names(ParameterClient& client,
                                            const std::vector<Entry*>& wanted) {
  Fetched out;
  if (wanted.empty()) return out;
  // Secret references are always decrypted (AWS rejects them otherwise).
  for (const bool decrypt : {true, false}) {
    std::vector<Entry*> part;
    for (Entry* e : wanted) {
      if ((e->secret || settings.with_decryption) == decrypt) part.push_back(e);
    }
    if (part.empty()) continue;
    std::vector<std::string> names;
    names.reserve(part.size());
    for (Entry* e : part) names.push_back(e->full_name);
    count(aws_calls, &GlobalCounters::aws_calls, (names.size() + 9) / 10);  // 10 names a call
    PartedResult answer = get_parted(client, names, decrypt);
    const RecordMatcher matcher(answer.result, part);
    for (Entry* e : part) {
      if (ParameterRecord* rec = matcher.find(*e)) {
        // A copy: two entries may match one record.
        out.found.push_back({e, *rec, answer.part_of(*rec)});
      } else {
        out.missing.push_back(e);
      }
    }
    for (auto& rec : answer.result.parameters) {
      wipe(rec.value);
      wipe(rec.source_result);
    }
  }
  return out;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): the records are moved out of it
std::vector<std::string> GroupState::commit_names(Fetched fetched, std::int64_t now) {
  for (auto& f : fetched.found) publish(*f.entry, std::move(f.record), std::move(f.secret));
  std::vector<std::string> missing;
  for (Entry* e : fetched.missing) {
    mark_missing(*e, now);
    missing.push_back(e->full_name);
  }
  if (!missing.empty()) {
    record_event({ListenerEvent::Kind::kError,
                  {},
                  0,
                  0,
                  missing.size(),
                  std::make_exception_ptr(InvalidParameterError(missing))});
  }
  return missing;
}

std::vector<std::string> GroupState::refresh_all() {
  const auto client = resolve_client();
  std::vector<Entry*> wanted;
  {
    MutexLock lock(members_mutex);
    for (Entry* e : order) {
      if (e->explicit_member) wanted.push_back(e);
    }
  }
  // Everything is fetched before anything changes: a transient failure changes nothing.
  Fetched fetched = fetch_names(*client, wanted);
  std::vector<std::vector<ParameterRecord>> by_path;
  by_path.reserve(paths.size());
  for (const auto& p : paths) {
    count(aws_calls, &GlobalCounters::aws_calls);
    by_path.push_back(
        client->get_parameters_by_path(p.path, p.recursive, p.filters, settings.with_decryption));
  }
  const std::int64_t now = now_ns(clock);
  std::size_t fetched_count = fetched.found.size();
  for (const auto& records : by_path) fetched_count += records.size();
  auto missing = commit_names(std::move(fetched), now);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    adopt_path_members(paths[i], std::move(by_path[i]));
  }
  mark_refreshed(now, false);
  count(refreshes, &GlobalCounters::refreshes);
  record_event({ListenerEvent::Kind::kRefresh, {}, 0, 0, fetched_count, nullptr});
  return missing;
}

void GroupState::fetch_missing() {
  const auto client = resolve_client();
  const std::int64_t now = now_ns(clock);
  std::vector<Entry*> wanted;
  {
    MutexLock lock(members_mutex);
    for (Entry* e : order) {
      if (e->explicit_member && e->current.load(std::memory_order_relaxed) == nullptr &&
          e->retry_after.load(std::memory_order_relaxed) <= now) {
        wanted.push_back(e);
      }
    }
  }
  Fetched fetched = fetch_names(*client, wanted);
  const std::size_t fetched_count = fetched.found.size();
  commit_names(std::move(fetched), now_ns(clock));
  mark_refreshed(now_ns(clock), true);
  count(refreshes, &GlobalCounters::refreshes);
  record_event({ListenerEvent::Kind::kRefresh, {}, 0, 0, fetched_count, nullptr});
}

namespace {
std::exception_ptr load_error(detail::Mutex& mutex, const std::exception_ptr& error) {
  MutexLock lock(mutex);
  return error;
}
}  // namespace

const Snapshot* GroupState::cached_or_remembered(Entry& e, std::int64_t now) {
  if (!e.active.load(std::memory_order_acquire)) {
    throw InvalidParameterError(
        "parameter '" + e.full_name + "' is no longer in Parameter Store under the group's paths",
        {e.full_name});
  }
  const Snapshot* s = e.current.load(std::memory_order_acquire);
  if (s == nullptr) {
    // A name found missing backs off on its own, with a definitive error.
    const common::RefreshState missing{
        .has_value = false,
        .next_attempt = e.retry_after.load(std::memory_order_acquire),
        .failure = common::FailureKind::kDefinitive};
    if (common::decide(policy, missing, now) == common::ReadDecision::kRethrow) {
      if (auto remembered = load_error(error_mutex, e.error)) std::rethrow_exception(remembered);
    }
  }
  common::RefreshState group{.has_value = s != nullptr,
                             .expires = deadline.load(std::memory_order_acquire),
                             .next_attempt = next_attempt.load(std::memory_order_acquire)};
  std::exception_ptr remembered;
  if (group.next_attempt > now) {
    // Backing off after a failed round: stale value (transient) or the remembered error.
    MutexLock lock(error_mutex);
    remembered = round_error;
    group.failure = round_error_transient ? common::FailureKind::kTransient
                    : remembered          ? common::FailureKind::kDefinitive
                                          : common::FailureKind::kNone;
  }
  switch (common::decide(policy, group, now)) {
    case common::ReadDecision::kServe:
    case common::ReadDecision::kServeStale: return s;
    case common::ReadDecision::kRethrow: std::rethrow_exception(remembered);
    default: return nullptr;
  }
}

const Snapshot* GroupState::read_slow(Entry& e, reclaim::ThreadRecord& r) {
  // Refresh outside the section, so that what this refresh retires can be freed at once.
  reclaim::leave(r);
  count(e.misses, &GlobalCounters::misses);
  prepare_read(e);
  reclaim::enter(r);
  if (const Snapshot* s = e.current.load(std::memory_order_seq_cst)) {
    if (expired(now_ns(clock))) count(e.stale_serves, &GlobalCounters::stale_serves);
    return s;
  }
  // Removed between the refresh and this load (another refresh found it missing).
  reclaim::leave(r);
  (void)cached_or_remembered(e, now_ns(clock));
  throw InvalidParameterError({e.full_name});
}

namespace {
/// Delivers listener events when leaving the scope: declared before the lock, it runs after
/// the lock is released, also when an exception leaves.
struct DeliverOnExit {
  GroupState& group;
  ~DeliverOnExit() { group.deliver_events(); }
};
}  // namespace

void GroupState::count_round_error(const Error& err) {
  auto counter = error_counter(err);
  if (counter == &GlobalCounters::errors_transient) {
    count(errors_transient, counter);
  } else if (counter == &GlobalCounters::errors_other) {
    count(errors_other, counter);
  }
  record_event({ListenerEvent::Kind::kError, {}, 0, 0, 0, std::current_exception()});
}

void GroupState::prepare_read(Entry& e) {
  std::int64_t now = now_ns(clock);
  if (cached_or_remembered(e, now) != nullptr) return;
  DeliverOnExit deliver{*this};
  UniqueLock lock(refresh_mutex, std::defer_lock);
  if (!lock.try_lock()) {
    // Another thread is refreshing: serve the old value (as the policy allows) or wait.
    const common::RefreshState running{
        .has_value = e.current.load(std::memory_order_acquire) != nullptr,
        .expires = deadline.load(std::memory_order_acquire),
        .refresh_in_flight = true};
    const auto decision = common::decide(policy, running, now);
    if (decision == common::ReadDecision::kServeStale) return;
    lock.lock();
  }
  // Single flight: whoever held the lock may have refreshed already.
  now = now_ns(clock);
  if (cached_or_remembered(e, now) != nullptr) return;
  const bool had_value = e.current.load(std::memory_order_acquire) != nullptr;
  try {
    if (!had_value && last_refresh.load(std::memory_order_acquire) != kNone && !expired(now)) {
      fetch_missing();  // the group is fresh: fetch only what has no value
    } else {
      refresh_all();
    }
  } catch (const Error& err) {
    count_round_error(err);
    const bool serve_stale = had_value && err.transient() && stale_allowed(now);
    // Remember the failure: stale value or the error until the backoff is over. A first
    // fetch failing transiently is not remembered (nothing to serve; the caller may retry).
    if (serve_stale || !err.transient()) note_failure(now, std::current_exception(), serve_stale);
    if (serve_stale) return;
    throw;
  }
  if (cached_or_remembered(e, now_ns(clock)) != nullptr) return;
  if (e.current.load(std::memory_order_acquire) == nullptr) {
    throw InvalidParameterError({e.full_name});
  }
}

void GroupState::refresh() {
  DeliverOnExit deliver{*this};
  MutexLock lock(refresh_mutex);
  std::vector<std::string> missing;
  try {
    missing = refresh_all();
  } catch (const Error& err) {
    count_round_error(err);
    throw;
  }
  if (!missing.empty()) throw InvalidParameterError(std::move(missing));
}

void GroupState::adopt_path_members(PathSpec& spec, std::vector<ParameterRecord> records) {
  std::vector<Entry*> members;
  members.reserve(records.size());
  for (auto& rec : records) {
    ParsedName parsed;
    parsed.name = rec.name;
    parsed.full_name = rec.name;
    parsed.secret = rec.name.starts_with(common::kSecretReferencePrefix);
    Entry& e = entry(std::move(parsed), false);
    publish(e, std::move(rec));
    members.push_back(&e);
  }
  MutexLock lock(members_mutex);
  for (Entry* e : members) ++e->path_refs;
  for (Entry* e : spec.members) --e->path_refs;
  for (Entry* e : members) e->active.store(true, std::memory_order_release);
  for (Entry* e : spec.members) {
    if (e->path_refs == 0 && !e->explicit_member) {
      // Deleted from Parameter Store: no longer a member.
      e->active.store(false, std::memory_order_release);
      unpublish(*e);
    }
  }
  spec.members = std::move(members);
}

std::vector<Entry*> GroupState::fetch_path(std::string full_path, bool recursive,
                                           std::vector<Filter> filters) {
  DeliverOnExit deliver{*this};
  MutexLock lock(refresh_mutex);
  const auto client = resolve_client();
  count(aws_calls, &GlobalCounters::aws_calls);
  auto records =
      client->get_parameters_by_path(full_path, recursive, filters, settings.with_decryption);
  PathSpec* spec = nullptr;
  {
    MutexLock members_lock(members_mutex);
    auto it = std::find_if(paths.begin(), paths.end(), [&](const PathSpec& p) {
      return p.path == full_path && p.recursive == recursive && p.filters == filters;
    });
    if (it == paths.end()) {
      paths.push_back(PathSpec{std::move(full_path), recursive, std::move(filters), {}});
      it = std::prev(paths.end());
    }
    spec = &*it;
  }
  const std::size_t fetched_count = records.size();
  adopt_path_members(*spec, std::move(records));
  // The group expires when its first-fetched values do.
  mark_refreshed(now_ns(clock), true);
  count(refreshes, &GlobalCounters::refreshes);
  record_event({ListenerEvent::Kind::kRefresh, {}, 0, 0, fetched_count, nullptr});
  return spec->members;
}

}  // namespace ssm_cache::detail
