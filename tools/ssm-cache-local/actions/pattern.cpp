// ssm-cache-local/actions/pattern.cpp — see pattern.hpp.
#include "pattern.hpp"

#include <re2/re2.h>

namespace ssm_cache::local {

namespace {

// Enough for any 1,024-character pattern with counted repetitions RE2 accepts; a pattern that
// needs more is refused rather than allowed to grow the server.
constexpr std::int64_t kPatternMemoryBudget = 8 << 20;

}  // namespace

bool full_match(const std::string& pattern, const std::string& value) {
  RE2::Options options;
  options.set_log_errors(false);  // a client's bad pattern is its error, not a server log line
  options.set_max_mem(kPatternMemoryBudget);
  const RE2 re(pattern, options);
  if (!re.ok()) throw BadPattern("invalid or too complex pattern");
  return RE2::FullMatch(value, re);
}

}  // namespace ssm_cache::local
