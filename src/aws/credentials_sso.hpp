// aws/credentials_sso.hpp — IAM Identity Center (SSO) profiles: the token `aws sso login`
// caches in ~/.aws/sso/cache, exchanged at the SSO portal (GetRoleCredentials) for role
// credentials. Pure helpers plus the provider; thread-safe; each call reads one small file and
// makes one HTTPS request: the default chain's cache keeps the credentials until they expire.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

/// What an SSO profile says, sso_session or legacy form merged.
struct SsoSettings {
  std::string profile;  ///< for messages and the login hint
  std::string session;  ///< sso_session name; empty in the legacy form
  std::string start_url;
  std::string region;  ///< sso_region: where the portal is
  std::string account_id;
  std::string role_name;
};

/// The cache file name botocore and the AWS CLI use: lowercase hex SHA-1 of the session name
/// (sso_session form) or of the start URL (legacy form), plus ".json".
std::string sso_cache_file_name(const SsoSettings& settings);

/// GET /federation/credentials?role_name=R&account_id=A on the portal (query percent-encoded).
std::string sso_role_credentials_url(std::string_view portal, std::string_view role_name,
                                     std::string_view account_id);

/// The token of a cache file's JSON ("accessToken", "expiresAt" as ISO 8601 with "Z" or the
/// AWS CLI v1's "UTC"); throws CredentialsError naming `where`, never the token.
struct SsoToken {
  std::string access_token;
  std::chrono::system_clock::time_point expires_at;
};
SsoToken parse_sso_token(std::string_view json, std::string_view where);

/// GetRoleCredentials' answer: {"roleCredentials": {accessKeyId, secretAccessKey,
/// sessionToken, expiration (epoch milliseconds)}}; throws CredentialsError naming `where`.
Credentials parse_sso_role_credentials(std::string_view json, std::string_view where);

struct SsoProviderConfig {
  SsoSettings settings;
  EnvironmentLookup environment{};  ///< HOME (the cache), AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL
  std::shared_ptr<http::Transport> transport{};  ///< null: libcurl
  std::shared_ptr<const Clock> clock{};  ///< wall_now(); null: the real clock
};
/// The SSO profile's provider. A missing, unreadable or expired token, or one the portal
/// refuses, is a CredentialsError that says to run `aws sso login --profile NAME`.
std::shared_ptr<CredentialsProvider> make_sso_credentials_provider(SsoProviderConfig config);

/// The profile's SSO settings (with its [sso-session] section when it names one); throws
/// CredentialsError naming the missing key.
SsoSettings sso_settings_of(const std::string& profile,
                            const std::map<std::string, std::string>& values,
                            const EnvironmentLookup& environment);

}  // namespace ssm_cache::aws
