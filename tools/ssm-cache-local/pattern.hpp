// ssm-cache-local/pattern.hpp — whole-value regular expression matching for AllowedPattern and
// data types (ECMAScript std::regex). Thread-safe; compiles the pattern on every call (cost:
// that of std::regex, fine for the 1024-character patterns AWS allows).
#pragma once

#include <string>

namespace ssm_cache::local {

/// True when `value` matches `pattern` entirely. Throws std::regex_error for a bad pattern.
bool full_match(const std::string& pattern, const std::string& value);

}  // namespace ssm_cache::local
