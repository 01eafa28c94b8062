// common/env.hpp — the one way code reads environment variables: an `Environment` function
// (the public ssm_cache::EnvironmentLookup), the process environment by default and a map in
// tests. Thread-safe as long as nothing calls setenv concurrently (we never do); each lookup
// is one getenv or map find.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ssm_cache/credentials.hpp"

namespace ssm_cache::common {

/// Reads one variable; nothing when unset. Same type as the public EnvironmentLookup, so an
/// environment given in options flows through unchanged.
using Environment = ssm_cache::EnvironmentLookup;

/// The process environment (getenv).
Environment process_environment();
/// A fixed set of variables (tests, and programs that build their own).
Environment map_environment(std::map<std::string, std::string> values);
/// `env` itself, or the process environment when it is empty.
Environment or_process(const Environment& env);

/// A set, non-empty value without surrounding whitespace; nothing otherwise (also for an
/// empty `env`).
std::optional<std::string> env_setting(const Environment& env, std::string_view name);

/// Parses "true"/"false" (any case, surrounding whitespace ignored) of a boolean setting;
/// throws ConfigurationError naming `setting` and `where` ("the environment", a profile)
/// otherwise.
bool parse_bool_setting(std::string_view value, std::string_view setting, std::string_view where);

}  // namespace ssm_cache::common
