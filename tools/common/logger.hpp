// logger.hpp — the programs' log (ssm-cache serve, ssm-cache-local): one line per event on
// stderr, filtered by level (PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL for the sidecar), each
// with a UTC timestamp and the program's name, as text or as one JSON object per line (--log-format
// json: time, level, message, and the repeat count of a rate-limited line). Callers pass names and
// codes, never values or tokens.
//
// Rate limiting: warn_limited(key, …) writes the first line of a key, then only counts
// repeats; the next one after `repeat_interval` is written with the count of those
// suppressed ("repeated": N), so that a flood of bad requests costs one line per interval.
//
// Thread-safe (a line is written with a single write under a mutex); a filtered-out call
// costs one comparison.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ssm_cache/clock.hpp"

namespace ssm_cache::tools {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kNone = 4 };
enum class LogFormat { kText, kJson };

/// "debug" | "info" | "warn" | "warning" | "error" | "none" (any case); throws
/// std::invalid_argument otherwise.
LogLevel parse_log_level(std::string_view text);
/// "text" | "json"; throws std::invalid_argument otherwise.
LogFormat parse_log_format(std::string_view text);

class Logger {
 public:
  using Clock = std::chrono::system_clock;

  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stderr,
                  LogFormat format = LogFormat::kText,
                  std::chrono::milliseconds repeat_interval = std::chrono::seconds(10),
                  std::shared_ptr<const ssm_cache::Clock> clock = {},
                  std::string program = "ssm-cache")
      : level_(level),
        out_(out),
        format_(format),
        repeat_interval_(repeat_interval),
        clock_(std::move(clock)),
        tag_(" [" + std::move(program) + "] ") {}
  /// Whole lines (newline included), one call each under the logger's mutex, to `sink`
  /// instead of a FILE: for a program run as a function with its own streams (run_local).
  using Sink = std::function<void(std::string_view line)>;
  Logger(LogLevel level, Sink sink, LogFormat format, std::string program)
      : Logger(level, nullptr, format, std::chrono::seconds(10), {}, std::move(program)) {
    sink_ = std::move(sink);
  }
  [[nodiscard]] bool enabled(LogLevel level) const noexcept {
    return level >= level_ && level_ != LogLevel::kNone;
  }
  void log(LogLevel level, std::string_view message);
  void debug(std::string_view m) {
    if (enabled(LogLevel::kDebug)) log(LogLevel::kDebug, m);
  }
  void info(std::string_view m) {
    if (enabled(LogLevel::kInfo)) log(LogLevel::kInfo, m);
  }
  void warn(std::string_view m) {
    if (enabled(LogLevel::kWarn)) log(LogLevel::kWarn, m);
  }
  void error(std::string_view m) {
    if (enabled(LogLevel::kError)) log(LogLevel::kError, m);
  }
  /// A warning that may repeat many times (a client with a wrong token, a failing upstream):
  /// lines with the same `key` are written at most once per repeat interval.
  void warn_limited(std::string_view key, std::string_view message);

 private:
  struct Repeats {
    Clock::time_point last_written{};
    std::uint64_t suppressed = 0;
  };
  void write(LogLevel level, std::string_view message, std::uint64_t repeated);
  Clock::time_point now() const { return ssm_cache::wall_now(clock_.get()); }

  LogLevel level_;
  std::FILE* out_;
  Sink sink_;  // when set, instead of out_
  LogFormat format_;
  std::chrono::milliseconds repeat_interval_;
  std::shared_ptr<const ssm_cache::Clock> clock_;  ///< wall_now(); null: system_clock
  std::string tag_;  // " [PROGRAM] " in text lines
  std::mutex mu_;
  std::unordered_map<std::string, Repeats> repeats_;  // by key; bounded by kMaxKeys
};

}  // namespace ssm_cache::tools
