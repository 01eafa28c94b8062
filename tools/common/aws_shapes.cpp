// aws_shapes.cpp — see aws_shapes.hpp.
#include "aws_shapes.hpp"

#include <optional>

#include "common/base64.hpp"
#include "common/time.hpp"

namespace ssm_cache::tools {

namespace {

Json date(std::chrono::system_clock::time_point t, ShapeStyle style) {
  return style.iso_dates ? Json(common::format_iso8601(t)) : Json(common::epoch_seconds(t));
}

// An optional field: written as is, as null, or left out, by the style.
void optional_field(Json& out, const char* key, const std::optional<std::string>& value,
                    ShapeStyle style) {
  if (value) {
    out[key] = *value;
  } else if (style.nulls) {
    out[key] = nullptr;
  }
}

std::optional<std::string> unless_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Json parameter_list(const std::vector<ParameterRecord>& records, ShapeStyle style) {
  Json list = Json::array();
  for (const auto& r : records) list.push_back(parameter_shape(r, style));
  return list;
}

Json& finish(Json& body, ShapeStyle style) {
  if (style.result_metadata) body["ResultMetadata"] = Json::object();
  return body;
}

}  // namespace

Json parameter_shape(const ParameterRecord& r, ShapeStyle style) {
  Json out = {{"ARN", r.arn},
              {"DataType", r.data_type.empty() ? "text" : r.data_type},
              {"LastModifiedDate", date(r.last_modified, style)},
              {"Name", r.name}};
  optional_field(out, "Selector", unless_empty(r.selector), style);
  optional_field(out, "SourceResult", unless_empty(r.source_result), style);
  out["Type"] = r.type;
  out["Value"] = r.value;
  out["Version"] = r.version;
  return out;
}

Json get_parameter_shape(const ParameterRecord& record, ShapeStyle style) {
  Json body = {{"Parameter", parameter_shape(record, style)}};
  return finish(body, style);
}

Json get_parameters_shape(const GetParametersResult& result, ShapeStyle style) {
  Json body = {{"InvalidParameters", result.invalid_parameters},
               {"Parameters", parameter_list(result.parameters, style)}};
  return finish(body, style);
}

Json get_parameters_by_path_shape(const std::vector<ParameterRecord>& records,
                                  const std::string& next_token, ShapeStyle style) {
  Json body = Json::object();
  if (!next_token.empty()) body["NextToken"] = next_token;
  body["Parameters"] = parameter_list(records, style);
  return finish(body, style);
}

Json get_secret_value_shape(const SecretValue& s, ShapeStyle style) {
  Json body = {{"ARN", s.arn}, {"CreatedDate", date(s.created_date, style)}, {"Name", s.name}};
  optional_field(body, "SecretBinary",
                 s.secret_binary
                     ? std::optional<std::string>(common::base64_encode(*s.secret_binary))
                     : std::nullopt,
                 style);
  optional_field(body, "SecretString", s.secret_string, style);
  body["VersionId"] = s.version_id;
  body["VersionStages"] = s.version_stages;
  return finish(body, style);
}

std::string dump_shape(const Json& shape, int indent) {
  return shape.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ssm_cache::tools
