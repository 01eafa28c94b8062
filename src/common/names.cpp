// common/names.cpp — the name/selector grammar; see names.hpp.
#include "common/names.hpp"

#include <algorithm>
#include <cctype>

namespace ssm_cache::common {

namespace {

constexpr std::string_view kArnPrefix = "arn:";
constexpr std::string_view kArnParameter = ":parameter/";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
// Secrets Manager names additionally allow + = @.
bool is_secret_char(char c) {
  return is_parameter_name_char(c) || c == '+' || c == '=' || c == '@';
}
// Labels and version ids of secrets: letters, digits, _ . -.
bool is_label_char(char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }

/// Where the name part starts to be a name: after "arn:...:parameter/" (an ARN's own colons
/// are not selectors), else 0; npos for an "arn:" that names no parameter.
std::size_t name_start(std::string_view text) {
  if (!text.starts_with(kArnPrefix)) return 0;
  const auto at = text.find(kArnParameter);
  return at == std::string_view::npos ? std::string_view::npos : at + kArnParameter.size();
}

[[noreturn]] void name_error(std::string_view text, std::string_view why) {
  throw NameSyntaxError(NamePart::kName,
                        "invalid parameter name " + quote_input(text) + ": " + std::string(why));
}

[[noreturn]] void selector_error(std::string_view what, std::string_view text,
                                 std::string_view why) {
  throw NameSyntaxError(NamePart::kSelector,
                        std::string(what) + " in " + quote_input(text) + ": " + std::string(why));
}

/// The structure of the name part; returns the offset its own characters start at.
std::size_t check_structure(std::string_view text, const NameRef& ref) {
  if (text.empty()) name_error(text, "a name may not be empty");
  const std::size_t from = name_start(text);
  if (from == std::string_view::npos) {
    name_error(text, "an ARN must name a parameter (arn:...:parameter/name)");
  }
  if (ref.name.size() <= from ||
      (ref.secret_reference && ref.name.size() == kSecretReferencePrefix.size())) {
    name_error(text, "the name before the selector is empty");
  }
  return from;
}

void check_selector_structure(std::string_view text, std::string_view selector, bool colon) {
  if (colon && selector.empty()) {
    selector_error("invalid selector", text,
                   "nothing after ':' (expected a version number or a label)");
  }
  if (selector.find(':') != std::string_view::npos) {
    selector_error("invalid selector", text, "more than one ':' (use name:version or name:label)");
  }
}

void check_name_chars(std::string_view text, const NameRef& ref, std::size_t from) {
  for (std::size_t i = 0; i < ref.name.size(); ++i) {
    const char c = ref.name[i];
    const bool ok = i < from
                        ? (is_parameter_name_char(c) || c == ':')
                        : (ref.secret_reference ? is_secret_char(c) : is_parameter_name_char(c));
    if (!ok) {
      name_error(text, c == ' ' ? std::string("contains a space")
                                : "character " + quote_input(std::string_view(&c, 1)) +
                                      " is not allowed (letters, digits, _ . - /)");
    }
  }
}

void check_selector_rules(std::string_view text, const NameRef& ref) {
  const std::string_view sel = ref.selector;
  if (sel.empty()) return;
  if (ref.is_version()) {
    if (sel.front() == '0') {
      selector_error("invalid version", text, "versions start at 1 and have no leading zero");
    }
    if (sel.size() > 18) selector_error("invalid version", text, "too large");
    return;
  }
  if (sel.size() > 100) selector_error("invalid label", text, "labels have at most 100 characters");
  if (sel.front() == '-' || (!ref.secret_reference && is_digit(sel.front()))) {
    selector_error("invalid selector", text,
                   "a version is a positive number and a label may not start with a digit or "
                   "'-'");
  }
  if (!std::all_of(sel.begin(), sel.end(), is_label_char)) {
    selector_error("invalid label", text, "labels use only letters, digits, '_', '.' and '-'");
  }
}

}  // namespace

bool NameRef::is_version() const {
  return has_selector() && std::all_of(selector.begin(), selector.end(), is_digit);
}

std::string NameRef::designated_name() const {
  if (!arn) return name;
  const auto at = name.find(kArnParameter);
  return name.substr(at + kArnParameter.size() - 1);
}

std::string NameRef::selector_field() const { return has_selector() ? ":" + selector : ""; }

bool is_parameter_name_char(char c) noexcept {
  return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/';
}

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

NameRef split_name_ref(std::string_view text) {
  NameRef ref;
  ref.secret_reference = text.starts_with(kSecretReferencePrefix);
  const std::size_t from = name_start(text);
  ref.arn = from != 0 && from != std::string_view::npos;
  const auto colon = from == std::string_view::npos ? std::string_view::npos : text.find(':', from);
  ref.name = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) ref.selector = std::string(text.substr(colon + 1));
  return ref;
}

NameRef parse_name_ref(std::string_view text) {
  NameRef ref = split_name_ref(text);
  check_structure(text, ref);
  check_selector_structure(text, ref.selector, ref.name.size() < text.size());
  return ref;
}

NameRef check_name_ref(std::string_view text) {
  if (text.size() > kMaxNameLength) {
    name_error(text, "longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  NameRef ref = split_name_ref(text);
  const std::size_t from = check_structure(text, ref);
  check_name_chars(text, ref, from);
  check_selector_structure(text, ref.selector, ref.name.size() < text.size());
  check_selector_rules(text, ref);
  return ref;
}

}  // namespace ssm_cache::common
