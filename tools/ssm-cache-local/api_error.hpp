// ssm-cache-local/api_error.hpp — an error answered to the client in AWS's JSON 1.1 shape
// ({"__type": code, "message": ...}). Thrown by validation and actions, caught by the
// dispatcher. Thread-safe (immutable). Messages name resources, never values or secrets.
#pragma once

#include <stdexcept>
#include <string>

namespace ssm_cache::local {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  [[nodiscard]] int status() const noexcept { return status_; }
  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

/// A 400 error, the status of almost every AWS client error (throttling included).
inline ApiError client_error(std::string code, const std::string& message) {
  return ApiError(400, std::move(code), message);
}

/// AWS's wording for a constraint violation: "1 validation error detected: Value ... at
/// 'member' failed to satisfy constraint: ...". Values are not echoed (they may be secret).
inline ApiError validation_error(const std::string& member, const std::string& constraint) {
  return client_error("ValidationException", "1 validation error detected: Value at '" + member +
                                                 "' failed to satisfy constraint: " + constraint);
}

}  // namespace ssm_cache::local
