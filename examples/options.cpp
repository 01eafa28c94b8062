// Options beyond the seed, all off by default: stale-while-refreshing, TTL jitter, a bound on
// stale-if-error, and negative caching of missing names.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

using namespace std::chrono_literals;

int main() {
  ssm_cache::SSMParameterGroup group({
      .max_age = 300s,
      .max_stale = 1h,  // serve the last good value at most 1 h past expiry
      .serve_stale_while_refreshing = true,  // one thread refreshes, the others read the old value
      .ttl_jitter = 0.1,  // expire up to 10% early, spread across instances
      .negative_cache_ttl = 30s,  // remember missing names for 30 s
  });
  auto p = group.parameter("param_1");
  try {
    std::cout << p.value().size() << " characters\n";
  } catch (const ssm_cache::InvalidParameterError& e) {
    std::cout << "missing: " << e.names().front() << "\n";
  } catch (const ssm_cache::Error& e) {
    std::cout << "error: " << e.what() << (e.transient() ? " (transient)" : "") << "\n";
  }
}
