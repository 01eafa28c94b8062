// common/single_flight.hpp — running one refresh at a time: the mechanism under the refresh
// policy (common/refresh_policy.hpp), shared by the sidecar's response cache
// (tools/ssm-cache/sidecar/sidecar_cache.cpp) and the cached credentials provider
// (aws/credentials_basic.cpp).
//
// A Flight<T> is one refresh and the callers waiting for it: its result is set once and every
// waiter gets it. A wait may be bounded (a deadline, a stop condition polled at an interval,
// a cut-off set later for every waiter, e.g. at shutdown), and the flight counts its waiters,
// so that whoever runs it can drop a refresh nobody waits for any more. A FlightSlot<T> is
// where a cache entry keeps the flight that runs, guarded by the cache's own lock: the first
// caller leads a new flight, later ones join it.
//
// What a waiter does with the result (serve it, rethrow it, read the cache again) stays with
// the cache. The library's parameter cache does not use it: docs/design.md, "Running one
// refresh at a time", says why.
//
// Thread-safe (Flight: its own mutex; FlightSlot: the caller's lock). Costs one allocation per
// flight; waits are in real time (steady_clock), whatever clock the cache's expiry uses.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <optional>
#include <utility>

#include "common/thread_annotations.hpp"

namespace ssm_cache::common {

/// One refresh and the callers waiting for its result. Shared (std::shared_ptr) by whoever
/// runs the refresh and its waiters.
template <class T>
class Flight {
 public:
  using Clock = std::chrono::steady_clock;

  /// One more caller will wait for the result: each join() is ended by one wait (whatever it
  /// returns), so that wanted() tells whether anybody still waits.
  void join() {
    detail::MutexLock lock(mu_);
    ++waiters_;
  }
  /// Whether a caller has joined and not yet returned from its wait.
  [[nodiscard]] bool wanted() const {
    detail::MutexLock lock(mu_);
    return waiters_ > 0;
  }
  [[nodiscard]] bool done() const {
    detail::MutexLock lock(mu_);
    return result_.has_value();
  }

  /// Sets the result and wakes every waiter. Only the first call counts; false for later ones.
  bool finish(T result) {
    {
      detail::MutexLock lock(mu_);
      if (result_) return false;
      result_.emplace(std::move(result));
    }
    done_.notify_all();
    return true;
  }

  /// Every wait, running or to come, ends by `deadline` at the latest (the earliest cut-off
  /// wins). Waiters are woken to see it.
  void cut_off(Clock::time_point deadline) {
    {
      detail::MutexLock lock(mu_);
      cut_off_ = std::min(cut_off_, deadline);
    }
    done_.notify_all();
  }

  /// Waits for the result, however long the flight takes. Ends one join().
  T wait() {
    detail::UniqueLock lock(mu_);
    lock.wait(done_, [&]() SSM_CACHE_REQUIRES(mu_) { return result_.has_value(); });
    --waiters_;
    return *result_;
  }

  /// The result, or nullopt once `deadline` (or the cut-off) has passed first. Ends one join().
  std::optional<T> wait_until(Clock::time_point deadline) {
    return wait_until(
        deadline, [] { return false; }, Clock::duration::max());
  }

  /// As above, and also nullopt once `stop()` returns true: it is called before the first
  /// sleep and after every wake-up, at least every `poll` (without the flight's lock, so it
  /// may take other locks).
  template <class Stop>
  std::optional<T> wait_until(Clock::time_point deadline, Stop&& stop, Clock::duration poll) {
    detail::UniqueLock lock(mu_);
    for (;;) {
      if (result_) break;
      lock.unlock();
      const bool stopped = stop();
      lock.lock();
      if (result_) break;
      const auto until = std::min(deadline, cut_off_);
      const auto now = Clock::now();
      if (stopped || now >= until) {
        --waiters_;
        return std::nullopt;
      }
      // Sleeps in slices of at most an hour: no overflow with an unbounded deadline or poll.
      const auto slice = std::min<Clock::duration>(poll, std::chrono::hours(1));
      lock.wait_until(done_, std::min(until, now + slice));
    }
    --waiters_;
    return *result_;
  }

 private:
  mutable detail::Mutex mu_;
  std::condition_variable done_;
  std::optional<T> result_ SSM_CACHE_GUARDED_BY(mu_);
  int waiters_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  Clock::time_point cut_off_ SSM_CACHE_GUARDED_BY(mu_) = Clock::time_point::max();
};

/// The flight a cache entry runs, if any. Not synchronised itself: every call is made under
/// the lock that guards the entry (the caller annotates the member with it).
template <class T>
class FlightSlot {
 public:
  using FlightPtr = std::shared_ptr<Flight<T>>;

  [[nodiscard]] bool running() const noexcept { return flight_ != nullptr; }
  /// The running flight (null: none), e.g. to cut its waits off.
  [[nodiscard]] const FlightPtr& flight() const noexcept { return flight_; }
  [[nodiscard]] bool holds(const FlightPtr& flight) const noexcept {
    return flight_ != nullptr && flight_ == flight;
  }

  /// Joins the running flight as one more waiter (then wait on it outside the lock), or null
  /// when none runs: the caller then leads one.
  FlightPtr join() const {
    if (flight_) flight_->join();
    return flight_;
  }
  /// Starts a new flight, to be run by the caller; no other may be running. The leader
  /// join()s it too if it waits for the result itself.
  FlightPtr lead() {
    flight_ = std::make_shared<Flight<T>>();
    return flight_;
  }
  /// Empties the slot if it still holds `flight` (the leader, before it finishes the flight);
  /// false when another flight took its place or the slot was emptied.
  bool release(const FlightPtr& flight) noexcept {
    if (!holds(flight)) return false;
    flight_.reset();
    return true;
  }

 private:
  FlightPtr flight_;
};

}  // namespace ssm_cache::common
