// error_map.hpp — how the programs turn a library error into an exit status or an HTTP answer:
// one table each, indexed by ssm_cache::ErrorKind, instead of a ladder of catch clauses per
// program. Pure, thread-safe.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::tools {

/// Exit statuses of the command line: 0 ok, 1 AWS (or data) errors, 2 usage errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitAwsError = 1;
inline constexpr int kExitUsage = 2;

/// The command line's table: what the user can fix on the command line (invalid_argument,
/// configuration) exits kExitUsage; everything the service or the network did, kExitAwsError.
[[nodiscard]] int exit_code(ErrorKind kind) noexcept;

/// The exit status for an exception out of a command: an AwsError is the service's answer
/// (kExitAwsError whatever its kind, a ValidationException included); another
/// ssm_cache::Error goes by exit_code(kind()); anything else is kExitAwsError.
[[nodiscard]] int exit_code(const std::exception& error) noexcept;

/// A status and an AWS-style error code ("ParameterNotFound", "RequestTimeout", ...).
struct HttpError {
  int status;
  std::string_view code;
};

/// The HTTP table, for errors AWS did not answer itself: not_found 400 ParameterNotFound,
/// invalid_argument 400 ValidationException, credentials 500 CredentialsError, throttled 429
/// ThrottlingException, unavailable 502 ConnectionError, timeout 504 RequestTimeout,
/// configuration and protocol 502 UpstreamError.
[[nodiscard]] HttpError http_error(ErrorKind kind) noexcept;

/// What an HTTP front answers for an exception out of a library call.
struct HttpFailure {
  int status = 500;
  std::string code;
  std::string message;  ///< the library's or AWS's message: names, never values
  bool transient = false;
};

/// An AwsError keeps AWS's own status (502 when it is not 4xx/5xx), code and message; any
/// other ssm_cache::Error goes by http_error(kind()); anything else is 500 InternalError.
[[nodiscard]] HttpFailure http_failure(const std::exception& error);

/// AWS JSON 1.1 error shape: {"__type": code, "message": message}.
[[nodiscard]] std::string error_body(std::string_view code, std::string_view message);

}  // namespace ssm_cache::tools
