// ssm_cache/aws.hpp — the AWS client: Parameter Store and Secrets Manager over JSON 1.1 with
// SigV4, standard retries and kept-alive HTTPS connections. The default ParameterClient.
//
// Thread-safe: one client serves any number of threads; connections are pooled.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/client.hpp"
#include "ssm_cache/export.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

class CredentialsProvider;  // ssm_cache/credentials.hpp

/// Options in code override the environment; empty / zero fields are read from it.
struct AwsClientOptions {
  std::string region{};  ///< else AWS_REGION, AWS_DEFAULT_REGION, profile
  std::string profile{};  ///< else AWS_PROFILE, "default"
  std::string ssm_endpoint_url{};  ///< else AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL
  std::string secrets_manager_endpoint_url{};  ///< else AWS_ENDPOINT_URL_SECRETS_MANAGER, ...
  std::shared_ptr<CredentialsProvider> credentials{};  ///< else the default chain
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds attempt_timeout{10000};  ///< per HTTP attempt
  std::chrono::milliseconds call_deadline{30000};  ///< per call, retries included
  int max_attempts = 0;  ///< 0: AWS_MAX_ATTEMPTS, else 3
  std::size_t max_concurrent_requests = 4;  ///< GetParameters chunks in flight at once
  std::string ca_bundle{};  ///< else AWS_CA_BUNDLE, else the system store
  std::size_t max_response_bytes = 16u << 20;
  /// Called with one line before and one after each HTTP exchange, the credential endpoints'
  /// (container, IMDS, STS) included: method, URL without its query, X-Amz-Target, sizes,
  /// status, request id, duration. Never a header value that authenticates, never a body.
  /// Called from the threads that make the calls, possibly at once.
  std::function<void(std::string_view)> http_log{};
};

/// Parameter Store and Secrets Manager (SecretsClient, ssm_cache/secrets.hpp) over HTTPS.
class SSM_CACHE_EXPORT AwsClient : public ParameterClient, public SecretsClient {
 public:
  GetParametersResult get_parameters(const std::vector<std::string>& names,
                                     bool with_decryption) override = 0;
  std::vector<ParameterRecord> get_parameters_by_path(const std::string& path, bool recursive,
                                                      const std::vector<Filter>& filters,
                                                      bool with_decryption) override = 0;
  /// SSM GetParameter ("name", "name:3", "name:label"); throws AwsError ParameterNotFound.
  virtual ParameterRecord get_parameter(const std::string& name, bool with_decryption) = 0;
};

/// Builds a client; options override the environment. Throws ConfigurationError (no region,
/// bad endpoint URL) naming the setting and where it was read from.
SSM_CACHE_EXPORT std::shared_ptr<AwsClient> make_aws_client(const AwsClientOptions& options = {});

}  // namespace ssm_cache
