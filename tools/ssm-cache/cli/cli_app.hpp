// cli_app.hpp — the `ssm-cache` command line: parsing (CLI11), the get / path / secret / exec
// commands, and dispatch to serve. The AWS client comes from a factory so that tests can run
// the whole command line against a fake. Exit codes: 0 ok, 1 AWS (or data) errors, 2 usage
// errors; exec returns the command's own status (it replaces the process).
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "error_map.hpp"
#include "ssm_cache/aws.hpp"

namespace ssm_cache::cli {

using ClientFactory = std::function<std::shared_ptr<AwsClient>(const AwsClientOptions&)>;

using tools::kExitAwsError;
using tools::kExitOk;
using tools::kExitUsage;

/// Runs the command line `args` (args[0] is the program name). Writes results to `out` and
/// messages to `err`. For exec, `exec_fn` replaces the process (execvp by default); tests pass
/// their own to see the environment and command.
struct ExecRequest {
  std::vector<std::string> command;
  std::vector<std::pair<std::string, std::string>> environment;  ///< to set on top of ours
};
using ExecFn = std::function<int(const ExecRequest&)>;

int run_cli(const std::vector<std::string>& args, const ClientFactory& factory, std::ostream& out,
            std::ostream& err, const ExecFn& exec_fn = {});

/// A library message reworded for the command line: the library names its settings as code
/// sees them (AwsClientOptions::region, "the profile option"); a CLI user sets --region,
/// --profile, --endpoint-url or an AWS_* variable instead.
std::string cli_wording(std::string message);

/// The default ExecFn: setenv each variable, then execvp. Returns 127 (not found) or 126
/// (not executable) only when execvp fails.
int exec_replace_process(const ExecRequest& request, std::ostream& err);

}  // namespace ssm_cache::cli
