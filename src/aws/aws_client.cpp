// aws/aws_client.cpp — make_aws_client: the AWS client configured from options, environment
// and profile (resolve_config), with the default credentials chain resolved lazily on the
// first request. Thread-safe; building it reads the environment and files once, no network.
#include <memory>

#include "aws/aws_client_impl.hpp"
#include "aws/config.hpp"
#include "aws/credentials_transport.hpp"
#include "common/thread_annotations.hpp"
#include "http/logging_transport.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {

namespace {

// Builds the default chain on first use, so that making a client (at start-up, or for a
// parameter that is never read) costs no credential lookup. Its HTTP calls go through the
// client's transport. Thread-safe: one builder runs; a failed build is not cached.
class LazyCredentials final : public CredentialsProvider {
 public:
  LazyCredentials(DefaultCredentialsConfig config, std::shared_ptr<http::Transport> transport)
      : config_(std::move(config)), transport_(std::move(transport)) {}

  Credentials get_credentials() override {
    std::shared_ptr<CredentialsProvider> p;
    {
      detail::MutexLock lock(mutex_);
      if (!provider_) provider_ = aws::make_default_credentials_provider(config_, transport_);
      p = provider_;
    }
    return p->get_credentials();
  }

 private:
  detail::Mutex mutex_;
  DefaultCredentialsConfig config_;
  std::shared_ptr<http::Transport> transport_;
  std::shared_ptr<CredentialsProvider> provider_ SSM_CACHE_GUARDED_BY(mutex_);
};

}  // namespace

std::shared_ptr<AwsClient> make_aws_client(const AwsClientOptions& options) {
  const common::Environment env = common::process_environment();
  const aws::ResolvedConfig cfg = aws::resolve_config(options, env);

  aws::ClientSettings s;
  s.region = cfg.region;
  s.ssm_endpoint = cfg.ssm_endpoint;
  s.secrets_manager_endpoint = cfg.secrets_manager_endpoint;
  s.endpoint_source = cfg.ssm_endpoint_source.empty() ? "default" : cfg.ssm_endpoint_source;
  s.secrets_manager_endpoint_source = cfg.secrets_manager_endpoint_source;
  s.ca_bundle = cfg.ca_bundle;
  // One connection pool for the services and the credential endpoints; AWS_CA_BUNDLE applies
  // to every HTTPS connection, as in the AWS SDKs.
  s.transport = http::make_curl_transport({.ca_bundle = cfg.ca_bundle});
  if (options.http_log) s.transport = http::make_logging_transport(s.transport, options.http_log);
  if (options.credentials) {
    s.credentials = options.credentials;
  } else {
    DefaultCredentialsConfig cc;
    // Only the profile the caller named: the resolved name ("default" when nothing names one)
    // would make a missing default profile an error and stop the chain before the container
    // and IMDS providers. The profile provider reads AWS_PROFILE itself.
    cc.profile = options.profile;
    s.credentials = std::make_shared<LazyCredentials>(std::move(cc), s.transport);
  }
  // "legacy" is served by the standard mode; resolve_config has validated the name.
  s.retry.max_attempts = cfg.max_attempts;
  s.adaptive_retry = cfg.retry_mode == "adaptive";
  s.connect_timeout = options.connect_timeout;
  s.attempt_timeout = options.attempt_timeout;
  s.call_deadline = options.call_deadline;
  s.max_concurrent_requests = options.max_concurrent_requests;
  s.max_response_bytes = options.max_response_bytes;
  return aws::make_aws_client(std::move(s));
}

}  // namespace ssm_cache
