// sidecar_metrics.hpp — the sidecar's counters and their Prometheus text rendering (GET
// /metrics). Thread-safe: hot counters are relaxed atomics (a few ns per request); labelled
// counters (upstream calls by action, errors by status/code) sit behind a mutex because they
// change only on upstream calls and errors.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "common/thread_annotations.hpp"

namespace ssm_cache::cli {

class SidecarMetrics {
 public:
  void count_hit() noexcept { hits_.fetch_add(1, std::memory_order_relaxed); }
  void count_stale() noexcept { stale_.fetch_add(1, std::memory_order_relaxed); }
  void count_miss() noexcept { misses_.fetch_add(1, std::memory_order_relaxed); }
  void count_bypass() noexcept { bypass_.fetch_add(1, std::memory_order_relaxed); }
  /// An upstream API call ("GetParameter", "GetSecretValue", "GetParameters", ...).
  void count_upstream_call(const std::string& action);
  /// An upstream call that failed, by action and AWS error code (or transport error kind).
  void count_upstream_error(const std::string& action, const std::string& code);
  /// A response with a non-200 status sent to a client (refused requests and upstream errors).
  void count_response_error(int status);

  [[nodiscard]] std::uint64_t hits() const noexcept { return hits_.load(); }
  [[nodiscard]] std::uint64_t misses() const noexcept { return misses_.load(); }
  [[nodiscard]] std::uint64_t stale() const noexcept { return stale_.load(); }
  [[nodiscard]] std::uint64_t upstream_calls(const std::string& action) const;

  /// Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string render(std::size_t cache_entries, std::size_t cache_capacity,
                                   std::uint64_t evictions) const;

 private:
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> stale_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> bypass_{0};
  mutable detail::Mutex mu_;
  std::map<std::string, std::uint64_t> upstream_calls_ SSM_CACHE_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::uint64_t> upstream_errors_
      SSM_CACHE_GUARDED_BY(mu_);
  std::map<int, std::uint64_t> response_errors_ SSM_CACHE_GUARDED_BY(mu_);
};

}  // namespace ssm_cache::cli
