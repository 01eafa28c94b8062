// aws_shapes.hpp — the one writer of AWS's answer shapes that both programs return: the
// Parameter object, the GetParameters and GetParametersByPath pages and GetSecretValue. The CLI
// (--output json), the sidecar (the AWS Parameters and Secrets Lambda Extension's bodies) and
// ssm-cache-local (the JSON 1.1 wire protocol) differ only in a ShapeStyle. Fields are written in
// AWS's (alphabetical) order. Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ssm_cache/secrets.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::tools {

/// How a shape writes what differs between AWS's answers.
struct ShapeStyle {
  /// Dates as ISO 8601 UTC strings with milliseconds (the extension, the CLI), or as epoch
  /// seconds with millisecond precision (the JSON 1.1 wire protocol).
  bool iso_dates = true;
  /// Absent optional fields (Selector, SourceResult, SecretString, SecretBinary) as null (the
  /// extension) or left out (the wire protocol, the CLI).
  bool nulls = false;
  /// A trailing "ResultMetadata": {} in every answer (the extension).
  bool result_metadata = false;
};

/// The AWS Parameters and Secrets Lambda Extension's bodies (tests/sidecar cites recordings).
inline constexpr ShapeStyle kExtensionStyle{true, true, true};
/// The JSON 1.1 wire protocol (ssm-cache-local).
inline constexpr ShapeStyle kWireStyle{false, false, false};
/// `ssm-cache --output json`.
inline constexpr ShapeStyle kCliStyle{true, false, false};

using Json = nlohmann::ordered_json;

/// {"ARN", "DataType" ("text" when empty), "LastModifiedDate", "Name", "Selector",
/// "SourceResult", "Type", "Value", "Version"}.
Json parameter_shape(const ParameterRecord& record, ShapeStyle style);

/// GetParameter: {"Parameter": {...}[, "ResultMetadata": {}]}.
Json get_parameter_shape(const ParameterRecord& record, ShapeStyle style);

/// GetParameters: {"InvalidParameters": [...], "Parameters": [...][, "ResultMetadata": {}]}.
Json get_parameters_shape(const GetParametersResult& result, ShapeStyle style);

/// A GetParametersByPath page: {["NextToken",] "Parameters": [...][, "ResultMetadata": {}]}
/// (NextToken only when not empty).
Json get_parameters_by_path_shape(const std::vector<ParameterRecord>& records,
                                  const std::string& next_token, ShapeStyle style);

/// GetSecretValue: {"ARN", "CreatedDate", "Name", "SecretBinary" (base64), "SecretString",
/// "VersionId", "VersionStages"[, "ResultMetadata": {}]}.
Json get_secret_value_shape(const SecretValue& secret, ShapeStyle style);

/// A shape as text: compact, or indented by `indent` spaces; bytes that are not UTF-8 are
/// replaced rather than failing the answer (values may hold any bytes).
std::string dump_shape(const Json& shape, int indent = -1);

}  // namespace ssm_cache::tools
