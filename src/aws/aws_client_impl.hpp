// aws/aws_client_impl.hpp — the AWS client built from explicit settings (no environment):
// what make_aws_client uses after resolving the environment, and what tests use to point the
// client at a loopback server with a fake clock and sleeper. Thread-safe client.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "aws/retry.hpp"
#include "http/transport.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

/// A parsed http(s) endpoint URL.
struct Endpoint {
  std::string scheme;  ///< "https" or "http"
  std::string host;  ///< "ssm.us-east-1.amazonaws.com", "127.0.0.1", "[::1]"
  std::string port;  ///< empty: the scheme's default
  std::string path;  ///< "/" at least
  /// "host" or "host:port" as the Host header carries it.
  [[nodiscard]] std::string authority() const { return port.empty() ? host : host + ":" + port; }
  [[nodiscard]] std::string url() const { return scheme + "://" + authority() + path; }
};

/// Parses "https://host[:port][/path]". Throws ConfigurationError naming `setting` (where the
/// URL came from) when it is not an http(s) URL with a host.
Endpoint parse_endpoint(std::string_view url, std::string_view setting);

/// A static provider (tests, and credentials given in code).
std::shared_ptr<CredentialsProvider> make_fixed_credentials(Credentials credentials);

struct ClientSettings {
  std::string region;
  std::string ssm_endpoint;  ///< full URL
  std::string secrets_manager_endpoint;  ///< full URL
  std::string endpoint_source = "settings";  ///< where ssm_endpoint came from (messages)
  std::string secrets_manager_endpoint_source{};  ///< empty: endpoint_source
  std::shared_ptr<CredentialsProvider> credentials;  ///< required
  std::shared_ptr<http::Transport> transport;  ///< empty: libcurl with ca_bundle
  std::string ca_bundle;
  RetryOptions retry;
  /// AWS "adaptive" retry mode: the standard mode plus a client-side send-rate limiter that
  /// engages at the first throttle (aws/adaptive_rate.hpp).
  bool adaptive_retry = false;
  RetrySeams seams;  ///< empty members: the real clock, sleep and random source
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds attempt_timeout{10000};
  std::chrono::milliseconds call_deadline{30000};
  std::size_t max_concurrent_requests = 4;
  std::size_t max_response_bytes = 16u << 20;
};

/// Builds the client. Throws ConfigurationError for a malformed endpoint or missing region.
std::shared_ptr<AwsClient> make_aws_client(ClientSettings settings);

}  // namespace ssm_cache::aws
