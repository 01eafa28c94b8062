// ssm-cache-local — a local Parameter Store and Secrets Manager server speaking the real AWS
// JSON 1.1 protocol with SigV4 verification, for offline development and integration tests.
// This file is the thin shell: options, the libevent front (event_front.hpp), signals.
// Everything else is in LocalServer (local_server.hpp).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "event_front.hpp"
#include "logger.hpp"
#include "local_server.hpp"
#include "persistence.hpp"
#include "signals.hpp"
#include "ssm_cache/version.hpp"

namespace {

using ssm_cache::local::HttpRequest;
using ssm_cache::local::HttpResponse;
using ssm_cache::local::LocalServer;

// The log both programs write (tools/common): timestamped, one line per event.
ssm_cache::tools::Logger& log() {
  static ssm_cache::tools::Logger logger(ssm_cache::tools::LogLevel::kInfo, stderr,
                                         ssm_cache::tools::LogFormat::kText,
                                         std::chrono::seconds(10), {}, "ssm-cache-local");
  return logger;
}

void log_line(const std::string& line) { log().info(line); }

std::string describe(const HttpRequest& request, const HttpResponse& response,
                     std::chrono::steady_clock::duration took) {
  std::string line = request.method + " " + request.target.substr(0, 80);
  if (!response.target.empty()) line += " " + response.target;
  line += " " + std::to_string(response.status);
  if (!response.error_code.empty()) line += " " + response.error_code;
  if (response.delivery == HttpResponse::Delivery::kDrop) line += " (dropped)";
  if (response.delivery == HttpResponse::Delivery::kTruncate) line += " (truncated)";
  char ms[32];
  std::snprintf(ms, sizeof ms, " %.1fms",
                std::chrono::duration<double, std::milli>(took).count());
  return line + ms;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ssm-cache-local: a local AWS Parameter Store and Secrets Manager server "
               "(JSON 1.1 protocol, SigV4-verified) for offline development and tests.",
               "ssm-cache-local"};
  app.set_version_flag("--version", std::string("ssm-cache-local ") + ssm_cache::kVersion);
  std::string host = "127.0.0.1";
  int port = 4583;
  std::string data_file;
  std::string region;
  std::vector<std::string> credentials;
  bool admin = false;
  std::string admin_token;
  std::vector<std::string> allowed_hosts;
  bool quiet = false;
  int threads = 32;
  std::string account_id = "000000000000";
  ssm_cache::local::FaultConfig faults;
  std::int64_t seed = -1;
  app.add_option("--host", host, "Loopback address to bind (127.0.0.1, ::1, localhost)")
      ->capture_default_str();
  app.add_option("--port", port, "TCP port; 0 picks a free one")->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--data", data_file,
                 "SQLite database (WAL) holding the store; every write is committed before the "
                 "reply. A JSON data file here is imported once into FILE.sqlite");
  app.add_option("--region", region,
                 "Accept only signatures scoped to this region (default: any region)");
  app.add_option("--credentials", credentials,
                 "ACCESS_KEY:SECRET_KEY accepted in signatures (repeatable; default test:test)");
  app.add_option("--account-id", account_id, "Account id used in ARNs")->capture_default_str();
  app.add_flag("--admin", admin,
               "Serve /_local/stats and /_local/faults, behind a random token printed at start");
  app.add_option("--admin-token", admin_token,
                 "Serve the admin endpoints behind this token ('Authorization: Bearer TOKEN'); "
                 "implies --admin");
  app.add_option("--allow-host", allowed_hosts,
                 "Also serve requests whose Host header names this host (repeatable; default: "
                 "loopback names only)");
  app.add_flag("--quiet", quiet, "Do not log one line per request on stderr");
  app.add_option("--threads", threads, "Worker threads answering requests (connections are read by one event loop)")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  auto* fault_group = app.add_option_group("Faults", "All off by default");
  fault_group->add_option("--latency-ms", faults.latency_ms, "Delay every API answer")
      ->check(CLI::Range(0, 600000));
  fault_group->add_option("--throttle-tps", faults.throttle_tps,
                          "ThrottlingException beyond this many calls per second (token bucket)")
      ->check(CLI::NonNegativeNumber);
  fault_group->add_option("--throttle-burst", faults.throttle_burst,
                          "Token bucket size (default: the rate)")
      ->check(CLI::NonNegativeNumber);
  fault_group->add_option("--error-rate", faults.error_rate, "Fraction of calls answered 500")
      ->check(CLI::Range(0.0, 1.0));
  fault_group->add_option("--drop-rate", faults.drop_rate,
                          "Fraction of calls whose connection is closed without an answer")
      ->check(CLI::Range(0.0, 1.0));
  fault_group->add_option("--truncate-rate", faults.truncate_rate,
                          "Fraction of calls whose answer is cut in half")
      ->check(CLI::Range(0.0, 1.0));
  fault_group->add_option("--max-faults", faults.max_faults,
                          "Stop injecting errors/drops/truncations after this many (-1: never)");
  fault_group->add_flag("--empty-pages", faults.empty_pages,
                        "GetParametersByPath answers an empty first page with a NextToken");
  fault_group->add_option("--fault-targets", faults.targets,
                          "Only these X-Amz-Target values get faults (default: all)");
  fault_group->add_option("--seed", seed, "Seed of the fault dice (default: random)");
  CLI11_PARSE(app, argc, argv);

  if (!ssm_cache::local::is_loopback_name(host)) {
    std::fprintf(stderr,
                 "ssm-cache-local: refusing to bind '%s': this development server binds loopback "
                 "addresses only (127.0.0.1, ::1, localhost)\n",
                 host.c_str());
    return 2;
  }
  if (host == "localhost") host = "127.0.0.1";

  ssm_cache::local::ServerOptions options;
  if (!credentials.empty()) {
    options.credentials.clear();
    for (const auto& c : credentials) {
      const auto colon = c.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == c.size()) {
        std::fprintf(stderr,
                     "ssm-cache-local: --credentials must be ACCESS_KEY:SECRET_KEY (both "
                     "non-empty)\n");
        return 2;
      }
      options.credentials[c.substr(0, colon)] = c.substr(colon + 1);
    }
  }
  options.region = region;
  options.account_id = account_id;
  options.admin = admin || !admin_token.empty();
  options.admin_token = admin_token;
  options.allowed_hosts = allowed_hosts;
  options.data_file = data_file;
  options.faults = faults;
  if (seed >= 0) options.seed = static_cast<std::uint64_t>(seed);

  if (!data_file.empty()) {
    const auto slash = data_file.rfind('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : data_file.substr(0, slash));
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      std::fprintf(stderr,
                   "ssm-cache-local: the directory of --data %s (%s) does not exist or is not "
                   "writable\n",
                   data_file.c_str(), dir.c_str());
      return 2;
    }
  }

  std::unique_ptr<LocalServer> core;
  try {
    core = std::make_unique<LocalServer>(options);
  } catch (const ssm_cache::local::LoadError& e) {
    std::fprintf(stderr,
                 "ssm-cache-local: cannot load the data file: %s\nThe file is left untouched; "
                 "fix or move it, then start again.\n",
                 e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ssm-cache-local: cannot open the data file: %s\n", e.what());
    return 2;
  }

  // Signals are taken by one thread (tools/common), so that stopping is not done from a
  // signal handler. Blocked before any other thread exists.
  ssm_cache::tools::block_stop_signals();

  ssm_cache::local::EventFront front(
      *core, static_cast<std::size_t>(threads),
      [quiet](const HttpRequest& request, const HttpResponse& response,
              std::chrono::steady_clock::duration took) {
        if (!quiet) log_line(describe(request, response, took));
      });
  int bound = -1;
  try {
    bound = front.bind(host, port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ssm-cache-local: %s\n", e.what());
    return 1;
  }
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("listening on http://%s:%d\n", shown_host.c_str(), bound);
  if (options.admin && admin_token.empty()) {
    // Made at start: whoever started the server reads it here (never in the log).
    std::printf("admin token: %s\n", core->admin_token().c_str());
  }
  std::fflush(stdout);

  const auto [params, secrets] = core->sizes();
  log_line("ssm-cache-local: " + std::to_string(params) + " parameters, " +
           std::to_string(secrets) + " secrets" +
           (data_file.empty() ? std::string(", in memory only") : ", data file " + data_file) +
           (options.admin ? "; admin endpoints on /_local/" : ""));

  const bool ok = [&front] {
    ssm_cache::tools::StopSignalWatcher signals([&front](int sig) {
      log_line(std::string("ssm-cache-local: ") + ssm_cache::tools::stop_signal_name(sig) +
               ", stopping");
      front.stop();
    });
    return front.run();
  }();
  log_line("ssm-cache-local: stopped");
  return ok ? 0 : 1;
}
