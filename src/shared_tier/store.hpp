// shared_tier/store.hpp — the shared store as the tier sees it: MGET, SET NX PX (leases),
// SET PX + DEL (publish), over a small pool of Redis connections behind a circuit breaker.
//
// Every operation is bounded by the operation timeout (a new connection by the connect
// timeout) and returns nullopt / false when Redis is unavailable; it never throws a Redis
// failure to the caller: the tier then reads the wrapped client directly.
// Thread-safe: connections are handed out one per operation under a mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_annotations.hpp"
#include "shared_tier/breaker.hpp"
#include "shared_tier/redis_connection.hpp"

namespace ssm_cache::shared_tier {

struct StoreSettings {
  RedisEndpoint endpoint{};
  std::string ca_file{};
  std::chrono::milliseconds operation_timeout{50};
  std::chrono::milliseconds connect_timeout{500};
  std::size_t max_idle_connections = 4;
};

class SharedStore {
 public:
  /// report: called with a problem (once per kind is the caller's business). Never throws.
  SharedStore(StoreSettings settings, std::shared_ptr<CircuitBreaker> breaker,
              std::function<void(std::string_view)> report);

  /// May Redis be used now (the breaker is closed, or this caller is the half-open probe)?
  /// A caller that got true must make at least one operation (which reports to the breaker).
  [[nodiscard]] bool available() { return breaker_->allow(); }

  /// GET of each key in one MGET; nullopt when Redis failed.
  std::optional<std::vector<std::optional<std::string>>> get(const std::vector<std::string>& keys);
  /// SET key token NX PX ttl for each key, pipelined; true where this caller got the lease.
  std::optional<std::vector<bool>> acquire(const std::vector<std::string>& keys,
                                           const std::string& token, std::chrono::milliseconds ttl);
  struct Put {
    std::string key;
    std::string value;
    std::chrono::milliseconds ttl;
  };
  /// SET key value PX ttl for each entry and, pipelined with them, the release of each lease
  /// still holding `token`: a compare-and-delete script (EVAL), so that an instance whose
  /// lease expired never deletes the lease another instance took since. Where EVAL is
  /// refused (an ACL user without scripting: NOPERM), leases are released by DEL.
  bool publish(const std::vector<Put>& puts, const std::vector<std::string>& release,
               const std::string& token);

  [[nodiscard]] std::uint64_t errors() const noexcept {
    return errors_.load(std::memory_order_relaxed);
  }

 private:
  std::optional<std::vector<RedisReply>> run(const std::vector<std::vector<std::string>>& commands);

  StoreSettings settings_;
  std::shared_ptr<CircuitBreaker> breaker_;
  std::function<void(std::string_view)> report_;
  std::unique_ptr<TlsContext> tls_;
  std::string tls_error_;
  detail::Mutex mutex_;
  std::vector<std::unique_ptr<RedisConnection>> idle_ SSM_CACHE_GUARDED_BY(mutex_);
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<bool> eval_refused_{false};
};

}  // namespace ssm_cache::shared_tier
