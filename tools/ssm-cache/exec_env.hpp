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
};

/// One environment variable for the child.
struct EnvVar {
  std::string name;
  std::string value;
  std::string parameter;  ///< the parameter it came from (for messages)
};

/// Maps parameters to variables by env_name(). Two parameters of one source with the same
/// variable name: error naming both. A later source redefining a variable of an earlier one:
/// it wins when `override_earlier`, else error naming both. Throws std::runtime_error.
/// The result is sorted by variable name.
std::vector<EnvVar> build_exec_environment(const std::vector<EnvSource>& sources,
                                           bool override_earlier);

}  // namespace ssm_cache::cli
