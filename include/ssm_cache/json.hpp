// ssm_cache/json.hpp — JSON values of parameters and secrets (Powertools' transform="json").
//
// Optional: needs nlohmann-json (Debian: nlohmann-json3-dev) and is not included by
// ssm_cache.hpp. Header-only over the library's transform cache (transforms.hpp), so the
// library itself does not depend on the nlohmann-json version you build with.
//
// json(p) parses once per fetched version, not per call: the first call after a version
// arrives parses it, later calls return the same document (one mutex-free check) until a
// refresh brings another version. Thread-safe: concurrent first calls parse once.
//
// Lifetime: the reference stays valid as long as the parameter's cache entry lives (while any
// handle to it exists), also after newer versions arrive: each parsed version is kept until
// then. A value that changes very often and is read through json() for the life of the
// process therefore grows memory by one document per version; parse p.value() yourself there.
// Parsed documents live in ordinary heap memory (the raw values are in MADV_DONTDUMP memory,
// zeroed when freed; a document is not).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssm_cache/errors.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/transforms.hpp"

namespace ssm_cache {

namespace detail {

inline std::shared_ptr<const void> parse_json_document(std::string_view value,
                                                       const std::string& name) {
  try {
    return std::make_shared<const nlohmann::json>(nlohmann::json::parse(value));
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() quotes the bytes read ("last read: ..."): only the offset goes in the message.
    throw TransformError("'" + name + "': the value is not valid JSON (error at byte " +
                         std::to_string(e.byte) + "); expected a JSON document");
  }
}

}  // namespace detail

/// The parameter's value parsed as JSON, once per fetched version (see the top of this file
/// for the reference's lifetime). Throws TransformError when it is not JSON, else as value().
inline const nlohmann::json& json(const SSMParameter& p) {
  return *static_cast<const nlohmann::json*>(
      detail::derived(p, "json", &detail::parse_json_document));
}

/// The secret's SecretString parsed as JSON, once per fetched version. Throws TransformError
/// when it is not JSON or the secret is binary, else as value().
inline const nlohmann::json& json(const Secret& s) {
  return *static_cast<const nlohmann::json*>(
      detail::derived(s, "json", &detail::parse_json_document));
}

/// The value under a transform, as one JSON value: kNone a string, kJson the document (a
/// copy of json(p)), kBinary a JSON binary of the decoded bytes, kAuto by name
/// (resolve_transform).
inline nlohmann::json transformed(const SSMParameter& p, Transform transform) {
  switch (resolve_transform(p.name(), transform)) {
    case Transform::kJson: return json(p);
    case Transform::kBinary: {
      const std::string bytes = binary(p);
      return nlohmann::json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    }
    default: return p.value();
  }
}

/// Powertools' get_multiple(..., transform="auto") on handles (e.g. a group's parameters(path)):
/// full name -> transformed value. A bad value throws TransformError naming it.
inline std::map<std::string, nlohmann::json> transformed(const std::vector<SSMParameter>& params,
                                                         Transform transform = Transform::kAuto) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& p : params) out.emplace(p.full_name(), transformed(p, transform));
  return out;
}

}  // namespace ssm_cache
