// task_pool.hpp — a queue of tasks run by threads started on demand, up to a maximum: the
// sidecar cache's background refreshes and the event front's requests that wait for AWS both
// run on one. A thread starts only when a task finds every running thread busy, so a pool
// that never gets a task costs nothing. The thread is started outside the pool's lock: the
// event loops submit to one pool, and a lock held across thread creation would stall every
// loop's submit and every worker finishing a task (under a hung upstream, once per new thread).
//
// Thread-safe. stop() (also run by the destructor) refuses new tasks, lets the threads finish
// every task already queued, and joins them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "common/thread_annotations.hpp"

namespace ssm_cache::cli {

class TaskPool {
 public:
  /// Starts a thread running `body`; the default is std::thread. Tests pass their own to see
  /// what the pool looks like while a thread is being started.
  using ThreadStarter = std::function<std::thread(std::function<void()> body)>;

  explicit TaskPool(std::size_t max_threads, ThreadStarter start_thread = {})
      : max_threads_(max_threads == 0 ? 1 : max_threads), start_thread_(std::move(start_thread)) {}
  ~TaskPool() { stop(); }
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  /// Queues `task`; false (task dropped) once stop() has begun.
  bool submit(std::function<void()> task);
  /// Blocks until no task is queued or running.
  void wait_idle();
  /// wait_idle() for at most `timeout`; false if a task is still queued or running.
  bool wait_idle_for(std::chrono::milliseconds timeout);
  /// Refuses new tasks, runs the queued ones, joins the threads. Idempotent.
  void stop();

 private:
  void work();
  /// Starts one thread for a slot reserved in starting_ and records it (called without mu_).
  void start_worker();

  const std::size_t max_threads_;
  const ThreadStarter start_thread_;
  detail::Mutex mu_;
  std::condition_variable queue_cv_;
  std::condition_variable idle_cv_;
  std::condition_variable started_cv_;  // starting_ went down (stop() waits for 0)
  std::deque<std::function<void()>> queue_ SSM_CACHE_GUARDED_BY(mu_);
  std::size_t running_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  /// Threads counted as started but not yet in threads_.
  std::size_t starting_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  bool stopping_ SSM_CACHE_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ SSM_CACHE_GUARDED_BY(mu_);
};

}  // namespace ssm_cache::cli
