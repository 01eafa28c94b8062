// ssm_cache/errors.hpp — the one exception hierarchy of the library, rooted at ssm_cache::Error.
//
// Every message says what was asked and what came back; none ever contains a parameter value,
// a secret, a credential or a session token. Thread-safe (immutable after construction).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/export.hpp"

namespace ssm_cache {

/// What kind of failure an Error is, for programs that map errors to exit codes, HTTP
/// statuses or retry decisions with one table instead of a ladder of catch clauses.
enum class ErrorKind {
  not_found,  ///< the parameter, version, label or secret does not exist
  invalid_argument,  ///< a bad name, selector, path, filter or option value
  configuration,  ///< missing or unusable region, endpoint, profile or option
  credentials,  ///< no usable credentials, or AWS refused them (access denied, expired)
  throttled,  ///< AWS throttled the call (ThrottlingException, HTTP 429, ...)
  unavailable,  ///< connection failed or dropped, AWS 5xx
  timeout,  ///< a deadline passed before an answer came
  protocol,  ///< an answer that could not be understood, or any other error
};

/// The kind's name as written in docs and JSON errors: "not_found", "throttled", ...
[[nodiscard]] std::string_view to_string(ErrorKind kind) noexcept;

/// Base of every exception thrown by ssm_cache.
class SSM_CACHE_EXPORT Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  Error(const std::string& message, ErrorKind kind) : std::runtime_error(message), kind_(kind) {}
  /// True when trying again later may succeed (throttling, 5xx, timeouts, connection
  /// failures). The cache serves the last good value on transient errors; definitive errors
  /// (missing parameter, access denied, validation) are always thrown.
  [[nodiscard]] virtual bool transient() const noexcept { return false; }
  /// The kind of failure; each subclass answers for itself (AwsError from its code/status).
  [[nodiscard]] virtual ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_ = ErrorKind::protocol;
};

/// A parameter name that is not valid (empty, a space, too long, bad characters).
class SSM_CACHE_EXPORT InvalidNameError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::invalid_argument; }
  using Error::Error;
};

/// Names that do not exist in Parameter Store (or secrets that do not exist).
class SSM_CACHE_EXPORT InvalidParameterError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::not_found; }
  InvalidParameterError(const std::string& message, std::vector<std::string> names)
      : Error(message), names_(std::move(names)) {}
  explicit InvalidParameterError(std::vector<std::string> names);
  /// Every missing name, with its selector when one was asked for ("db:3").
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  std::vector<std::string> names_;
};

/// A bad version or label selector ("a:", "a:0", "a:-1", "a:1:2").
class SSM_CACHE_EXPORT InvalidVersionError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::invalid_argument; }
  using Error::Error;
};

/// A hierarchy path that is not valid (no leading '/', more than 15 levels, ...).
class SSM_CACHE_EXPORT InvalidPathError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::invalid_argument; }
  using Error::Error;
};

/// A GetParametersByPath filter rejected locally, before any call.
class SSM_CACHE_EXPORT InvalidFilterError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::invalid_argument; }
  using Error::Error;
};

/// Missing or unusable configuration: region, endpoint URL, profile file, options.
class SSM_CACHE_EXPORT ConfigurationError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::configuration; }
  using Error::Error;
};

/// Credentials could not be found or loaded; says which provider and setting, never the secret.
class SSM_CACHE_EXPORT CredentialsError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::credentials; }
  using Error::Error;
  CredentialsError(const std::string& message, bool transient)
      : Error(message), transient_(transient) {}
  [[nodiscard]] bool transient() const noexcept override { return transient_; }

 private:
  bool transient_ = false;
};

/// The request never got a complete HTTP response: connection refused or dropped, timeout,
/// TLS failure, truncated body. Transient unless it is a TLS verification failure.
class SSM_CACHE_EXPORT TransportError : public Error {
 public:
  TransportError(const std::string& message, bool transient = true, bool timeout = false)
      : Error(message), transient_(transient), timeout_(timeout) {}
  [[nodiscard]] bool transient() const noexcept override { return transient_; }
  [[nodiscard]] bool timeout() const noexcept { return timeout_; }
  [[nodiscard]] ErrorKind kind() const noexcept override {
    return timeout_ ? ErrorKind::timeout : ErrorKind::unavailable;
  }

 private:
  bool transient_;
  bool timeout_;
};

/// An error answered by AWS (or by a server speaking its protocol).
class SSM_CACHE_EXPORT AwsError : public Error {
 public:
  AwsError(const std::string& what, std::string code, std::string aws_message, int http_status,
           std::string request_id);
  /// The AWS error code, e.g. "ThrottlingException", "ParameterNotFound".
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  /// The message AWS sent (AWS messages name resources, never values).
  [[nodiscard]] const std::string& aws_message() const noexcept { return aws_message_; }
  [[nodiscard]] int http_status() const noexcept { return http_status_; }
  [[nodiscard]] const std::string& request_id() const noexcept { return request_id_; }
  /// Throttling, InternalServerError and HTTP 500/502/503/504 are transient.
  [[nodiscard]] bool transient() const noexcept override;
  [[nodiscard]] bool throttling() const noexcept;
  /// not_found for ParameterNotFound / ResourceNotFoundException / version or label not
  /// found; throttled; credentials for access denied and refused or expired credentials;
  /// invalid_argument for validation errors; unavailable for other transient errors;
  /// protocol otherwise.
  [[nodiscard]] ErrorKind kind() const noexcept override;

 private:
  std::string code_;
  std::string aws_message_;
  int http_status_;
  std::string request_id_;
};

/// A transform (JSON, base64 binary; ssm_cache/transforms.hpp) rejected a value. Names the
/// parameter or secret and what was expected, never the value.
class SSM_CACHE_EXPORT TransformError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::invalid_argument; }
  using Error::Error;
};

/// The response could not be understood (malformed JSON, missing fields). Never transient:
/// retrying a server that answers garbage does not help, and the cache keeps its value.
class SSM_CACHE_EXPORT ResponseError : public Error {
 public:
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::protocol; }
  using Error::Error;
};

}  // namespace ssm_cache
