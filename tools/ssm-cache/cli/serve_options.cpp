// serve_options.cpp — `ssm-cache serve`'s options; the sidecar itself is run_serve
// (sidecar/serve_command.cpp).
#include "commands.hpp"

namespace ssm_cache::cli {

ServeCommand::ServeCommand(CLI::App& app)
    : sub(app.add_subcommand(
          "serve",
          "Serve parameters and secrets on 127.0.0.1 with the AWS Parameters and "
          "Secrets Lambda Extension's HTTP API")) {
  sub->add_option("--port", options.port,
                  "Port (else PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 2773)")
      ->check(CLI::Range(0, 65535));
  sub->add_option("--token", options.token, "Token clients must send (else AWS_SESSION_TOKEN)");
  sub->add_option("--token-file", options.token_file, "Read the token from this file")
      ->check(CLI::ExistingFile);
  sub->add_option("--prefetch", options.prefetch,
                  "Load before the first request: NAME, /path/ or secret:ID (comma-separated)")
      ->delimiter(',');
  sub->add_option("--ssm-ttl", options.ssm_ttl,
                  "Parameter TTL (else SSM_PARAMETER_STORE_TTL, 300s)");
  sub->add_option("--secrets-ttl", options.secrets_ttl,
                  "Secret TTL (else SECRETS_MANAGER_TTL, 300s)");
  sub->add_option("--cache-size", options.cache_size,
                  "Entries (else PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE, 1000)");
  sub->add_option("--log-level", options.log_level,
                  "debug, info, warn, error, none (else PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL)");
  sub->add_option("--threads", options.threads, "Event loops (default: two per CPU, at most 64)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--max-connections", options.max_connections,
                  "Upstream calls in flight at once (else "
                  "PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS, 3)")
      ->check(CLI::Range(1, 1000));
  sub->add_flag("--no-stale-while-refresh", options.no_stale_while_refresh,
                "Make requests wait for the refresh of an expired entry");
  sub->add_option("--max-stale-if-error", options.max_stale_if_error,
                  "How long past expiry a value is served while upstream fails (default: "
                  "unbounded; 0: never)");
  sub->add_option("--request-timeout", options.request_timeout,
                  "Longest a request waits for AWS before a stale value or 504 (default 2s)");
  sub->add_option("--shutdown-grace", options.shutdown_grace,
                  "After SIGTERM, how long requests may still wait for AWS (default 2s)");
  sub->add_option("--log-format", options.log_format,
                  "text (default) or json: one object per line");
  sub->add_option("--extension-name", options.extension_name,
                  "Lambda-Extension-Name to register under (default: the program's file name "
                  "when Lambda starts it without arguments)");
}

}  // namespace ssm_cache::cli
