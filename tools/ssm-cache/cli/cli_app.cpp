// cli_app.cpp — see cli_app.hpp. run_cli parses and dispatches; each subcommand is in its
// own file (commands.hpp).
#include "cli_app.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "answers.hpp"
#include "commands.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/version.hpp"

namespace ssm_cache::cli {

namespace {

// Bounds the whole command (credential lookups, retries, pages), which no per-call timeout
// does: when `limit` passes first, says so and ends the process with exit 1. Disarmed when
// destroyed, and before exec hands the process to the command.
class CommandDeadline {
 public:
  explicit CommandDeadline(std::chrono::milliseconds limit) {
    if (limit.count() <= 0) return;
    thread_ = std::thread([this, limit] {
      detail::UniqueLock lock(mutex_);
      if (lock.wait_for(disarmed_changed_, limit,
                        [this]() SSM_CACHE_REQUIRES(mutex_) { return disarmed_; })) {
        return;
      }
      const std::string message =
          "ssm-cache: gave up: the command did not finish within --timeout " +
          std::to_string(static_cast<double>(limit.count()) / 1000.0).substr(0, 6) + " s\n";
      [[maybe_unused]] const auto written = ::write(2, message.data(), message.size());
      ::_exit(kExitAwsError);
    });
  }
  ~CommandDeadline() { disarm(); }
  CommandDeadline(const CommandDeadline&) = delete;
  CommandDeadline& operator=(const CommandDeadline&) = delete;

  void disarm() {
    {
      detail::MutexLock lock(mutex_);
      disarmed_ = true;
    }
    disarmed_changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  detail::Mutex mutex_;
  std::condition_variable disarmed_changed_;
  bool disarmed_ SSM_CACHE_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

struct Globals {
  bool debug = false;
  double timeout_seconds = 0;
  std::string region;
  std::string endpoint_url;
  std::string profile;
  std::string output = "text";
  bool no_decryption = false;
};

void add_global_options(CLI::App& app, Globals& g) {
  app.add_option("--region", g.region, "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile)");
  app.add_option("--endpoint-url", g.endpoint_url,
                 "Endpoint URL for both Parameter Store and Secrets Manager");
  app.add_option("--profile", g.profile, "Shared config/credentials profile");
  app.add_option("-o,--output", g.output, "Output format")
      ->check(CLI::IsMember({"text", "json", "env"}));
  app.add_option("--timeout", g.timeout_seconds,
                 "Give up after this many seconds, whatever the command is waiting for (exit 1); "
                 "exec's command itself is not limited")
      ->check(CLI::PositiveNumber);
  app.add_flag("--debug", g.debug,
               "Print each HTTP exchange (method, URL, target, status, sizes, request id, time) on "
               "stderr; never a credential, a token or a value");
  app.add_flag("--no-decryption", g.no_decryption,
               "Do not decrypt SecureString values (not for /aws/reference/secretsmanager/ names)");
}

// Splits off what follows "--" (exec's command), so that its own options never reach CLI11.
std::vector<std::string> split_command(std::vector<std::string>& args) {
  std::vector<std::string> command;
  if (auto dashdash = std::find(args.begin() + (args.empty() ? 0 : 1), args.end(), "--");
      dashdash != args.end()) {
    command.assign(dashdash + 1, args.end());
    args.erase(dashdash, args.end());
  }
  return command;
}

AwsClientOptions client_options(const Globals& g, std::ostream& err) {
  AwsClientOptions aws;
  aws.region = g.region;
  aws.profile = g.profile;
  aws.ssm_endpoint_url = g.endpoint_url;
  aws.secrets_manager_endpoint_url = g.endpoint_url;
  if (g.debug) {
    // Exchanges of concurrent calls (GetParameters chunks) come from several threads.
    auto lock = std::make_shared<detail::Mutex>();
    aws.http_log = [lock, &err](std::string_view line) {
      detail::MutexLock guard(*lock);
      err << "ssm-cache: debug: " << line << "\n" << std::flush;
    };
  }
  return aws;
}

// The library's own bounds first, so that it usually fails cleanly before the deadline.
void bound_calls(AwsClientOptions& aws, std::chrono::milliseconds limit) {
  if (limit.count() <= 0) return;
  aws.call_deadline = std::min(aws.call_deadline, limit);
  aws.attempt_timeout = std::min(aws.attempt_timeout, limit);
  aws.connect_timeout = std::min(aws.connect_timeout, limit);
}

}  // namespace

int report(std::ostream& err, const std::string& doing, const std::string& message, int code) {
  err << "ssm-cache: " << doing << (doing.empty() ? "" : ": ") << cli_wording(message) << "\n";
  return code;
}

// Reports an error out of a command in the command line's words; the exit status comes from
// the one table (tools/common/error_map).
int report_error(std::ostream& err, const std::string& doing, const std::exception& e) {
  const int code = tools::exit_code(e);
  if (const auto* aws = dynamic_cast<const AwsError*>(&e)) {
    if (aws->code().empty()) {
      // Not an AWS error document (a proxy's page, a wrong endpoint): the library's message
      // has the status, the URL and what the body was, never the body itself.
      return report(err, doing,
                    std::string(e.what()) +
                        ". Hint: the endpoint does not look like AWS: check "
                        "--endpoint-url, AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL_SECRETS_MANAGER, "
                        "--region and any HTTPS_PROXY",
                    code);
    }
    err << "ssm-cache: " << doing << ": " << aws->code() << ": " << aws->aws_message() << " (HTTP "
        << aws->http_status();
    if (!aws->request_id().empty()) err << ", request id " << aws->request_id();
    err << ")\n";
    return code;
  }
  if (const auto* missing = dynamic_cast<const InvalidParameterError*>(&e)) {
    return report(err, doing, "ParameterNotFound: " + join(missing->names(), ", "), code);
  }
  return report(err, doing, e.what(), code);
}

std::string cli_wording(std::string message) {
  static const std::pair<const char*, const char*> kWords[] = {
      {"AwsClientOptions::secrets_manager_endpoint_url", "--endpoint-url"},
      {"AwsClientOptions::ssm_endpoint_url", "--endpoint-url"},
      {"AwsClientOptions::region", "--region"},
      {"AwsClientOptions::ca_bundle", "AWS_CA_BUNDLE"},
      {"AwsClientOptions::max_attempts", "AWS_MAX_ATTEMPTS"},
      {"AwsClientOptions::profile", "--profile"},
      {"the profile option", "--profile"},
  };
  for (const auto& [library, cli] : kWords) {
    const std::string from = library;
    for (std::size_t at = message.find(from); at != std::string::npos;
         at = message.find(from, at)) {
      message.replace(at, from.size(), cli);
      at += std::string_view(cli).size();
    }
  }
  return message;
}

int exec_replace_process(const ExecRequest& request, std::ostream& err) {
  for (const auto& [k, v] : request.environment) {
    if (::setenv(k.c_str(), v.c_str(), 1) != 0) {
      err << "ssm-cache: exec: cannot set environment variable " << k << ": "
          << std::strerror(errno) << "\n";
      return kExitAwsError;
    }
  }
  std::vector<char*> argv;
  argv.reserve(request.command.size() + 1);
  for (const auto& a : request.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  err.flush();
  ::execvp(argv[0], argv.data());
  const int e = errno;
  err << "ssm-cache: exec: cannot run '" << request.command[0] << "': " << std::strerror(e) << "\n";
  return e == ENOENT ? 127 : 126;
}

int run_cli(const std::vector<std::string>& args, const ClientFactory& factory, std::ostream& out,
            std::ostream& err, const ExecFn& exec_fn) {
  CLI::App app{
      "Read AWS Parameter Store parameters and Secrets Manager secrets, run commands "
      "with them, or serve them to local processes (a drop-in for the AWS Parameters "
      "and Secrets Lambda Extension).",
      "ssm-cache"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ssm-cache ") + kVersion);
  app.fallthrough();  // global options may follow the subcommand
  Globals g;
  add_global_options(app, g);
  GetCommand get(app);
  PathCommand path(app);
  SecretCommand secret(app);
  ExecCommand exec(app);
  ServeCommand serve(app);
  HelpCommand help(app);

  std::vector<std::string> argv_storage(args.begin(), args.end());
  const std::vector<std::string> command = split_command(argv_storage);
  std::vector<const char*> argv;
  for (const auto& a : argv_storage) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!command.empty() && !exec.sub->parsed()) {
    err << "ssm-cache: arguments after '--' are only for exec\n";
    return kExitUsage;
  }
  CommandContext c{
      factory, client_options(g, err), !g.no_decryption, parse_output_format(g.output), out, err};
  if (help.sub->parsed()) return help.run(app, out, err);
  if (serve.sub->parsed()) return run_serve(serve.options, c.aws, factory, out, err);
  const auto limit = std::chrono::milliseconds(static_cast<long long>(g.timeout_seconds * 1000));
  bound_calls(c.aws, limit);
  CommandDeadline deadline(limit);
  try {
    if (get.sub->parsed()) return get.run(c);
    if (path.sub->parsed()) return path.run(c);
    if (secret.sub->parsed()) return secret.run(c);
    if (exec.sub->parsed()) return exec.run(c, command, exec_fn, [&] { deadline.disarm(); });
  } catch (const std::exception& e) {
    return report_error(err, c.doing, e);
  }
  return kExitUsage;
}

}  // namespace ssm_cache::cli
