// The process default ParameterClient: set with set_ssm_client, else an AWS client built
// lazily, once, from the environment (behind the shared tier when one is configured). Thread-safe (one mutex, taken once per refresh round).
#include <memory>
#include <mutex>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/group.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache {

namespace {

struct DefaultClient {
  std::mutex mutex;
  std::shared_ptr<ParameterClient> client;
};

DefaultClient& default_slot() {
  static DefaultClient slot;
  return slot;
}

}  // namespace

std::shared_ptr<ParameterClient> default_client() {
  auto& slot = default_slot();
  std::lock_guard lock(slot.mutex);
  if (!slot.client) {
    // Built under the lock so that it is built once; a failure is not cached, so a later
    // read can succeed once the environment is fixed. SSM_CACHE_SHARED_CACHE_URL puts the
    // fleet-shared tier (shared_cache.hpp) in front of AWS.
    slot.client = with_shared_cache_from_environment(make_aws_client());
  }
  return slot.client;
}

void SSMParameter::set_ssm_client(std::shared_ptr<ParameterClient> client) {
  auto& slot = default_slot();
  std::lock_guard lock(slot.mutex);
  slot.client = std::move(client);
}

void SSMParameterGroup::set_ssm_client(std::shared_ptr<ParameterClient> client) {
  SSMParameter::set_ssm_client(std::move(client));
}

}  // namespace ssm_cache
