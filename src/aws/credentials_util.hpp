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

/// Parses a credentials JSON document as served by container and instance metadata endpoints
/// ("AccessKeyId", "SecretAccessKey", "Token", "Expiration") or by credential_process
/// ("Version": 1, "SessionToken"). `where` names the source for errors; errors never include
/// the body. Throws CredentialsError.
enum class CredentialsJson { metadata, process };
Credentials parse_credentials_json(std::string_view body, CredentialsJson shape,
                                   std::string_view provider, std::string_view where);

}  // namespace ssm_cache::aws
