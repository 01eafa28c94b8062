// aws/json_protocol.hpp — AWS JSON 1.1 for SSM and Secrets Manager: pure request-body builders,
// response parsers and error mapping. No I/O; thread-safe (no shared state); cost linear in the
// size of the body. Errors never quote a response body (it may hold parameter values): they
// name the operation, the field at fault, the HTTP status, the size and the request id.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "http/transport.hpp"
#include "ssm_cache/aws.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::aws {

inline constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";

// ---- request bodies (byte-exact: keys in lexicographic order, no spaces) -------------------

/// {"Names":[...],"WithDecryption":b}; names as given ("a", "a:3", "a:label").
std::string build_get_parameters_body(const std::vector<std::string>& names, bool with_decryption);
/// {"Name":"...","WithDecryption":b}
std::string build_get_parameter_body(std::string_view name, bool with_decryption);
/// {"MaxResults":10,"NextToken":"...","ParameterFilters":[...],"Path":"...","Recursive":b,
///  "WithDecryption":b}; NextToken and ParameterFilters only when present. Throws
/// InvalidFilterError for a key GetParametersByPath does not accept.
std::string build_get_parameters_by_path_body(std::string_view path, bool recursive,
                                              const std::vector<Filter>& filters,
                                              bool with_decryption, std::string_view next_token,
                                              int max_results = 10);
/// {"SecretId":"...","VersionId":"...","VersionStage":"..."} (the last two when not empty).
std::string build_get_secret_value_body(std::string_view secret_id, std::string_view version_id,
                                        std::string_view version_stage);
/// {"NextToken":"...","SecretIdList":[...]}
std::string build_batch_get_secret_value_body(const std::vector<std::string>& ids,
                                              std::string_view next_token);

/// PutParameter: {"Description":...,"KeyId":...,"Name":...,"Overwrite":b,"Tier":...,
/// "Type":...,"Value":...} (Description, KeyId, Tier only when given).
std::string build_put_parameter_body(std::string_view name, std::string_view value,
                                     const PutParameterOptions& options);
/// PutSecretValue: {"ClientRequestToken":...,"SecretId":...,"SecretString":...}; the token
/// makes a retried request idempotent (AWS keeps one version per token).
std::string build_put_secret_value_body(std::string_view secret_id, std::string_view value,
                                        std::string_view client_request_token);

// ---- responses --------------------------------------------------------------------------

/// Context for error messages: what was asked and what came back.
struct ResponseContext {
  std::string operation;  ///< "GetParameters"
  std::string subject;  ///< what it was about ("names 'a', 'b'"), never a value
  int status = 200;
  std::string request_id;
};

GetParametersResult parse_get_parameters_response(std::string_view body,
                                                  const ResponseContext& ctx);
ParameterRecord parse_get_parameter_response(std::string_view body, const ResponseContext& ctx);

struct ParametersPage {
  std::vector<ParameterRecord> parameters;
  std::string next_token;  ///< empty: last page
};
ParametersPage parse_get_parameters_by_path_response(std::string_view body,
                                                     const ResponseContext& ctx);

SecretValue parse_get_secret_value_response(std::string_view body, const ResponseContext& ctx);

/// DescribeSecret: version ids to stages, NextRotationDate (no value).
SecretDescription parse_describe_secret_response(std::string_view body, const ResponseContext& ctx);

struct SecretsPage {
  BatchSecretsResult result;
  std::string next_token;
};
SecretsPage parse_batch_get_secret_value_response(std::string_view body,
                                                  const ResponseContext& ctx);

PutParameterResult parse_put_parameter_response(std::string_view body, const ResponseContext& ctx);
PutSecretResult parse_put_secret_value_response(std::string_view body, const ResponseContext& ctx);

/// The AWS error code of an `__type` value or an x-amzn-ErrorType header: after the last '#',
/// before the first ':'. "com.amazonaws.ssm#ParameterNotFound" -> "ParameterNotFound".
std::string error_code_from_type(std::string_view type);

/// Maps a non-2xx response to AwsError: code from `__type` (else x-amzn-ErrorType), message
/// from `message` / `Message`, request id from x-amzn-RequestId. A body that is not an AWS
/// error document still gives an AwsError (code empty), saying what came back.
AwsError parse_error_response(const http::Response& response, std::string_view operation,
                              std::string_view subject, std::string_view url);

}  // namespace ssm_cache::aws
