// common/thread_annotations.hpp — clang's thread-safety annotations and the mutexes and locks
// that carry them. Internal (every layer and both programs use it; never installed).
//
// The `clang` preset builds with -Wthread-safety -Werror: a member marked
// SSM_CACHE_GUARDED_BY(mutex_) read or written without holding mutex_, or a
// SSM_CACHE_REQUIRES(mutex_) function called without it, does not compile. libstdc++'s
// std::mutex and std::shared_mutex carry no annotation, hence the wrappers: each is the std type
// underneath, so locking behaves exactly as before. GCC ignores the attributes.
//
// A condition-variable predicate runs with the lock held but is a lambda of its own to the
// analysis: mark it SSM_CACHE_REQUIRES(mutex_), as in
//   lock.wait(cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return done_; });
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <utility>

#if defined(__clang__)
#define SSM_CACHE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SSM_CACHE_THREAD_ANNOTATION(x)
#endif

#define SSM_CACHE_CAPABILITY(x) SSM_CACHE_THREAD_ANNOTATION(capability(x))
#define SSM_CACHE_SCOPED_CAPABILITY SSM_CACHE_THREAD_ANNOTATION(scoped_lockable)
#define SSM_CACHE_GUARDED_BY(x) SSM_CACHE_THREAD_ANNOTATION(guarded_by(x))
#define SSM_CACHE_PT_GUARDED_BY(x) SSM_CACHE_THREAD_ANNOTATION(pt_guarded_by(x))
#define SSM_CACHE_REQUIRES(...) SSM_CACHE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define SSM_CACHE_REQUIRES_SHARED(...) \
  SSM_CACHE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define SSM_CACHE_ACQUIRE(...) SSM_CACHE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define SSM_CACHE_ACQUIRE_SHARED(...) \
  SSM_CACHE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define SSM_CACHE_RELEASE(...) SSM_CACHE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define SSM_CACHE_RELEASE_SHARED(...) \
  SSM_CACHE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define SSM_CACHE_TRY_ACQUIRE(...) SSM_CACHE_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define SSM_CACHE_EXCLUDES(...) SSM_CACHE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define SSM_CACHE_NO_THREAD_SAFETY_ANALYSIS SSM_CACHE_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace ssm_cache::detail {

/// std::mutex as a capability. BasicLockable, so std::condition_variable_any waits on it.
class SSM_CACHE_CAPABILITY("mutex") Mutex {
 public:
  void lock() SSM_CACHE_ACQUIRE() { mutex_.lock(); }
  void unlock() SSM_CACHE_RELEASE() { mutex_.unlock(); }
  bool try_lock() SSM_CACHE_TRY_ACQUIRE(true) { return mutex_.try_lock(); }

 private:
  friend class UniqueLock;
  std::mutex mutex_;
};

/// std::lock_guard for Mutex: holds it for the scope.
class SSM_CACHE_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) SSM_CACHE_ACQUIRE(mutex) : mutex_(mutex) { mutex_.lock(); }
  ~MutexLock() SSM_CACHE_RELEASE() { mutex_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mutex_;
};

/// std::unique_lock<std::mutex> for Mutex: may be unlocked and relocked within its scope (or
/// start unlocked, std::defer_lock), and waits on a std::condition_variable.
class SSM_CACHE_SCOPED_CAPABILITY UniqueLock {
 public:
  explicit UniqueLock(Mutex& mutex) SSM_CACHE_ACQUIRE(mutex) : lock_(mutex.mutex_) {}
  UniqueLock(Mutex& mutex, std::defer_lock_t defer) SSM_CACHE_EXCLUDES(mutex)
      : lock_(mutex.mutex_, defer) {}
  ~UniqueLock() SSM_CACHE_RELEASE() = default;
  UniqueLock(const UniqueLock&) = delete;
  UniqueLock& operator=(const UniqueLock&) = delete;

  void lock() SSM_CACHE_ACQUIRE() { lock_.lock(); }
  void unlock() SSM_CACHE_RELEASE() { lock_.unlock(); }
  bool try_lock() SSM_CACHE_TRY_ACQUIRE(true) { return lock_.try_lock(); }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::condition_variable& cv,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    return cv.wait_until(lock_, deadline);
  }
  template <class Predicate>
  void wait(std::condition_variable& cv, Predicate ready) {
    cv.wait(lock_, std::move(ready));
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::condition_variable& cv, const std::chrono::duration<Rep, Period>& timeout,
                Predicate ready) {
    return cv.wait_for(lock_, timeout, std::move(ready));
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::condition_variable& cv,
                  const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready) {
    return cv.wait_until(lock_, deadline, std::move(ready));
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

/// std::shared_mutex as a capability: exclusive for writers, shared for readers.
class SSM_CACHE_CAPABILITY("shared mutex") SharedMutex {
 public:
  void lock() SSM_CACHE_ACQUIRE() { mutex_.lock(); }
  void unlock() SSM_CACHE_RELEASE() { mutex_.unlock(); }
  bool try_lock() SSM_CACHE_TRY_ACQUIRE(true) { return mutex_.try_lock(); }
  void lock_shared() SSM_CACHE_ACQUIRE_SHARED() { mutex_.lock_shared(); }
  void unlock_shared() SSM_CACHE_RELEASE_SHARED() { mutex_.unlock_shared(); }

 private:
  std::shared_mutex mutex_;
};

/// std::unique_lock for SharedMutex: a writer that may start unlocked (std::defer_lock) and
/// unlock and relock within its scope.
class SSM_CACHE_SCOPED_CAPABILITY ExclusiveLock {
 public:
  ExclusiveLock(SharedMutex& mutex, std::defer_lock_t defer) SSM_CACHE_EXCLUDES(mutex)
      : lock_(mutex, defer) {}
  ~ExclusiveLock() SSM_CACHE_RELEASE() = default;
  ExclusiveLock(const ExclusiveLock&) = delete;
  ExclusiveLock& operator=(const ExclusiveLock&) = delete;

  void lock() SSM_CACHE_ACQUIRE() { lock_.lock(); }
  void unlock() SSM_CACHE_RELEASE() { lock_.unlock(); }
  bool try_lock() SSM_CACHE_TRY_ACQUIRE(true) { return lock_.try_lock(); }
  /// Tries `tries` times, yielding the core between tries, then blocks: a writer that only
  /// blocked could be handed the lock while descheduled, and every reader would wait with it.
  void lock_yielding(int tries) SSM_CACHE_ACQUIRE() {
    for (int i = 0; i < tries; ++i) {
      if (lock_.try_lock()) return;
      std::this_thread::yield();
    }
    lock_.lock();
  }

 private:
  std::unique_lock<SharedMutex> lock_;
};

/// std::shared_lock for SharedMutex: a reader for the scope.
class SSM_CACHE_SCOPED_CAPABILITY SharedLock {
 public:
  explicit SharedLock(SharedMutex& mutex) SSM_CACHE_ACQUIRE_SHARED(mutex) : mutex_(mutex) {
    mutex_.lock_shared();
  }
  ~SharedLock() SSM_CACHE_RELEASE() { mutex_.unlock_shared(); }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;

 private:
  SharedMutex& mutex_;
};

}  // namespace ssm_cache::detail
