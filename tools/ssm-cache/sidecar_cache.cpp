// sidecar_cache.cpp — see sidecar_cache.hpp.
#include "sidecar_cache.hpp"

#include <algorithm>

#include "aws_json.hpp"

namespace ssm_cache::cli {

// Refresh threads start on demand: most caches (and every test without expiry) never need one.
SidecarCache::SidecarCache(SidecarCacheOptions options)
    : options_(std::move(options)), refreshes_(options_.refresh_threads) {}

// Refreshes still queued or running use the members: they finish before any is destroyed.
SidecarCache::~SidecarCache() { refreshes_.stop(); }

Outcome SidecarCache::run(const Fetch& fetch) noexcept {
  try {
    return fetch();
  } catch (...) {
    return Outcome{500, error_body("InternalError", "the fetch failed unexpectedly"),
                   "InternalError", true};
  }
}

bool SidecarCache::stale_allowed(const Entry& e, Clock::time_point t) const {
  if (!e.value) return false;
  if (!options_.max_stale_if_error) return true;
  return t <= e.expires + *options_.max_stale_if_error;
}

SidecarCache::Entry& SidecarCache::insert_locked(const std::string& key) {
  auto [it, inserted] = map_.try_emplace(key);
  if (inserted) {
    lru_.push_front(key);
    it->second.lru = lru_.begin();
    evict_locked(key);
  }
  return it->second;
}

void SidecarCache::evict_locked(const std::string& keep) {
  // Entries with a fetch in flight are skipped (their waiters need them), and so is the one
  // just inserted.
  auto it = lru_.end();
  while (map_.size() > options_.capacity && it != lru_.begin()) {
    --it;
    auto found = map_.find(*it);
    if (found->second.flight || *it == keep) continue;
    map_.erase(found);
    it = lru_.erase(it);
    ++evictions_;
  }
}

CacheResult SidecarCache::get(const std::string& key, std::chrono::milliseconds ttl,
                              bool refresh_now, const Fetch& fetch) {
  return *lookup(key, ttl, refresh_now, fetch, /*may_wait=*/true);
}

std::optional<CacheResult> SidecarCache::try_get(const std::string& key,
                                                 std::chrono::milliseconds ttl, bool refresh_now,
                                                 const Fetch& fetch) {
  return lookup(key, ttl, refresh_now, fetch, /*may_wait=*/false);
}

std::optional<CacheResult> SidecarCache::lookup(const std::string& key,
                                                std::chrono::milliseconds ttl, bool refresh_now,
                                                const Fetch& fetch, bool may_wait) {
  if (ttl.count() <= 0 || options_.capacity == 0) {
    if (!may_wait) return std::nullopt;
    return CacheResult{std::make_shared<const Outcome>(run(fetch)), CacheSource::kBypass};
  }
  std::unique_lock lock(mu_);
  const auto t = now();
  Entry* e = nullptr;
  if (auto it = map_.find(key); it != map_.end()) {
    e = &it->second;
    lru_.splice(lru_.begin(), lru_, e->lru);
    if (e->value && !refresh_now) {
      if (t < e->expires) return CacheResult{e->value, CacheSource::kHit};
      if (e->flight) return CacheResult{e->value, CacheSource::kStale};
      if (t < e->retry_after && stale_allowed(*e, t)) {
        return CacheResult{e->value, CacheSource::kStale};
      }
      if (options_.stale_while_refresh && t < e->expires + e->ttl) {
        auto flight = std::make_shared<Flight>();
        e->flight = flight;
        OutcomePtr stale = e->value;
        lock.unlock();
        refreshes_.submit(
            [this, key, flight, ttl, fetch] { complete(key, flight, run(fetch), ttl, false); });
        return CacheResult{stale, CacheSource::kStale};
      }
    }
    if (!may_wait) return std::nullopt;
    if (e->flight) {
      auto flight = e->flight;
      OutcomePtr before = e->value;
      lock.unlock();
      OutcomePtr served = flight->future.get();
      return CacheResult{served,
                         served == before && before ? CacheSource::kStale : CacheSource::kMiss};
    }
  } else {
    if (!may_wait) return std::nullopt;
    e = &insert_locked(key);
  }
  auto flight = std::make_shared<Flight>();
  e->flight = flight;
  lock.unlock();
  return complete(key, flight, run(fetch), ttl, refresh_now);
}

CacheResult SidecarCache::complete(const std::string& key, const std::shared_ptr<Flight>& flight,
                                   Outcome outcome, std::chrono::milliseconds ttl,
                                   bool refresh_now) {
  auto result = std::make_shared<const Outcome>(std::move(outcome));
  CacheResult served{result, CacheSource::kMiss};
  {
    std::lock_guard lock(mu_);
    const auto t = now();
    auto it = map_.find(key);
    if (it != map_.end() && it->second.flight == flight) {
      Entry& e = it->second;
      e.flight.reset();
      if (result->ok()) {
        e.value = result;
        e.ttl = ttl;
        e.expires = t + ttl;
        e.backoff = std::chrono::milliseconds{0};
        e.retry_after = {};
      } else if (result->transient && e.value) {
        // Keep the last good value; retry after a backoff growing up to the TTL.
        auto cap = std::max(ttl, options_.initial_backoff);
        e.backoff = e.backoff.count() == 0 ? options_.initial_backoff
                                           : std::min(e.backoff * 2, cap);
        e.retry_after = t + e.backoff;
        if (!refresh_now && stale_allowed(e, t)) served = {e.value, CacheSource::kStale};
      } else {
        // A definitive error (deleted parameter, access revoked) or a failed first fetch:
        // nothing may be served from this entry any more.
        lru_.erase(e.lru);
        map_.erase(it);
      }
    } else if (result->ok() && options_.capacity > 0) {
      // Evicted while fetching: store it anew.
      Entry& e = insert_locked(key);
      if (!e.flight) {
        e.value = result;
        e.ttl = ttl;
        e.expires = t + ttl;
      }
    }
  }
  flight->promise.set_value(served.outcome);
  return served;
}

void SidecarCache::put(const std::string& key, std::chrono::milliseconds ttl, Outcome outcome) {
  if (ttl.count() <= 0 || options_.capacity == 0 || !outcome.ok()) return;
  auto value = std::make_shared<const Outcome>(std::move(outcome));
  std::lock_guard lock(mu_);
  Entry& e = insert_locked(key);
  if (e.flight) return;  // a fetch is under way and will store its own answer
  e.value = std::move(value);
  e.ttl = ttl;
  e.expires = now() + ttl;
  e.backoff = std::chrono::milliseconds{0};
  e.retry_after = {};
}

std::size_t SidecarCache::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

std::uint64_t SidecarCache::evictions() const {
  std::lock_guard lock(mu_);
  return evictions_;
}

void SidecarCache::wait_idle() { refreshes_.wait_idle(); }

}  // namespace ssm_cache::cli
