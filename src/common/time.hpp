// common/time.hpp — the timestamp formats the AWS protocols and our programs use, parsed and
// written in one place: ISO 8601 (credential expirations, CLI output), SigV4's amz-date, the
// HTTP Date header (clock skew), epoch seconds (JSON 1.1). Pure; thread-safe; no locale, no
// time zone database.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ssm_cache::common {

using TimePoint = std::chrono::system_clock::time_point;

/// "2024-01-02T03:04:05Z", with optional fractional seconds (dropped) and a "+hh:mm" /
/// "-hhmm" / "Z" offset; surrounding whitespace ignored. Nothing when malformed or without a
/// zone (ambiguous).
std::optional<TimePoint> parse_iso8601(std::string_view text);
/// "2023-11-14T22:13:20.123Z": UTC with milliseconds, as the AWS CLI prints dates.
std::string format_iso8601(TimePoint t);

/// SigV4's "20150830T123600Z".
std::string format_amz_date(TimePoint when);
/// Parses "20150830T123600Z"; false when malformed.
bool parse_amz_date(std::string_view text, TimePoint& out);

/// An RFC 7231 HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"); nothing when malformed.
std::optional<TimePoint> parse_http_date(std::string_view text);

/// Timestamps beyond this many seconds from the epoch do not fit system_clock (int64 ns).
inline constexpr double kMaxEpochSeconds = 9.0e9;
/// Seconds since the epoch (JSON 1.1 timestamps), clamped to ±kMaxEpochSeconds.
TimePoint from_epoch_seconds(double seconds);
/// Seconds since the epoch with millisecond precision, as AWS writes timestamps in JSON 1.1.
double epoch_seconds(TimePoint when);

}  // namespace ssm_cache::common
