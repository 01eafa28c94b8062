// SecretSource: Secrets Manager seen by the cache core as a ParameterClient, so that Secret and
// SecretGroup reuse the core's state, single flight, stale-if-error and backoff unchanged.
//
// Each cached secret is an Entry whose name is a key registered here (the id, plus the stage
// or version id when not AWSCURRENT). get_parted() answers for those keys: records carry type
// "SecretString" / "SecretBinary", the value and the ARN, each with its SecretPart (the
// secret's name, version id, stages and created date: cache/secret_part.hpp), which the core
// publishes in the snapshot beside the record. Secrets that fail alone come back as
// invalid_parameters, so the core fails only them. Thread-safe; called by the core under the
// group's refresh lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/secret_part.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache::detail {

struct GroupState;
class SharedTierSlot;  // cache/shared_tier_slot.hpp

inline constexpr std::string_view kSecretStringType = "SecretString";
inline constexpr std::string_view kSecretBinaryType = "SecretBinary";
inline constexpr std::size_t kMaxSecretsPerBatch = 20;  // BatchGetSecretValue's limit

/// The secret a key designates.
struct SecretTarget {
  std::string id;
  std::string version_stage;  ///< "AWSCURRENT" when version_id is empty and none was given
  std::string version_id;
};

class SecretSource final : public PartSource {
 public:
  /// shared_tier: the fleet-shared tier every call goes through (null: none).
  SecretSource(std::shared_ptr<SecretsClient> client, bool version_aware,
               bool rotation_aware = false, std::shared_ptr<SharedTierSlot> shared_tier = nullptr)
      : client_(std::move(client)),
        version_aware_(version_aware),
        rotation_aware_(rotation_aware),
        shared_tier_(std::move(shared_tier)) {}

  /// Set once, right after the group is made (the group owns this source).
  void attach(GroupState* group) noexcept { group_ = group; }
  /// The client given in the options (empty: the process default).
  const std::shared_ptr<SecretsClient>& client() const noexcept { return client_; }
  /// Registers the target; returns its key (the entry's name).
  std::string add(SecretTarget target);

  /// Rotation-aware expiry: the cache deadline (on the cache's clock, `now` being its time)
  /// of the earliest NextRotationDate still ahead among the secrets described; kNever: none.
  std::int64_t expiry_cap(std::int64_t now) const;

  PartedResult get_parted(const std::vector<std::string>& keys, bool with_decryption) override;
  /// get_parted() without the parts (the core asks get_parted()).
  GetParametersResult get_parameters(const std::vector<std::string>& keys,
                                     bool with_decryption) override {
    return get_parted(keys, with_decryption).result;
  }
  std::vector<ParameterRecord> get_parameters_by_path(const std::string&, bool,
                                                      const std::vector<Filter>&, bool) override;

 private:
  SecretTarget target(const std::string& key) const;
  std::shared_ptr<SecretsClient> resolve_client() const;
  /// Version-aware refresh: true when the cached value of key is still the one its stage
  /// designates (DescribeSecret), so no GetSecretValue is needed.
  bool unchanged(SecretsClient& client, const SecretTarget& t, const std::string& key,
                 std::optional<SecretDescription> described) const;
  /// DescribeSecret for rotation-aware expiry: records the NextRotationDate of key. Empty
  /// when the secret is missing (the fetch reports it).
  std::optional<SecretDescription> describe_for_rotation(SecretsClient& client,
                                                         const SecretTarget& t,
                                                         const std::string& key);
  void fetch_batch(SecretsClient& client, const std::vector<std::string>& keys,
                   PartedResult& out) const;
  void fetch_one(SecretsClient& client, const std::string& key, PartedResult& out) const;

  const std::shared_ptr<SecretsClient> client_;
  const bool version_aware_;
  const bool rotation_aware_;
  const std::shared_ptr<SharedTierSlot> shared_tier_;
  GroupState* group_ = nullptr;
  mutable Mutex mutex_;
  std::map<std::string, SecretTarget> targets_ SSM_CACHE_GUARDED_BY(mutex_);
  /// Key -> its secret's NextRotationDate, when rotation-aware.
  std::map<std::string, std::chrono::system_clock::time_point> rotations_
      SSM_CACHE_GUARDED_BY(mutex_);
};

/// The process default SecretsClient (set_secrets_client, else AWS from the environment).
std::shared_ptr<SecretsClient> default_secrets_client();

}  // namespace ssm_cache::detail
