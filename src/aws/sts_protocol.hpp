// aws/sts_protocol.hpp — the pure parts of calling AWS STS over the Query protocol: the form
// body, the endpoint, and the XML answers (credentials or ErrorResponse). Thread-safe (no
// state); each function costs one pass over its input.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/config.hpp"
#include "ssm_cache/credentials.hpp"

namespace ssm_cache::aws {

inline constexpr std::string_view kStsApiVersion = "2011-06-15";
inline constexpr std::string_view kFormContentType =
    "application/x-www-form-urlencoded; charset=utf-8";

/// application/x-www-form-urlencoded exactly as botocore writes Query bodies (Python's
/// urlencode/quote_plus): A-Z a-z 0-9 _ . - ~ kept, ' ' as '+', every other byte %XX.
std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields);

/// Where STS is called and how requests to it are signed.
struct StsEndpoint {
  std::string url;  ///< without a trailing slash: "https://sts.eu-west-1.amazonaws.com"
  std::string signing_region;  ///< the endpoint's region; us-east-1 for the global endpoint
  std::string source;  ///< for error messages: "AWS_ENDPOINT_URL_STS", "default for ..."
};

/// Resolves the STS endpoint: `endpoint` (from code) > AWS_ENDPOINT_URL_STS > AWS_ENDPOINT_URL >
/// the profile's services section `sts.endpoint_url` > its `endpoint_url` (the configured ones
/// skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is true),
/// else the regional endpoint of `region` > AWS_REGION > AWS_DEFAULT_REGION > profile `region`
/// (FIPS / dual-stack honoured), the global one for the legacy regions when
/// AWS_STS_REGIONAL_ENDPOINTS (or profile sts_regional_endpoints) is "legacy", and the global
/// one when there is no region at all. Throws ConfigurationError (bad URL, bad region, bad
/// setting) naming the setting.
StsEndpoint resolve_sts_endpoint(const common::Environment& env, const Profile& profile,
                                 std::string_view endpoint, std::string_view region);

/// The `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
/// of a Query API; nullopt when the body is not that (or not XML).
struct StsError {
  std::string type;
  std::string code;
  std::string message;
  std::string request_id;
};
std::optional<StsError> parse_sts_error(std::string_view body);

/// The `<{action}Response><{action}Result><Credentials>` of AssumeRole / AssumeRoleWithWebIdentity:
/// AccessKeyId, SecretAccessKey, SessionToken and Expiration are all required. Throws
/// CredentialsError prefixed with `where`; the message never quotes the body.
Credentials parse_sts_credentials(std::string_view body, std::string_view action,
                                  std::string_view provider, std::string_view where);

/// True for STS error codes worth another attempt (`web_identity` adds the two that botocore
/// retries for AssumeRoleWithWebIdentity: IDPCommunicationError, InvalidIdentityToken).
bool is_retryable_sts_code(std::string_view code, bool web_identity);

/// A message from a server made safe for an error: printable, one line, at most `limit`
/// bytes, with every occurrence of each `secrets` entry replaced by "<redacted>".
std::string scrub_message(std::string_view text, const std::vector<std::string>& secrets,
                          std::size_t limit = 400);

}  // namespace ssm_cache::aws
