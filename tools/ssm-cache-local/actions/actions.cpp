// ssm-cache-local/actions/actions.cpp — dispatch by X-Amz-Target and pagination tokens. See
// actions.hpp.
#include "actions.hpp"

#include <algorithm>
#include <utility>

#include "api_error.hpp"
#include "common/base64.hpp"

namespace ssm_cache::local {

namespace {

using Method = nlohmann::json (Actions::*)(const RequestContext&, const nlohmann::json&);

const std::vector<std::pair<std::string, Method>>& table() {
  static const std::vector<std::pair<std::string, Method>> kTable = {
      {"AmazonSSM.PutParameter", &Actions::put_parameter},
      {"AmazonSSM.GetParameter", &Actions::get_parameter},
      {"AmazonSSM.GetParameters", &Actions::get_parameters},
      {"AmazonSSM.GetParametersByPath", &Actions::get_parameters_by_path},
      {"AmazonSSM.DeleteParameter", &Actions::delete_parameter},
      {"AmazonSSM.DeleteParameters", &Actions::delete_parameters},
      {"AmazonSSM.LabelParameterVersion", &Actions::label_parameter_version},
      {"AmazonSSM.GetParameterHistory", &Actions::get_parameter_history},
      {"AmazonSSM.DescribeParameters", &Actions::describe_parameters},
      {"AmazonSSM.UnlabelParameterVersion", &Actions::unlabel_parameter_version},
      {"AmazonSSM.AddTagsToResource", &Actions::add_tags_to_resource},
      {"AmazonSSM.ListTagsForResource", &Actions::list_tags_for_resource},
      {"AmazonSSM.RemoveTagsFromResource", &Actions::remove_tags_from_resource},
      {"secretsmanager.CreateSecret", &Actions::create_secret},
      {"secretsmanager.PutSecretValue", &Actions::put_secret_value},
      {"secretsmanager.GetSecretValue", &Actions::get_secret_value},
      {"secretsmanager.BatchGetSecretValue", &Actions::batch_get_secret_value},
      {"secretsmanager.DescribeSecret", &Actions::describe_secret},
      {"secretsmanager.ListSecrets", &Actions::list_secrets},
      {"secretsmanager.DeleteSecret", &Actions::delete_secret},
      {"secretsmanager.RestoreSecret", &Actions::restore_secret},
      {"secretsmanager.UpdateSecret", &Actions::update_secret},
      {"secretsmanager.RotateSecret", &Actions::rotate_secret},
      {"secretsmanager.UpdateSecretVersionStage", &Actions::update_secret_version_stage},
      {"secretsmanager.ListSecretVersionIds", &Actions::list_secret_version_ids},
      {"secretsmanager.GetRandomPassword", &Actions::get_random_password},
      {"secretsmanager.TagResource", &Actions::tag_resource},
      {"secretsmanager.UntagResource", &Actions::untag_resource},
      {"secretsmanager.PutResourcePolicy", &Actions::put_resource_policy},
      {"secretsmanager.GetResourcePolicy", &Actions::get_resource_policy},
      {"secretsmanager.DeleteResourcePolicy", &Actions::delete_resource_policy},
  };
  return kTable;
}

constexpr std::string_view kTokenMagic = "ssm-cache-local/1 ";

}  // namespace

const std::vector<std::string>& Actions::targets() {
  static const std::vector<std::string> kTargets = [] {
    std::vector<std::string> out;
    for (const auto& [name, method] : table()) out.push_back(name);
    return out;
  }();
  return kTargets;
}

bool Actions::is_known_target(std::string_view target) {
  const auto& t = table();
  return std::any_of(t.begin(), t.end(), [&](const auto& e) { return e.first == target; });
}

nlohmann::json Actions::call(std::string_view target, const RequestContext& ctx,
                             const nlohmann::json& body) {
  for (const auto& [name, method] : table()) {
    if (name == target) return (this->*method)(ctx, body);
  }
  throw client_error("UnknownOperationException",
                     "Unknown operation " + std::string(target.substr(0, 200)) + ".");
}

std::string make_next_token(std::string_view action, std::string_view cursor) {
  std::string raw(kTokenMagic);
  raw += action;
  raw += ' ';
  raw += cursor;
  return common::base64_encode(raw);
}

bool parse_next_token(std::string_view action, std::string_view token, std::string& cursor) {
  std::string raw;
  if (token.size() > 8192 || !common::base64_decode(token, raw, common::Base64Padding::required))
    return false;
  const std::string prefix = std::string(kTokenMagic) + std::string(action) + ' ';
  if (!raw.starts_with(prefix)) return false;
  cursor = raw.substr(prefix.size());
  return true;
}

}  // namespace ssm_cache::local
