// Cache core: group refresh rounds, single flight, stale-if-error, snapshot publication.
// See state.hpp. Thread-safe.
#include "cache/state.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "ssm_cache/errors.hpp"
#include "ssm_cache/parameter.hpp"

namespace ssm_cache::detail {

namespace {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;

constexpr std::int64_t kSecond = 1'000'000'000;

std::vector<std::string> split_items(const ParameterRecord& record) {
  std::vector<std::string> items;
  if (record.type != "StringList") {
    items.push_back(record.value);
    return items;
  }
  std::size_t start = 0;
  for (;;) {
    const auto comma = record.value.find(',', start);
    items.push_back(record.value.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

bool same_record(const ParameterRecord& a, const ParameterRecord& b) {
  return a.version == b.version && a.value == b.value && a.type == b.type && a.name == b.name &&
         a.selector == b.selector && a.arn == b.arn && a.last_modified == b.last_modified &&
         a.data_type == b.data_type && a.source_result == b.source_result;
}

double jitter_fraction(double max_fraction) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> dist(0.0, max_fraction);
  return dist(rng);
}

template <class Options>
Settings settings_from(const Options& o) {
  Settings s;
  s.max_age_ns = std::max<std::int64_t>(0, duration_cast<nanoseconds>(o.max_age).count());
  s.with_decryption = o.with_decryption;
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

GroupState::GroupState(Settings s) : settings(std::move(s)), clock(settings.clock.get()) {}

std::shared_ptr<Entry> make_handle(const std::shared_ptr<GroupState>& group, Entry& e) {
  return std::shared_ptr<Entry>(group, &e);
}

Entry& GroupState::entry(ParsedName parsed, bool explicit_member) {
  std::lock_guard lock(members_mutex);
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
  std::lock_guard lock(members_mutex);
  return static_cast<std::size_t>(std::count_if(order.begin(), order.end(), [](const Entry* e) {
    return e->active.load(std::memory_order_relaxed);
  }));
}

std::shared_ptr<ParameterClient> GroupState::resolve_client() const {
  if (settings.client) return settings.client;
  return default_client();
}

bool GroupState::stale_allowed(std::int64_t now) const {
  if (!settings.max_stale_ns) return true;
  const std::int64_t d = deadline.load(std::memory_order_acquire);
  if (d == kNever) return true;
  return now - d < *settings.max_stale_ns;
}

void GroupState::note_failure(std::int64_t now) {
  failures.fetch_add(1, std::memory_order_relaxed);
  ++consecutive_failures;
  // 1 s, 2 s, 4 s ... capped at max_age: no call on every read while the source is down.
  const int shift = std::min(consecutive_failures - 1, 30);
  std::int64_t backoff = kSecond << shift;
  if (settings.max_age_ns > 0) backoff = std::min(backoff, settings.max_age_ns);
  next_attempt.store(now + backoff, std::memory_order_release);
}

void GroupState::mark_refreshed(std::int64_t now, bool keep_oldest) {
  const std::int64_t at = now;
  if (keep_oldest) {
    // Values fetched in between keep the group's oldest time (and its expiry).
    if (last_refresh.load(std::memory_order_acquire) != kNone) return;
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
  deadline.store(d, std::memory_order_release);
}

void GroupState::publish(Entry& e, ParameterRecord record) {
  if (e.latest != nullptr && same_record(e.latest->record, record)) {
    // Same value and version: no new snapshot, memory grows only with real changes.
    if (e.current.load(std::memory_order_relaxed) != e.latest) {
      e.current.store(e.latest, std::memory_order_release);
    }
    return;
  }
  auto snap = std::make_unique<Snapshot>();
  snap->items = split_items(record);
  snap->record = std::move(record);
  e.latest = snap.get();
  e.retained.push_back(std::move(snap));
  e.current.store(e.latest, std::memory_order_release);
}

std::vector<std::pair<Entry*, ParameterRecord>> GroupState::fetch_names(
    ParameterClient& client, const std::vector<Entry*>& wanted, Mode mode) {
  std::vector<std::pair<Entry*, ParameterRecord>> found;
  if (wanted.empty()) return found;
  const std::int64_t now = now_ns(clock);
  if (mode == Mode::kImplicit) {
    std::vector<std::string> remembered;
    for (Entry* e : wanted) {
      if (e->missing_until.load(std::memory_order_acquire) > now) {
        remembered.push_back(e->full_name);
      }
    }
    if (!remembered.empty()) throw InvalidParameterError(std::move(remembered));
  }

  std::vector<std::string> missing;
  std::vector<Entry*> missing_entries;
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
    GetParametersResult result = client.get_parameters(names, decrypt);

    std::set<std::string> invalid(result.invalid_parameters.begin(),
                                  result.invalid_parameters.end());
    std::map<std::pair<std::string, std::string>, ParameterRecord*> by_key;
    std::map<std::string, int> requested_per_name;
    for (auto& rec : result.parameters) by_key.emplace(std::pair{rec.name, rec.selector}, &rec);
    for (Entry* e : part) ++requested_per_name[e->name];
    for (Entry* e : part) {
      ParameterRecord* rec = nullptr;
      if (invalid.count(e->full_name) == 0) {
        const std::string sel = e->selector.empty() ? std::string() : ":" + e->selector;
        if (auto it = by_key.find({e->name, sel}); it != by_key.end()) {
          rec = it->second;
        } else if (!e->selector.empty() && requested_per_name[e->name] == 1) {
          // A server that omits Selector: match by name when that is unambiguous.
          if (auto plain = by_key.find({e->name, std::string()}); plain != by_key.end()) {
            rec = plain->second;
          }
        }
      }
      if (rec == nullptr) {
        missing.push_back(e->full_name);
        missing_entries.push_back(e);
      } else {
        found.emplace_back(e, *rec);
      }
    }
  }
  if (!missing.empty()) {
    if (settings.negative_cache_ttl_ns > 0) {
      for (Entry* e : missing_entries) {
        e->missing_until.store(now + settings.negative_cache_ttl_ns, std::memory_order_release);
      }
    }
    throw InvalidParameterError(std::move(missing));
  }
  return found;
}

void GroupState::refresh_all(Mode mode) {
  const auto client = resolve_client();
  std::vector<Entry*> wanted;
  {
    std::lock_guard lock(members_mutex);
    for (Entry* e : order) {
      if (e->explicit_member) wanted.push_back(e);
    }
  }
  auto found = fetch_names(*client, wanted, mode);
  std::vector<std::vector<ParameterRecord>> by_path;
  by_path.reserve(paths.size());
  for (const auto& p : paths) {
    by_path.push_back(client->get_parameters_by_path(p.path, p.recursive, p.filters,
                                                     settings.with_decryption));
  }
  // Everything fetched: commit.
  for (auto& [e, rec] : found) publish(*e, std::move(rec));
  for (std::size_t i = 0; i < paths.size(); ++i) {
    std::vector<Entry*> members;
    for (auto& rec : by_path[i]) {
      ParsedName parsed;
      parsed.name = rec.name;
      parsed.full_name = rec.name;
      parsed.secret = rec.name.starts_with(kSecretPrefix);
      Entry& e = entry(std::move(parsed), false);
      publish(e, std::move(rec));
      members.push_back(&e);
    }
    std::lock_guard lock(members_mutex);
    for (Entry* e : members) ++e->path_refs;
    for (Entry* e : paths[i].members) --e->path_refs;
    for (Entry* e : members) e->active.store(true, std::memory_order_release);
    for (Entry* e : paths[i].members) {
      if (e->path_refs == 0 && !e->explicit_member) {
        // Deleted from Parameter Store: no longer a member; old views stay valid.
        e->active.store(false, std::memory_order_release);
        e->current.store(nullptr, std::memory_order_release);
      }
    }
    paths[i].members = std::move(members);
  }
  for (Entry* e : wanted) e->missing_until.store(kNone, std::memory_order_relaxed);
  mark_refreshed(now_ns(clock), false);
}

void GroupState::fetch_missing(Mode mode) {
  const auto client = resolve_client();
  std::vector<Entry*> wanted;
  {
    std::lock_guard lock(members_mutex);
    for (Entry* e : order) {
      if (e->explicit_member && e->current.load(std::memory_order_relaxed) == nullptr) {
        wanted.push_back(e);
      }
    }
  }
  auto found = fetch_names(*client, wanted, mode);
  for (auto& [e, rec] : found) publish(*e, std::move(rec));
  mark_refreshed(now_ns(clock), true);
}

const Snapshot& GroupState::read_slow(Entry& e) {
  const auto gone = [&e] {
    return InvalidParameterError("parameter '" + e.full_name +
                                     "' is no longer in Parameter Store under the group's paths",
                                 {e.full_name});
  };
  std::int64_t now = now_ns(clock);
  const Snapshot* s = e.current.load(std::memory_order_acquire);
  if (!e.active.load(std::memory_order_acquire)) throw gone();
  if (s != nullptr && !expired(now)) return *s;
  if (s != nullptr && next_attempt.load(std::memory_order_acquire) > now && stale_allowed(now)) {
    return *s;  // backing off after a transient failure
  }
  std::unique_lock lock(refresh_mutex, std::defer_lock);
  if (s != nullptr && settings.serve_stale_while_refreshing && stale_allowed(now)) {
    if (!lock.try_lock()) return *s;  // another thread is refreshing: serve the old value
  } else {
    lock.lock();
  }
  // Single flight: whoever held the lock may have refreshed already.
  now = now_ns(clock);
  s = e.current.load(std::memory_order_acquire);
  if (!e.active.load(std::memory_order_acquire)) throw gone();
  if (s != nullptr && !expired(now)) return *s;
  if (s != nullptr && next_attempt.load(std::memory_order_acquire) > now && stale_allowed(now)) {
    return *s;
  }
  try {
    if (s == nullptr && last_refresh.load(std::memory_order_acquire) != kNone && !expired(now)) {
      fetch_missing(Mode::kImplicit);  // the group is fresh: fetch only what has no value
    } else {
      refresh_all(Mode::kImplicit);
    }
  } catch (const Error& err) {
    if (s != nullptr && err.transient() && stale_allowed(now)) {
      note_failure(now);
      return *s;  // stale-if-error
    }
    throw;
  }
  const Snapshot* fresh = e.current.load(std::memory_order_acquire);
  if (fresh == nullptr) throw gone();
  return *fresh;
}

void GroupState::refresh() {
  std::lock_guard lock(refresh_mutex);
  refresh_all(Mode::kExplicit);
}

std::vector<Entry*> GroupState::fetch_path(std::string full_path, bool recursive,
                                           std::vector<Filter> filters) {
  std::lock_guard lock(refresh_mutex);
  const auto client = resolve_client();
  auto records =
      client->get_parameters_by_path(full_path, recursive, filters, settings.with_decryption);
  std::vector<Entry*> members;
  for (auto& rec : records) {
    ParsedName parsed;
    parsed.name = rec.name;
    parsed.full_name = rec.name;
    parsed.secret = rec.name.starts_with(kSecretPrefix);
    Entry& e = entry(std::move(parsed), false);
    publish(e, std::move(rec));
    members.push_back(&e);
  }
  {
    std::lock_guard members_lock(members_mutex);
    auto it = std::find_if(paths.begin(), paths.end(), [&](const PathSpec& p) {
      return p.path == full_path && p.recursive == recursive && p.filters == filters;
    });
    if (it == paths.end()) {
      paths.push_back(PathSpec{std::move(full_path), recursive, std::move(filters), {}});
      it = std::prev(paths.end());
    }
    for (Entry* e : members) ++e->path_refs;
    for (Entry* e : it->members) --e->path_refs;
    for (Entry* e : members) e->active.store(true, std::memory_order_release);
    for (Entry* e : it->members) {
      if (e->path_refs == 0 && !e->explicit_member) {
        e->active.store(false, std::memory_order_release);
        e->current.store(nullptr, std::memory_order_release);
      }
    }
    it->members = members;
  }
  // The group expires when its first-fetched values do.
  mark_refreshed(now_ns(clock), true);
  return members;
}

}  // namespace ssm_cache::detail
