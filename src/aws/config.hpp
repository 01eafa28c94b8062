// aws/config.hpp — where settings come from: environment, shared config/credentials files
// (profiles), and options in code, which win. Pure functions over an injectable environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/env.hpp"
#include "ssm_cache/aws.hpp"

namespace ssm_cache::aws {

/// One profile's key/values from ~/.aws/config ("[profile x]") merged with
/// ~/.aws/credentials ("[x]"); credentials file wins. `source` says which files were read.
struct Profile {
  std::string name;
  std::map<std::string, std::string> values;
  std::string source;
};

/// Loads the named profile (empty: AWS_PROFILE, else "default") from AWS_CONFIG_FILE /
/// AWS_SHARED_CREDENTIALS_FILE (defaults ~/.aws/config, ~/.aws/credentials). Missing files
/// give an empty profile; an unreadable or malformed file throws ConfigurationError naming it.
Profile load_profile(const common::Environment& env, std::string_view profile_name = {});

/// Endpoints and region after resolution; each says where it came from, for error messages.
struct ResolvedConfig {
  std::string region;
  std::string region_source;  ///< "AWS_REGION", "profile 'dev' in /root/.aws/config", ...
  std::string ssm_endpoint;  ///< "https://ssm.us-east-1.amazonaws.com"
  std::string secrets_manager_endpoint;
  std::string ca_bundle;  ///< empty: system store
  int max_attempts = 3;
  std::string retry_mode = "standard";
  std::string profile;  ///< resolved profile name
  // Where each setting came from ("AWS_ENDPOINT_URL_SSM", "default", ...), for error messages.
  std::string ssm_endpoint_source;
  std::string secrets_manager_endpoint_source;
  std::string ca_bundle_source;
  bool use_fips = false;
  bool use_dualstack = false;
};

/// The parts of an endpoint URL that matter to us.
struct EndpointUrl {
  std::string scheme;  ///< "http" or "https"
  std::string host;  ///< without brackets for IPv6 literals
  int port = 0;  ///< 0: the scheme's default
  std::string path;  ///< "" or "/..." (no query, no fragment)
};

/// Parses and validates an endpoint URL; on failure returns false and says why in `why`
/// (which never repeats user:password parts).
bool parse_endpoint_url(std::string_view url, EndpointUrl& out, std::string& why);

/// "https://ssm.<region>.<partition DNS suffix>" and its FIPS / dual-stack variants, following
/// the SSM and Secrets Manager endpoint rule sets. Throws ConfigurationError when the partition
/// supports neither. `service` is "ssm" or "secretsmanager".
std::string default_endpoint(std::string_view service, std::string_view region, bool fips,
                             bool dualstack);

/// Parses the AWS shared config file format ("[section]", "key = value", indented
/// sub-properties stored as "parent.child"). Throws ConfigurationError naming `path` and the
/// line number (never the line's text, which may hold a secret).
std::map<std::string, std::map<std::string, std::string>> parse_ini(std::string_view text,
                                                                    std::string_view path);

/// The [services NAME] section named by the profile's `services` key, or empty.
std::map<std::string, std::string> load_services_section(const common::Environment& env,
                                                         const Profile& profile);

/// The [sso-session NAME] section of the config file; throws ConfigurationError naming the
/// file when there is none.
std::map<std::string, std::string> load_sso_session_section(const common::Environment& env,
                                                            const std::string& name);

/// Path of the config / credentials file: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else
/// $HOME/.aws/config / credentials ("~/" expanded with HOME).
std::string config_file_path(const common::Environment& env);
std::string credentials_file_path(const common::Environment& env);

/// Applies options > environment > profile > defaults: region, AWS_ENDPOINT_URL[_SSM|
/// _SECRETS_MANAGER], AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, partition DNS suffix (cn-*:
/// amazonaws.com.cn), AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT, AWS_CA_BUNDLE,
/// AWS_MAX_ATTEMPTS, AWS_RETRY_MODE. Throws ConfigurationError (no region; malformed URL).
ResolvedConfig resolve_config(const AwsClientOptions& options, const common::Environment& env);

}  // namespace ssm_cache::aws
