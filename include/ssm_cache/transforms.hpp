// ssm_cache/transforms.hpp — values transformed on read, as Powertools' transform= does:
// base64 binary, JSON (ssm_cache/json.hpp, which needs nlohmann-json) and the "auto" rule.
//
// Thread-safe. A transform never puts the value in an error: TransformError names the
// parameter or secret and what was expected.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ssm_cache/parameter.hpp"

namespace ssm_cache {

class Secret;

enum class Transform {
  kNone,  ///< the value as stored
  kJson,  ///< parsed as JSON (TransformError when it is not JSON)
  kBinary,  ///< base64-decoded bytes (TransformError when it is not base64)
  kAuto,  ///< by name, as Powertools' transform="auto": see resolve_transform
};

/// kAuto resolved for a name: a name ending in ".json" is kJson, in ".binary" kBinary, any
/// other kNone. Other transforms are returned unchanged.
[[nodiscard]] Transform resolve_transform(std::string_view name, Transform transform) noexcept;

/// The parameter's value base64-decoded (Powertools' transform="binary"); a copy, decoded on
/// each call. Throws TransformError when the value is not base64, else as p.value().
[[nodiscard]] std::string binary(const SSMParameter& p);

namespace detail {

/// Builds a transformed value (a parsed document) from a value; throws TransformError naming
/// `name`, never quoting the value.
using DerivedParser = std::shared_ptr<const void> (*)(std::string_view value,
                                                      const std::string& name);

/// The value `parse` made of the cached version of p (kind names the transform), made once
/// per fetched version: later calls return the same object until a refresh brings another
/// version. Objects are kept for as long as the cache entry lives (every handle to it), so
/// a pointer stays valid after a newer version arrives. Used by json.hpp.
const void* derived(const SSMParameter& p, std::string_view kind, DerivedParser parse);
/// The same for a secret's SecretString (TransformError for a binary secret).
const void* derived(const Secret& s, std::string_view kind, DerivedParser parse);

}  // namespace detail

}  // namespace ssm_cache
