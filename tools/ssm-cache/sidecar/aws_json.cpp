// aws_json.cpp — see aws_json.hpp.
#include "aws_json.hpp"

#include <nlohmann/json.hpp>

#include "aws_shapes.hpp"

namespace ssm_cache::cli {

std::string get_parameter_body(const ParameterRecord& r) {
  return tools::dump_shape(tools::get_parameter_shape(r, tools::kExtensionStyle));
}

std::string get_secret_value_body(const SecretValue& s) {
  return tools::dump_shape(tools::get_secret_value_shape(s, tools::kExtensionStyle));
}

std::string get_parameters_body(const GetParametersResult& result) {
  return tools::dump_shape(tools::get_parameters_shape(result, tools::kExtensionStyle));
}

std::string get_parameters_by_path_body(const std::vector<ParameterRecord>& records) {
  return tools::dump_shape(
      tools::get_parameters_by_path_shape(records, "", tools::kExtensionStyle));
}

std::optional<std::string> secret_body_json_key(const std::string& body, const std::string& key) {
  auto secret = nlohmann::ordered_json::parse(body, nullptr, false);
  if (secret.is_discarded() || !secret.is_object() || !secret.contains("SecretString") ||
      !secret["SecretString"].is_string()) {
    return std::nullopt;
  }
  auto fields =
      nlohmann::ordered_json::parse(secret["SecretString"].get<std::string>(), nullptr, false);
  if (fields.is_discarded() || !fields.is_object() || !fields.contains(key)) return std::nullopt;
  const auto& field = fields[key];
  secret["SecretString"] = field.is_string() ? field.get<std::string>() : tools::dump_shape(field);
  return tools::dump_shape(secret);
}

}  // namespace ssm_cache::cli
