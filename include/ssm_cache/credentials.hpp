// ssm_cache/credentials.hpp — AWS credentials and the providers that find them.
//
// Providers are composed, not subclassed by users: static, environment, profile (shared
// files, credential_process), container, IMDSv2, a chain of them, and a cache that refreshes
// temporary credentials before they expire, once, whatever the number of threads.
// Every provider is thread-safe. Errors never contain a secret key or token.
// Cost: the static and environment providers are free; the others do file reads, a process run
// or HTTP calls, which is why make_default_credentials_provider puts a cache in front.
// HTTP calls (STS, SSO, container, IMDS) go through a libcurl connection pool made on first use
// (AWS_CA_BUNDLE applies to STS); tests point the providers at loopback stand-ins through their
// endpoint settings and environment (AWS_ENDPOINT_URL_STS, AWS_CONTAINER_CREDENTIALS_FULL_URI,
// AWS_EC2_METADATA_SERVICE_ENDPOINT). The client made by make_aws_client sends its default
// chain's calls through its own connections (and AwsClientOptions::http_log).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/clock.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/export.hpp"

namespace ssm_cache {

struct Credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  ///< empty when none
  /// When temporary credentials stop working; empty for long-term keys.
  std::optional<std::chrono::system_clock::time_point> expiration{};
  std::string provider{};  ///< which provider found them ("environment", "imds", ...)
};

class SSM_CACHE_EXPORT CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  /// Current credentials; throws CredentialsError when this provider has none.
  virtual Credentials get_credentials() = 0;
};

/// Thrown by a provider that is simply not set up here (no AWS_ACCESS_KEY_ID, no profile
/// keys, not in a container, no instance metadata service). A chain moves on to its next
/// provider; any other CredentialsError (set up but broken) stops the chain.
class SSM_CACHE_EXPORT CredentialsNotConfigured : public CredentialsError {
 public:
  using CredentialsError::CredentialsError;
};

/// Reads an environment variable; empty function: the process environment. Tests pass a map.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view)>;

/// An environment made of a fixed map (for tests and for programs that build their own).
SSM_CACHE_EXPORT EnvironmentLookup make_map_environment(std::map<std::string, std::string> values);

// ----- static ------------------------------------------------------------------------------

struct StaticCredentialsConfig {
  Credentials credentials{};
};
/// Always returns the given credentials; throws CredentialsError at construction when the
/// key id or the secret is empty.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_static_credentials_provider(
    StaticCredentialsConfig config);

// ----- environment -------------------------------------------------------------------------

struct EnvironmentCredentialsConfig {
  EnvironmentLookup environment{};
};
/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (AWS_CREDENTIAL_EXPIRATION,
/// ISO 8601, when set), read at each call. Neither key set: CredentialsNotConfigured; only one:
/// CredentialsError.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_environment_credentials_provider(
    EnvironmentCredentialsConfig config = {});

// ----- shared files and credential_process ---------------------------------------------------

/// A later provider for profiles that need STS (role_arn + source_profile / credential_source,
/// web_identity_token_file, sso_*). Given the profile name and its merged values, returns a
/// provider for it. Unset in ProfileCredentialsConfig: make_default_sts_profile_resolver over
/// the provider's environment (web identity, AssumeRole and SSO profiles).
using StsProfileResolver = std::function<std::shared_ptr<CredentialsProvider>(
    const std::string& profile, const std::map<std::string, std::string>& values)>;

struct ProfileCredentialsConfig {
  std::string profile{};  ///< else AWS_PROFILE, AWS_DEFAULT_PROFILE, "default"
  EnvironmentLookup
      environment{};  ///< also gives AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, HOME
  /// credential_process: killed after this long; its stdout is limited to 64 KiB.
  std::chrono::milliseconds process_timeout{60000};
  StsProfileResolver sts_resolver{};  ///< empty: make_default_sts_profile_resolver (see above)
};
/// aws_access_key_id / aws_secret_access_key / aws_session_token of the profile (credentials
/// file wins over config file), else its credential_process (run directly, without a shell:
/// the command line is split into words with POSIX quoting; JSON output with Version 1,
/// AccessKeyId, SecretAccessKey, optional SessionToken and Expiration). Files are read at each
/// call: put a cache in front (make_cached_credentials_provider).
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_profile_credentials_provider(
    ProfileCredentialsConfig config = {});

// ----- STS: web identity (EKS IRSA) --------------------------------------------------------

/// Sleeps between attempts; empty function: std::this_thread::sleep_for. Tests record instead.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct WebIdentityCredentialsConfig {
  std::string role_arn{};  ///< else AWS_ROLE_ARN
  std::string token_file{};  ///< else AWS_WEB_IDENTITY_TOKEN_FILE
  std::string session_name{};  ///< else AWS_ROLE_SESSION_NAME, else "ssm-cache-<epoch ms>"
  EnvironmentLookup environment{};
  /// Else AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`; none: the global endpoint.
  std::string region{};
  /// Else AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint settings (unless
  /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else https://sts.<region>.amazonaws.com, or
  /// https://sts.amazonaws.com for the legacy regions when AWS_STS_REGIONAL_ENDPOINTS=legacy.
  std::string endpoint{};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{5000};  ///< per attempt
  int max_attempts = 4;  ///< IDPCommunicationError, InvalidIdentityToken, throttling, 5xx
  Sleeper sleep{};
  std::shared_ptr<const Clock> clock{};  ///< wall_now(): the generated session name; null: real
};
/// AssumeRoleWithWebIdentity (unsigned STS Query call) with the token read from the file at
/// each call (Kubernetes rotates it). When neither role_arn nor token_file is given, both come
/// from the environment at each call: neither set there: CredentialsNotConfigured; only one:
/// CredentialsError. STS errors name the role, the STS code and message, never the token.
/// Each call asks STS: put a cache in front (make_cached_credentials_provider).
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_web_identity_credentials_provider(
    WebIdentityCredentialsConfig config = {});

// ----- STS: AssumeRole -----------------------------------------------------------------------

struct AssumeRoleCredentialsConfig {
  /// Signs the AssumeRole call (SigV4, service sts). Called at each refresh: cache it when it
  /// is costly (the profile resolver does).
  std::shared_ptr<CredentialsProvider> source{};
  std::string role_arn{};
  std::string session_name{};  ///< else "ssm-cache-<epoch ms>"
  std::string external_id{};  ///< ExternalId, when the role's trust policy asks for one
  std::optional<std::chrono::seconds> duration{};  ///< DurationSeconds (900..43200); else STS's 1 h
  EnvironmentLookup environment{};
  std::string region{};  ///< as WebIdentityCredentialsConfig::region; also the signing region
  std::string endpoint{};  ///< as WebIdentityCredentialsConfig::endpoint
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{5000};  ///< per attempt
  int max_attempts = 3;  ///< throttling, 5xx and connection failures are retried
  Sleeper sleep{};
  /// wall_now(): the signing time and the generated session name; null: the real clock.
  std::shared_ptr<const Clock> clock{};
};
/// STS AssumeRole signed with the source credentials (the global endpoint signs for us-east-1).
/// Errors name the role, the STS code and message, never a key or token. Each call asks STS:
/// put a cache in front.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_assume_role_credentials_provider(
    AssumeRoleCredentialsConfig config);

struct StsProfileResolverConfig {
  EnvironmentLookup environment{};
  Sleeper sleep{};
  std::shared_ptr<const Clock> clock{};  ///< wall_now(); null: the real clock
};
/// The StsProfileResolver used when none is given. Profiles with `web_identity_token_file` +
/// `role_arn` (+ `role_session_name`) get a web identity provider; profiles with `role_arn` and
/// either `source_profile` (static keys, credential_process, web identity or another role: role
/// chaining, at most 8 roles deep, cycles refused) or `credential_source` (Environment,
/// Ec2InstanceMetadata, EcsContainer) get an AssumeRole provider (`role_session_name`,
/// `external_id`, `duration_seconds` apply; `mfa_serial` is not supported). The profile's
/// `region`, `sts_regional_endpoints` and `endpoint_url` choose the STS endpoint. SSO profiles
/// (`sso_session` + its [sso-session] section, or the legacy `sso_start_url` + `sso_region`;
/// with `sso_account_id` and `sso_role_name`) read the token `aws sso login` cached in
/// ~/.aws/sso/cache and get the role's credentials from the SSO portal (AWS_ENDPOINT_URL_SSO
/// moves it); an expired or missing token says to run `aws sso login --profile NAME`. Broken
/// configurations get a provider that throws a CredentialsError saying why. The
/// files are read when a profile is first resolved: restart to pick up edits.
SSM_CACHE_EXPORT StsProfileResolver
make_default_sts_profile_resolver(StsProfileResolverConfig config = {});

// ----- container (ECS, EKS Pod Identity) ---------------------------------------------------

struct ContainerCredentialsConfig {
  EnvironmentLookup environment{};
  /// Base for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (tests point it at a loopback server).
  std::string relative_uri_base = "http://169.254.170.2";
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{2000};
  int max_attempts = 2;
};
/// GET AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2, or AWS_CONTAINER_SERVICE_ENDPOINT
/// when set and relative_uri_base is left as is) or _FULL_URI (https: any
/// host; http: loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 only), with
/// Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_container_credentials_provider(
    ContainerCredentialsConfig config = {});

// ----- EC2 instance metadata (IMDSv2) --------------------------------------------------------

struct ImdsCredentialsConfig {
  EnvironmentLookup environment{};
  /// Else AWS_EC2_METADATA_SERVICE_ENDPOINT, else by AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
  /// (IPv4: http://169.254.169.254, IPv6: http://[fd00:ec2::254]).
  std::string endpoint{};
  std::chrono::milliseconds connect_timeout{1000};  ///< else AWS_METADATA_SERVICE_TIMEOUT (s)
  std::chrono::milliseconds timeout{1000};
  int max_attempts = 1;  ///< else AWS_METADATA_SERVICE_NUM_ATTEMPTS
  std::chrono::seconds token_ttl{21600};
  std::shared_ptr<const Clock> clock{};  ///< wall_now(); null: the real clock
};
/// PUT /latest/api/token, GET .../iam/security-credentials/ (role), GET .../<role>.
/// AWS_EC2_METADATA_DISABLED=true or no answer: CredentialsNotConfigured.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_imds_credentials_provider(
    ImdsCredentialsConfig config = {});

// ----- composition -------------------------------------------------------------------------

struct CredentialsChainConfig {
  std::vector<std::shared_ptr<CredentialsProvider>> providers{};
  std::vector<std::string> names{};  ///< optional, one per provider, for error messages
};
/// Tries each provider in order; skips those that throw CredentialsNotConfigured; stops at
/// the first other error. None configured: CredentialsNotConfigured listing each reason.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_credentials_provider_chain(
    CredentialsChainConfig config);

struct CachedCredentialsConfig {
  std::shared_ptr<CredentialsProvider> provider{};
  /// Refresh when less than this is left: one caller refreshes, the others keep the current
  /// credentials meanwhile.
  std::chrono::seconds refresh_before_expiry{300};
  /// Less than this left: every caller waits for the (single) refresh.
  std::chrono::seconds mandatory_refresh_before_expiry{60};
  /// After a refresh that failed or brought credentials still due for refresh, wait this
  /// long before trying again while the current credentials are still valid.
  std::chrono::seconds retry_interval{10};
  std::shared_ptr<const Clock> clock{};  ///< wall_now(); null: the real clock
};
/// Caches the provider's credentials: long-term ones forever, temporary ones until they are
/// due for refresh. A refresh runs once however many threads call.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_cached_credentials_provider(
    CachedCredentialsConfig config);

struct DefaultCredentialsConfig {
  std::string profile{};
  EnvironmentLookup environment{};
  StsProfileResolver sts_resolver{};  ///< empty: make_default_sts_profile_resolver
  /// Providers tried right after web identity from the environment.
  std::vector<std::shared_ptr<CredentialsProvider>> after_environment{};
  std::shared_ptr<const Clock> clock{};  ///< wall_now(); null: the real clock
};
/// cached(chain(environment, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN),
/// after_environment..., profile, container, IMDS)), botocore's order. The profile step is
/// skipped when no profile is named (`profile`, AWS_PROFILE, AWS_DEFAULT_PROFILE) and there is
/// no default profile; a named profile that does not exist stops the chain with an error.
/// Credentials that arrive already expired are an error naming their provider.
SSM_CACHE_EXPORT std::shared_ptr<CredentialsProvider> make_default_credentials_provider(
    DefaultCredentialsConfig config = {});

}  // namespace ssm_cache
