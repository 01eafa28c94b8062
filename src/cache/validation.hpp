// Validation and parsing of parameter names, selectors and hierarchy paths (pure functions).
//
// Thread-safe (no state). Cost: one pass over the input. Every error names the offending input.
#pragma once

#include <string>
#include <string_view>

#include "common/names.hpp"

namespace ssm_cache::detail {

/// A name split into the plain name sent to Parameter Store and its selector.
struct ParsedName {
  std::string name;  ///< "/app/db"
  std::string selector;  ///< "3", "prod" or empty (no colon)
  std::string full_name;  ///< "/app/db:3"
  bool secret = false;  ///< a /aws/reference/secretsmanager/ reference
};

/// Parses "name", "name:3" or "name:label" by the one grammar (common::check_name_ref). Throws
/// InvalidNameError (empty, space, too long, bad character) or InvalidVersionError ("a:",
/// "a:0", "a:-1", "a:1:2", bad label).
ParsedName parse_name(std::string_view full_name);

/// The parameter an ARN designates, with a leading '/': "arn:aws:ssm:r:1:parameter/a/b" ->
/// "/a/b", "...:parameter/x" -> "/x" (a parameter stored as "x"). Empty when not an ARN.
std::string name_in_arn(std::string_view arn);

/// Checks a hierarchy path: leading '/', allowed characters, at most 15 levels. Throws
/// InvalidPathError.
void validate_path(std::string_view path);

/// base_path + path without a doubled slash ("/Foo" + "/Bar" = "/Foo/Bar").
std::string join_path(std::string_view base_path, std::string_view path);

/// A short, printable form of user input for error messages (long inputs are cut).
using common::quote_input;

}  // namespace ssm_cache::detail
