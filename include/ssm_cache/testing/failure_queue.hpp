// ssm_cache/testing/failure_queue.hpp — injected failures shared by the in-memory fakes:
// "the next n calls (of this action, or of any) throw this error". Not thread-safe by itself:
// the fakes call it under their own lock.
#pragma once

#include <cstddef>
#include <deque>
#include <exception>
#include <string>

namespace ssm_cache::testing {

class FailureQueue {
 public:
  void push(std::size_t n, std::exception_ptr error, std::string action) {
    if (n == 0 || !error) return;
    failures_.push_back(Failure{n, std::move(error), std::move(action)});
  }
  void clear() { failures_.clear(); }
  /// The failure due for a call of action (consumed), or null.
  std::exception_ptr take(const std::string& action) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      if (!it->action.empty() && it->action != action) continue;
      std::exception_ptr failure = it->error;
      if (--it->remaining == 0) failures_.erase(it);
      return failure;
    }
    return nullptr;
  }

 private:
  struct Failure {
    std::size_t remaining;
    std::exception_ptr error;
    std::string action;
  };
  std::deque<Failure> failures_;
};

}  // namespace ssm_cache::testing
