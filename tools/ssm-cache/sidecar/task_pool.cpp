// task_pool.cpp — see task_pool.hpp.
#include "task_pool.hpp"

namespace ssm_cache::cli {

bool TaskPool::submit(std::function<void()> task) {
  bool start = false;
  {
    detail::MutexLock lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
    // Threads being started count as threads: the slot is reserved here, under the lock, so
    // that concurrent submits never start more than max_threads_ between them.
    const std::size_t threads = threads_.size() + starting_;
    if (threads < max_threads_ && queue_.size() + running_ > threads) {
      ++starting_;
      start = true;
    }
  }
  queue_cv_.notify_one();
  if (start) start_worker();
  return true;
}

void TaskPool::start_worker() {
  std::thread thread;
  try {
    thread = start_thread_ ? start_thread_([this] { work(); }) : std::thread([this] { work(); });
  } catch (...) {
    // As before, the failure reaches the submitter (the task stays queued for the running
    // threads); the reservation is given back so that stop() does not wait for it.
    detail::MutexLock lock(mu_);
    --starting_;
    started_cv_.notify_all();
    throw;
  }
  detail::MutexLock lock(mu_);
  threads_.push_back(std::move(thread));
  --starting_;
  started_cv_.notify_all();
}

void TaskPool::work() {
  detail::UniqueLock lock(mu_);
  for (;;) {
    lock.wait(queue_cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    auto task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    task();
    lock.lock();
    --running_;
    if (queue_.empty() && running_ == 0) idle_cv_.notify_all();
  }
}

void TaskPool::wait_idle() {
  detail::UniqueLock lock(mu_);
  lock.wait(idle_cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return queue_.empty() && running_ == 0; });
}

bool TaskPool::wait_idle_for(std::chrono::milliseconds timeout) {
  detail::UniqueLock lock(mu_);
  return lock.wait_for(idle_cv_, timeout,
                       [&]() SSM_CACHE_REQUIRES(mu_) { return queue_.empty() && running_ == 0; });
}

void TaskPool::stop() {
  std::vector<std::thread> threads;
  {
    detail::UniqueLock lock(mu_);
    stopping_ = true;
    // A thread being started belongs to this stop(): it must be in threads_ to be joined.
    lock.wait(started_cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return starting_ == 0; });
    threads.swap(threads_);
  }
  queue_cv_.notify_all();
  for (auto& t : threads) t.join();
}

}  // namespace ssm_cache::cli
