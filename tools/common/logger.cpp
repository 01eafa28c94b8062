// logger.cpp — see logger.hpp.
#include "logger.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "timestamp.hpp"

namespace ssm_cache::tools {

namespace {

// Keys come from a fixed set of call sites times upstream error codes; the bound only guards
// against a key built from request data by mistake.
constexpr std::size_t kMaxKeys = 1024;

}  // namespace

LogLevel parse_log_level(std::string_view text) {
  const std::string t = common::lower(text);
  if (t == "debug") return LogLevel::kDebug;
  if (t == "info") return LogLevel::kInfo;
  if (t == "warn" || t == "warning") return LogLevel::kWarn;
  if (t == "error") return LogLevel::kError;
  if (t == "none") return LogLevel::kNone;
  throw std::invalid_argument("unknown log level '" + std::string(text) +
                              "' (expected debug, info, warn, error or none)");
}

LogFormat parse_log_format(std::string_view text) {
  const std::string t = common::lower(text);
  if (t == "text") return LogFormat::kText;
  if (t == "json") return LogFormat::kJson;
  throw std::invalid_argument("unknown log format '" + std::string(text) +
                              "' (expected text or json)");
}

void Logger::log(LogLevel level, std::string_view message) { write(level, message, 0); }

void Logger::warn_limited(std::string_view key, std::string_view message) {
  if (!enabled(LogLevel::kWarn)) return;
  const auto t = now();
  std::uint64_t repeated = 0;
  {
    detail::MutexLock lock(mu_);
    auto it = repeats_.find(std::string(key));
    if (it == repeats_.end()) {
      if (repeats_.size() >= kMaxKeys) repeats_.clear();
      repeats_.emplace(std::string(key), Repeats{t, 0});
    } else if (t - it->second.last_written < repeat_interval_) {
      ++it->second.suppressed;
      return;
    } else {
      repeated = it->second.suppressed;
      it->second = Repeats{t, 0};
    }
  }
  write(LogLevel::kWarn, message, repeated);
}

void Logger::write(LogLevel level, std::string_view message, std::uint64_t repeated) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR", "NONE"};
  static constexpr const char* kJsonNames[] = {"debug", "info", "warn", "error", "none"};
  const std::string time = common::format_iso8601(now());
  std::string line;
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json j = {
        {"time", time}, {"level", kJsonNames[static_cast<int>(level)]}, {"message", message}};
    if (repeated > 0) j["repeated"] = repeated;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = time + tag_ + kNames[static_cast<int>(level)] + ' ';
    line += message;
    if (repeated > 0) {
      line += " (and " + std::to_string(repeated) + " more like it since the last such line)";
    }
  }
  line += '\n';
  detail::MutexLock lock(mu_);
  if (sink_) {
    sink_(line);
    return;
  }
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace ssm_cache::tools
