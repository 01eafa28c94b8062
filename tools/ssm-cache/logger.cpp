// logger.cpp — see logger.hpp.
#include "logger.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ssm_cache::cli {

LogLevel parse_log_level(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "debug") return LogLevel::kDebug;
  if (t == "info") return LogLevel::kInfo;
  if (t == "warn" || t == "warning") return LogLevel::kWarn;
  if (t == "error") return LogLevel::kError;
  if (t == "none") return LogLevel::kNone;
  throw std::invalid_argument("unknown log level '" + std::string(text) +
                              "' (expected debug, info, warn, error or none)");
}

void Logger::log(LogLevel level, std::string_view message) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR", "NONE"};
  std::string line = "[ssm-cache] ";
  line += kNames[static_cast<int>(level)];
  line += ' ';
  line += message;
  line += '\n';
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace ssm_cache::cli
