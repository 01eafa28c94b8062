// exec_env.hpp — pure argument mapping for the CLI: the --filter shorthand and the environment
// that `ssm-cache exec` builds from parameters (naming rule, collisions, --override).
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssm_cache/types.hpp"

namespace ssm_cache::cli {

/// Parses the AWS CLI shorthand "Key=Type,Values=StringList,SecureString" (also
/// "Key=Label,Option=Equals,Values=a"). Throws std::invalid_argument naming the bad part.
/// The filter is then validated with ssm_cache::validate_filter by the caller.
Filter parse_filter(std::string_view text);

/// Where a group of parameters came from, for error messages ("--path /app/prod").
struct EnvSource {
  std::string origin;
  std::vector<ParameterRecord> records;
  /// For `--env NAME=/param`: the variable each record (same order) goes to, chosen by the
  /// user, so the deny list does not apply and it wins over any derived name. Empty: names
  /// derived by env_name().
  std::vector<std::string> explicit_names{};
};

/// Whether a variable is on exec's deny list: ones that change how the child starts or finds
/// code, files, certificates or credentials (PATH, HOME, SHELL, IFS, ENV, BASH_ENV, LD_*,
/// DYLD_*, BASH_FUNC_*, GLIBC_TUNABLES, PYTHONPATH, NODE_OPTIONS, proxies, AWS credential
/// settings, ...; docs/cli.md lists them). A parameter sets one only through --env NAME=/param.
bool is_denied_env_name(std::string_view name);

/// A POSIX portable variable name: [A-Za-z_][A-Za-z0-9_]*.
bool is_valid_env_name(std::string_view name);

/// "NAME=/param" of --env: throws std::invalid_argument naming the bad part.
std::pair<std::string, std::string> parse_env_mapping(std::string_view text);

/// One environment variable for the child.
struct EnvVar {
  std::string name;
  std::string value;
  std::string parameter;  ///< the parameter it came from (for messages)
};

/// Maps parameters to variables by env_name() (or the explicit names). Two parameters of one
/// source with the same variable name: error naming both. A later source redefining a variable
/// of an earlier one: it wins when `override_earlier`, else error naming both; an explicit
/// mapping always wins. A derived name on the deny list, or without a letter or digit, is
/// skipped with a warning naming the parameter (appended to `warnings` when given). Throws
/// std::runtime_error. The result is sorted by variable name.
std::vector<EnvVar> build_exec_environment(const std::vector<EnvSource>& sources,
                                           bool override_earlier,
                                           std::vector<std::string>* warnings = nullptr);

}  // namespace ssm_cache::cli
