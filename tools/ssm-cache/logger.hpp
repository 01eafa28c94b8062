// logger.hpp — the sidecar's log: one line per event on stderr, filtered by level
// (PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL). Callers pass names and codes, never values.
// Thread-safe (a line is written with a single write under a mutex); a filtered-out call
// costs one comparison.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace ssm_cache::cli {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kNone = 4 };

/// "debug" | "info" | "warn" | "warning" | "error" | "none" (any case); throws
/// std::invalid_argument otherwise.
LogLevel parse_log_level(std::string_view text);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stderr)
      : level_(level), out_(out) {}
  [[nodiscard]] bool enabled(LogLevel level) const noexcept {
    return level >= level_ && level_ != LogLevel::kNone;
  }
  void log(LogLevel level, std::string_view message);
  void debug(std::string_view m) { if (enabled(LogLevel::kDebug)) log(LogLevel::kDebug, m); }
  void info(std::string_view m) { if (enabled(LogLevel::kInfo)) log(LogLevel::kInfo, m); }
  void warn(std::string_view m) { if (enabled(LogLevel::kWarn)) log(LogLevel::kWarn, m); }
  void error(std::string_view m) { if (enabled(LogLevel::kError)) log(LogLevel::kError, m); }

 private:
  LogLevel level_;
  std::FILE* out_;
  std::mutex mu_;
};

}  // namespace ssm_cache::cli
