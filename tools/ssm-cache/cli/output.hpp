// output.hpp — how the CLI prints parameters and secrets (text, json, env) and the pure
// helpers behind it: the environment-variable name rule, POSIX shell quoting, ISO 8601 and
// base64. Pure functions, thread-safe, cost linear in the output size.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/types.hpp"
#include "timestamp.hpp"

namespace ssm_cache::cli {

enum class OutputFormat { kText, kJson, kEnv };

/// "text" | "json" | "env"; throws std::invalid_argument otherwise.
OutputFormat parse_output_format(std::string_view text);

/// The exec/env rule: last path segment of `name` ("/app/prod/db-url" -> "db-url"), upper-cased,
/// every character outside [A-Z0-9_] replaced by '_'. A leading digit gets a '_' prefix
/// because a shell variable cannot start with one. A selector (":3") is dropped first.
std::string env_name(std::string_view parameter_name);

/// Quotes `value` for a POSIX shell: 'it'\''s' — safe for eval whatever the bytes.
std::string shell_quote(std::string_view value);

/// "2024-03-01T12:34:56.789Z" (UTC, milliseconds); shared with the log (tools/common).
using tools::iso8601;

/// One "export NAME='value'" line (with trailing newline).
std::string env_line(std::string_view name, std::string_view value);

/// Renders records (in the order given) for `get` and `path`. text: the value alone when there
/// is exactly one record and `single_value_text` is set, else "NAME<TAB>VALUE" lines; json: an
/// array of objects with AWS's field names; env: export lines. Throws std::runtime_error when
/// two records map to the same environment name (message names both). env skips a name on
/// exec's deny list (is_denied_env_name: PATH, LD_PRELOAD, HOME, ...) and says so on
/// `warnings` when given.
std::string format_parameters(const std::vector<ParameterRecord>& records, OutputFormat format,
                              bool single_value_text, std::ostream* warnings = nullptr);

/// Renders a secret for `secret`. text: SecretString (or the binary bytes) as is; json: an
/// object with AWS's field names (SecretBinary base64); env: one export line named by the
/// secret name's last segment (an invalid_argument Error when that name is on exec's deny list).
std::string format_secret(const SecretValue& secret, OutputFormat format);

}  // namespace ssm_cache::cli
