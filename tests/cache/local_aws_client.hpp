// The real AWS client pointed at a running ssm-cache-local (both services), static test keys.
#pragma once

#include <memory>
#include <optional>

#include "local/server_process.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache::test {

inline std::shared_ptr<AwsClient> client_for(const local_test::ServerProcess& server) {
  AwsClientOptions o;
  o.region = "us-east-1";
  o.ssm_endpoint_url = server.url();
  o.secrets_manager_endpoint_url = server.url();
  o.credentials = make_static_credentials_provider({{"test", "test", "", std::nullopt, "test"}});
  return make_aws_client(o);
}

}  // namespace ssm_cache::test
