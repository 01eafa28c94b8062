// ssm-cache-local/actions/pattern.hpp — whole-value regular expression matching for AllowedPattern
// and data types, with RE2: a linear-time engine, so that no pattern/value pair can recurse deeply
// (std::regex overflowed the stack on '(((((a)|b)|c)|d)|e)*' against 4,096 characters) or backtrack
// for minutes ('^(a+)+$' against "a"*30+"!").
//
// Thread-safe; compiles the pattern on every call. Cost: O(pattern) to compile, bounded by a
// fixed memory budget, then O(pattern x value) to match.
#pragma once

#include <stdexcept>
#include <string>

namespace ssm_cache::local {

/// AWS's limit on AllowedPattern (PutParameter: "Member must have length less than or equal
/// to 1024", SSM API reference).
inline constexpr std::size_t kMaxAllowedPatternLength = 1024;

/// A pattern RE2 cannot compile (bad syntax, or too big for the memory budget).
class BadPattern : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// True when `value` matches `pattern` entirely. Throws BadPattern for a bad pattern.
bool full_match(const std::string& pattern, const std::string& value);

}  // namespace ssm_cache::local
