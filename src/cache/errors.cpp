// Out-of-line parts of the exception hierarchy.
#include "ssm_cache/errors.hpp"

#include <string>

namespace ssm_cache {

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += '\'';
    out += n;
    out += '\'';
  }
  return out;
}

}  // namespace

InvalidParameterError::InvalidParameterError(std::vector<std::string> names)
    : Error("parameters not found: " + join_names(names)), names_(std::move(names)) {}

AwsError::AwsError(const std::string& what, std::string code, std::string aws_message,
                   int http_status, std::string request_id)
    : Error(what),
      code_(std::move(code)),
      aws_message_(std::move(aws_message)),
      http_status_(http_status),
      request_id_(std::move(request_id)) {}

bool AwsError::throttling() const noexcept {
  return code_ == "ThrottlingException" || code_ == "Throttling" || code_ == "ThrottledException" ||
         code_ == "RequestThrottledException" || code_ == "TooManyRequestsException" ||
         code_ == "RequestLimitExceeded" || code_ == "ProvisionedThroughputExceededException" ||
         code_ == "TransactionInProgressException" || code_ == "RequestThrottled" ||
         code_ == "SlowDown" || code_ == "PriorRequestNotComplete" ||
         code_ == "EC2ThrottledException" || http_status_ == 429;
}

bool AwsError::transient() const noexcept {
  if (throttling()) return true;
  if (code_ == "InternalServerError" || code_ == "InternalFailure" ||
      code_ == "ServiceUnavailable" || code_ == "RequestTimeout" ||
      code_ == "RequestTimeoutException" || code_ == "InternalServiceError") {
    return true;
  }
  return http_status_ == 500 || http_status_ == 502 || http_status_ == 503 || http_status_ == 504;
}

ErrorKind AwsError::kind() const noexcept {
  static constexpr std::string_view kNotFound[] = {"ParameterNotFound", "ParameterVersionNotFound",
                                                   "ResourceNotFoundException"};
  static constexpr std::string_view kCredentials[] = {"AccessDeniedException",
                                                      "AccessDenied",
                                                      "UnrecognizedClientException",
                                                      "InvalidSignatureException",
                                                      "SignatureDoesNotMatch",
                                                      "ExpiredTokenException",
                                                      "ExpiredToken",
                                                      "InvalidClientTokenId",
                                                      "IncompleteSignature",
                                                      "MissingAuthenticationToken",
                                                      "KMSAccessDeniedException",
                                                      "DecryptionFailure"};
  static constexpr std::string_view kInvalid[] = {"ValidationException",
                                                  "InvalidParameterException",
                                                  "InvalidRequestException",
                                                  "InvalidKeyId",
                                                  "InvalidFilterKey",
                                                  "InvalidFilterOption",
                                                  "InvalidFilterValue",
                                                  "InvalidNextToken",
                                                  "InvalidAllowedPatternException",
                                                  "ParameterPatternMismatchException",
                                                  "ParameterVersionLabelLimitExceeded",
                                                  "HierarchyLevelLimitExceededException",
                                                  "HierarchyTypeMismatchException",
                                                  "UnsupportedParameterType",
                                                  "ParameterAlreadyExists",
                                                  "InvalidParameterValue",
                                                  "ResourceExistsException"};
  const auto in = [this](const auto& list) {
    for (std::string_view c : list) {
      if (code_ == c) return true;
    }
    return false;
  };
  if (in(kNotFound)) return ErrorKind::not_found;
  if (throttling()) return ErrorKind::throttled;
  if (in(kCredentials) || http_status_ == 401 || http_status_ == 403) {
    return ErrorKind::credentials;
  }
  if (in(kInvalid)) return ErrorKind::invalid_argument;
  if (code_ == "RequestTimeout" || code_ == "RequestTimeoutException" || http_status_ == 504) {
    return ErrorKind::timeout;
  }
  if (transient()) return ErrorKind::unavailable;
  return ErrorKind::protocol;
}

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::configuration: return "configuration";
    case ErrorKind::credentials: return "credentials";
    case ErrorKind::throttled: return "throttled";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::protocol: return "protocol";
  }
  return "protocol";
}

}  // namespace ssm_cache
