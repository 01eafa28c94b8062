// ssm-cache-local/actions/actions.hpp — the Parameter Store (AmazonSSM.*) and Secrets Manager
// (secretsmanager.*) actions: JSON input in, JSON output out, ApiError on failure.
//
// Thread-safe: reads take the store's shared lock, writes its exclusive lock (see store.hpp).
// Costs are those of the equivalent map operations, plus the store persistence on writes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"
#include "util.hpp"

namespace ssm_cache::local {

/// Who asked, where, and when; used for ARNs, LastModifiedUser and dates.
struct RequestContext {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string access_key_id = "test";
  double now = 0;  ///< epoch seconds
  /// Fault "empty_pages": the first GetParametersByPath page is empty and carries a token.
  bool empty_first_page = false;
};

class Actions {
 public:
  Actions(Store& store, Random& random) : store_(store), random_(random) {}

  /// Every X-Amz-Target served, e.g. "AmazonSSM.GetParameters".
  static const std::vector<std::string>& targets();
  static bool is_known_target(std::string_view target);

  /// Runs the action named by target. Throws ApiError (UnknownOperationException when the
  /// target is unknown).
  nlohmann::json call(std::string_view target, const RequestContext& ctx,
                      const nlohmann::json& body);

  // Parameter Store
  nlohmann::json put_parameter(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_parameter(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_parameters(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_parameters_by_path(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json delete_parameter(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json delete_parameters(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json label_parameter_version(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_parameter_history(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json describe_parameters(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json unlabel_parameter_version(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json add_tags_to_resource(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json list_tags_for_resource(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json remove_tags_from_resource(const RequestContext& ctx, const nlohmann::json& body);

  // Secrets Manager
  nlohmann::json create_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json put_secret_value(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_secret_value(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json batch_get_secret_value(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json describe_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json list_secrets(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json delete_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json restore_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json update_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json rotate_secret(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json update_secret_version_stage(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json list_secret_version_ids(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_random_password(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json tag_resource(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json untag_resource(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json put_resource_policy(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json get_resource_policy(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json delete_resource_policy(const RequestContext& ctx, const nlohmann::json& body);

 private:
  Store& store_;
  Random& random_;
};

// Shared between the two services (the /aws/reference/secretsmanager/ bridge).

/// Finds a secret by name, full ARN or partial ARN (without the random suffix).
const Secret* find_secret(const StoreData& data, std::string_view secret_id);
/// The GetSecretValue response object for one version of a secret.
nlohmann::json secret_value_json(const Secret& secret, const SecretVersion& version);
/// Opaque pagination tokens: the cursor (last name returned) with the action they belong to.
std::string make_next_token(std::string_view action, std::string_view cursor);
/// False when the token is not one of ours for this action.
bool parse_next_token(std::string_view action, std::string_view token, std::string& cursor);

}  // namespace ssm_cache::local
