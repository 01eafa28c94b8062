// aws/config.hpp — where settings come from: environment, shared config/credentials files
// (profiles), and options in code, which win. Pure functions over an injectable environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ssm_cache/aws.hpp"

namespace ssm_cache::aws {

/// Reads an environment variable; tests pass a map instead of the process environment.
using Environment = std::function<std::optional<std::string>(std::string_view)>;
Environment process_environment();
Environment map_environment(std::map<std::string, std::string> values);

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
Profile load_profile(const Environment& env, std::string_view profile_name = {});

/// Endpoints and region after resolution; each says where it came from, for error messages.
struct ResolvedConfig {
  std::string region;
  std::string region_source;           ///< "AWS_REGION", "profile 'dev' in /root/.aws/config", ...
  std::string ssm_endpoint;            ///< "https://ssm.us-east-1.amazonaws.com"
  std::string secrets_manager_endpoint;
  std::string ca_bundle;               ///< empty: system store
  int max_attempts = 3;
  std::string retry_mode = "standard";
  std::string profile;                 ///< resolved profile name
};

/// Applies options > environment > profile > defaults: region, AWS_ENDPOINT_URL[_SSM|
/// _SECRETS_MANAGER], AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, partition DNS suffix (cn-*:
/// amazonaws.com.cn), AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT, AWS_CA_BUNDLE,
/// AWS_MAX_ATTEMPTS, AWS_RETRY_MODE. Throws ConfigurationError (no region; malformed URL).
ResolvedConfig resolve_config(const AwsClientOptions& options, const Environment& env);

}  // namespace ssm_cache::aws
