// common/names.hpp — the limits and prefixes of AWS parameter names that the library, the CLI,
// the sidecar and the local server must agree on. Constants only.
#pragma once

#include <cstddef>
#include <string_view>

namespace ssm_cache::common {

/// A Parameter Store name that reads a Secrets Manager secret through Parameter Store.
inline constexpr std::string_view kSecretReferencePrefix = "/aws/reference/secretsmanager/";
/// The longest parameter name (or ARN) Parameter Store accepts, in characters.
inline constexpr std::size_t kMaxNameLength = 2048;
/// The deepest hierarchy Parameter Store accepts ("/a/b" has 2 levels).
inline constexpr std::size_t kMaxHierarchyDepth = 15;

}  // namespace ssm_cache::common
