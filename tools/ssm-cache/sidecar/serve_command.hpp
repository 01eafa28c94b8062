// serve_command.hpp — `ssm-cache serve`: wires config, AWS clients, the sidecar service and
// server, prefetch, signals (SIGTERM/SIGINT stop it cleanly) and the Lambda Extensions API
// loop when AWS_LAMBDA_RUNTIME_API is set. Blocks until shutdown; returns the exit code.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli_app.hpp"
#include "sidecar_config.hpp"

namespace ssm_cache::cli {

/// Command-line settings of serve; each set field overrides the environment.
struct ServeOptions {
  std::optional<int> port{};
  std::optional<std::string> token{};
  std::optional<std::string> token_file{};
  std::vector<std::string> prefetch{};
  std::optional<std::string> ssm_ttl{};
  std::optional<std::string> secrets_ttl{};
  std::optional<std::size_t> cache_size{};
  std::optional<std::string> log_level{};
  std::optional<std::size_t> threads{};
  std::optional<std::size_t> max_connections{};
  bool no_stale_while_refresh = false;
  std::optional<std::string> max_stale_if_error{};
  std::optional<std::string> request_timeout{};
  std::optional<std::string> shutdown_grace{};
  std::optional<std::string> log_format{};
  /// Lambda-Extension-Name: the file name in /opt/extensions Lambda started (main() passes
  /// basename(argv[0]) when started with no arguments; a launcher script passes its own).
  std::string extension_name = "ssm-cache";
};

int run_serve(const ServeOptions& options, const AwsClientOptions& aws,
              const ClientFactory& factory, std::ostream& out, std::ostream& err);

}  // namespace ssm_cache::cli
