// timestamp.hpp — the UTC timestamp both programs write (log lines, JSON dates). Pure,
// thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "common/time.hpp"

namespace ssm_cache::tools {

/// "2024-03-01T12:34:56.789Z" (UTC, milliseconds; times before 1970 round down): the
/// library's one ISO-8601 formatter, under the name the programs use.
inline std::string iso8601(std::chrono::system_clock::time_point t) {
  return common::format_iso8601(t);
}

}  // namespace ssm_cache::tools
