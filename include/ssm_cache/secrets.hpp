// ssm_cache/secrets.hpp — Secrets Manager as a cached source: Secret and SecretGroup.
//
// A Secret has the cache semantics and thread-safety of SSMParameter (parameter.hpp), on the
// same cache core: a fresh read makes no call and takes no lock, one refresh runs however
// many threads read an expired value (single flight), a transient failure serves the last
// good value (stale-if-error, bounded by max_stale), a missing secret is remembered with a
// backoff (negative cache). Refreshes go to Secrets Manager directly (GetSecretValue,
// BatchGetSecretValue, DescribeSecret), not through Parameter Store.
//
// Version-aware refresh (default): once a secret has a value, a refresh first asks
// DescribeSecret which version the stage points at, and fetches the value only when that is
// another version than the cached one. This spares GetSecretValue (and its KMS decrypt) while
// nothing rotated.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/clock.hpp"
#include "ssm_cache/export.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/shared_cache_options.hpp"

namespace ssm_cache {

/// A Secrets Manager secret version, as GetSecretValue returns it.
struct SecretValue {
  std::string arn{};
  std::string name{};
  std::string version_id{};
  std::optional<std::string> secret_string{};
  std::optional<std::string> secret_binary{};  ///< decoded bytes
  std::vector<std::string> version_stages{};
  std::chrono::system_clock::time_point created_date{};
};

struct BatchSecretsResult {
  std::vector<SecretValue> secrets{};
  struct Failure {
    std::string secret_id{};
    std::string error_code{};
    std::string message{};
  };
  std::vector<Failure> errors{};
};

/// A secret's metadata, as DescribeSecret returns it (no value).
struct SecretDescription {
  std::string arn{};
  std::string name{};
  /// Version id -> the stages attached to it ("AWSCURRENT", "AWSPREVIOUS", custom).
  std::map<std::string, std::vector<std::string>> version_ids_to_stages{};
  std::optional<std::chrono::system_clock::time_point> next_rotation_date{};
};

/// PutSecretValue's answer: the version the write created and its stages.
struct PutSecretResult {
  std::string arn{};
  std::string name{};
  std::string version_id{};
  std::vector<std::string> version_stages{};
};

/// The interface between the secret cache and Secrets Manager. Implement it to plug in a
/// fake or another source; implementations must be safe to call from many threads at once.
/// AwsClient (aws.hpp) implements it; testing/fake_secrets_client.hpp is an in-memory one.
class SSM_CACHE_EXPORT SecretsClient {
 public:
  virtual ~SecretsClient() = default;
  /// GetSecretValue; version_id and version_stage are optional (empty). Throws AwsError
  /// (ResourceNotFoundException for a missing secret or version).
  virtual SecretValue get_secret_value(const std::string& secret_id,
                                       const std::string& version_id = {},
                                       const std::string& version_stage = {}) = 0;
  /// BatchGetSecretValue (AWSCURRENT values); the cache sends at most 20 ids per call.
  /// Secrets that failed are in errors, not thrown.
  virtual BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) = 0;
  /// DescribeSecret. Throws AwsError (ResourceNotFoundException).
  virtual SecretDescription describe_secret(const std::string& secret_id) = 0;
  /// PutSecretValue: a new SecretString version of an existing secret, staged AWSCURRENT.
  /// The default throws Error (a client that only reads); AwsClient and the fake implement it.
  virtual PutSecretResult put_secret_value(const std::string& secret_id,
                                           const std::string& secret_string) {
    (void)secret_string;
    throw Error("PutSecretValue for secret '" + secret_id +
                "': this SecretsClient does not support writes");
  }
};

/// Options of a Secret / SecretGroup. Designated initializers may name any subset.
struct SecretOptions {
  /// Zero: cached forever after the first fetch; positive: refreshed after this age.
  std::chrono::milliseconds max_age{0};
  /// The stage to read ("AWSCURRENT" when both this and version_id are empty).
  std::string version_stage{};
  /// A fixed version (immutable: never re-fetched once cached). Excludes version_stage.
  std::string version_id{};
  /// Source of values; empty: the process default (Secret::set_secrets_client, else AWS).
  std::shared_ptr<SecretsClient> client{};
  /// As ParameterOptions: stale-if-error bound (unset: unbounded, zero: never stale).
  std::optional<std::chrono::milliseconds> max_stale{};
  bool serve_stale_while_refreshing = false;
  double ttl_jitter = 0.0;
  std::chrono::milliseconds negative_cache_ttl{0};
  std::shared_ptr<const Clock> clock{};
  std::shared_ptr<CacheListener> listener{};
  /// DescribeSecret before fetching again (see the top of this file).
  bool version_aware_refresh = true;
  /// Rotation-aware expiry: never serve a value past its secret's NextRotationDate (as
  /// DescribeSecret reports it; a date already past caps nothing). Costs one DescribeSecret
  /// per secret per fetch, the first one included.
  bool rotation_aware_expiry = false;
  /// As ParameterOptions::shared_cache: GetSecretValue, BatchGetSecretValue and
  /// DescribeSecret read through the fleet-shared tier (shared_cache.hpp). Secrets are shared
  /// only sealed: a tier without a key passes them through.
  std::optional<SharedCacheOptions> shared_cache{};
};

namespace detail {
struct Entry;
struct GroupState;
struct HandleAccess;
}  // namespace detail

class SecretGroup;

class SSM_CACHE_EXPORT Secret {
 public:
  /// secret_id: a name or an ARN. Nothing is fetched until the first read. Throws
  /// InvalidNameError (empty id) or ConfigurationError (both version_stage and version_id).
  explicit Secret(std::string_view secret_id, SecretOptions options = {});

  /// The SecretString. Throws Error for a binary secret (use binary()).
  [[nodiscard]] std::string value() const;
  /// Zero-copy SecretString: a ValueView pinning the value, with SSMParameter::value_view's
  /// lifetime rule (parameter.hpp): destroy it on the thread that created it and hold it
  /// only for a use; the bytes stay valid and unchanged meanwhile, whatever refreshes.
  [[nodiscard]] ValueView value_view() const;
  /// The SecretBinary, decoded bytes. Throws Error for a string secret.
  [[nodiscard]] std::string binary() const;
  /// The version id of the cached value, and the stages it had when fetched.
  [[nodiscard]] std::string version_id() const;
  [[nodiscard]] std::vector<std::string> version_stages() const;
  /// The whole cached version as GetSecretValue answered it: ARN, Name, VersionId, stages,
  /// CreatedDate and SecretString or SecretBinary (a copy of the value: yours to wipe).
  [[nodiscard]] SecretValue record() const;
  /// The id as given (name or ARN).
  [[nodiscard]] const std::string& secret_id() const noexcept;

  /// Fetches now (a grouped secret: its whole group); throws on failure, keeps the value.
  void refresh() const;
  [[nodiscard]] CacheStats stats() const;

  /// See refresh_on_error.hpp. fn may take (args..., bool is_retry) or (args...).
  template <class E = std::exception, class Fn, std::invocable Callback = NoCallback>
  [[nodiscard]] auto refresh_on_error(Fn fn, Callback callback = {}) const {
    return detail::RefreshOnError<E, Secret, Fn, Callback>(*this, std::move(fn),
                                                           std::move(callback));
  }

  /// The process-wide default client of secrets without one (empty: AWS from the
  /// environment). Thread-safe.
  static void set_secrets_client(std::shared_ptr<SecretsClient> client);

 private:
  friend class SecretGroup;
  friend struct detail::HandleAccess;
  Secret(std::shared_ptr<detail::Entry> entry, std::string secret_id) noexcept;
  std::shared_ptr<detail::Entry> entry_;
  std::string secret_id_;
};

/// Secrets refreshed together: a round fetches every AWSCURRENT member with
/// BatchGetSecretValue in calls of at most 20 ids (others with GetSecretValue); a secret
/// that fails in the batch answer fails only itself.
class SSM_CACHE_EXPORT SecretGroup {
 public:
  explicit SecretGroup(SecretOptions options = {});
  /// A member with the group's stage / version options. Nothing is fetched yet.
  Secret secret(std::string_view secret_id);
  /// Fetches every member now. A transient failure changes nothing and throws; secrets
  /// found missing fail only themselves, then InvalidParameterError names them.
  void refresh();
  [[nodiscard]] CacheStats stats() const;

 private:
  SecretOptions options_;
  std::shared_ptr<detail::GroupState> group_;
};

}  // namespace ssm_cache
