// task_pool.hpp — a queue of tasks run by threads started on demand, up to a maximum: the
// sidecar cache's background refreshes and the event front's requests that wait for AWS both
// run on one. A thread starts only when a task finds every running thread busy, so a pool
// that never gets a task costs nothing.
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
  explicit TaskPool(std::size_t max_threads) : max_threads_(max_threads == 0 ? 1 : max_threads) {}
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

  const std::size_t max_threads_;
  detail::Mutex mu_;
  std::condition_variable queue_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_ SSM_CACHE_GUARDED_BY(mu_);
  std::size_t running_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  bool stopping_ SSM_CACHE_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_ SSM_CACHE_GUARDED_BY(mu_);
};

}  // namespace ssm_cache::cli
