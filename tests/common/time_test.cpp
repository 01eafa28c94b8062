// Tests of common/time: the one home of the ISO 8601, amz-date, HTTP-date and epoch-seconds
// formats (moved here from the signer, credentials, retry, JSON protocol and CLI tests).
#include "common/time.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace ssm_cache::common {
namespace {

using namespace std::chrono_literals;

std::chrono::system_clock::time_point at(std::string_view amz_date) {
  std::chrono::system_clock::time_point when;
  EXPECT_TRUE(parse_amz_date(amz_date, when)) << amz_date;
  return when;
}

TEST(Iso8601, Parses) {
  using std::chrono::seconds;
  const auto base = parse_iso8601("2024-01-02T03:04:05Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::duration_cast<seconds>(base->time_since_epoch()).count(), 1704164645);
  EXPECT_EQ(parse_iso8601("2024-01-02T03:04:05.123456Z"), base);
  EXPECT_EQ(parse_iso8601("2024-01-02T04:04:05+01:00"), base);
  EXPECT_EQ(parse_iso8601("2024-01-02T02:04:05-0100"), base);
  // Valid ISO 8601 years outside system_clock's nanosecond range are clamped, not overflowed
  // (a fuzz finding: an STS Expiration in year 1015).
  const auto ancient = parse_iso8601("1015-01-01T00:00:00Z");
  const auto far = parse_iso8601("9999-12-31T23:59:59Z");
  ASSERT_TRUE(ancient);
  ASSERT_TRUE(far);
  EXPECT_LT(*ancient, *base);
  EXPECT_GT(*far, *base);
  for (const char* bad : {"", "2024-01-02", "2024-01-02T03:04:05", "2024-13-02T03:04:05Z",
                          "2024-01-02T03:04:05Zx", "2024-01-02T03:04:05.Z", "yesterday"}) {
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
  }
}

TEST(Iso8601, FormatRoundTripsThroughParse) {
  // What the CLI prints, the credential parsers read back (to the second).
  const auto t = *parse_iso8601("2031-02-03T04:05:06Z") + 789ms;
  EXPECT_EQ(format_iso8601(t), "2031-02-03T04:05:06.789Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), *parse_iso8601("2031-02-03T04:05:06Z"));
  // Before the epoch the milliseconds still count forwards within the second.
  EXPECT_EQ(format_iso8601(std::chrono::system_clock::time_point(-1ms)),
            "1969-12-31T23:59:59.999Z");
}

TEST(Iso8601, UtcWithMilliseconds) {
  EXPECT_EQ(format_iso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(0))),
            "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(
                std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123))),
            "2023-11-14T22:13:20.123Z");
}

TEST(AmzDate, FormatsAndParses) {
  EXPECT_EQ(format_amz_date(at("20150830T123600Z")), "20150830T123600Z");
  EXPECT_EQ(format_amz_date(std::chrono::system_clock::time_point{}), "19700101T000000Z");
  EXPECT_EQ(format_amz_date(at("20240229T235959Z") + 1s), "20240301T000000Z");
  // Sub-second parts are dropped, not rounded.
  EXPECT_EQ(format_amz_date(at("20991231T235959Z") + 999ms), "20991231T235959Z");
  std::chrono::system_clock::time_point when;
  EXPECT_TRUE(parse_amz_date("20150830T123600Z", when));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count(),
            1440938160);
  for (const char* bad :
       {"", "20150830T123600", "2015083T123600ZZ", "20150230T123600Z", "20151330T123600Z",
        "20150830T243600Z", "20150830X123600Z", "2015-08-30T12:3Z"}) {
    EXPECT_FALSE(parse_amz_date(bad, when)) << bad;
  }
}

TEST(HttpDate, Parses) {
  auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*t), 784111777);
  EXPECT_FALSE(parse_http_date("yesterday"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
}

TEST(EpochSeconds, ClampInsteadOfOverflowing) {
  EXPECT_EQ(from_epoch_seconds(1.5).time_since_epoch(), std::chrono::milliseconds(1500));
  EXPECT_EQ(from_epoch_seconds(1e300), from_epoch_seconds(kMaxEpochSeconds));
  EXPECT_EQ(from_epoch_seconds(-1e300), from_epoch_seconds(-kMaxEpochSeconds));
}

TEST(EpochSeconds, MillisecondsBothWays) {
  const std::chrono::system_clock::time_point t(1700000000123ms);
  EXPECT_DOUBLE_EQ(epoch_seconds(t), 1700000000.123);
  EXPECT_EQ(std::chrono::floor<std::chrono::milliseconds>(from_epoch_seconds(epoch_seconds(t))), t);
}

}  // namespace
}  // namespace ssm_cache::common
