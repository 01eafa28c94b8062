// commands.hpp — the subcommands of `ssm-cache`, one file each (get_command.cpp, ...): each
// adds its own options to the CLI11 app, and runs once the command line is parsed. run_cli
// (cli_app.cpp) only parses and dispatches. Not thread-safe (one command line at a time).
#pragma once

#include <exception>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_app.hpp"
#include "output.hpp"
#include "serve_command.hpp"
#include "ssm_cache/aws.hpp"

namespace ssm_cache::cli {

/// What every subcommand gets once the command line is parsed.
struct CommandContext {
  const ClientFactory& factory;
  AwsClientOptions aws;
  bool decrypt = true;
  OutputFormat format = OutputFormat::kText;
  std::ostream& out;
  std::ostream& err;
  std::string doing{};  ///< for messages: what was asked ("get /a /b")
};

/// Prints "ssm-cache: DOING: MESSAGE" in the command line's words; returns `code`.
int report(std::ostream& err, const std::string& doing, const std::string& message, int code);
/// Reports an error out of a command; the exit status comes from tools::exit_code.
int report_error(std::ostream& err, const std::string& doing, const std::exception& e);

/// GetParameters for `names`, checked (every name answered, nothing else) and in the order
/// asked. Otherwise prints why ("ssm-cache: COMMAND: ParameterNotFound: ...") and returns
/// nothing (exit kExitAwsError).
std::optional<std::vector<ParameterRecord>> get_checked(AwsClient& client,
                                                        const std::vector<std::string>& names,
                                                        bool decrypt, const char* command,
                                                        const std::string& doing,
                                                        std::ostream& err);

struct GetCommand {
  explicit GetCommand(CLI::App& app);
  int run(CommandContext& c) const;
  CLI::App* sub;
  std::vector<std::string> names;
};

struct PathCommand {
  explicit PathCommand(CLI::App& app);
  int run(CommandContext& c) const;
  CLI::App* sub;
  std::string path;
  bool no_recursive = false;
  std::vector<std::string> filters;
};

struct SecretCommand {
  explicit SecretCommand(CLI::App& app);
  int run(CommandContext& c) const;
  CLI::App* sub;
  std::string id, version_stage, version_id;
};

struct ExecCommand {
  explicit ExecCommand(CLI::App& app);
  /// `command`: what followed "--"; `disarm` ends the --timeout deadline before the exec.
  int run(CommandContext& c, const std::vector<std::string>& command, const ExecFn& exec_fn,
          const std::function<void()>& disarm) const;
  CLI::App* sub;
  std::vector<std::string> paths, names, mappings;
  bool override_earlier = false;
  bool no_recursive = false;
};

struct ServeCommand {
  explicit ServeCommand(CLI::App& app);
  CLI::App* sub;
  ServeOptions options;
};

struct HelpCommand {
  explicit HelpCommand(CLI::App& app);
  int run(const CLI::App& app, std::ostream& out, std::ostream& err) const;
  CLI::App* sub;
  std::string topic;
};

}  // namespace ssm_cache::cli
