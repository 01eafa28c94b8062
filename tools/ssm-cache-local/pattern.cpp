// ssm-cache-local/pattern.cpp — see pattern.hpp. Kept in its own file because GCC 12 reports a
// false -Wmaybe-uninitialized inside libstdc++'s <regex> at -O1 with sanitizers; CMake turns
// that one warning off for this file only.
#include "pattern.hpp"

#include <regex>

namespace ssm_cache::local {

bool full_match(const std::string& pattern, const std::string& value) {
  return std::regex_match(value, std::regex(pattern, std::regex::ECMAScript));
}

}  // namespace ssm_cache::local
