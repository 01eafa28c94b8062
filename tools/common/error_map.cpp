// error_map.cpp — see error_map.hpp.
#include "error_map.hpp"

#include <nlohmann/json.hpp>

namespace ssm_cache::tools {

int exit_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument:
    case ErrorKind::configuration: return kExitUsage;
    case ErrorKind::not_found:
    case ErrorKind::credentials:
    case ErrorKind::throttled:
    case ErrorKind::unavailable:
    case ErrorKind::timeout:
    case ErrorKind::protocol: return kExitAwsError;
  }
  return kExitAwsError;
}

int exit_code(const std::exception& error) noexcept {
  if (dynamic_cast<const AwsError*>(&error) != nullptr) return kExitAwsError;
  if (const auto* e = dynamic_cast<const Error*>(&error)) return exit_code(e->kind());
  return kExitAwsError;
}

HttpError http_error(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::not_found: return {400, "ParameterNotFound"};
    case ErrorKind::invalid_argument: return {400, "ValidationException"};
    case ErrorKind::credentials: return {500, "CredentialsError"};
    case ErrorKind::throttled: return {429, "ThrottlingException"};
    case ErrorKind::unavailable: return {502, "ConnectionError"};
    case ErrorKind::timeout: return {504, "RequestTimeout"};
    case ErrorKind::configuration:
    case ErrorKind::protocol: return {502, "UpstreamError"};
  }
  return {502, "UpstreamError"};
}

HttpFailure http_failure(const std::exception& error) {
  if (const auto* aws = dynamic_cast<const AwsError*>(&error)) {
    const int status =
        aws->http_status() >= 400 && aws->http_status() <= 599 ? aws->http_status() : 502;
    return {status, aws->code(), aws->aws_message().empty() ? aws->what() : aws->aws_message(),
            aws->transient()};
  }
  if (const auto* e = dynamic_cast<const Error*>(&error)) {
    const HttpError mapped = http_error(e->kind());
    return {mapped.status, std::string(mapped.code), e->what(), e->transient()};
  }
  return {500, "InternalError", error.what(), false};
}

std::string error_body(std::string_view code, std::string_view message) {
  const nlohmann::json body = {{"__type", code}, {"message", message}};
  // Messages may carry bytes that are not UTF-8 (a name echoed back): replaced, never thrown.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ssm_cache::tools
