// common/strings.hpp — the small text helpers every layer and both programs use: ASCII trim
// and case folding, boolean words, percent-decoding and query strings. Pure; thread-safe;
// each call costs one pass over its input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssm_cache::common {

/// Without leading and trailing ASCII whitespace (space, \t, \r, \n, \v, \f).
std::string_view trim(std::string_view s) noexcept;

/// ASCII lower case; other bytes (UTF-8 included) unchanged.
char ascii_lower(char c) noexcept;
std::string lower(std::string_view s);
/// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b) noexcept;
/// `text` starts with `prefix`, ignoring ASCII case.
bool starts_with_icase(std::string_view text, std::string_view prefix) noexcept;

/// Which words a boolean setting accepts: "true"/"false" (AWS settings, query parameters), or
/// also "1"/"0" (the sidecar's environment variables). Always case-insensitive, never trimmed.
enum class BoolWords { true_false, with_digits };
/// The boolean `text` spells, or nothing when it is none of the accepted words.
std::optional<bool> parse_bool(std::string_view text, BoolWords words = BoolWords::true_false);

/// 0-15 for a hex digit (either case), -1 otherwise.
int hex_value(char c) noexcept;

/// Decodes %XX escapes (a malformed escape is kept as written) and, when `plus_is_space`,
/// '+' as a space (application/x-www-form-urlencoded).
std::string percent_decode(std::string_view s, bool plus_is_space = true);

/// "a=1&b=&c" -> {{"a","1"},{"b",""},{"c",""}}, decoded, in order, repeats kept, empty parts
/// skipped.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
QueryParams parse_query_string(std::string_view raw);

}  // namespace ssm_cache::common
