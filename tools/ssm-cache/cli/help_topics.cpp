// help_topics.cpp — see help_topics.hpp. Facts here follow docs/cli.md and
// docs/configuration.md; change them together.
#include "help_topics.hpp"

namespace ssm_cache::cli {

namespace {

constexpr std::string_view kOutput =
    "-o text (default): one parameter prints its value alone; several print NAME<TAB>VALUE lines.\n"
    "    `secret` prints the SecretString (a binary secret: its raw bytes).\n"
    "-o json: an array of objects with AWS's field names (Name, Type, Value, Version, Selector,\n"
    "    LastModifiedDate, ARN, DataType) in the order asked; `secret` prints one object.\n"
    "-o env: export NAME='value' lines, safe for eval \"$(ssm-cache path /app -o env)\";\n"
    "    NAME is the last path segment upper-cased, other characters than [A-Z0-9_] as '_'.\n";

constexpr std::string_view kExitStatus =
    "0    success\n"
    "1    AWS errors (the message names the parameter, the AWS error code, the HTTP status and\n"
    "     the request id), transport and credential errors, exec name collisions\n"
    "2    usage errors: bad options, a filter rejected before any call, a path without a\n"
    "     leading '/', missing configuration (no region)\n"
    "126  exec: the command could not be run; 127: it was not found\n"
    "Otherwise exec's status is the command's own (ssm-cache replaces itself with it).\n"
    "Messages never contain a value, a secret or a credential.\n";

constexpr std::string_view kCredentials =
    "Credentials are looked for in the AWS SDKs' order; the first source that is set up wins:\n"
    "  1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\n"
    "  2. web identity (EKS IRSA): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN\n"
    "  3. profile (--profile, else AWS_PROFILE) in ~/.aws/config and ~/.aws/credentials:\n"
    "     keys, credential_process, role_arn with source_profile or credential_source\n"
    "  4. container (ECS task role, EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n"
    "     or AWS_CONTAINER_CREDENTIALS_FULL_URI\n"
    "  5. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true\n"
    "A source that is set up but broken stops the search with an error saying why.\n"
    "The region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region.\n";

constexpr std::string_view kEnvironment =
    "AWS_REGION, AWS_DEFAULT_REGION        region (--region wins)\n"
    "AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE\n"
    "                                      shared profile files\n"
    "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_SECRETS_MANAGER\n"
    "                                      endpoints (--endpoint-url wins), e.g. ssm-cache-local\n"
    "AWS_MAX_ATTEMPTS, AWS_RETRY_MODE      retries (standard, or adaptive with a rate limiter)\n"
    "serve also reads the AWS Parameters and Secrets Lambda Extension's variables:\n"
    "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT (2773), SSM_PARAMETER_STORE_TTL and\n"
    "SECRETS_MANAGER_TTL (300s), PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE (1000),\n"
    "PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS (3), PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL,\n"
    "PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED; its options win over them.\n";

constexpr std::string_view kFilters =
    "path --filter takes the AWS CLI shorthand, repeatable:\n"
    "  Key=Type,Values=StringList,SecureString\n"
    "  Key=Label,Values=prod                      (Label: only the Equals option)\n"
    "  Key=KeyId,Option=BeginsWith,Values=alias/\n"
    "Filters are checked before any call: keys Type, KeyId and Label, at most 50 values.\n";

}  // namespace

const std::vector<HelpTopic>& help_topics() {
  static const std::vector<HelpTopic> topics{
      {"output", "the text, json and env output formats", kOutput},
      {"exit-status", "what each exit status means", kExitStatus},
      {"credentials", "where credentials and the region come from", kCredentials},
      {"environment", "the environment variables read", kEnvironment},
      {"filters", "path --filter syntax", kFilters},
  };
  return topics;
}

const HelpTopic* find_help_topic(std::string_view name) {
  for (const auto& t : help_topics()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace ssm_cache::cli
