// ssm_cache/detail/thread_annotations.hpp — internal: clang's thread-safety annotations and a
// mutex that carries them. Not part of the API; may change without notice.
//
// The `clang` preset builds with -Wthread-safety -Werror: a member marked
// SSM_CACHE_GUARDED_BY(mutex_) read or written without holding mutex_ (through MutexLock), or a
// SSM_CACHE_REQUIRES(mutex_) function called without it, does not compile. std::mutex carries
// no annotation in libstdc++, hence the wrapper. GCC ignores the attributes.
// Lives here because every layer (http, aws, cache) may include it; src/common is its home
// once that layer exists.
#pragma once

#include <mutex>

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
#define SSM_CACHE_ACQUIRE(...) SSM_CACHE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define SSM_CACHE_RELEASE(...) SSM_CACHE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
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

}  // namespace ssm_cache::detail
