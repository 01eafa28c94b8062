// Tests of the programs' log (tools/common/logger): timestamps, JSON lines, rate limiting with a
// manual clock, the program's name in text lines.
#include "logger.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::tools {
namespace {

using namespace std::chrono_literals;

// A Logger writing into memory, with a clock the test moves.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format, std::string program = "ssm-cache") {
    out_ = ::open_memstream(&buf_, &size_);
    log = std::make_unique<Logger>(LogLevel::kInfo, out_, format, 10s, clock, std::move(program));
  }
  ~CapturedLog() {
    log.reset();
    std::fclose(out_);
    std::free(buf_);
  }
  std::vector<std::string> lines() {
    std::fflush(out_);
    std::vector<std::string> v;
    std::istringstream in(std::string(buf_, size_));
    for (std::string line; std::getline(in, line);) v.push_back(line);
    return v;
  }
  std::shared_ptr<ssm_cache::testing::ManualClock> clock = [] {
    auto c = std::make_shared<ssm_cache::testing::ManualClock>();
    c->set(Logger::Clock::time_point{std::chrono::sys_days{std::chrono::November / 16 / 2022} + 8h +
                                     22min + 40362ms});
    return c;
  }();
  std::unique_ptr<Logger> log;

 private:
  std::FILE* out_ = nullptr;
  char* buf_ = nullptr;
  std::size_t size_ = 0;
};

TEST(Logger, TextLinesCarryUtcTimestamps) {
  CapturedLog c(LogFormat::kText);
  c.log->info("serving");
  c.log->debug("filtered out");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "2022-11-16T08:22:40.362Z [ssm-cache] INFO serving");
}

TEST(Logger, SinkGetsWholeLinesInTheChosenFormat) {
  std::vector<std::string> got;
  Logger log(
      LogLevel::kInfo, [&](std::string_view line) { got.emplace_back(line); }, LogFormat::kJson,
      "ssm-cache-local");
  log.info("GET / 200");
  log.debug("filtered out");
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].back(), '\n');
  const auto j = nlohmann::json::parse(got[0]);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["message"], "GET / 200");
}

TEST(Logger, JsonLinesHaveTimeLevelMessage) {
  CapturedLog c(LogFormat::kJson);
  c.log->warn("a \"quoted\" name");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["time"], "2022-11-16T08:22:40.362Z");
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["message"], "a \"quoted\" name");
  EXPECT_FALSE(j.contains("repeated"));
}

TEST(Logger, RepeatedWarningsRateLimitedWithACount) {
  CapturedLog c(LogFormat::kJson);
  for (int i = 0; i < 2000; ++i) c.log->warn_limited("unauthorized", "bad token");
  c.log->warn_limited("other", "another kind");  // its own key: written
  EXPECT_EQ(c.lines().size(), 2u);
  c.clock->advance(9s);
  c.log->warn_limited("unauthorized", "bad token");
  EXPECT_EQ(c.lines().size(), 2u);
  c.clock->advance(2s);  // the interval has passed: one line with the count of those suppressed
  c.log->warn_limited("unauthorized", "bad token");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines[2])["repeated"], 2000);
}

TEST(Logger, FormatAndLevelNames) {
  EXPECT_EQ(parse_log_format("JSON"), LogFormat::kJson);
  EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
  EXPECT_THROW(parse_log_format("xml"), std::invalid_argument);
}

TEST(Logger, TextLinesNameTheProgram) {
  CapturedLog c(LogFormat::kText, "ssm-cache-local");
  c.log->error("stopped");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "2022-11-16T08:22:40.362Z [ssm-cache-local] ERROR stopped");
}

TEST(Logger, LevelsFilter) {
  EXPECT_EQ(parse_log_level("WARNING"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("none"), LogLevel::kNone);
  EXPECT_THROW(parse_log_level("loud"), std::invalid_argument);
  Logger quiet(LogLevel::kNone);
  EXPECT_FALSE(quiet.enabled(LogLevel::kError));
  Logger warn(LogLevel::kWarn);
  EXPECT_FALSE(warn.enabled(LogLevel::kInfo));
  EXPECT_TRUE(warn.enabled(LogLevel::kError));
}

}  // namespace
}  // namespace ssm_cache::tools
