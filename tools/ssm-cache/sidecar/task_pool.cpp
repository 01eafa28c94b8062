// task_pool.cpp — see task_pool.hpp.
#include "task_pool.hpp"

namespace ssm_cache::cli {

bool TaskPool::submit(std::function<void()> task) {
  {
    detail::MutexLock lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
    if (threads_.size() < max_threads_ && queue_.size() + running_ > threads_.size()) {
      threads_.emplace_back([this] { work(); });
    }
  }
  queue_cv_.notify_one();
  return true;
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
    detail::MutexLock lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  queue_cv_.notify_all();
  for (auto& t : threads) t.join();
}

}  // namespace ssm_cache::cli
