// cli_app.cpp — see cli_app.hpp.
#include "cli_app.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <cstring>
#include <map>
#include <ostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "exec_env.hpp"
#include "help_topics.hpp"
#include "output.hpp"
#include "serve_command.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/filters.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/version.hpp"

namespace ssm_cache::cli {

namespace {

// Orders records as the names were asked; a name the server answered with a different
// spelling (an ARN) keeps the server's order at the end.
std::vector<ParameterRecord> in_request_order(const std::vector<std::string>& names,
                                              std::vector<ParameterRecord> records) {
  std::vector<ParameterRecord> ordered;
  std::vector<bool> used(records.size(), false);
  for (const auto& n : names) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!used[i] && records[i].name + records[i].selector == n) {
        ordered.push_back(records[i]);
        used[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!used[i]) ordered.push_back(std::move(records[i]));
  }
  return ordered;
}

// Parameter Store hands out Secrets Manager secrets only decrypted: asking with
// WithDecryption=false is refused by the service with a ValidationException that does not say
// which flag to drop. Names the first such reference, or "".
std::string secret_reference_without_decryption(const std::vector<std::string>& names, bool decrypt) {
  if (decrypt) return {};
  for (const auto& n : names) {
    if (n.starts_with(SecretsManagerParameter::kPrefix)) {
      return "--no-decryption cannot read " + n +
             ": Parameter Store returns Secrets Manager references only decrypted; drop --no-decryption "
             "or read it with `ssm-cache secret " + n.substr(SecretsManagerParameter::kPrefix.size()) + "`";
    }
  }
  return {};
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Whether `record` answers the asked name: the same name (and selector), or, for a name asked
// by ARN ("arn:aws:ssm:REGION:ACCOUNT:parameter/NAME"), the ARN or the name it ends with.
bool answers(const std::string& asked, const ParameterRecord& record) {
  const std::string answered = record.name + record.selector;
  if (answered == asked) return true;
  if (!asked.starts_with("arn:")) return false;
  const std::size_t at = asked.find(":parameter");
  if (at == std::string::npos) return false;
  const std::string tail = asked.substr(at + std::string_view(":parameter").size());  // "/x" or "/app/x"
  return answered == tail || "/" + answered == tail;
}

// A 200 answer must hold exactly what was asked: an empty or foreign answer (a proxy, a wrong
// endpoint, a broken stand-in) is an error, never empty output. Returns the problem, or "".
std::string answer_mismatch(const std::vector<std::string>& names, const std::vector<ParameterRecord>& records) {
  std::vector<std::string> missing, foreign;
  for (const auto& n : names) {
    if (std::none_of(records.begin(), records.end(), [&](const auto& r) { return answers(n, r); })) missing.push_back(n);
  }
  for (const auto& r : records) {
    if (std::none_of(names.begin(), names.end(), [&](const auto& n) { return answers(n, r); })) {
      foreign.push_back(r.name + r.selector);
    }
  }
  if (missing.empty() && foreign.empty()) return {};
  std::string why = "the service answered without error but ";
  if (!missing.empty()) why += "did not return " + join(missing, ", ");
  if (!missing.empty() && !foreign.empty()) why += " and ";
  if (!foreign.empty()) why += "returned " + join(foreign, ", ") + ", which was not asked for";
  return why + ": check --endpoint-url / AWS_ENDPOINT_URL_SSM";
}

// Bounds the whole command (credential lookups, retries, pages), which no per-call timeout
// does: when `limit` passes first, says so and ends the process with exit 1. Disarmed when
// destroyed, and before exec hands the process to the command.
class CommandDeadline {
 public:
  explicit CommandDeadline(std::chrono::milliseconds limit) {
    if (limit.count() <= 0) return;
    thread_ = std::thread([this, limit] {
      std::unique_lock lock(mutex_);
      if (disarmed_changed_.wait_for(lock, limit, [this] { return disarmed_; })) return;
      const std::string message = "ssm-cache: gave up: the command did not finish within --timeout " +
                                  std::to_string(limit.count() / 1000.0).substr(0, 6) + " s\n";
      [[maybe_unused]] const auto written = ::write(2, message.data(), message.size());
      ::_exit(kExitAwsError);
    });
  }
  ~CommandDeadline() { disarm(); }
  CommandDeadline(const CommandDeadline&) = delete;
  CommandDeadline& operator=(const CommandDeadline&) = delete;

  void disarm() {
    {
      std::lock_guard lock(mutex_);
      disarmed_ = true;
    }
    disarmed_changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable disarmed_changed_;
  bool disarmed_ = false;
  std::thread thread_;
};

// `ssm-cache help [TOPIC]`: a subcommand's own --help, a text topic, or the list of both.
int print_help_topic(const CLI::App& app, const std::string& topic, std::ostream& out,
                     std::ostream& err) {
  if (topic.empty()) {
    out << "ssm-cache help TOPIC, where TOPIC is a subcommand:\n";
    for (const auto* sub : app.get_subcommands([](const CLI::App* s) { return s->get_name() != "help"; })) {
      out << "  " << sub->get_name() << "\n";
    }
    out << "or one of:\n";
    for (const auto& t : help_topics()) out << "  " << t.name << ": " << t.summary << "\n";
    return kExitOk;
  }
  if (const auto* t = find_help_topic(topic)) {
    out << t->text;
    return kExitOk;
  }
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_name() == topic && topic != "help") {
      out << sub->help(app.get_name());
      return kExitOk;
    }
  }
  err << "ssm-cache: help: no topic '" << topic << "' (ssm-cache help lists them)\n";
  return kExitUsage;
}

struct Globals {
  bool debug = false;
  double timeout_seconds = 0;
  std::string region;
  std::string endpoint_url;
  std::string profile;
  std::string output = "text";
  bool no_decryption = false;
};

/// Prints "ssm-cache: DOING: MESSAGE" in the command line's words; returns `code`.
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
                    std::string(e.what()) + ". Hint: the endpoint does not look like AWS: check "
                    "--endpoint-url, AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL_SECRETS_MANAGER, "
                    "--region and any HTTPS_PROXY",
                    code);
    }
    err << "ssm-cache: " << doing << ": " << aws->code() << ": " << aws->aws_message()
        << " (HTTP " << aws->http_status();
    if (!aws->request_id().empty()) err << ", request id " << aws->request_id();
    err << ")\n";
    return code;
  }
  if (const auto* missing = dynamic_cast<const InvalidParameterError*>(&e)) {
    return report(err, doing, "ParameterNotFound: " + join(missing->names(), ", "), code);
  }
  return report(err, doing, e.what(), code);
}

// The parameters of `--env NAME=/param`, fetched in one call, as an EnvSource whose records
// carry the user's names. Prints why and returns nothing when one is missing.
std::optional<EnvSource> explicit_env_source(AwsClient& client,
                                             const std::vector<std::pair<std::string, std::string>>& mappings,
                                             bool decrypt, std::string& doing, std::ostream& err) {
  std::vector<std::string> names;
  for (const auto& [_, parameter] : mappings) names.push_back(parameter);
  doing = "exec --env";
  auto result = client.get_parameters(names, decrypt);
  if (!result.invalid_parameters.empty()) {
    report(err, doing, "ParameterNotFound: " + join(result.invalid_parameters, ", "), kExitAwsError);
    return std::nullopt;
  }
  EnvSource source{"--env", {}, {}};
  for (const auto& [variable, parameter] : mappings) {
    const auto it = std::find_if(result.parameters.begin(), result.parameters.end(),
                                 [&](const ParameterRecord& r) { return answers(parameter, r); });
    if (it == result.parameters.end()) {
      report(err, doing, answer_mismatch(names, result.parameters), kExitAwsError);
      return std::nullopt;
    }
    source.records.push_back(*it);
    source.explicit_names.push_back(variable);
  }
  return source;
}

}  // namespace

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
    for (std::size_t at = message.find(from); at != std::string::npos; at = message.find(from, at)) {
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
  CLI::App app{"Read AWS Parameter Store parameters and Secrets Manager secrets, run commands "
               "with them, or serve them to local processes (a drop-in for the AWS Parameters "
               "and Secrets Lambda Extension).",
               "ssm-cache"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ssm-cache ") + kVersion);
  app.fallthrough();  // global options may follow the subcommand

  Globals g;
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

  auto* get = app.add_subcommand("get", "Print parameters (NAME, NAME:VERSION or NAME:LABEL)");
  std::vector<std::string> get_names;
  get->add_option("names", get_names, "Parameter names")->required();

  auto* path = app.add_subcommand("path", "Print every parameter under a hierarchy path");
  std::string path_arg;
  bool no_recursive = false;
  std::vector<std::string> filters;
  path->add_option("path", path_arg, "Hierarchy path, e.g. /app/prod")->required();
  path->add_flag("--no-recursive", no_recursive, "Only parameters directly under the path");
  path->add_option("--filter", filters,
                   "Filter in AWS CLI shorthand, e.g. Key=Type,Values=StringList (repeatable)");

  auto* secret = app.add_subcommand("secret", "Print a Secrets Manager secret");
  std::string secret_id, version_stage, version_id;
  secret->add_option("id", secret_id, "Secret name or ARN")->required();
  auto* stage_opt = secret->add_option("--version-stage", version_stage, "e.g. AWSPREVIOUS");
  auto* vid_opt = secret->add_option("--version-id", version_id, "Version id");
  stage_opt->excludes(vid_opt);

  auto* exec = app.add_subcommand(
      "exec", "Run a command with parameters as environment variables (name = last path "
              "segment upper-cased, characters outside [A-Z0-9_] as '_')");
  std::vector<std::string> exec_paths, exec_names, command;
  bool override_earlier = false;
  bool exec_no_recursive = false;
  exec->add_option("--path", exec_paths, "Load every parameter under this path (repeatable)");
  exec->add_option("--name", exec_names, "Load this parameter (repeatable)");
  std::vector<std::string> exec_mappings;
  exec->add_option("--env", exec_mappings,
                   "NAME=/param: set NAME from this parameter, even a variable of the deny list "
                   "(PATH, HOME, LD_*, ...) that names derived from parameters never set (repeatable)");
  exec->add_flag("--override", override_earlier,
                 "A later --path (then --name) overrides a variable of an earlier one");
  exec->add_flag("--no-recursive", exec_no_recursive, "Only parameters directly under each path");
  // Everything after "--" is the command; it is split off before parsing (below) so that its
  // own options ("env -i") never reach CLI11.
  exec->footer("Usage: ssm-cache exec --path /app/prod [--path ...] [--name N ...] -- COMMAND ARGS...");

  auto* serve = app.add_subcommand(
      "serve", "Serve parameters and secrets on 127.0.0.1 with the AWS Parameters and Secrets "
               "Lambda Extension's HTTP API");
  ServeOptions so;
  serve->add_option("--port", so.port, "Port (else PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 2773)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--token", so.token, "Token clients must send (else AWS_SESSION_TOKEN)");
  serve->add_option("--token-file", so.token_file, "Read the token from this file")
      ->check(CLI::ExistingFile);
  serve->add_option("--prefetch", so.prefetch,
                    "Load before the first request: NAME, /path/ or secret:ID (comma-separated)")
      ->delimiter(',');
  serve->add_option("--ssm-ttl", so.ssm_ttl, "Parameter TTL (else SSM_PARAMETER_STORE_TTL, 300s)");
  serve->add_option("--secrets-ttl", so.secrets_ttl, "Secret TTL (else SECRETS_MANAGER_TTL, 300s)");
  serve->add_option("--cache-size", so.cache_size,
                    "Entries (else PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE, 1000)");
  serve->add_option("--log-level", so.log_level,
                    "debug, info, warn, error, none (else PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL)");
  serve->add_option("--threads", so.threads, "Event loops (default: two per CPU, at most 64)")
      ->check(CLI::Range(1, 4096));
  serve->add_option("--max-connections", so.max_connections,
                    "Upstream calls in flight at once (else "
                    "PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS, 3)")
      ->check(CLI::Range(1, 1000));
  serve->add_flag("--no-stale-while-refresh", so.no_stale_while_refresh,
                  "Make requests wait for the refresh of an expired entry");
  serve->add_option("--max-stale-if-error", so.max_stale_if_error,
                    "How long past expiry a value is served while upstream fails (default: "
                    "unbounded; 0: never)");
  serve->add_option("--request-timeout", so.request_timeout,
                    "Longest a request waits for AWS before a stale value or 504 (default 2s)");
  serve->add_option("--shutdown-grace", so.shutdown_grace,
                    "After SIGTERM, how long requests may still wait for AWS (default 2s)");
  serve->add_option("--log-format", so.log_format, "text (default) or json: one object per line");
  serve->add_option("--extension-name", so.extension_name,
                    "Lambda-Extension-Name to register under (default: the program's file name "
                    "when Lambda starts it without arguments)");

  auto* help = app.add_subcommand(
      "help", "Show help on a subcommand or a topic (output, exit-status, credentials, "
              "environment, filters); no TOPIC: the list");
  std::string help_topic;
  help->add_option("topic", help_topic, "Subcommand or topic");

  std::vector<std::string> argv_storage(args.begin(), args.end());
  if (auto dashdash = std::find(argv_storage.begin() + (argv_storage.empty() ? 0 : 1),
                                argv_storage.end(), "--");
      dashdash != argv_storage.end()) {
    command.assign(dashdash + 1, argv_storage.end());
    argv_storage.erase(dashdash, argv_storage.end());
  }
  std::vector<const char*> argv;
  for (const auto& a : argv_storage) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }

  AwsClientOptions aws;
  aws.region = g.region;
  aws.profile = g.profile;
  aws.ssm_endpoint_url = g.endpoint_url;
  aws.secrets_manager_endpoint_url = g.endpoint_url;
  if (g.debug) {
    // Exchanges of concurrent calls (GetParameters chunks) come from several threads.
    auto lock = std::make_shared<std::mutex>();
    aws.http_log = [lock, &err](std::string_view line) {
      std::lock_guard guard(*lock);
      err << "ssm-cache: debug: " << line << "\n" << std::flush;
    };
  }
  const bool decrypt = !g.no_decryption;
  const OutputFormat format = parse_output_format(g.output);

  if (!command.empty() && !exec->parsed()) {
    err << "ssm-cache: arguments after '--' are only for exec\n";
    return kExitUsage;
  }
  if (help->parsed()) {
    return print_help_topic(app, help_topic, out, err);
  }
  if (serve->parsed()) {
    return run_serve(so, aws, factory, out, err);
  }
  const auto limit = std::chrono::milliseconds(static_cast<long long>(g.timeout_seconds * 1000));
  if (limit.count() > 0) {
    // The library's own bounds first, so that it usually fails cleanly before the deadline.
    aws.call_deadline = std::min(aws.call_deadline, limit);
    aws.attempt_timeout = std::min(aws.attempt_timeout, limit);
    aws.connect_timeout = std::min(aws.connect_timeout, limit);
  }
  CommandDeadline deadline(limit);

  std::string doing;  // for messages: what was asked
  try {
    if (get->parsed()) {
      doing = "get " + join(get_names, " ");
      if (auto why = secret_reference_without_decryption(get_names, decrypt); !why.empty()) {
        return report(err, doing, why, kExitUsage);
      }
      auto client = factory(aws);
      auto result = client->get_parameters(get_names, decrypt);
      if (!result.invalid_parameters.empty()) {
        err << "ssm-cache: get: ParameterNotFound: " << join(result.invalid_parameters, ", ")
            << "\n";
        return kExitAwsError;
      }
      if (auto why = answer_mismatch(get_names, result.parameters); !why.empty()) {
        return report(err, doing, why, kExitAwsError);
      }
      out << format_parameters(in_request_order(get_names, std::move(result.parameters)), format,
                               true);
      return kExitOk;
    }
    if (path->parsed()) {
      doing = "path " + path_arg;
      std::vector<Filter> parsed_filters;
      for (const auto& f : filters) {
        Filter filter;
        try {
          filter = parse_filter(f);
        } catch (const std::invalid_argument& e) {
          err << "ssm-cache: path: " << e.what() << "\n";
          return kExitUsage;
        }
        validate_filter(filter);
        parsed_filters.push_back(std::move(filter));
      }
      if (path_arg.empty() || path_arg.front() != '/') {
        throw InvalidPathError("path '" + path_arg + "' must start with '/'");
      }
      auto client = factory(aws);
      auto records = client->get_parameters_by_path(path_arg, !no_recursive, parsed_filters,
                                                    decrypt);
      out << format_parameters(records, format, false);
      return kExitOk;
    }
    if (secret->parsed()) {
      doing = "secret " + secret_id;
      auto client = factory(aws);
      auto value = client->get_secret_value(secret_id, version_id, version_stage);
      out << format_secret(value, format);
      return kExitOk;
    }
    if (exec->parsed()) {
      doing = "exec";
      if (command.empty()) {
        err << "ssm-cache: exec: no command given (ssm-cache exec --path P -- COMMAND ARGS...)\n";
        return kExitUsage;
      }
      if (exec_paths.empty() && exec_names.empty() && exec_mappings.empty()) {
        err << "ssm-cache: exec: give at least one --path, --name or --env\n";
        return kExitUsage;
      }
      std::vector<std::pair<std::string, std::string>> mappings;
      std::vector<std::string> mapped;
      for (const auto& m : exec_mappings) {
        try {
          mappings.push_back(parse_env_mapping(m));
        } catch (const std::invalid_argument& e) {
          return report(err, "exec", e.what(), kExitUsage);
        }
        mapped.push_back(mappings.back().second);
      }
      if (auto why = secret_reference_without_decryption(mapped, decrypt); !why.empty()) {
        return report(err, "exec --env", why, kExitUsage);
      }
      for (const auto& p : exec_paths) {
        if (p.empty() || p.front() != '/') {
          throw InvalidPathError("path '" + p + "' must start with '/'");
        }
      }
      auto client = factory(aws);
      std::vector<EnvSource> sources;
      for (const auto& p : exec_paths) {
        doing = "exec --path " + p;
        sources.push_back(
            EnvSource{"--path " + p, client->get_parameters_by_path(p, !exec_no_recursive, {},
                                                                   decrypt)});
        if (sources.back().records.empty()) {
          err << "ssm-cache: exec: warning: no parameters under " << p << "\n";
        }
      }
      if (!exec_names.empty()) {
        doing = "exec --name " + join(exec_names, " --name ");
        if (auto why = secret_reference_without_decryption(exec_names, decrypt); !why.empty()) {
          return report(err, doing, why, kExitUsage);
        }
        auto result = client->get_parameters(exec_names, decrypt);
        if (!result.invalid_parameters.empty()) {
          err << "ssm-cache: exec: ParameterNotFound: " << join(result.invalid_parameters, ", ")
              << "\n";
          return kExitAwsError;
        }
        if (auto why = answer_mismatch(exec_names, result.parameters); !why.empty()) {
          return report(err, doing, why, kExitAwsError);
        }
        sources.push_back(EnvSource{"--name", in_request_order(exec_names,
                                                               std::move(result.parameters))});
      }
      if (!mappings.empty()) {
        if (auto source = explicit_env_source(*client, mappings, decrypt, doing, err); source) {
          sources.push_back(std::move(*source));
        } else {
          return kExitAwsError;
        }
      }
      ExecRequest request;
      request.command = command;
      std::vector<std::string> warnings;
      auto variables = build_exec_environment(sources, override_earlier, &warnings);
      for (const auto& w : warnings) err << "ssm-cache: exec: warning: " << w << "\n";
      for (auto& v : variables) {
        request.environment.emplace_back(std::move(v.name), std::move(v.value));
      }
      out.flush();
      deadline.disarm();
      return exec_fn ? exec_fn(request) : exec_replace_process(request, err);
    }
  } catch (const std::exception& e) {
    return report_error(err, doing, e);
  }
  return kExitUsage;
}

}  // namespace ssm_cache::cli
