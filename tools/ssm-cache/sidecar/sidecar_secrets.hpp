// sidecar_secrets.hpp — how `ssm-cache serve` fetches a secret: through the library's Secret
// cache (ssm_cache/secrets.hpp), so that stages, version ids, binary secrets, version-aware
// refresh (DescribeSecret first) and the shared tier behave exactly as in the library.
//
// Division of labour with SidecarCache (why the value is not cached under two rules):
// SidecarCache stays the request-level front and is the ONLY expiry rule: it decides when a
// secret is fetched (TTL, refreshNow, stale-while-refresh, stale-if-error, backoff, request
// budget, eviction). Each of its secret keys has here one library Secret handle with
// max_age 0 (it never expires on its own) and max_stale 0 (a failure is never hidden from
// SidecarCache), and every sidecar fetch is an explicit Secret::refresh(): the first one is a
// GetSecretValue, the later ones a DescribeSecret, plus GetSecretValue only when the stage
// moved to another version. The handle keeps the version the refresh compares with; the
// answer body SidecarCache keeps is built from Secret::record().
//
// With caching off (TTL 0) no handle is kept: each fetch is a fresh Secret, one
// GetSecretValue. Handles are bounded (LRU, the sidecar cache's capacity); an evicted one
// costs a GetSecretValue at its next fetch. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/thread_annotations.hpp"
#include "sidecar_cache.hpp"
#include "sidecar_request.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache::cli {

/// Runs one upstream call (`call` may throw) with the sidecar's accounting: a connection slot,
/// the call and error counters, the log, scrubbing. Returns the error outcome when it threw
/// (status 200 otherwise).
using UpstreamGate = std::function<Outcome(const char* action, const std::string& what,
                                           const std::function<void()>& call)>;

class GatedSecretsClient;

class SidecarSecrets {
 public:
  /// `client`: Secrets Manager (the program's client: the shared tier when configured).
  /// `capacity`: most handles kept (at least 1).
  SidecarSecrets(std::shared_ptr<SecretsClient> client, UpstreamGate gate, std::size_t capacity);
  ~SidecarSecrets();
  SidecarSecrets(const SidecarSecrets&) = delete;
  SidecarSecrets& operator=(const SidecarSecrets&) = delete;

  /// The GetSecretValue answer for `req` (secretId, versionId / versionStage), or the error
  /// outcome of the upstream call that failed. `keep`: caching is on (reuse the key's handle).
  Outcome fetch(const SidecarRequest& req, bool keep);

 private:
  struct Slot {
    std::shared_ptr<GatedSecretsClient> client;
    std::shared_ptr<Secret> secret;
    std::list<std::string>::iterator lru;
  };
  Slot make_slot(const SidecarRequest& req) const;
  Slot slot_for(const SidecarRequest& req);

  std::shared_ptr<SecretsClient> client_;
  UpstreamGate gate_;
  std::size_t capacity_;
  detail::Mutex mu_;
  std::unordered_map<std::string, Slot> slots_ SSM_CACHE_GUARDED_BY(mu_);
  std::list<std::string> lru_ SSM_CACHE_GUARDED_BY(mu_);  // front: most recently fetched
};

}  // namespace ssm_cache::cli
