// sidecar_config.hpp — the sidecar's settings: the AWS extension's environment variables
// (same names, same defaults, no 300 s cap) with command-line options on top. Pure: the
// environment is passed in. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.hpp"
#include "logger.hpp"

namespace ssm_cache::cli {

// The log is shared with ssm-cache-local (tools/common); the sidecar names it as before.
using tools::LogFormat;
using tools::Logger;
using tools::LogLevel;
using tools::parse_log_format;
using tools::parse_log_level;

struct SidecarConfig {
  int port = 2773;  ///< PARAMETERS_SECRETS_EXTENSION_HTTP_PORT
  bool cache_enabled = true;  ///< PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED
  std::size_t cache_size = 1000;  ///< PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE (0: off)
  std::size_t max_connections = 3;  ///< PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS:
                                    ///< upstream calls in flight at once
  LogLevel log_level = LogLevel::kInfo;  ///< PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL
  std::chrono::milliseconds ssm_ttl{300000};  ///< SSM_PARAMETER_STORE_TTL (0: no caching)
  std::chrono::milliseconds secrets_ttl{300000};  ///< SECRETS_MANAGER_TTL (0: no caching)
  std::chrono::milliseconds ssm_timeout{0};  ///< SSM_PARAMETER_STORE_TIMEOUT_MILLIS (0: default)
  std::chrono::milliseconds secrets_timeout{0};  ///< SECRETS_MANAGER_TIMEOUT_MILLIS (0: default)
  std::string token{};  ///< AWS_SESSION_TOKEN unless --token / --token-file
  /// AWS_LAMBDA_RUNTIME_API: set only under Lambda, where serve registers as an extension.
  std::string lambda_runtime_api{};
  std::vector<std::string> prefetch{};  ///< --prefetch items
  bool stale_while_refresh = true;
  std::optional<std::chrono::milliseconds> max_stale_if_error{};  ///< unset: unbounded
  std::size_t threads = 0;  ///< HTTP worker threads; 0: automatic
  std::size_t keep_alive_max_requests = 1000000;  ///< per connection
  std::size_t max_request_bytes = 8192;  ///< request line + headers; larger: 431 / 414
  /// Longest a request waits for AWS (--request-timeout); then a stale value or 504.
  std::chrono::milliseconds request_timeout{2000};
  /// After SIGTERM / Lambda SHUTDOWN, how long requests may still wait for AWS
  /// (--shutdown-grace); then they are answered and the process exits.
  std::chrono::milliseconds shutdown_grace{2000};
  LogFormat log_format = LogFormat::kText;  ///< --log-format
  /// Credentials from the environment (session token, keys, container token): removed from
  /// upstream error text before it is logged or answered.
  std::vector<std::string> scrub{};
};

/// Reads the extension's variables from `env` into a config with the defaults above. Throws
/// std::invalid_argument naming the variable and the value it could not use (never a token).
SidecarConfig sidecar_config_from_env(const common::Environment& env);

/// "300" (seconds, as the extension), "300s", "1500ms", "5m", "1h". Throws
/// std::invalid_argument.
std::chrono::milliseconds parse_duration(std::string_view text);

}  // namespace ssm_cache::cli
