// ssm-cache-local/server/faults.hpp — injected faults (latency, a token-bucket throttle like the
// real 40 TPS quota, 500s, dropped connections, truncated bodies, empty first pages) and the call
// counters served at /_local/stats. Everything is off by default.
//
// Thread-safe: FaultInjector and Stats lock a mutex for a few instructions per request.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_annotations.hpp"
#include "util.hpp"

namespace ssm_cache::local {

struct FaultConfig {
  std::int64_t latency_ms = 0;  ///< added before every API call's answer
  double throttle_tps = 0;  ///< > 0: ThrottlingException beyond this many calls per second
  double throttle_burst = 0;  ///< bucket size; 0: max(1, throttle_tps)
  double error_rate = 0;  ///< 0..1: HTTP 500 InternalServerError
  double drop_rate = 0;  ///< 0..1: connection closed before any response byte
  double truncate_rate = 0;  ///< 0..1: response cut in the middle of its body
  std::int64_t max_faults = -1;  ///< error/drop/truncate budget; -1: unlimited
  bool empty_pages = false;  ///< GetParametersByPath: an empty first page with a NextToken
  std::vector<std::string> targets{};  ///< X-Amz-Target values affected; empty: all
  friend bool operator==(const FaultConfig&, const FaultConfig&) = default;
};

/// Parses the /_local/faults JSON over `base` (fields not given keep base's values). Throws
/// std::invalid_argument naming the bad field.
FaultConfig parse_fault_config(const nlohmann::json& j, const FaultConfig& base = {});
nlohmann::json to_json(const FaultConfig& config);

enum class FaultKind { kNone, kThrottle, kError, kDrop, kTruncate };

struct FaultDecision {
  std::chrono::milliseconds latency{0};
  FaultKind kind = FaultKind::kNone;
  bool empty_first_page = false;
};

class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config = {}, std::optional<std::uint64_t> seed = {});
  void set(FaultConfig config);
  [[nodiscard]] FaultConfig get() const;
  /// Decides the fate of one API call.
  FaultDecision decide(std::string_view target, std::chrono::steady_clock::time_point now);

 private:
  mutable detail::Mutex mu_;
  FaultConfig config_ SSM_CACHE_GUARDED_BY(mu_);
  Random random_ SSM_CACHE_GUARDED_BY(mu_);
  double tokens_ SSM_CACHE_GUARDED_BY(mu_) = 0;
  std::chrono::steady_clock::time_point last_refill_ SSM_CACHE_GUARDED_BY(mu_){};
  bool bucket_started_ SSM_CACHE_GUARDED_BY(mu_) = false;
};

class Stats {
 public:
  void count_call(std::string_view target);
  void count_fault(FaultKind kind);
  /// {"calls": {"AmazonSSM.GetParameters": 3, ...}, "total": N, "faults": {...}}
  [[nodiscard]] nlohmann::json to_json() const;
  [[nodiscard]] std::uint64_t calls(const std::string& target) const;
  void reset();

 private:
  mutable detail::Mutex mu_;
  std::map<std::string, std::uint64_t> calls_ SSM_CACHE_GUARDED_BY(mu_);
  std::map<std::string, std::uint64_t> faults_ SSM_CACHE_GUARDED_BY(mu_);
};

}  // namespace ssm_cache::local
