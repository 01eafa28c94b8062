// Epoch-based reclamation; see reclaim.hpp.
#include "cache/reclaim.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "common/thread_annotations.hpp"

namespace ssm_cache::detail::reclaim {

std::atomic<std::uint64_t> g_epoch{1};
std::atomic<bool> g_asymmetric{false};
std::atomic<bool> g_pending{false};

namespace {

struct Retired {
  std::uint64_t epoch;
  void* p;
  void (*destroy)(void*);
};

struct Domain {
  Mutex mutex;  // registration, the retired list and collection
  std::atomic<ThreadRecord*> head{nullptr};
  std::vector<Retired> retired SSM_CACHE_GUARDED_BY(mutex);
  std::int64_t last_collect_ns SSM_CACHE_GUARDED_BY(mutex) = 0;
};

Domain& domain() {
  static Domain* d = new Domain;  // never destroyed: threads may exit after main
  return *d;
}

bool init_membarrier() noexcept {
#if defined(__SANITIZE_THREAD__)
  return false;
#else
  return ::syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#endif
}

/// Every running thread executes a full barrier: their section entries become visible.
void heavy_fence() noexcept {
#if !defined(__SANITIZE_THREAD__)
  if (g_asymmetric.load(std::memory_order_relaxed) &&
      ::syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) {
    return;
  }
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

/// Releases the thread's record when the thread exits.
struct Releaser {
  ThreadRecord* record = nullptr;
  ~Releaser() {
    if (record == nullptr) return;
    record->epoch.store(kIdle, std::memory_order_release);
    record->depth.store(0, std::memory_order_relaxed);
    record->in_use.store(false, std::memory_order_release);
    t_record = nullptr;
  }
};
thread_local Releaser t_releaser;

std::int64_t coarse_now_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::size_t collect_locked(Domain& d) noexcept SSM_CACHE_REQUIRES(d.mutex) {
  if (d.retired.empty()) return 0;
  heavy_fence();
  std::uint64_t oldest = kIdle;
  for (ThreadRecord* r = d.head.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    oldest = std::min(oldest, r->epoch.load(std::memory_order_seq_cst));
  }
  // Retired at epoch E: a reader that entered at an epoch > E loaded the pointer after it
  // was unlinked (g_epoch is advanced after the unlink), so cannot hold it.
  auto keep = std::partition(d.retired.begin(), d.retired.end(),
                             [&](const Retired& r) { return r.epoch >= oldest; });
  std::vector<Retired> ready(keep, d.retired.end());
  d.retired.erase(keep, d.retired.end());
  for (const Retired& r : ready) r.destroy(r.p);
  g_pending.store(!d.retired.empty(), std::memory_order_relaxed);
  return d.retired.size();
}

}  // namespace

ThreadRecord& register_thread() {
  static const bool asymmetric = [] {
    const bool ok = init_membarrier();
    g_asymmetric.store(ok, std::memory_order_relaxed);
    return ok;
  }();
  (void)asymmetric;
  Domain& d = domain();
  MutexLock lock(d.mutex);
  ThreadRecord* found = nullptr;
  for (ThreadRecord* r = d.head.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    bool expected = false;
    if (r->in_use.compare_exchange_strong(expected, true)) {
      found = r;
      break;
    }
  }
  if (found == nullptr) {
    found = new ThreadRecord;  // kept for reuse by later threads
    const ThreadRecord* head = d.head.load(std::memory_order_relaxed);
    found->index = head == nullptr ? 0 : head->index + 1;
    found->in_use.store(true, std::memory_order_relaxed);
    found->next = d.head.load(std::memory_order_relaxed);
    d.head.store(found, std::memory_order_release);
  }
  t_record = found;
  t_releaser.record = found;
  return *found;
}

void retire(void* p, void (*destroy)(void*)) {
  if (p == nullptr) return;
  Domain& d = domain();
  MutexLock lock(d.mutex);
  // The unlink (a seq_cst store) precedes this increment: readers entering at a later epoch
  // cannot load p.
  const std::uint64_t e = g_epoch.fetch_add(1, std::memory_order_acq_rel);
  d.retired.push_back(Retired{e, p, destroy});
  g_pending.store(true, std::memory_order_relaxed);
  collect_locked(d);
}

std::size_t collect() noexcept {
  Domain& d = domain();
  MutexLock lock(d.mutex);
  return collect_locked(d);
}

std::uint64_t total_hits() noexcept {
  std::uint64_t sum = 0;
  for (ThreadRecord* r = domain().head.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    sum += r->hits.load(std::memory_order_relaxed);
  }
  return sum;
}

void leave_slow() noexcept {
  // A ValueView was released while retired snapshots waited: collect, at most once per
  // millisecond, so a view held for long by another thread does not make every release pay.
  Domain& d = domain();
  UniqueLock lock(d.mutex, std::defer_lock);
  if (!lock.try_lock()) return;
  const std::int64_t now = coarse_now_ns();
  if (now - d.last_collect_ns < 1'000'000) return;
  d.last_collect_ns = now;
  collect_locked(d);
}

}  // namespace ssm_cache::detail::reclaim
