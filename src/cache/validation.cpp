// Validation and parsing of parameter names, selectors and paths; see validation.hpp.
#include "cache/validation.hpp"

#include "ssm_cache/errors.hpp"

namespace ssm_cache::detail {

ParsedName parse_name(std::string_view full) {
  try {
    common::NameRef ref = common::check_name_ref(full);
    return ParsedName{std::move(ref.name), std::move(ref.selector), std::string(full),
                      ref.secret_reference};
  } catch (const common::NameSyntaxError& e) {
    if (e.part() == common::NamePart::kSelector) throw InvalidVersionError(e.what());
    throw InvalidNameError(e.what());
  }
}

std::string name_in_arn(std::string_view arn) {
  const common::NameRef ref = common::split_name_ref(arn);
  return ref.arn ? ref.designated_name() + ref.selector_field() : std::string();
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
      if (!common::is_parameter_name_char(path[k])) {
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
