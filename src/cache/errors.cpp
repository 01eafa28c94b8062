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

AwsError::AwsError(std::string what, std::string code, std::string aws_message,
                   int http_status, std::string request_id)
    : Error(std::move(what)),
      code_(std::move(code)),
      aws_message_(std::move(aws_message)),
      http_status_(http_status),
      request_id_(std::move(request_id)) {}

bool AwsError::throttling() const noexcept {
  return code_ == "ThrottlingException" || code_ == "Throttling" ||
         code_ == "ThrottledException" || code_ == "RequestThrottledException" ||
         code_ == "TooManyRequestsException" || code_ == "RequestLimitExceeded" ||
         code_ == "ProvisionedThroughputExceededException" ||
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
  return http_status_ == 500 || http_status_ == 502 || http_status_ == 503 ||
         http_status_ == 504;
}

}  // namespace ssm_cache
