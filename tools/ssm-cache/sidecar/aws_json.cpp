// aws_json.cpp — see aws_json.hpp.
#include "aws_json.hpp"

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/time.hpp"
#include "output.hpp"

namespace ssm_cache::cli {

namespace {
// The extension answers dates as ISO 8601 UTC with milliseconds (common::format_iso8601), not as
// the epoch seconds of the AWS wire protocol.
nlohmann::ordered_json string_or_null(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}
// Values may hold bytes that are not UTF-8; replace them rather than fail the response.
template <typename Json>
std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Field order and nulls as the AWS extension writes them (tests/sidecar cites recordings).
nlohmann::ordered_json parameter_json(const ParameterRecord& r) {
  return nlohmann::ordered_json{{"ARN", r.arn},
                                {"DataType", r.data_type.empty() ? "text" : r.data_type},
                                {"LastModifiedDate", common::format_iso8601(r.last_modified)},
                                {"Name", r.name},
                                {"Selector", string_or_null(r.selector)},
                                {"SourceResult", string_or_null(r.source_result)},
                                {"Type", r.type},
                                {"Value", r.value},
                                {"Version", r.version}};
}

nlohmann::ordered_json parameter_list(const std::vector<ParameterRecord>& records) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& r : records) list.push_back(parameter_json(r));
  return list;
}

}  // namespace

std::string get_parameter_body(const ParameterRecord& r) {
  nlohmann::ordered_json body = {{"Parameter", parameter_json(r)},
                                 {"ResultMetadata", nlohmann::ordered_json::object()}};
  return dump(body);
}

std::string get_secret_value_body(const SecretValue& s) {
  nlohmann::ordered_json body = {
      {"ARN", s.arn},
      {"CreatedDate", common::format_iso8601(s.created_date)},
      {"Name", s.name},
      {"SecretBinary", s.secret_binary
                           ? nlohmann::ordered_json(common::base64_encode(*s.secret_binary))
                           : nlohmann::ordered_json(nullptr)},
      {"SecretString", s.secret_string ? nlohmann::ordered_json(*s.secret_string)
                                       : nlohmann::ordered_json(nullptr)},
      {"VersionId", s.version_id},
      {"VersionStages", s.version_stages},
      {"ResultMetadata", nlohmann::ordered_json::object()}};
  return dump(body);
}

std::string get_parameters_body(const GetParametersResult& result) {
  nlohmann::ordered_json body = {{"InvalidParameters", result.invalid_parameters},
                                 {"Parameters", parameter_list(result.parameters)},
                                 {"ResultMetadata", nlohmann::ordered_json::object()}};
  return dump(body);
}

std::string get_parameters_by_path_body(const std::vector<ParameterRecord>& records) {
  nlohmann::ordered_json body = {{"Parameters", parameter_list(records)},
                                 {"ResultMetadata", nlohmann::ordered_json::object()}};
  return dump(body);
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
  secret["SecretString"] = field.is_string() ? field.get<std::string>() : dump(field);
  return dump(secret);
}

}  // namespace ssm_cache::cli
