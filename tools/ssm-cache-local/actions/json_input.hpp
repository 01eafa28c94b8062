// ssm-cache-local/actions/json_input.hpp — typed reads of a JSON 1.1 request body with AWS's
// errors: a member of the wrong JSON type is a SerializationException, a missing required member a
// ValidationException naming it. Reads only; thread-compatible; cost O(1) per member.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api_error.hpp"

namespace ssm_cache::local {

class Input {
 public:
  /// body must be a JSON object (the dispatcher checks it).
  explicit Input(const nlohmann::json& body) : body_(body) {}

  /// Absent and null members read as absent, as botocore never sends null.
  [[nodiscard]] bool has(const char* key) const {
    return body_.contains(key) && !body_.at(key).is_null();
  }

  [[nodiscard]] std::optional<std::string> opt_string(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = body_.at(key);
    if (!v.is_string()) throw type_error(key, "a string", v);
    return v.get<std::string>();
  }

  /// member: AWS's lowerCamel name used in validation messages ("name", "secretId").
  [[nodiscard]] std::string string(const char* key, const char* member) const {
    auto v = opt_string(key);
    if (!v) throw missing(member);
    return *v;
  }

  [[nodiscard]] std::optional<bool> opt_bool(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = body_.at(key);
    if (!v.is_boolean()) throw type_error(key, "a boolean", v);
    return v.get<bool>();
  }

  [[nodiscard]] bool boolean(const char* key, bool fallback) const {
    return opt_bool(key).value_or(fallback);
  }

  [[nodiscard]] std::optional<std::int64_t> opt_int(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = body_.at(key);
    if (!v.is_number_integer()) throw type_error(key, "an integer", v);
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      throw client_error("SerializationException", std::string("'") + key + "' is out of range");
    }
    return v.get<std::int64_t>();
  }

  [[nodiscard]] std::optional<std::vector<std::string>> opt_strings(const char* key) const {
    if (!has(key)) return std::nullopt;
    const auto& v = body_.at(key);
    if (!v.is_array()) throw type_error(key, "a list of strings", v);
    std::vector<std::string> out;
    out.reserve(v.size());
    for (const auto& item : v) {
      if (!item.is_string()) throw type_error(key, "a list of strings", item);
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  [[nodiscard]] std::vector<std::string> strings(const char* key, const char* member) const {
    auto v = opt_strings(key);
    if (!v) throw missing(member);
    return *v;
  }

  /// A list of objects (filters, tags); each item checked to be an object.
  [[nodiscard]] const nlohmann::json* opt_objects(const char* key) const {
    if (!has(key)) return nullptr;
    const auto& v = body_.at(key);
    if (!v.is_array()) throw type_error(key, "a list of structures", v);
    for (const auto& item : v) {
      if (!item.is_object()) throw type_error(key, "a list of structures", item);
    }
    return &v;
  }

  static ApiError missing(const char* member) {
    return validation_error(member, "Member must not be null");
  }

 private:
  static ApiError type_error(const char* key, const char* expected, const nlohmann::json& got) {
    return client_error("SerializationException", std::string("'") + key + "' must be " + expected +
                                                      ", got " + got.type_name());
  }

  const nlohmann::json& body_;
};

}  // namespace ssm_cache::local
