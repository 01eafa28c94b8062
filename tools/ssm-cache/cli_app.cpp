// cli_app.cpp — see cli_app.hpp.
#include "cli_app.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <ostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "exec_env.hpp"
#include "output.hpp"
#include "serve_command.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/filters.hpp"

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

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

struct Globals {
  std::string region;
  std::string endpoint_url;
  std::string profile;
  std::string output = "text";
  bool no_decryption = false;
};

}  // namespace

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
  app.fallthrough();  // global options may follow the subcommand

  Globals g;
  app.add_option("--region", g.region, "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile)");
  app.add_option("--endpoint-url", g.endpoint_url,
                 "Endpoint URL for both Parameter Store and Secrets Manager");
  app.add_option("--profile", g.profile, "Shared config/credentials profile");
  app.add_option("-o,--output", g.output, "Output format")
      ->check(CLI::IsMember({"text", "json", "env"}));
  app.add_flag("--no-decryption", g.no_decryption,
               "Do not decrypt SecureString values (secret references are always decrypted)");

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
  serve->add_option("--threads", so.threads, "event loops (default: two per CPU, at most 64); with SSM_CACHE_SERVE_FRONT=httplib, HTTP worker threads (default 256)")
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
  const bool decrypt = !g.no_decryption;
  const OutputFormat format = parse_output_format(g.output);

  if (!command.empty() && !exec->parsed()) {
    err << "ssm-cache: arguments after '--' are only for exec\n";
    return kExitUsage;
  }
  if (serve->parsed()) {
    return run_serve(so, aws, factory, out, err);
  }

  std::string doing;  // for messages: what was asked
  try {
    if (get->parsed()) {
      doing = "get " + join(get_names, " ");
      auto client = factory(aws);
      auto result = client->get_parameters(get_names, decrypt);
      if (!result.invalid_parameters.empty()) {
        err << "ssm-cache: get: ParameterNotFound: " << join(result.invalid_parameters, ", ")
            << "\n";
        return kExitAwsError;
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
      if (exec_paths.empty() && exec_names.empty()) {
        err << "ssm-cache: exec: give at least one --path or --name\n";
        return kExitUsage;
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
        auto result = client->get_parameters(exec_names, decrypt);
        if (!result.invalid_parameters.empty()) {
          err << "ssm-cache: exec: ParameterNotFound: " << join(result.invalid_parameters, ", ")
              << "\n";
          return kExitAwsError;
        }
        sources.push_back(EnvSource{"--name", in_request_order(exec_names,
                                                               std::move(result.parameters))});
      }
      ExecRequest request;
      request.command = command;
      for (auto& v : build_exec_environment(sources, override_earlier)) {
        request.environment.emplace_back(std::move(v.name), std::move(v.value));
      }
      out.flush();
      return exec_fn ? exec_fn(request) : exec_replace_process(request, err);
    }
  } catch (const AwsError& e) {
    err << "ssm-cache: " << doing << ": " << e.code() << ": " << e.aws_message() << " (HTTP "
        << e.http_status();
    if (!e.request_id().empty()) err << ", request id " << e.request_id();
    err << ")\n";
    return kExitAwsError;
  } catch (const InvalidParameterError& e) {
    err << "ssm-cache: " << doing << ": ParameterNotFound: " << join(e.names(), ", ") << "\n";
    return kExitAwsError;
  } catch (const InvalidFilterError& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const InvalidPathError& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const InvalidVersionError& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const InvalidNameError& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigurationError& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const Error& e) {
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitAwsError;
  } catch (const std::runtime_error& e) {  // env-name collisions
    err << "ssm-cache: " << doing << ": " << e.what() << "\n";
    return kExitAwsError;
  }
  return kExitUsage;
}

}  // namespace ssm_cache::cli
