// common/names.hpp — the one grammar of a parameter name with its selector, and the limits and
// prefixes of AWS parameter names that the library, the CLI, the sidecar and the local server
// must agree on. Pure functions; thread-safe; each call costs one pass over its input.
//
// The forms (Parameter Store's GetParameter accepts all of them):
//   "/app/db", "db"                                   a plain name
//   "/app/db:3", "/app/db:prod"                       with a selector (version or label)
//   "arn:aws:ssm:us-east-1:1:parameter/app/db[:3]"    an ARN (its own colons are not selectors)
//   "/aws/reference/secretsmanager/id[:stage|:versionId]"  a Secrets Manager secret read through
//                                                     Parameter Store (+ = @ allowed in id)
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ssm_cache::common {

/// A Parameter Store name that reads a Secrets Manager secret through Parameter Store.
inline constexpr std::string_view kSecretReferencePrefix = "/aws/reference/secretsmanager/";
/// The longest parameter name (or ARN) Parameter Store accepts, in characters.
inline constexpr std::size_t kMaxNameLength = 2048;
/// The deepest hierarchy Parameter Store accepts ("/a/b" has 2 levels).
inline constexpr std::size_t kMaxHierarchyDepth = 15;

/// A name split at its selector.
struct NameRef {
  std::string name;  ///< without selector; an ARN stays whole ("arn:...:parameter/app/db")
  std::string selector;  ///< after the ':' (without it); empty when there is none
  bool arn = false;  ///< "arn:...:parameter/..."
  bool secret_reference = false;  ///< starts with kSecretReferencePrefix

  [[nodiscard]] bool has_selector() const { return !selector.empty(); }
  /// The selector is a version number (digits only; "0" and leading zeros included).
  [[nodiscard]] bool is_version() const;
  /// The selector is a label (or, for a secret reference, a stage or version id).
  [[nodiscard]] bool is_label() const { return has_selector() && !is_version(); }
  /// The parameter an ARN designates, with a leading '/' ("...:parameter/a/b" -> "/a/b",
  /// "...:parameter/x" -> "/x"); `name` itself when not an ARN.
  [[nodiscard]] std::string designated_name() const;
  /// ":3", ":prod" or empty: the Selector field of AWS's Parameter shape.
  [[nodiscard]] std::string selector_field() const;
};

/// Which part of a name an error is about: the name (InvalidNameError in the library) or the
/// selector (InvalidVersionError).
enum class NamePart { kName, kSelector };

/// A name that does not follow the grammar; what() quotes the input and says what is wrong.
class NameSyntaxError : public std::invalid_argument {
 public:
  NameSyntaxError(NamePart part, const std::string& message)
      : std::invalid_argument(message), part_(part) {}
  [[nodiscard]] NamePart part() const noexcept { return part_; }

 private:
  NamePart part_;
};

/// Splits `text` without checking it (for names already checked, or passed on as given): the
/// selector starts at the first ':' after the name ("a:1:2" -> "a", "1:2"); an "arn:" without
/// ":parameter/" is a name without selector.
NameRef split_name_ref(std::string_view text);

/// The grammar's structure, which every reader enforces: a name is not empty, an ARN names a
/// parameter, the name before the selector is not empty (nor a bare secret reference prefix),
/// and a selector is one non-empty part ("a:" and "a:1:2" are errors). Characters and limits
/// are not checked (see check_name_ref). Throws NameSyntaxError.
NameRef parse_name_ref(std::string_view text);

/// Parameter Store's rules on top of the structure, as the library checks them before any call:
/// at most kMaxNameLength characters; name characters (letters, digits, _ . - /, and + = @ in
/// a secret reference); a version has no leading zero and at most 18 digits; a label has at most
/// 100 of letters, digits, _ . - and starts with neither '-' nor (but in a secret reference) a
/// digit. Throws NameSyntaxError.
NameRef check_name_ref(std::string_view text);

/// Letters, digits and _ . - / : the characters of a Parameter Store name or path.
bool is_parameter_name_char(char c) noexcept;

/// A short, printable, quoted form of user input for error messages (long inputs are cut).
std::string quote_input(std::string_view input);

}  // namespace ssm_cache::common
