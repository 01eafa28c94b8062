// ssm-cache-local/server/local_app.cpp — see local_app.hpp.
#include "local_app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "event_front.hpp"
#include "local_server.hpp"
#include "logger.hpp"
#include "persistence.hpp"
#include "signals.hpp"
#include "ssm_cache/version.hpp"

namespace ssm_cache::local {

namespace {

/// The command line, as parsed.
struct LocalOptions {
  std::string host = "127.0.0.1";
  int port = 4583;
  std::string data_file;
  std::string region;
  std::vector<std::string> credentials;
  bool admin = false;
  std::string admin_token;
  std::vector<std::string> allowed_hosts;
  bool quiet = false;
  std::string log_format = "text";
  int threads = 32;
  int request_read_timeout = static_cast<int>(EventFront::kDefaultRequestReadTimeout.count());
  std::string account_id = "000000000000";
  FaultConfig faults;
  std::int64_t seed = -1;
};

std::string describe(const HttpRequest& request, const HttpResponse& response,
                     std::chrono::steady_clock::duration took) {
  std::string line = request.method + " " + request.target.substr(0, 80);
  if (!response.target.empty()) line += " " + response.target;
  line += " " + std::to_string(response.status);
  if (!response.error_code.empty()) line += " " + response.error_code;
  if (response.delivery == HttpResponse::Delivery::kDrop) line += " (dropped)";
  if (response.delivery == HttpResponse::Delivery::kTruncate) line += " (truncated)";
  char ms[32];
  std::snprintf(ms, sizeof ms, " %.1fms", std::chrono::duration<double, std::milli>(took).count());
  return line + ms;
}

void add_server_options(CLI::App& app, LocalOptions& o) {
  app.add_option("--host", o.host, "Loopback address to bind (127.0.0.1, ::1, localhost)")
      ->capture_default_str();
  app.add_option("--port", o.port, "TCP port; 0 picks a free one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--data", o.data_file,
                 "SQLite database (WAL) holding the store; every write is committed before the "
                 "reply. A JSON data file here is imported once into FILE.sqlite");
  app.add_option("--region", o.region,
                 "Accept only signatures scoped to this region (default: any region)");
  app.add_option("--credentials", o.credentials,
                 "ACCESS_KEY:SECRET_KEY accepted in signatures (repeatable; default test:test)");
  app.add_option("--account-id", o.account_id, "Account id used in ARNs")->capture_default_str();
  app.add_flag("--admin", o.admin,
               "Serve /_local/stats and /_local/faults, behind a random token printed at start");
  app.add_option("--admin-token", o.admin_token,
                 "Serve the admin endpoints behind this token ('Authorization: Bearer TOKEN'); "
                 "implies --admin");
  app.add_option("--allow-host", o.allowed_hosts,
                 "Also serve requests whose Host header names this host (repeatable; default: "
                 "loopback names only)");
  app.add_flag("--quiet", o.quiet, "Do not log one line per request on stderr");
  app.add_option("--log-format", o.log_format,
                 "Log lines as text or as one JSON object per line (time, level, message)")
      ->check(CLI::IsMember({"text", "json"}, CLI::ignore_case))
      ->capture_default_str();
  app.add_option("--threads", o.threads,
                 "Worker threads answering requests (connections are read by one event loop)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--request-read-timeout", o.request_read_timeout,
                 "Seconds a connection has to deliver a complete request, from accept or from "
                 "its previous answer; then it is closed (bounds clients that trickle headers)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

void add_fault_options(CLI::App& app, FaultConfig& faults, std::int64_t& seed) {
  auto* group = app.add_option_group("Faults", "All off by default");
  group->add_option("--latency-ms", faults.latency_ms, "Delay every API answer")
      ->check(CLI::Range(0, 600000));
  group
      ->add_option("--throttle-tps", faults.throttle_tps,
                   "ThrottlingException beyond this many calls per second (token bucket)")
      ->check(CLI::NonNegativeNumber);
  group
      ->add_option("--throttle-burst", faults.throttle_burst,
                   "Token bucket size (default: the rate)")
      ->check(CLI::NonNegativeNumber);
  group->add_option("--error-rate", faults.error_rate, "Fraction of calls answered 500")
      ->check(CLI::Range(0.0, 1.0));
  group
      ->add_option("--drop-rate", faults.drop_rate,
                   "Fraction of calls whose connection is closed without an answer")
      ->check(CLI::Range(0.0, 1.0));
  group
      ->add_option("--truncate-rate", faults.truncate_rate,
                   "Fraction of calls whose answer is cut in half")
      ->check(CLI::Range(0.0, 1.0));
  group->add_option("--max-faults", faults.max_faults,
                    "Stop injecting errors/drops/truncations after this many (-1: never)");
  group->add_flag("--empty-pages", faults.empty_pages,
                  "GetParametersByPath answers an empty first page with a NextToken");
  group->add_option("--fault-targets", faults.targets,
                    "Only these X-Amz-Target values get faults (default: all)");
  group->add_option("--seed", seed, "Seed of the fault dice (default: random)");
}

/// Checks that --data's directory can take the database (and its WAL); false with the reason
/// on err.
bool data_directory_writable(const std::string& data_file, std::ostream& err) {
  if (data_file.empty()) return true;
  const auto slash = data_file.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : data_file.substr(0, slash));
  if (::access(dir.c_str(), W_OK | X_OK) == 0) return true;
  err << "ssm-cache-local: the directory of --data " << data_file << " (" << dir
      << ") does not exist or is not writable\n";
  return false;
}

/// The options as LocalServer takes them; nullopt, with the reason on err, when invalid.
std::optional<ServerOptions> server_options(LocalOptions& o, std::ostream& err) {
  if (!is_loopback_name(o.host)) {
    err << "ssm-cache-local: refusing to bind '" << o.host
        << "': this development server binds loopback addresses only (127.0.0.1, ::1, "
           "localhost)\n";
    return std::nullopt;
  }
  if (o.host == "localhost") o.host = "127.0.0.1";
  ServerOptions options;
  if (!o.credentials.empty()) options.credentials.clear();
  for (const auto& c : o.credentials) {
    const auto colon = c.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == c.size()) {
      err << "ssm-cache-local: --credentials must be ACCESS_KEY:SECRET_KEY (both non-empty)\n";
      return std::nullopt;
    }
    options.credentials[c.substr(0, colon)] = c.substr(colon + 1);
  }
  options.region = o.region;
  options.account_id = o.account_id;
  options.admin = o.admin || !o.admin_token.empty();
  options.admin_token = o.admin_token;
  options.allowed_hosts = o.allowed_hosts;
  options.data_file = o.data_file;
  options.faults = o.faults;
  if (o.seed >= 0) options.seed = static_cast<std::uint64_t>(o.seed);
  if (!data_directory_writable(o.data_file, err)) return std::nullopt;
  return options;
}

/// The server over its store; null, with the reason on err, when the data cannot be opened.
std::unique_ptr<LocalServer> open_server(const ServerOptions& options, std::ostream& err) {
  try {
    return std::make_unique<LocalServer>(options);
  } catch (const LoadError& e) {
    err << "ssm-cache-local: cannot load the data file: " << e.what()
        << "\nThe file is left untouched; fix or move it, then start again.\n";
  } catch (const std::exception& e) {
    err << "ssm-cache-local: cannot open the data file: " << e.what() << "\n";
  }
  return nullptr;
}

int serve(LocalServer& core, const LocalOptions& o, const ServerOptions& options, std::ostream& out,
          tools::Logger& log) {
  // Before the front starts its workers, so that every thread inherits the mask.
  tools::block_stop_signals();
  EventFront front(
      core, static_cast<std::size_t>(o.threads),
      [&log, quiet = o.quiet](const HttpRequest& request, const HttpResponse& response,
                              std::chrono::steady_clock::duration took) {
        // The target's path only: the admin token travels in a header, never in the line.
        if (!quiet) log.info(describe(request, response, took));
      },
      std::chrono::seconds(o.request_read_timeout));
  int bound = -1;
  try {
    bound = front.bind(o.host, o.port);
  } catch (const std::exception& e) {
    log.error("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (" + e.what() + ")");
    return 1;
  }
  const std::string shown = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  out << "listening on http://" << shown << ":" << bound << "\n";
  // Made at start: whoever started the server reads it here (never in the log).
  if (options.admin && o.admin_token.empty()) out << "admin token: " << core.admin_token() << "\n";
  out << std::flush;
  const auto [params, secrets] = core.sizes();
  log.info(std::to_string(params) + " parameters, " + std::to_string(secrets) + " secrets" +
           (o.data_file.empty() ? std::string(", in memory only") : ", data file " + o.data_file) +
           (options.admin ? "; admin endpoints on /_local/" : ""));
  bool ok = false;
  {
    // Stopping runs on the watcher's thread, not in a signal handler.
    const tools::StopSignalWatcher signals([&front, &log](int sig) {
      log.info(std::string(tools::stop_signal_name(sig)) + ", stopping");
      front.stop();
    });
    ok = front.run();
  }
  log.info("stopped");
  return ok ? 0 : 1;
}

}  // namespace

int run_local(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "ssm-cache-local: a local AWS Parameter Store and Secrets Manager server "
      "(JSON 1.1 protocol, SigV4-verified) for offline development and tests.",
      "ssm-cache-local"};
  app.set_version_flag("--version", std::string("ssm-cache-local ") + ssm_cache::kVersion);
  LocalOptions o;
  add_server_options(app, o);
  add_fault_options(app, o.faults, o.seed);
  try {
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));  // CLI11 takes them reversed
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err);
  }
  auto options = server_options(o, err);
  if (!options) return 2;
  auto core = open_server(*options, err);
  if (!core) return 2;
  tools::Logger log(
      tools::LogLevel::kInfo, [&err](std::string_view line) { err << line << std::flush; },
      tools::parse_log_format(o.log_format), "ssm-cache-local");
  return serve(*core, o, *options, out, log);
}

}  // namespace ssm_cache::local
