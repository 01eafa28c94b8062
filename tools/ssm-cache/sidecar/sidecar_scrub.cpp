// sidecar_scrub.cpp — see sidecar_scrub.hpp.
#include "sidecar_scrub.hpp"
#include "common/strings.hpp"

#include <algorithm>
#include <cctype>

namespace ssm_cache::cli {

namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_base64(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
}
// Where a header or query value ends in reflected text.
bool ends_value(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0 || c == '"' || c == '\'' || c == ',' ||
         c == '&' || c == ';' || c == '\\';
}

void replace_all(std::string& s, std::string_view what) {
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + kRedacted.size())) {
    s.replace(at, what.size(), kRedacted);
  }
}

// Redacts the value following each (case-insensitive) `marker`, after any separators.
void redact_after(std::string& s, std::string_view marker, std::string_view separators) {
  const std::string needle = common::lower(marker);
  std::size_t at = 0;
  for (;;) {
    const std::string folded = common::lower(s);
    at = folded.find(needle, at);
    if (at == std::string::npos) return;
    std::size_t begin = at + needle.size();
    while (begin < s.size() && separators.find(s[begin]) != std::string_view::npos) ++begin;
    std::size_t end = begin;
    while (end < s.size() && !ends_value(s[end])) ++end;
    if (end > begin && s.compare(begin, end - begin, kRedacted) != 0) {
      s.replace(begin, end - begin, kRedacted);
    }
    at = begin + kRedacted.size();
  }
}

// Redacts every maximal run of characters satisfying `in_run` that is at least `min` long.
template <typename Pred>
void redact_runs(std::string& s, std::size_t min, Pred in_run) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!in_run(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && in_run(s[j])) ++j;
    if (j - i >= min) {
      s.replace(i, j - i, kRedacted);
      i += kRedacted.size();
    } else {
      i = j;
    }
  }
}

}  // namespace

std::string scrub_secrets(std::string_view text, const std::vector<std::string>& known) {
  std::string s(text);
  std::vector<std::string> secrets;
  for (const auto& k : known) {
    if (k.size() >= 4) secrets.push_back(k);
  }
  // Longest first, so that a secret containing another is removed whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& k : secrets) replace_all(s, k);
  redact_after(s, "Signature=", "");
  redact_after(s, "Credential=", "");
  redact_after(s, "X-Amz-Security-Token", ":=\" '");
  redact_runs(s, 64, is_hex);
  redact_runs(s, 100, is_base64);
  return s;
}

}  // namespace ssm_cache::cli
