// Tests of the sidecar's log (timestamps, JSON lines, rate limiting with a manual clock) and of
// the scrubbing of upstream error text (issue 14, points 3 and 4).
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "logger.hpp"
#include "sidecar_scrub.hpp"

namespace ssm_cache::cli {
namespace {

using namespace std::chrono_literals;

// A Logger writing into memory, with a clock the test moves.
class CapturedLog {
 public:
  explicit CapturedLog(LogFormat format) {
    out_ = ::open_memstream(&buf_, &size_);
    log = std::make_unique<Logger>(LogLevel::kInfo, out_, format, 10s, [this] { return now; });
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
  Logger::Clock::time_point now{std::chrono::sys_days{std::chrono::November / 16 / 2022} + 8h +
                                22min + 40362ms};
  std::unique_ptr<Logger> log;

 private:
  std::FILE* out_ = nullptr;
  char* buf_ = nullptr;
  std::size_t size_ = 0;
};

TEST(SidecarLog, TextLinesCarryUtcTimestamps) {
  CapturedLog c(LogFormat::kText);
  c.log->info("serving");
  c.log->debug("filtered out");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "2022-11-16T08:22:40.362Z [ssm-cache] INFO serving");
}

TEST(SidecarLog, JsonLinesHaveTimeLevelMessage) {
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

TEST(SidecarLog, RepeatedWarningsRateLimitedWithACount) {
  CapturedLog c(LogFormat::kJson);
  for (int i = 0; i < 2000; ++i) c.log->warn_limited("unauthorized", "bad token");
  c.log->warn_limited("other", "another kind");  // its own key: written
  EXPECT_EQ(c.lines().size(), 2u);
  c.now += 9s;
  c.log->warn_limited("unauthorized", "bad token");
  EXPECT_EQ(c.lines().size(), 2u);
  c.now += 2s;  // the interval has passed: one line with the count of those suppressed
  c.log->warn_limited("unauthorized", "bad token");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines[2])["repeated"], 2000);
}

TEST(SidecarLog, FormatAndLevelNames) {
  EXPECT_EQ(parse_log_format("JSON"), LogFormat::kJson);
  EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
  EXPECT_THROW(parse_log_format("xml"), std::invalid_argument);
}

TEST(ScrubSecrets, KnownValuesSignaturesAndTokensRemoved) {
  const std::string token = "FwoGZXIvYXdzEJr//////////wEaDKsessiontoken";
  const std::string signature(64, 'a');
  const std::string reflected =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20221116/us-east-1/ssm/"
      "aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature +
      " X-Amz-Security-Token: " + token + " sidecar=tok-1234 bare " +
      std::string(64, 'b') + " " + std::string(120, 'Q');
  const std::string s = scrub_secrets(reflected, {"tok-1234", "xy"});
  EXPECT_EQ(s.find(token), std::string::npos) << s;
  EXPECT_EQ(s.find(signature), std::string::npos) << s;
  EXPECT_EQ(s.find("AKIDEXAMPLE"), std::string::npos) << s;
  EXPECT_EQ(s.find("tok-1234"), std::string::npos) << s;
  EXPECT_EQ(s.find(std::string(64, 'b')), std::string::npos) << s;
  EXPECT_EQ(s.find(std::string(120, 'Q')), std::string::npos) << s;
  EXPECT_NE(s.find("SignedHeaders=host;x-amz-date"), std::string::npos) << s;
  EXPECT_NE(s.find("Authorization: AWS4-HMAC-SHA256"), std::string::npos) << s;
}

TEST(ScrubSecrets, OrdinaryErrorTextUnchanged) {
  const std::string text =
      "Parameter /app/prod/db-url not found (arn:aws:ssm:us-east-1:123456789012:parameter/x)";
  EXPECT_EQ(scrub_secrets(text, {"secret-key"}), text);
  EXPECT_EQ(scrub_secrets("", {"abc"}), "");
  // A JSON-reflected header: "X-Amz-Security-Token":"value"
  EXPECT_EQ(scrub_secrets(R"({"X-Amz-Security-Token":"abcdef"})", {}),
            R"({"X-Amz-Security-Token":"[redacted]"})");
}

}  // namespace
}  // namespace ssm_cache::cli
