// The composition root: the only place where the cache layer meets the AWS client and the
// fleet-shared tier. The process
// default ParameterClient and SecretsClient: set with set_ssm_client / set_secrets_client, else
// an AWS client built lazily, once, from the environment. Thread-safe (one mutex per slot,
// taken once per refresh round).
#include <memory>

#include "cache/secret_source.hpp"
#include "cache/shared_tier_slot.hpp"
#include "common/thread_annotations.hpp"
#include "shared_tier/tier.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/group.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache {

namespace {

template <class Client>
struct DefaultSlot {
  detail::Mutex mutex;
  std::shared_ptr<Client> client SSM_CACHE_GUARDED_BY(mutex);

  std::shared_ptr<Client> get() {
    detail::MutexLock lock(mutex);
    // Built under the lock so that it is built once; a failure is not cached, so a later
    // read can succeed once the environment is fixed. SSM_CACHE_SHARED_CACHE_URL puts the
    // fleet-shared tier (shared_cache.hpp) in front of AWS.
    if (!client) client = with_shared_cache_from_environment(make_aws_client());
    return client;
  }
  void set(std::shared_ptr<Client> c) {
    detail::MutexLock lock(mutex);
    client = std::move(c);
  }
};

DefaultSlot<ParameterClient>& parameter_slot() {
  static DefaultSlot<ParameterClient> slot;
  return slot;
}

DefaultSlot<SecretsClient>& secrets_slot() {
  static DefaultSlot<SecretsClient> slot;
  return slot;
}

}  // namespace

std::shared_ptr<ParameterClient> default_client() { return parameter_slot().get(); }

void SSMParameter::set_ssm_client(std::shared_ptr<ParameterClient> client) {
  parameter_slot().set(std::move(client));
}

void SSMParameterGroup::set_ssm_client(std::shared_ptr<ParameterClient> client) {
  SSMParameter::set_ssm_client(std::move(client));
}

namespace detail {
std::shared_ptr<SecretsClient> default_secrets_client() { return secrets_slot().get(); }

// The cache's handles reach the shared tier through these (cache/shared_tier_slot.hpp).
std::shared_ptr<shared_tier::TierCore> shared_tier_core(const SharedCacheOptions& options) {
  return shared_tier::shared_core(options);
}
std::shared_ptr<SharedCacheClient> shared_tier_client(
    const std::shared_ptr<shared_tier::TierCore>& core, std::shared_ptr<ParameterClient> params,
    std::shared_ptr<SecretsClient> secrets) {
  return shared_tier::client_of_core(core, std::move(params), std::move(secrets));
}
SharedCacheStats process_shared_tier_stats() { return shared_cache_stats(); }
}  // namespace detail

void Secret::set_secrets_client(std::shared_ptr<SecretsClient> client) {
  secrets_slot().set(std::move(client));
}

}  // namespace ssm_cache
