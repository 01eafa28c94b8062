// sidecar_cache.cpp — see sidecar_cache.hpp.
#include "sidecar_cache.hpp"

#include <algorithm>

#include "aws_json.hpp"

namespace ssm_cache::cli {

namespace {

std::int64_t ns(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::int64_t ns(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

common::StalePolicy stale_policy(const SidecarCacheOptions& o) {
  common::StalePolicy p;
  if (o.max_stale_if_error) p.max_stale_ns = ns(*o.max_stale_if_error);
  p.stale_while_refreshing = true;
  p.refresh_in_background = o.stale_while_refresh;
  return p;
}

}  // namespace

// Refresh threads start on demand: most caches (and every test without expiry) never need one.
SidecarCache::SidecarCache(SidecarCacheOptions options)
    : options_(std::move(options)),
      policy_(stale_policy(options_)),
      refreshes_(options_.refresh_threads) {}

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

OutcomePtr SidecarCache::shutting_down() {
  static const OutcomePtr kAnswer = std::make_shared<const Outcome>(
      Outcome{503, error_body("ServiceUnavailable", "the server is shutting down"),
              "ServiceUnavailable", true});
  return kAnswer;
}

OutcomePtr SidecarCache::timed_out(std::chrono::milliseconds budget) {
  return std::make_shared<const Outcome>(
      Outcome{504,
              error_body("RequestTimeout", "no answer from AWS within the request timeout (" +
                                               std::to_string(budget.count()) + " ms)"),
              "RequestTimeout", true});
}

bool SidecarCache::stale_allowed(const Entry& e, Clock::time_point t) const {
  return e.value && common::stale_allowed(policy_, ns(e.expires), ns(t));
}

// Only transient failures back off here: a definitive one drops the entry (complete()).
common::RefreshState SidecarCache::state_of(const Entry& e) const {
  return {.has_value = e.value != nullptr,
          .expires = ns(e.expires),
          .next_attempt = e.failures > 0 ? ns(e.retry_after) : common::kNoneNs,
          .failure = e.failures > 0 ? common::FailureKind::kTransient : common::FailureKind::kNone,
          .refresh_in_flight = e.flight != nullptr};
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
                              bool refresh_now, const Fetch& fetch, const ClientGone& client_gone) {
  return *lookup(key, ttl, refresh_now, fetch, /*may_wait=*/true, client_gone);
}

std::optional<CacheResult> SidecarCache::try_get(const std::string& key,
                                                 std::chrono::milliseconds ttl, bool refresh_now,
                                                 const Fetch& fetch) {
  return lookup(key, ttl, refresh_now, fetch, /*may_wait=*/false);
}

std::optional<CacheResult> SidecarCache::lookup(const std::string& key,
                                                std::chrono::milliseconds ttl, bool refresh_now,
                                                const Fetch& fetch, bool may_wait,
                                                const ClientGone& client_gone) {
  if (ttl.count() <= 0 || options_.capacity == 0) {
    if (!may_wait) return std::nullopt;
    if (stopping_.load()) return CacheResult{shutting_down(), CacheSource::kBypass};
    // Not stored, but bounded and single-flighted like any other fetch, under a key of its own.
    auto flight = std::make_shared<Flight>();
    flight->waiters = 1;
    start({}, flight, ttl, refresh_now, fetch);
    auto r = wait_for({}, flight, nullptr, refresh_now, client_gone);
    r.source = CacheSource::kBypass;
    return r;
  }
  detail::UniqueLock lock(mu_);
  const auto t = now();
  Entry* e = nullptr;
  if (auto it = map_.find(key); it != map_.end()) {
    e = &it->second;
    lru_.splice(lru_.begin(), lru_, e->lru);
    if (e->value && !refresh_now) {
      const auto decision = common::decide(policy_, state_of(*e), ns(t));
      if (decision == common::ReadDecision::kServe) return CacheResult{e->value, CacheSource::kHit};
      if (decision == common::ReadDecision::kServeStale ||
          (stopping_.load() && stale_allowed(*e, t))) {
        return CacheResult{e->value, CacheSource::kStale};
      }
      if (decision == common::ReadDecision::kServeStaleAndRefresh) {
        auto flight = std::make_shared<Flight>();
        flight->background = true;
        e->flight = flight;
        OutcomePtr stale = e->value;
        lock.unlock();
        start(key, flight, ttl, false, fetch);
        return CacheResult{stale, CacheSource::kStale};
      }
    }
    if (!may_wait) return std::nullopt;
    if (e->flight) {
      auto flight = e->flight;
      OutcomePtr before = e->value;
      {
        detail::MutexLock flight_lock(flight->mu);
        ++flight->waiters;
      }
      lock.unlock();
      return wait_for(key, flight, before, refresh_now, client_gone);
    }
  } else {
    if (!may_wait) return std::nullopt;
    if (stopping_.load()) return CacheResult{shutting_down(), CacheSource::kMiss};
    e = &insert_locked(key);
  }
  if (stopping_.load()) {
    OutcomePtr kept = refresh_now ? nullptr : e->value;
    if (kept && stale_allowed(*e, t)) return CacheResult{kept, CacheSource::kStale};
    return CacheResult{shutting_down(), CacheSource::kMiss};
  }
  auto flight = std::make_shared<Flight>();
  flight->waiters = 1;
  e->flight = flight;
  OutcomePtr before = e->value;
  lock.unlock();
  start(key, flight, ttl, refresh_now, fetch);
  return wait_for(key, flight, before, refresh_now, client_gone);
}

// Queues the fetch on the cache's threads. When it starts, a fetch nobody waits for any more
// (and that is no background refresh), or any fetch once shutdown() has begun, is dropped:
// it never reaches upstream.
void SidecarCache::start(const std::string& key, const std::shared_ptr<Flight>& flight,
                         std::chrono::milliseconds ttl, bool refresh_now, const Fetch& fetch) {
  const bool queued = refreshes_.submit([this, key, flight, ttl, refresh_now, fetch] {
    bool wanted = false;
    {
      detail::MutexLock lock(flight->mu);
      wanted = flight->background || flight->waiters > 0;
    }
    if (stopping_.load()) {
      abandon(key, flight, *shutting_down());
    } else if (!wanted) {
      abandon(key, flight, *timed_out(options_.wait_budget));
    } else if (key.empty()) {
      flight->finish(std::make_shared<const Outcome>(run(fetch)));  // caching off
    } else {
      complete(key, flight, run(fetch), ttl, refresh_now);
    }
  });
  if (!queued) abandon(key, flight, *shutting_down());
}

// Ends a flight without calling upstream: the entry keeps its value (if any) and may start
// another fetch later.
void SidecarCache::abandon(const std::string& key, const std::shared_ptr<Flight>& flight,
                           Outcome why) {
  if (!key.empty()) {
    detail::MutexLock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end() && it->second.flight == flight) {
      it->second.flight.reset();
      if (!it->second.value) {
        lru_.erase(it->second.lru);
        map_.erase(it);
      }
    }
  }
  flight->finish(std::make_shared<const Outcome>(std::move(why)));
}

// Waits for `flight` at most the budget (and never past shutdown's deadline). A flight that
// does not finish in time leaves this request with the stale value when one may be served,
// else a 504; the fetch goes on for the cache's sake unless nobody else waits.
CacheResult SidecarCache::wait_for(const std::string& key, const std::shared_ptr<Flight>& flight,
                                   const OutcomePtr& before, bool refresh_now,
                                   const ClientGone& client_gone) {
  const auto own_deadline = Clock::now() + options_.wait_budget;
  // How often a request whose client may leave checks whether it has.
  constexpr auto kGonePoll = std::chrono::milliseconds{50};
  detail::UniqueLock lock(flight->mu);
  for (;;) {
    if (flight->done) {
      --flight->waiters;
      OutcomePtr served = flight->result;
      const bool stale = served == before && before;
      return CacheResult{served, stale ? CacheSource::kStale : CacheSource::kMiss};
    }
    if (client_gone && client_gone()) break;
    const auto deadline =
        std::min(own_deadline, Clock::time_point(Clock::duration(shutdown_deadline_.load())));
    const auto t = Clock::now();
    if (t >= deadline) break;
    lock.wait_until(flight->cv, client_gone ? std::min(deadline, t + kGonePoll) : deadline);
  }
  --flight->waiters;
  lock.unlock();
  if (before && !refresh_now && !key.empty()) {
    detail::MutexLock cache_lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end() && it->second.value && stale_allowed(it->second, now())) {
      return CacheResult{it->second.value, CacheSource::kStale};
    }
  }
  return CacheResult{stopping_.load() ? shutting_down() : timed_out(options_.wait_budget),
                     CacheSource::kMiss};
}

void SidecarCache::Flight::finish(OutcomePtr r) {
  {
    detail::MutexLock lock(mu);
    result = std::move(r);
    done = true;
  }
  cv.notify_all();
}

CacheResult SidecarCache::complete(const std::string& key, const std::shared_ptr<Flight>& flight,
                                   Outcome outcome, std::chrono::milliseconds ttl,
                                   bool refresh_now) {
  auto result = std::make_shared<const Outcome>(std::move(outcome));
  CacheResult served{result, CacheSource::kMiss};
  {
    detail::MutexLock lock(mu_);
    const auto t = now();
    auto it = map_.find(key);
    if (it != map_.end() && it->second.flight == flight) {
      Entry& e = it->second;
      e.flight.reset();
      if (result->ok()) {
        e.value = result;
        e.ttl = ttl;
        e.expires = t + ttl;
        e.failures = 0;
      } else if (result->transient && e.value) {
        // Keep the last good value; retry after a backoff growing up to the TTL.
        const auto cap = std::max(ttl, options_.initial_backoff);
        ++e.failures;
        e.retry_after = t + std::chrono::nanoseconds(
                                common::backoff(ns(options_.initial_backoff), ns(cap), e.failures));
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
    // Inserts skip entries whose fetch is in flight, so the cache can pass its capacity while
    // many fetches run at once; each finished fetch brings it back within bounds.
    evict_locked(key);
  }
  flight->finish(served.outcome);
  return served;
}

void SidecarCache::put(const std::string& key, std::chrono::milliseconds ttl, Outcome outcome) {
  if (ttl.count() <= 0 || options_.capacity == 0 || !outcome.ok()) return;
  auto value = std::make_shared<const Outcome>(std::move(outcome));
  detail::MutexLock lock(mu_);
  Entry& e = insert_locked(key);
  if (e.flight) return;  // a fetch is under way and will store its own answer
  e.value = std::move(value);
  e.ttl = ttl;
  e.expires = now() + ttl;
  e.failures = 0;
}

std::size_t SidecarCache::size() const {
  detail::MutexLock lock(mu_);
  return map_.size();
}

std::uint64_t SidecarCache::evictions() const {
  detail::MutexLock lock(mu_);
  return evictions_;
}

void SidecarCache::wait_idle() { refreshes_.wait_idle(); }

bool SidecarCache::wait_idle_for(std::chrono::milliseconds timeout) {
  return refreshes_.wait_idle_for(timeout);
}

void SidecarCache::shutdown(Clock::time_point deadline) {
  shutdown_deadline_.store(deadline.time_since_epoch().count());
  stopping_.store(true);
  // Waiters re-read the deadline when woken.
  std::vector<std::shared_ptr<Flight>> flights;
  {
    detail::MutexLock lock(mu_);
    for (auto& [key, e] : map_) {
      if (e.flight) flights.push_back(e.flight);
    }
  }
  for (auto& f : flights) {
    detail::MutexLock lock(f->mu);
    f->cv.notify_all();
  }
}

}  // namespace ssm_cache::cli
