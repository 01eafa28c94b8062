// common/refresh_policy.cpp — see refresh_policy.hpp.
#include "common/refresh_policy.hpp"

#include <algorithm>

namespace ssm_cache::common {

bool stale_allowed(const StalePolicy& policy, std::int64_t expires, std::int64_t now,
                   bool in_flight) noexcept {
  const std::optional<std::int64_t>& bound = in_flight && policy.max_stale_in_flight_ns
                                                 ? policy.max_stale_in_flight_ns
                                                 : policy.max_stale_ns;
  if (!bound || expires == kNeverNs) return true;
  return now - expires < *bound;
}

ReadDecision decide(const StalePolicy& policy, const RefreshState& state,
                    std::int64_t now) noexcept {
  if (state.has_value && now < state.expires) return ReadDecision::kServe;
  if (state.next_attempt != kNoneNs && now < state.next_attempt) {
    if (state.failure == FailureKind::kDefinitive) return ReadDecision::kRethrow;
    if (state.failure == FailureKind::kTransient && state.has_value &&
        stale_allowed(policy, state.expires, now)) {
      return ReadDecision::kServeStale;
    }
  }
  if (!state.has_value) return ReadDecision::kRefresh;
  if (state.refresh_in_flight && policy.stale_while_refreshing &&
      stale_allowed(policy, state.expires, now, /*in_flight=*/true)) {
    return ReadDecision::kServeStale;
  }
  if (!state.refresh_in_flight && policy.refresh_in_background &&
      stale_allowed(policy, state.expires, now)) {
    return ReadDecision::kServeStaleAndRefresh;
  }
  return ReadDecision::kRefresh;
}

std::int64_t backoff(std::int64_t base, std::int64_t cap, int consecutive_failures,
                     double jitter) noexcept {
  if (base <= 0 || cap <= 0) return 0;
  const int shift = std::clamp(consecutive_failures - 1, 0, 30);
  const std::int64_t ceiling = base > (cap >> shift) ? cap : std::min(base << shift, cap);
  if (jitter >= 1.0) return ceiling;
  const double r = std::clamp(jitter, 0.0, 1.0);
  return static_cast<std::int64_t>(r * static_cast<double>(ceiling));
}

}  // namespace ssm_cache::common
