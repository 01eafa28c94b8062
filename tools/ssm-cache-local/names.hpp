// ssm-cache-local/names.hpp — AWS's rules for parameter names, paths, selectors, labels and
// secret names. Pure functions; thread-safe; cost linear in the name length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/names.hpp"

namespace ssm_cache::local {

using common::kMaxHierarchyDepth;
using common::kMaxNameLength;
using common::kSecretReferencePrefix;

/// PutParameter's checks: length, characters, fully qualified hierarchy, depth, reserved
/// prefixes. Throws ApiError (ValidationException, HierarchyLevelLimitExceededException).
void validate_parameter_name(std::string_view name);

/// GetParametersByPath's checks on Path. Throws ApiError (ValidationException, ...).
void validate_path(std::string_view path);

/// Number of levels of a hierarchical name ("/a/b" = 2; "a" = 1).
std::size_t hierarchy_depth(std::string_view name);

/// A label as LabelParameterVersion accepts it (invalid ones come back in InvalidLabels).
bool is_valid_label(std::string_view label);

/// "name", "name:3", "name:label", an ARN "arn:aws:ssm:r:a:parameter/name[:sel]" or a secret
/// reference "/aws/reference/secretsmanager/id[:stage|:versionId]" (common::parse_name_ref).
struct ParameterRef {
  std::string name;  ///< without selector (for an ARN: the name it designates)
  std::string selector;  ///< without colon; empty when none
  std::int64_t version = 0;  ///< > 0 when the selector is a version number
  bool from_arn = false;
  [[nodiscard]] bool has_selector() const { return !selector.empty(); }
  [[nodiscard]] bool is_label() const { return has_selector() && version == 0; }
};
/// Throws ApiError ValidationException for an empty name or a malformed selector
/// ("a:", "a:1:2", a label with bad characters; a secret reference's selector is not held to
/// the label rules); a version too large to exist is kept as a version (it will not be found).
ParameterRef parse_parameter_ref(std::string_view text);

/// Secrets Manager: 1-512 of [A-Za-z0-9/_+=.@-]. Throws ApiError ValidationException.
void validate_secret_name(std::string_view name);

}  // namespace ssm_cache::local
