// sidecar_metrics.cpp — see sidecar_metrics.hpp.
#include "sidecar_metrics.hpp"

#include "common/env.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache::cli {

namespace {
// Label values are action names and AWS error codes; escape anyway so nothing can break the
// exposition format.
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const char* name, const std::string& labels, std::uint64_t v) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += std::to_string(v);
  out += '\n';
}
}  // namespace

void SidecarMetrics::count_upstream_call(const std::string& action) {
  detail::MutexLock lock(mu_);
  ++upstream_calls_[action];
}

void SidecarMetrics::count_upstream_error(const std::string& action, const std::string& code) {
  detail::MutexLock lock(mu_);
  ++upstream_errors_[{action, code}];
}

void SidecarMetrics::count_response_error(int status) {
  detail::MutexLock lock(mu_);
  ++response_errors_[status];
}

std::uint64_t SidecarMetrics::upstream_calls(const std::string& action) const {
  detail::MutexLock lock(mu_);
  auto it = upstream_calls_.find(action);
  return it == upstream_calls_.end() ? 0 : it->second;
}

std::string SidecarMetrics::render(std::size_t cache_entries, std::size_t cache_capacity,
                                   std::uint64_t evictions) const {
  std::string out;
  out.reserve(2048);
  family(out, "ssm_cache_sidecar_cache_hits_total", "counter",
         "Requests answered from a fresh cache entry.");
  sample(out, "ssm_cache_sidecar_cache_hits_total", {}, hits_.load(std::memory_order_relaxed));
  family(out, "ssm_cache_sidecar_cache_stale_total", "counter",
         "Requests answered with an expired entry (refresh running or upstream failing).");
  sample(out, "ssm_cache_sidecar_cache_stale_total", {}, stale_.load(std::memory_order_relaxed));
  family(out, "ssm_cache_sidecar_cache_misses_total", "counter",
         "Requests that waited for an upstream call.");
  sample(out, "ssm_cache_sidecar_cache_misses_total", {}, misses_.load(std::memory_order_relaxed));
  family(out, "ssm_cache_sidecar_cache_bypass_total", "counter",
         "Requests fetched with caching off (TTL 0 or cache disabled).");
  sample(out, "ssm_cache_sidecar_cache_bypass_total", {}, bypass_.load(std::memory_order_relaxed));
  family(out, "ssm_cache_sidecar_cache_entries", "gauge", "Entries in the cache.");
  sample(out, "ssm_cache_sidecar_cache_entries", {}, cache_entries);
  family(out, "ssm_cache_sidecar_cache_capacity", "gauge", "Maximum entries in the cache.");
  sample(out, "ssm_cache_sidecar_cache_capacity", {}, cache_capacity);
  family(out, "ssm_cache_sidecar_cache_evictions_total", "counter",
         "Entries dropped because the cache was full (least recently used first).");
  sample(out, "ssm_cache_sidecar_cache_evictions_total", {}, evictions);

  detail::MutexLock lock(mu_);
  family(out, "ssm_cache_sidecar_upstream_calls_total", "counter",
         "Calls made to Parameter Store and Secrets Manager, by API action.");
  for (const auto& [action, n] : upstream_calls_) {
    sample(out, "ssm_cache_sidecar_upstream_calls_total", "action=\"" + escape_label(action) + "\"",
           n);
  }
  family(out, "ssm_cache_sidecar_upstream_errors_total", "counter",
         "Upstream calls that failed, by API action and AWS error code.");
  for (const auto& [key, n] : upstream_errors_) {
    sample(out, "ssm_cache_sidecar_upstream_errors_total",
           "action=\"" + escape_label(key.first) + "\",code=\"" + escape_label(key.second) + "\"",
           n);
  }
  family(out, "ssm_cache_sidecar_error_responses_total", "counter",
         "Responses with a status other than 200, by status.");
  for (const auto& [status, n] : response_errors_) {
    sample(out, "ssm_cache_sidecar_error_responses_total",
           "status=\"" + std::to_string(status) + "\"", n);
  }
  // The fleet-shared tier (docs/shared-cache.md): serve has one exactly when this is set.
  if (common::env_setting(common::process_environment(), "SSM_CACHE_SHARED_CACHE_URL")) {
    const SharedCacheStats s = shared_cache_stats();
    const struct {
      const char* name;
      const char* help;
      std::uint64_t value;
    } counters[] = {
        {"ssm_cache_shared_cache_hits_total", "Entries served from the shared cache.", s.hits},
        {"ssm_cache_shared_cache_misses_total", "Entries absent or unreadable in the shared cache.",
         s.misses},
        {"ssm_cache_shared_cache_fetches_total", "Fetches from AWS made by the shared tier.",
         s.fetches},
        {"ssm_cache_shared_cache_lease_waits_total",
         "Reads that waited on another instance's fetch.", s.lease_waits},
        {"ssm_cache_shared_cache_seal_failures_total",
         "Shared entries that failed to open (forged, corrupt, moved).", s.seal_failures},
        {"ssm_cache_shared_cache_redis_errors_total", "Failed Redis operations.", s.redis_errors},
        {"ssm_cache_shared_cache_bypassed_total",
         "Reads sent to AWS directly while the breaker was open.", s.bypassed},
        {"ssm_cache_shared_cache_breaker_opens_total",
         "Times the shared cache's circuit breaker opened.", s.breaker_opens},
    };
    for (const auto& c : counters) {
      family(out, c.name, "counter", c.help);
      sample(out, c.name, {}, c.value);
    }
    family(out, "ssm_cache_shared_cache_breaker_open", "gauge",
           "1 while the circuit breaker is open.");
    sample(out, "ssm_cache_shared_cache_breaker_open", {}, s.breaker_open ? 1 : 0);
  }
  return out;
}

}  // namespace ssm_cache::cli
