// sidecar_service.hpp — what `ssm-cache serve` answers, independent of the HTTP server: route,
// method and token checks, query validation, the cache, upstream calls through AwsClient (secrets
// through the library's Secret cache, sidecar_secrets.hpp)
// (bounded by max_connections), error mapping to the upstream status and AWS code, metrics,
// prefetch. Thread-safe; a cached answer costs a token compare, a hash lookup and a body copy.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logger.hpp"
#include "sidecar_cache.hpp"
#include "sidecar_config.hpp"
#include "sidecar_metrics.hpp"
#include "sidecar_request.hpp"
#include "sidecar_secrets.hpp"
#include "ssm_cache/aws.hpp"

namespace ssm_cache::cli {

struct ServiceResponse {
  int status = 200;
  std::string body{};
  std::string content_type = "application/json";
  std::string allow{};  ///< Allow header for 405
};

/// A counting semaphore sized at run time: upstream calls in flight at once.
class UpstreamLimiter {
 public:
  explicit UpstreamLimiter(std::size_t slots) : free_(slots == 0 ? 1 : slots) {}
  void acquire();
  void release();

 private:
  detail::Mutex mu_;
  std::condition_variable cv_;
  std::size_t free_ SSM_CACHE_GUARDED_BY(mu_);
};

struct PrefetchReport {
  std::size_t loaded = 0;  ///< cache entries filled
  std::vector<std::string> problems{};  ///< one line per item that failed (names, codes)
};

class SidecarService {
 public:
  /// `ssm` serves parameters, `secrets` secrets (two clients so that each has its own
  /// timeout); they may be the same object.
  SidecarService(SidecarConfig config, std::shared_ptr<AwsClient> ssm,
                 std::shared_ptr<AwsClient> secrets, std::shared_ptr<Logger> logger);

  /// Answers one request. `tokens` holds every value of the token header (usually one).
  /// `client_gone` (optional) says whether the client has left: waiting for AWS stops then.
  ServiceResponse handle(std::string_view method, std::string_view path, const QueryParams& query,
                         const std::vector<std::string>& tokens,
                         const ClientGone& client_gone = {});

  /// handle()'s answer when it needs no waiting on the calling thread (refusals, /metrics,
  /// cache hits and stale values); empty when it would call upstream or wait for a call in
  /// flight, in which case nothing was counted and handle() must be called (on a thread that
  /// may block) for the same request. For event loops, which must never block.
  std::optional<ServiceResponse> try_handle(std::string_view method, std::string_view path,
                                            const QueryParams& query,
                                            const std::vector<std::string>& tokens);

  /// Answers a request refused by the HTTP layer (oversized, malformed) in the same JSON shape.
  ServiceResponse refuse(int status, std::string_view code, std::string_view message);

  /// Loads items before the first request: "NAME" (GetParameters, 10 per call), "/path/"
  /// (trailing slash: GetParametersByPath, recursive), "secret:ID" (BatchGetSecretValue, 20
  /// per call). A name
  /// starting with '/' that does not exist is tried as a path. Fills the decrypted entry of
  /// every parameter and the plain entry of those that are not SecureString.
  PrefetchReport prefetch(const std::vector<std::string>& items);

  /// SIGTERM / Lambda SHUTDOWN: no new upstream call starts (a miss answers 503, cached and
  /// stale values are still served) and requests waiting for AWS get their answer within
  /// SidecarConfig::shutdown_grace.
  void begin_shutdown();

  [[nodiscard]] SidecarMetrics& metrics() noexcept { return metrics_; }
  [[nodiscard]] SidecarCache& cache() noexcept { return cache_; }
  [[nodiscard]] const SidecarConfig& config() const noexcept { return config_; }

 private:
  std::optional<ServiceResponse> answer(std::string_view method, std::string_view path,
                                        const QueryParams& query,
                                        const std::vector<std::string>& tokens, bool may_wait,
                                        const ClientGone& client_gone = {});
  Outcome fetch_parameter(const SidecarRequest& req);
  Outcome fetch_secret(const SidecarRequest& req);
  Outcome fetch_names(const SidecarRequest& req);
  Outcome fetch_path(const SidecarRequest& req);
  SidecarCache::Fetch fetch_for(const SidecarRequest& req);
  void apply_json_key(const SidecarRequest& req, ServiceResponse& r);
  void prefetch_secrets(const std::vector<std::string>& ids, PrefetchReport& report);
  template <typename Call>
  Outcome upstream(const char* action, const std::string& what, Call&& call);
  bool token_ok(const std::vector<std::string>& tokens) const;
  std::chrono::milliseconds ttl_for(Endpoint e) const;

  SidecarConfig config_;
  std::shared_ptr<AwsClient> ssm_;
  std::shared_ptr<AwsClient> secrets_;
  std::shared_ptr<Logger> log_;
  std::vector<std::string> scrub_;  // credentials removed from upstream error text
  SidecarMetrics metrics_;
  UpstreamLimiter limiter_;
  SidecarSecrets secret_handles_;  // /secretsmanager/get reads through the library's Secret
  SidecarCache cache_;  // last: its background refreshes use the members above
};

}  // namespace ssm_cache::cli
