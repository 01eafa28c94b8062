// serve_command.cpp — see serve_command.hpp.
#include "serve_command.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <thread>

#include "common/thread_annotations.hpp"
#include "lambda_extension.hpp"
#include "sidecar_event_server.hpp"
#include "sidecar_service.hpp"
#include "signals.hpp"

namespace ssm_cache::cli {

namespace {

std::string trim_token(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

namespace {

// The settings: the extension's environment variables, command-line options on top. Throws
// std::invalid_argument naming what is wrong.
SidecarConfig resolve_config(const ServeOptions& o) {
  SidecarConfig config = sidecar_config_from_env(common::process_environment());
  if (o.port) config.port = *o.port;
  if (o.ssm_ttl) config.ssm_ttl = parse_duration(*o.ssm_ttl);
  if (o.secrets_ttl) config.secrets_ttl = parse_duration(*o.secrets_ttl);
  if (o.cache_size) config.cache_size = *o.cache_size;
  if (o.log_level) config.log_level = parse_log_level(*o.log_level);
  if (o.threads) config.threads = *o.threads;
  if (o.max_connections) config.max_connections = *o.max_connections;
  if (o.no_stale_while_refresh) config.stale_while_refresh = false;
  if (o.max_stale_if_error) config.max_stale_if_error = parse_duration(*o.max_stale_if_error);
  if (o.request_timeout) config.request_timeout = parse_duration(*o.request_timeout);
  if (o.shutdown_grace) config.shutdown_grace = parse_duration(*o.shutdown_grace);
  if (o.log_format) config.log_format = parse_log_format(*o.log_format);
  if (config.request_timeout.count() <= 0) {
    throw std::invalid_argument("--request-timeout must be more than 0");
  }
  config.prefetch = o.prefetch;
  if (o.token) {
    config.token = *o.token;
  } else if (o.token_file) {
    std::ifstream in(*o.token_file);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) throw std::invalid_argument("cannot read --token-file " + *o.token_file);
    config.token = trim_token(ss.str());
  }
  return config;
}

AwsClientOptions with_timeout(AwsClientOptions opt, std::chrono::milliseconds t) {
  if (t.count() <= 0) return opt;
  opt.call_deadline = t;
  opt.attempt_timeout = std::min(opt.attempt_timeout, t);
  opt.connect_timeout = std::min(opt.connect_timeout, t);
  return opt;
}

// Blocks until Lambda sends SHUTDOWN (0) or the Extensions API fails (kExitAwsError; not an
// error once `stopping` says the process is stopping anyway).
int run_lambda_events(LambdaExtensionClient& lambda, Logger& log,
                      const std::function<bool()>& stopping) {
  for (;;) {
    try {
      auto event = lambda.next_event();
      if (event.type == ExtensionEvent::Type::kShutdown) {
        log.info("Lambda SHUTDOWN (" + event.shutdown_reason + ")");
        return kExitOk;
      }
    } catch (const std::exception& e) {
      if (stopping()) return kExitOk;
      log.error(e.what());
      return kExitAwsError;
    }
  }
}

// Stopping, from whichever thread asks first (a signal, the server ending, Lambda SHUTDOWN):
// runs `on_stop` once and wakes wait().
class Stopper {
 public:
  explicit Stopper(std::function<void()> on_stop) : on_stop_(std::move(on_stop)) {}
  void request() {
    {
      detail::MutexLock lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      began_ = std::chrono::steady_clock::now();
    }
    cv_.notify_all();
    on_stop_();
  }
  bool stopping() {
    detail::MutexLock lock(mu_);
    return stopping_;
  }
  void wait() {
    detail::UniqueLock lock(mu_);
    lock.wait(cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return stopping_; });
  }
  /// What is left of `grace` since the stop began.
  std::chrono::milliseconds left_of(std::chrono::milliseconds grace) {
    detail::MutexLock lock(mu_);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        began_ + grace - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds{0});
  }

 private:
  std::function<void()> on_stop_;
  detail::Mutex mu_;
  std::condition_variable cv_;
  bool stopping_ SSM_CACHE_GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point began_ SSM_CACHE_GUARDED_BY(mu_){};
};

void announce(std::ostream& out, Logger& log, int port, const SidecarConfig& config) {
  out << "listening on http://127.0.0.1:" << port << std::endl;
  log.info("serving on 127.0.0.1:" + std::to_string(port) + " (parameter TTL " +
           std::to_string(config.ssm_ttl.count()) + " ms, secret TTL " +
           std::to_string(config.secrets_ttl.count()) + " ms, cache " +
           (config.cache_enabled ? std::to_string(config.cache_size) + " entries" : "disabled") +
           ")");
}

// An upstream call that hangs cannot be interrupted: past the grace, exit without joining it
// (destroying the service would wait for it, up to the AWS call deadline).
void exit_if_upstream_hangs(SidecarService& service, Logger& log, std::chrono::milliseconds left,
                            std::chrono::milliseconds grace, int code, std::ostream& out,
                            std::ostream& err) {
  if (service.cache().wait_idle_for(left)) return;
  log.warn("exiting with upstream calls still in flight (shutdown grace " +
           std::to_string(grace.count()) + " ms over)");
  out.flush();
  err.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

// The settings, or nothing after saying on `err` what is wrong (a usage error).
std::optional<SidecarConfig> serve_config(const ServeOptions& o, std::ostream& err) {
  SidecarConfig config;
  try {
    config = resolve_config(o);
  } catch (const std::invalid_argument& e) {
    err << "ssm-cache: serve: " << e.what() << "\n";
    return std::nullopt;
  }
  if (config.token.empty()) {
    err << "ssm-cache: serve: no token: set AWS_SESSION_TOKEN or pass --token / --token-file "
           "(every request must carry it in X-Aws-Parameters-Secrets-Token)\n";
    return std::nullopt;
  }
  return config;
}

// A failure before registering: register anyway (best effort) so that Lambda reports why.
int fail_init(Logger& log, LambdaExtensionClient* lambda, const std::string& type,
              const std::string& message, int code) {
  log.error(message);
  if (lambda != nullptr) {
    try {
      if (lambda->identifier().empty()) lambda->register_extension();
      lambda->init_error(type, message);
    } catch (const std::exception&) {
    }
  }
  return code;
}

// Registers with Lambda (when under Lambda), then loads --prefetch. kExitOk, or
// kExitAwsError once registration failed (and the stop was requested).
int register_and_prefetch(LambdaExtensionClient* lambda, SidecarService& service,
                          const SidecarConfig& config, const std::string& extension_name,
                          Logger& log, Stopper& stopper) {
  if (lambda != nullptr) {
    try {
      lambda->register_extension();
      log.info("registered with the Lambda Extensions API as " + extension_name);
    } catch (const std::exception& e) {
      log.error(e.what());
      stopper.request();
      return kExitAwsError;
    }
  }
  if (!config.prefetch.empty()) {
    auto report = service.prefetch(config.prefetch);
    log.info("prefetched " + std::to_string(report.loaded) + " cache entries");
    for (const auto& p : report.problems) log.warn("prefetch: " + p);
  }
  return kExitOk;
}

}  // namespace

int run_serve(const ServeOptions& o, const AwsClientOptions& aws, const ClientFactory& factory,
              std::ostream& out, std::ostream& err) {
  // Before any thread exists, so that every thread inherits the mask.
  tools::block_stop_signals();
  const auto resolved = serve_config(o, err);
  if (!resolved) return kExitUsage;
  const SidecarConfig& config = *resolved;
  auto log = std::make_shared<Logger>(config.log_level, stderr, config.log_format);

  // Under Lambda the port is bound and served before registering: Lambda runs the function's
  // init code once every extension has registered, and that code may call us at once.
  std::unique_ptr<LambdaExtensionClient> lambda;
  if (!config.lambda_runtime_api.empty()) {
    try {
      lambda = std::make_unique<LambdaExtensionClient>(config.lambda_runtime_api, o.extension_name);
    } catch (const std::exception& e) {
      log->error(e.what());
      return kExitAwsError;
    }
  }
  std::shared_ptr<AwsClient> ssm, secrets;
  try {
    ssm = factory(with_timeout(aws, config.ssm_timeout));
    secrets = config.ssm_timeout == config.secrets_timeout
                  ? ssm
                  : factory(with_timeout(aws, config.secrets_timeout));
  } catch (const std::exception& e) {
    return fail_init(*log, lambda.get(), "Extension.ConfigurationError",
                     std::string("cannot create the AWS client: ") + e.what(), kExitUsage);
  }

  SidecarService service(config, ssm, secrets, log);
  std::unique_ptr<SidecarEventServer> server;
  int port = 0;
  try {
    server = std::make_unique<SidecarEventServer>(service);
    port = server->bind(config.port);
  } catch (const std::exception& e) {
    return fail_init(*log, lambda.get(), "Extension.BindError", e.what(), kExitAwsError);
  }

  Stopper stopper([&] {
    // First: no new upstream call, waits end within the grace; then the front stops.
    service.begin_shutdown();
    server->stop();
    if (lambda) lambda->stop();
  });
  std::atomic<bool> server_failed{false};
  std::thread server_thread([&] {
    if (!server->run()) server_failed.store(true);
    stopper.request();
  });
  tools::StopSignalWatcher signals([&](int sig) {
    log->info(std::string("received ") + tools::stop_signal_name(sig) + ", shutting down");
    stopper.request();
  });
  int code = register_and_prefetch(lambda.get(), service, config, o.extension_name, *log, stopper);
  // Announced once prefetched: scripts (and tests) waiting for it find the cache warm.
  announce(out, *log, port, config);
  if (code == kExitOk && lambda) {
    code = run_lambda_events(*lambda, *log, [&] { return stopper.stopping(); });
    stopper.request();
  } else {
    stopper.wait();
  }
  server_thread.join();
  if (server_failed.load() && code == kExitOk) {
    log->error("the HTTP server stopped unexpectedly");
    code = kExitAwsError;
  }
  exit_if_upstream_hangs(service, *log, stopper.left_of(config.shutdown_grace),
                         config.shutdown_grace, code, out, err);
  log->info("stopped");
  return code;
}

}  // namespace ssm_cache::cli
