// Validation and parsing of parameter names, selectors and paths; see validation.hpp.
#include "cache/validation.hpp"

#include <algorithm>
#include <cctype>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::detail {

namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parameter Store names: letters, digits, and _ . - / (the hierarchy separator).
bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/'; }
// Secrets Manager names additionally allow + = @.
bool is_secret_char(char c) { return is_name_char(c) || c == '+' || c == '=' || c == '@'; }
// Labels and version ids of secrets: letters, digits, _ . -.
bool is_label_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

void check_selector(std::string_view full, std::string_view sel, bool secret) {
  if (sel.empty()) {
    throw InvalidVersionError("invalid selector in " + quote_input(full) +
                              ": nothing after ':' (expected a version number or a label)");
  }
  if (sel.find(':') != std::string_view::npos) {
    throw InvalidVersionError("invalid selector in " + quote_input(full) +
                              ": more than one ':' (use name:version or name:label)");
  }
  if (std::all_of(sel.begin(), sel.end(), is_digit)) {
    if (sel.front() == '0') {
      throw InvalidVersionError("invalid version in " + quote_input(full) +
                                ": versions start at 1 and have no leading zero");
    }
    if (sel.size() > 18) {
      throw InvalidVersionError("invalid version in " + quote_input(full) + ": too large");
    }
    return;
  }
  if (sel.size() > 100) {
    throw InvalidVersionError("invalid label in " + quote_input(full) +
                              ": labels have at most 100 characters");
  }
  if (sel.front() == '-' || (!secret && is_digit(sel.front()))) {
    throw InvalidVersionError("invalid selector in " + quote_input(full) +
                              ": a version is a positive number and a label may not start "
                              "with a digit or '-'");
  }
  for (char c : sel) {
    if (!is_label_char(c)) {
      throw InvalidVersionError("invalid label in " + quote_input(full) +
                                ": labels use only letters, digits, '_', '.' and '-'");
    }
  }
}

}  // namespace

std::string quote_input(std::string_view input) {
  constexpr std::size_t kShown = 80;
  std::string out = "'";
  for (char c : input.substr(0, kShown)) {
    out += std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?';
  }
  out += '\'';
  if (input.size() > kShown) out += "... (" + std::to_string(input.size()) + " characters)";
  return out;
}

ParsedName parse_name(std::string_view full) {
  if (full.empty()) throw InvalidNameError("invalid parameter name '': a name may not be empty");
  if (full.size() > common::kMaxNameLength) {
    throw InvalidNameError("invalid parameter name " + quote_input(full) + ": longer than " +
                           std::to_string(common::kMaxNameLength) + " characters");
  }
  ParsedName out;
  out.secret = full.starts_with(common::kSecretReferencePrefix);
  // A parameter ARN (arn:aws:ssm:region:account:parameter/name) has colons of its own; the
  // selector can only follow the name part.
  std::size_t search_from = 0;
  if (full.starts_with("arn:")) {
    const auto at = full.find(":parameter/");
    if (at == std::string_view::npos) {
      throw InvalidNameError("invalid parameter name " + quote_input(full) +
                             ": an ARN must name a parameter (arn:...:parameter/name)");
    }
    search_from = at + 11;
  }
  const auto colon = full.find(':', search_from);
  const std::string_view name = full.substr(0, colon);
  if (name.size() <= search_from ||
      (out.secret && name.size() == common::kSecretReferencePrefix.size())) {
    throw InvalidNameError("invalid parameter name " + quote_input(full) +
                           ": the name before the selector is empty");
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = i < search_from ? (is_name_char(c) || c == ':')
                                    : (out.secret ? is_secret_char(c) : is_name_char(c));
    if (!ok) {
      throw InvalidNameError("invalid parameter name " + quote_input(full) + ": " +
                             (c == ' ' ? std::string("contains a space")
                                       : "character " + quote_input(std::string_view(&c, 1)) +
                                             " is not allowed (letters, digits, _ . - /)"));
    }
  }
  out.name = std::string(name);
  if (colon != std::string_view::npos) {
    const auto sel = full.substr(colon + 1);
    check_selector(full, sel, out.secret);
    out.selector = std::string(sel);
  }
  out.full_name = std::string(full);
  return out;
}

std::string name_in_arn(std::string_view arn) {
  constexpr std::string_view kMarker = ":parameter/";
  const auto at = arn.find(kMarker);
  if (!arn.starts_with("arn:") || at == std::string_view::npos) return {};
  return std::string(arn.substr(at + kMarker.size() - 1));
}

void validate_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    throw InvalidPathError("invalid path " + quote_input(path) + ": a path starts with '/'");
  }
  if (path.size() > common::kMaxNameLength) {
    throw InvalidPathError("invalid path " + quote_input(path) + ": longer than " +
                           std::to_string(common::kMaxNameLength) + " characters");
  }
  std::size_t levels = 0;
  std::size_t i = 1;
  while (i < path.size()) {
    const auto next = path.find('/', i);
    const auto end = next == std::string_view::npos ? path.size() : next;
    if (end == i && next != std::string_view::npos) {
      throw InvalidPathError("invalid path " + quote_input(path) + ": empty level ('//')");
    }
    for (std::size_t k = i; k < end; ++k) {
      if (!is_name_char(path[k])) {
        throw InvalidPathError("invalid path " + quote_input(path) + ": " +
                               (path[k] == ' ' ? std::string("contains a space")
                                               : "character " + quote_input(path.substr(k, 1)) +
                                                     " is not allowed (letters, digits, _ . - /)"));
      }
    }
    if (end > i) ++levels;
    if (next == std::string_view::npos) break;
    i = next + 1;
  }
  if (levels > common::kMaxHierarchyDepth) {
    throw InvalidPathError("invalid path " + quote_input(path) + ": " + std::to_string(levels) +
                           " levels, Parameter Store allows at most " +
                           std::to_string(common::kMaxHierarchyDepth));
  }
}

std::string join_path(std::string_view base_path, std::string_view path) {
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  std::string out(base_path);
  if (!path.empty() && path.front() != '/') out += '/';
  out += path;
  return out;
}

}  // namespace ssm_cache::detail
