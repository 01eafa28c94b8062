// exec_command.cpp — `ssm-cache exec --path P [--name N] [--env NAME=/p] -- COMMAND ARGS...`:
// the parameters as environment variables, then the command in place of this process.
#include <optional>
#include <ostream>
#include <stdexcept>

#include "answers.hpp"
#include "commands.hpp"
#include "exec_env.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::cli {

namespace {

// The parameters of `--env NAME=/param`, fetched in one call, as an EnvSource whose records
// carry the user's names. Prints why and returns nothing when one is missing.
std::optional<EnvSource> explicit_env_source(
    AwsClient& client, const std::vector<std::pair<std::string, std::string>>& mappings,
    bool decrypt, std::string& doing, std::ostream& err) {
  std::vector<std::string> names;
  for (const auto& [_, parameter] : mappings) names.push_back(parameter);
  doing = "exec --env";
  auto result = client.get_parameters(names, decrypt);
  if (!result.invalid_parameters.empty()) {
    report(err, doing, "ParameterNotFound: " + join(result.invalid_parameters, ", "),
           kExitAwsError);
    return std::nullopt;
  }
  EnvSource source{"--env", {}, {}};
  for (const auto& mapping : mappings) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const auto& wanted = mapping.second;
    const auto it = std::find_if(result.parameters.begin(), result.parameters.end(),
                                 [&](const ParameterRecord& r) { return answers(wanted, r); });
    if (it == result.parameters.end()) {
      report(err, doing, answer_mismatch(names, result.parameters), kExitAwsError);
      return std::nullopt;
    }
    source.records.push_back(*it);
    source.explicit_names.push_back(mapping.first);
  }
  return source;
}

// The --env mappings, or the usage error's exit status.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_mappings(
    const std::vector<std::string>& texts, bool decrypt, std::ostream& err) {
  std::vector<std::pair<std::string, std::string>> mappings;
  std::vector<std::string> mapped;
  for (const auto& m : texts) {
    try {
      mappings.push_back(parse_env_mapping(m));
    } catch (const std::invalid_argument& e) {
      report(err, "exec", e.what(), kExitUsage);
      return std::nullopt;
    }
    mapped.push_back(mappings.back().second);
  }
  if (auto why = secret_reference_without_decryption(mapped, decrypt); !why.empty()) {
    report(err, "exec --env", why, kExitUsage);
    return std::nullopt;
  }
  return mappings;
}

}  // namespace

ExecCommand::ExecCommand(CLI::App& app)
    : sub(app.add_subcommand(
          "exec",
          "Run a command with parameters as environment variables (name = last path "
          "segment upper-cased, characters outside [A-Z0-9_] as '_')")) {
  sub->add_option("--path", paths, "Load every parameter under this path (repeatable)");
  sub->add_option("--name", names, "Load this parameter (repeatable)");
  sub->add_option(
      "--env", mappings,
      "NAME=/param: set NAME from this parameter, even a variable of the deny list "
      "(PATH, HOME, LD_*, ...) that names derived from parameters never set (repeatable)");
  sub->add_flag("--override", override_earlier,
                "A later --path (then --name) overrides a variable of an earlier one");
  sub->add_flag("--no-recursive", no_recursive, "Only parameters directly under each path");
  // Everything after "--" is the command; run_cli splits it off before parsing so that its
  // own options ("env -i") never reach CLI11.
  sub->footer(
      "Usage: ssm-cache exec --path /app/prod [--path ...] [--name N ...] -- COMMAND ARGS...");
}

// Usage errors first (nothing fetched), then --path, --name and --env in that order, each
// source checked as get checks its answer.
int ExecCommand::run(CommandContext& c, const std::vector<std::string>& command,
                     const ExecFn& exec_fn, const std::function<void()>& disarm) const {
  c.doing = "exec";
  if (command.empty()) {
    c.err << "ssm-cache: exec: no command given (ssm-cache exec --path P -- COMMAND ARGS...)\n";
    return kExitUsage;
  }
  if (paths.empty() && names.empty() && mappings.empty()) {
    c.err << "ssm-cache: exec: give at least one --path, --name or --env\n";
    return kExitUsage;
  }
  const auto env_mappings = parse_mappings(mappings, c.decrypt, c.err);
  if (!env_mappings) return kExitUsage;
  for (const auto& p : paths) {
    if (p.empty() || p.front() != '/') {
      throw InvalidPathError("path '" + p + "' must start with '/'");
    }
  }
  auto client = c.factory(c.aws);
  std::vector<EnvSource> sources;
  for (const auto& p : paths) {
    c.doing = "exec --path " + p;
    sources.push_back(
        EnvSource{"--path " + p, client->get_parameters_by_path(p, !no_recursive, {}, c.decrypt)});
    if (sources.back().records.empty()) {
      c.err << "ssm-cache: exec: warning: no parameters under " << p << "\n";
    }
  }
  if (!names.empty()) {
    c.doing = "exec --name " + join(names, " --name ");
    if (auto why = secret_reference_without_decryption(names, c.decrypt); !why.empty()) {
      return report(c.err, c.doing, why, kExitUsage);
    }
    auto records = get_checked(*client, names, c.decrypt, "exec", c.doing, c.err);
    if (!records) return kExitAwsError;
    sources.push_back(EnvSource{"--name", std::move(*records)});
  }
  if (!env_mappings->empty()) {
    auto source = explicit_env_source(*client, *env_mappings, c.decrypt, c.doing, c.err);
    if (!source) return kExitAwsError;
    sources.push_back(std::move(*source));
  }
  ExecRequest request;
  request.command = command;
  std::vector<std::string> warnings;
  auto variables = build_exec_environment(sources, override_earlier, &warnings);
  for (const auto& w : warnings) c.err << "ssm-cache: exec: warning: " << w << "\n";
  for (auto& v : variables) request.environment.emplace_back(std::move(v.name), std::move(v.value));
  c.out.flush();
  disarm();
  return exec_fn ? exec_fn(request) : exec_replace_process(request, c.err);
}

}  // namespace ssm_cache::cli
