// ssm_cache/credentials.hpp — AWS credentials and the providers that find them.
//
// Providers are composed, not subclassed by users: static, environment, profile (shared
// files, credential_process), container, IMDSv2, a chain of them, and a cache that refreshes
// temporary credentials before they expire, once, whatever the number of threads.
// Every provider is thread-safe. Errors never contain a secret key or token.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssm_cache {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty when none
  /// When temporary credentials stop working; empty for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string provider;  ///< which provider found them ("environment", "imds", ...)
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  /// Current credentials; throws CredentialsError when this provider has none.
  virtual Credentials get_credentials() = 0;
};

}  // namespace ssm_cache
