// common/strings.cpp — see strings.hpp.
#include "common/strings.hpp"

namespace ssm_cache::common {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool starts_with_icase(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::optional<bool> parse_bool(std::string_view text, BoolWords words) {
  if (iequals(text, "true")) return true;
  if (iequals(text, "false")) return false;
  if (words == BoolWords::with_digits) {
    if (text == "1") return true;
    if (text == "0") return false;
  }
  return std::nullopt;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// On every sidecar request (path and query of the event front): plain runs are copied whole,
// so a target without escapes costs one copy, not a push_back per character.
std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next = i;
    while (next < s.size() && s[next] != '%' && (s[next] != '+' || !plus_is_space)) ++next;
    out.append(s.data() + i, next - i);
    if (next == s.size()) break;
    i = next + 1;
    if (s[next] == '+') {
      out.push_back(' ');
    } else if (next + 2 < s.size() && hex_value(s[next + 1]) >= 0 && hex_value(s[next + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[next + 1]) * 16 + hex_value(s[next + 2])));
      i = next + 3;
    } else {
      out.push_back('%');
    }
  }
  return out;
}

QueryParams parse_query_string(std::string_view raw) {
  QueryParams out;
  std::size_t start = 0;
  while (start < raw.size()) {
    const auto amp = raw.find('&', start);
    const auto part =
        raw.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    start = amp == std::string_view::npos ? raw.size() : amp + 1;
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(percent_decode(part), std::string{});
    } else {
      out.emplace_back(percent_decode(part.substr(0, eq)), percent_decode(part.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace ssm_cache::common
