// aws/credentials_util.hpp — helpers shared by the credentials providers: environment
// adapters, ISO 8601 times and the JSON shapes credential endpoints answer. Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/config.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

/// The lookup itself, or the process environment when it is empty.
Environment to_environment(const EnvironmentLookup& lookup);

/// A set, non-empty, trimmed environment value.
std::optional<std::string> env_setting(const Environment& env, std::string_view name);

/// "2024-01-02T03:04:05Z", with optional fractional seconds and "+hh:mm"/"-hh:mm"/"Z" offset.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

/// Parses a credentials JSON document as served by container and instance metadata endpoints
/// ("AccessKeyId", "SecretAccessKey", "Token", "Expiration") or by credential_process
/// ("Version": 1, "SessionToken"). `where` names the source for errors; errors never include
/// the body. Throws CredentialsError.
enum class CredentialsJson { metadata, process };
Credentials parse_credentials_json(std::string_view body, CredentialsJson shape,
                                   std::string_view provider, std::string_view where);

}  // namespace ssm_cache::aws
