// common/env.cpp — see env.hpp.
#include "common/env.hpp"

#include <cstdlib>

#include "common/strings.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::common {

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const std::string key(name);
    const char* value = std::getenv(key.c_str());  // NOLINT(concurrency-mt-unsafe): read-only use
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Environment map_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

Environment or_process(const Environment& env) { return env ? env : process_environment(); }

std::optional<std::string> env_setting(const Environment& env, std::string_view name) {
  if (!env) return std::nullopt;
  const auto value = env(name);
  if (!value) return std::nullopt;
  const std::string_view t = trim(*value);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

bool parse_bool_setting(std::string_view value, std::string_view setting, std::string_view where) {
  if (const auto b = parse_bool(trim(value))) return *b;
  throw ConfigurationError(std::string(setting) + " from " + std::string(where) +
                           " must be 'true' or 'false', got '" + std::string(trim(value)) + "'");
}

}  // namespace ssm_cache::common
