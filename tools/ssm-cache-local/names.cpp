// ssm-cache-local/names.cpp — see names.hpp.
#include "names.hpp"

#include <cctype>
#include <charconv>

#include "api_error.hpp"
#include "common/strings.hpp"
#include "util.hpp"

namespace ssm_cache::local {

namespace {

ApiError not_fully_qualified() {
  return client_error("ValidationException",
                      "Parameter name must be a fully qualified name: a hierarchy starts with "
                      "'/', has no empty level and does not end with '/'.");
}

void check_hierarchy_shape(std::string_view name, bool allow_trailing_slash) {
  if (name.find('/') == std::string_view::npos) return;
  if (name.front() != '/') throw not_fully_qualified();
  if (name.find("//") != std::string_view::npos) throw not_fully_qualified();
  if (!allow_trailing_slash && name.size() > 1 && name.back() == '/') throw not_fully_qualified();
}

}  // namespace

std::size_t hierarchy_depth(std::string_view name) {
  std::size_t depth = 0;
  bool in_segment = false;
  for (char c : name) {
    if (c == '/') {
      in_segment = false;
    } else if (!in_segment) {
      in_segment = true;
      ++depth;
    }
  }
  return depth;
}

void validate_parameter_name(std::string_view name) {
  if (name.empty()) {
    throw validation_error("name", "Member must have length greater than or equal to 1");
  }
  if (name.size() > kMaxNameLength) {
    throw validation_error("name", "Member must have length less than or equal to 2048");
  }
  for (char c : name) {
    if (!common::is_parameter_name_char(c)) {
      throw client_error("ValidationException",
                         "Parameter name: can only contain letters, numbers and the symbols "
                         "_ . - and / (for hierarchies).");
    }
  }
  if (name == "/") throw not_fully_qualified();
  check_hierarchy_shape(name, /*allow_trailing_slash=*/false);
  std::string_view bare = name.front() == '/' ? name.substr(1) : name;
  if (common::starts_with_icase(bare, "aws") || common::starts_with_icase(bare, "ssm")) {
    throw client_error("ValidationException",
                       "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
                       "(case-insensitive).");
  }
  if (hierarchy_depth(name) > kMaxHierarchyDepth) {
    throw client_error("HierarchyLevelLimitExceededException",
                       "A hierarchy can have a maximum of 15 levels. Parameter name has " +
                           std::to_string(hierarchy_depth(name)) + " levels.");
  }
}

void validate_path(std::string_view path) {
  if (path.empty()) {
    throw validation_error("path", "Member must have length greater than or equal to 1");
  }
  if (path.size() > kMaxNameLength) {
    throw validation_error("path", "Member must have length less than or equal to 2048");
  }
  if (path.front() != '/') {
    throw client_error("ValidationException",
                       "The parameter doesn't meet the parameter name requirements. The "
                       "parameter name must begin with a forward slash \"/\".");
  }
  for (char c : path) {
    if (!common::is_parameter_name_char(c)) {
      throw client_error("ValidationException",
                         "Path can only contain letters, numbers and the symbols _ . - and /.");
    }
  }
  if (path.find("//") != std::string_view::npos) {
    throw client_error("ValidationException", "Path must not contain an empty level (\"//\").");
  }
  if (hierarchy_depth(path) > kMaxHierarchyDepth) {
    throw client_error("HierarchyLevelLimitExceededException",
                       "A hierarchy can have a maximum of 15 levels.");
  }
}

bool is_valid_label(std::string_view label) {
  if (label.empty() || label.size() > 100) return false;
  if (std::isdigit(static_cast<unsigned char>(label.front()))) return false;
  if (common::starts_with_icase(label, "aws") || common::starts_with_icase(label, "ssm"))
    return false;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

ParameterRef parse_parameter_ref(std::string_view text) {
  if (text.empty()) {
    throw validation_error("name", "Member must have length greater than or equal to 1");
  }
  if (text.size() > kMaxNameLength + 256) {
    throw validation_error("name", "Member must have length less than or equal to 2048");
  }
  common::NameRef parsed;
  try {
    parsed = common::parse_name_ref(text);
  } catch (const common::NameSyntaxError& e) {
    throw client_error("ValidationException", e.what());
  }
  ParameterRef ref;
  ref.from_arn = parsed.arn;
  // An ARN's "parameter/x" designates "/x"; callers try "/x" and "x" for single-level names.
  ref.name = parsed.designated_name();
  ref.selector = parsed.selector;
  // A secret reference's selector is a version id or a staging label: Secrets Manager's rules.
  if (!ref.has_selector() || parsed.secret_reference) return ref;
  const std::string_view sel = ref.selector;
  if (parsed.is_version()) {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(sel.data(), sel.data() + sel.size(), v);
    // Too large to exist: keep it as a version that will not be found.
    ref.version = (ec == std::errc() && p == sel.data() + sel.size()) ? v : INT64_MAX;
    if (ref.version == 0) ref.version = -1;  // ":0" never exists; keep it numeric
    return ref;
  }
  if (!is_valid_label(sel)) {
    throw client_error("ValidationException",
                       "Invalid label in parameter selector: a label has at most 100 letters, "
                       "numbers, '.', '-' or '_' and does not begin with a number, \"aws\" or "
                       "\"ssm\".");
  }
  return ref;
}

void validate_secret_name(std::string_view name) {
  if (name.empty()) {
    throw validation_error("name", "Member must have length greater than or equal to 1");
  }
  if (name.size() > 512) {
    throw validation_error("name", "Member must have length less than or equal to 512");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/_+=.@-").find(c) == std::string_view::npos) {
      throw client_error("ValidationException",
                         "Invalid name. Must be a valid name containing alphanumeric "
                         "characters, or any of the following: -/_+=.@!");
    }
  }
}

}  // namespace ssm_cache::local
