// aws_json.hpp — the JSON bodies the sidecar answers with, byte-compatible in shape with what
// SSM GetParameter / Secrets Manager GetSecretValue return (and so with the AWS Parameters and
// Secrets Lambda Extension), written by the programs' one shape writer (tools/common/aws_shapes)
// in its extension style. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error_map.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::cli {

/// {"Parameter": {"ARN", "DataType", "LastModifiedDate" (ISO 8601, ms, UTC), "Name",
/// "Selector" (or null), "SourceResult" (or null), "Type", "Value", "Version"},
/// "ResultMetadata": {}} — the AWS extension's field order.
std::string get_parameter_body(const ParameterRecord& record);

/// {"ARN", "CreatedDate" (ISO 8601), "Name", "SecretBinary" (base64 or null), "SecretString"
/// (or null), "VersionId", "VersionStages", "ResultMetadata": {}}
std::string get_secret_value_body(const SecretValue& secret);

/// {"InvalidParameters": [...], "Parameters": [parameter objects as above],
/// "ResultMetadata": {}} — the answer to names= (GetParameters' shape).
std::string get_parameters_body(const GetParametersResult& result);

/// {"Parameters": [parameter objects as above], "ResultMetadata": {}} — the answer to
/// /systemsmanager/parameters/path (GetParametersByPath's shape, all pages in one).
std::string get_parameters_by_path_body(const std::vector<ParameterRecord>& records);

/// A GetSecretValue body whose SecretString is replaced by one field of it (a string field as
/// is, any other JSON value serialised); empty when SecretString is not a JSON object holding
/// `key`.
std::optional<std::string> secret_body_json_key(const std::string& body, const std::string& key);

/// AWS JSON 1.1 error shape: {"__type": code, "message": message} (tools/common).
using tools::error_body;

}  // namespace ssm_cache::cli
