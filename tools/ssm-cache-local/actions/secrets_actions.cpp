// ssm-cache-local/actions/secrets_actions.cpp — the Secrets Manager actions (secretsmanager.*):
// versions with staging labels that move as in AWS (a new AWSCURRENT turns the old one into
// AWSPREVIOUS), idempotent ClientRequestToken, scheduled deletion. See actions.hpp.
#include <algorithm>
#include <cctype>
#include <set>

#include "actions.hpp"
#include "api_error.hpp"
#include "aws_shapes.hpp"
#include "common/base64.hpp"
#include "common/time.hpp"
#include "json_input.hpp"
#include "names.hpp"

namespace ssm_cache::local {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxSecretBytes = 65536;
constexpr std::size_t kMaxSecretVersions = 100;

ApiError secret_not_found() {
  return client_error("ResourceNotFoundException",
                      "Secrets Manager can't find the specified secret.");
}

ApiError marked_for_deletion() {
  return client_error("InvalidRequestException",
                      "You can't perform this operation on the secret because it was marked "
                      "for deletion.");
}

struct SecretPayload {
  std::optional<std::string> string;
  std::optional<std::string> binary;  // decoded
  [[nodiscard]] bool empty() const { return !string && !binary; }
};

SecretPayload read_payload(const Input& in) {
  SecretPayload out;
  out.string = in.opt_string("SecretString");
  if (auto b64 = in.opt_string("SecretBinary")) {
    std::string bytes;
    if (!common::base64_decode(*b64, bytes, common::Base64Padding::required)) {
      throw client_error("SerializationException", "'SecretBinary' must be base64-encoded");
    }
    out.binary = std::move(bytes);
  }
  if (out.string && out.binary) {
    throw client_error("InvalidParameterException",
                       "You can't specify both a binary secret value and a string secret value "
                       "in the same secret.");
  }
  if ((out.string && out.string->size() > kMaxSecretBytes) ||
      (out.binary && out.binary->size() > kMaxSecretBytes)) {
    throw validation_error(out.string ? "secretString" : "secretBinary",
                           "Member must have length less than or equal to 65536");
  }
  return out;
}

std::optional<std::string> read_request_token(const Input& in) {
  auto token = in.opt_string("ClientRequestToken");
  if (token && (token->size() < 32 || token->size() > 64)) {
    throw validation_error("clientRequestToken", "Member must have length between 32 and 64");
  }
  return token;
}

std::vector<Tag> read_tags(const Input& in) {
  std::vector<Tag> tags;
  if (const json* list = in.opt_objects("Tags")) {
    for (const auto& t : *list) {
      const Input ti(t);
      tags.push_back({ti.string("Key", "tags.member.key"), ti.opt_string("Value").value_or("")});
    }
  }
  return tags;
}

json tags_json(const std::vector<Tag>& tags) {
  json out = json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

json versions_to_stages(const Secret& s) {
  json out = json::object();
  for (const auto& v : s.versions) {
    if (!v.stages.empty()) out[v.version_id] = v.stages;
  }
  return out;
}

/// Adds a version carrying `stages`, moving each label off the version that had it; a new
/// AWSCURRENT turns the previous AWSCURRENT version into AWSPREVIOUS.
void add_version(Secret& s, SecretVersion v, double now) {
  const SecretVersion* current = s.find_stage("AWSCURRENT");
  const std::string previous_current = current != nullptr ? current->version_id : std::string();
  for (const auto& stage : v.stages) {
    for (auto& other : s.versions) std::erase(other.stages, stage);
  }
  const bool becomes_current =
      std::find(v.stages.begin(), v.stages.end(), "AWSCURRENT") != v.stages.end();
  if (becomes_current && !previous_current.empty()) {
    for (auto& other : s.versions) std::erase(other.stages, std::string("AWSPREVIOUS"));
    for (auto& other : s.versions) {
      if (other.version_id == previous_current) other.stages.emplace_back("AWSPREVIOUS");
    }
  }
  s.versions.push_back(std::move(v));
  // Versions without a label are deprecated; AWS drops the oldest of them past its quota.
  while (s.versions.size() > kMaxSecretVersions) {
    auto it = std::find_if(s.versions.begin(), s.versions.end(),
                           [](const SecretVersion& x) { return x.stages.empty(); });
    if (it == s.versions.end()) break;
    s.versions.erase(it);
  }
  s.last_changed = now;
}

bool same_payload(const SecretVersion& v, const SecretPayload& p) {
  return v.secret_string == p.string && v.secret_binary == p.binary;
}

/// A retried write: the version `token` already made (same value), or nullptr when the
/// token is new. The same token with another value is ResourceExistsException.
const SecretVersion* retried_version(const Secret& s, const std::optional<std::string>& token,
                                     const SecretPayload& payload) {
  const SecretVersion* existing = token ? s.find_version_id(*token) : nullptr;
  if (existing != nullptr && !same_payload(*existing, payload)) {
    throw client_error("ResourceExistsException",
                       "You can't modify an existing version, you can only create a new "
                       "version.");
  }
  return existing;
}

/// The secret a write changes, named in `changes`. Throws ResourceNotFoundException, and
/// with live_only InvalidRequestException for a secret scheduled for deletion.
Secret& secret_to_change(StoreData& data, Changes& changes, std::string_view secret_id,
                         bool live_only) {
  const Secret* found = find_secret(data, secret_id);
  if (found == nullptr) throw secret_not_found();
  if (live_only && found->deletion_date) throw marked_for_deletion();
  changes.secret(found->name);
  return data.secrets.at(found->name);
}

std::optional<std::string> read_description(const Input& in) {
  auto description = in.opt_string("Description");
  if (description && description->size() > 2048) {
    throw validation_error("description", "Member must have length less than or equal to 2048");
  }
  return description;
}

/// ListSecrets / BatchGetSecretValue filters: {Key, Values}; prefix match, "!" negates.
struct SecretFilter {
  std::string key;
  std::vector<std::string> values;
};

std::vector<SecretFilter> read_secret_filters(const json* list) {
  static const std::set<std::string> kKeys = {
      "description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"};
  std::vector<SecretFilter> out;
  if (list == nullptr) return out;
  if (list->size() > 10) {
    throw validation_error("filters", "Member must have length less than or equal to 10");
  }
  for (const auto& item : *list) {
    const Input fi(item);
    SecretFilter f;
    // AWS: a filter without Key or Values is InvalidParameterException, before any enum check.
    const auto key = fi.opt_string("Key");
    const auto values = fi.opt_strings("Values");
    if (!key || !values) {
      throw client_error("InvalidParameterException",
                         "Invalid filter: a filter needs both a Key and Values.");
    }
    f.key = *key;
    if (!kKeys.contains(f.key)) {
      throw validation_error("filters.member.key",
                             "Member must satisfy enum value set: [all, name, tag-key, "
                             "description, tag-value, primary-region, owning-service]");
    }
    f.values = *values;
    if (f.values.empty() || f.values.size() > 10) {
      throw validation_error("filters.member.values", "Member must have length between 1 and 10");
    }
    out.push_back(std::move(f));
  }
  return out;
}

/// Words of a field for the "all" and "description" filters, lower-cased: split at spaces
/// and / - _ + = . @, then before each upper-case letter that follows a lower-case one.
std::vector<std::string> filter_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  char previous = ' ';
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) != 0 || std::string_view("/-_+=.@").find(c) != std::string_view::npos) {
      flush();
    } else {
      if (std::isupper(u) != 0 && std::islower(static_cast<unsigned char>(previous)) != 0) flush();
      word += static_cast<char>(std::tolower(u));
    }
    previous = c;
  }
  flush();
  return words;
}

/// AWS: "all" (and, as measured, "description") break the value into words and match each
/// as a case-insensitive prefix of some word of the field (API_Filter; moto's filters.py
/// records the same for description). The other keys: case-sensitive prefix of the field.
bool field_matches(const std::string& key, const std::string& field, const std::string& value) {
  if (key != "all" && key != "description") return field.starts_with(value);
  const auto wanted = filter_words(value);
  if (wanted.empty()) return false;
  const auto have = filter_words(field);
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::any_of(have.begin(), have.end(),
                       [&](const std::string& h) { return h.starts_with(w); });
  });
}

bool secret_matches(const Secret& s, const std::vector<SecretFilter>& filters) {
  for (const auto& f : filters) {
    bool any = false;
    for (const auto& raw : f.values) {
      const bool negate = raw.starts_with('!');
      const std::string v = negate ? raw.substr(1) : raw;
      std::vector<std::string> fields;
      if (f.key == "name" || f.key == "all") fields.push_back(s.name);
      if (f.key == "description" || f.key == "all") fields.push_back(s.description);
      for (const auto& t : s.tags) {
        if (f.key == "tag-key" || f.key == "all") fields.push_back(t.key);
        if (f.key == "tag-value" || f.key == "all") fields.push_back(t.value);
      }
      const bool hit = std::any_of(fields.begin(), fields.end(), [&](const std::string& x) {
        return field_matches(f.key, x, v);
      });
      any = any || (negate ? !hit : hit);
    }
    if (!any) return false;
  }
  return true;
}

json list_entry(const Secret& s) {
  json out = {{"ARN", s.arn},
              {"Name", s.name},
              {"LastChangedDate", s.last_changed},
              {"CreatedDate", s.created},
              {"SecretVersionsToStages", versions_to_stages(s)}};
  // AWS omits empty members (a secret without tags has no "Tags").
  if (!s.tags.empty()) out["Tags"] = tags_json(s.tags);
  if (!s.description.empty()) out["Description"] = s.description;
  if (!s.kms_key_id.empty()) out["KmsKeyId"] = s.kms_key_id;
  if (s.last_accessed) out["LastAccessedDate"] = *s.last_accessed;
  if (s.deletion_date) out["DeletedDate"] = *s.deletion_date;
  if (s.rotation_days) {
    out["RotationEnabled"] = true;
    out["RotationRules"] = {{"AutomaticallyAfterDays", *s.rotation_days}};
  }
  if (s.next_rotation) out["NextRotationDate"] = *s.next_rotation;
  return out;
}

/// Resolves (VersionId, VersionStage) to a version, with AWS's errors.
const SecretVersion& select_secret_version(const Secret& s, const std::optional<std::string>& id,
                                           const std::optional<std::string>& stage) {
  const SecretVersion* v = nullptr;
  if (id) {
    v = s.find_version_id(*id);
    if (v == nullptr ||
        (stage && std::find(v->stages.begin(), v->stages.end(), *stage) == v->stages.end())) {
      throw client_error("ResourceNotFoundException",
                         "Secrets Manager can't find the specified secret value for VersionId: " +
                             *id + (stage ? " and staging label: " + *stage : std::string()));
    }
    return *v;
  }
  const std::string label = stage.value_or("AWSCURRENT");
  v = s.find_stage(label);
  if (v == nullptr) {
    throw client_error("ResourceNotFoundException",
                       "Secrets Manager can't find the specified secret value for staging "
                       "label: " +
                           label);
  }
  return *v;
}

}  // namespace

const Secret* find_secret(const StoreData& data, std::string_view secret_id) {
  if (auto it = data.secrets.find(std::string(secret_id)); it != data.secrets.end()) {
    return &it->second;
  }
  if (!secret_id.starts_with("arn:")) return nullptr;
  for (const auto& [name, s] : data.secrets) {
    if (s.arn == secret_id) return &s;
  }
  // A partial ARN lacks the "-XXXXXX" suffix; it must match exactly one secret.
  const Secret* match = nullptr;
  for (const auto& [name, s] : data.secrets) {
    if (s.arn.size() > 7 && std::string_view(s.arn).substr(0, s.arn.size() - 7) == secret_id) {
      if (match != nullptr) return nullptr;
      match = &s;
    }
  }
  return match;
}

json secret_value_json(const Secret& s, const SecretVersion& v) {
  SecretValue value;
  value.arn = s.arn;
  value.name = s.name;
  value.version_id = v.version_id;
  value.secret_string = v.secret_string;
  value.secret_binary = v.secret_binary;
  value.version_stages = v.stages;
  value.created_date = common::from_epoch_seconds(v.created);
  return tools::get_secret_value_shape(value, tools::kWireStyle);
}

json Actions::create_secret(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  validate_secret_name(name);
  const auto token = read_request_token(in);
  const SecretPayload payload = read_payload(in);
  const auto description = read_description(in);
  const auto kms_key_id = in.opt_string("KmsKeyId");
  std::vector<Tag> tags = read_tags(in);
  if (body.contains("AddReplicaRegions")) {
    // Refused rather than silently ignored: a caller relying on a replica would not get one.
    throw client_error("InvalidRequestException",
                       "ssm-cache-local does not replicate secrets: AddReplicaRegions is not "
                       "supported.");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    changes.secret(name);
    if (auto it = data.secrets.find(name); it != data.secrets.end()) {
      if (it->second.deletion_date) {
        throw client_error("InvalidRequestException",
                           "You can't create this secret because a secret with this name is "
                           "already scheduled for deletion.");
      }
      // A retried CreateSecret with the same token and value succeeds, as in AWS.
      const SecretVersion* same = token ? it->second.find_version_id(*token) : nullptr;
      if (same != nullptr && same_payload(*same, payload)) {
        return json{{"ARN", it->second.arn}, {"Name", name}, {"VersionId", same->version_id}};
      }
      throw client_error("ResourceExistsException",
                         "The operation failed because the secret " + name + " already exists.");
    }
    Secret s;
    s.name = name;
    s.arn = "arn:aws:secretsmanager:" + ctx.region + ":" + ctx.account_id + ":secret:" + name +
            "-" + random_.alnum(6);
    s.description = description.value_or("");
    s.kms_key_id = kms_key_id.value_or("");
    s.created = ctx.now;
    s.last_changed = ctx.now;
    s.tags = std::move(tags);
    json out = {{"ARN", s.arn}, {"Name", name}};
    if (!payload.empty()) {
      SecretVersion v{
          token.value_or(random_.uuid4()), payload.string, payload.binary, {"AWSCURRENT"}, ctx.now};
      out["VersionId"] = v.version_id;
      s.versions.push_back(std::move(v));
    }
    data.secrets.emplace(name, std::move(s));
    return out;
  });
}

json Actions::put_secret_value(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const auto token = read_request_token(in);
  const SecretPayload payload = read_payload(in);
  auto stages = in.opt_strings("VersionStages");
  if (stages && (stages->empty() || stages->size() > 20)) {
    throw validation_error("versionStages", "Member must have length between 1 and 20");
  }
  if (stages) {
    for (const auto& st : *stages) {
      if (st.empty() || st.size() > 256) {
        throw validation_error("versionStages.member", "Member must have length between 1 and 256");
      }
    }
  }
  if (payload.empty()) {
    throw client_error("InvalidRequestException",
                       "You must provide either SecretString or SecretBinary.");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/true);
    if (const SecretVersion* existing = retried_version(s, token, payload)) {
      return json{{"ARN", s.arn},
                  {"Name", s.name},
                  {"VersionId", existing->version_id},
                  {"VersionStages", existing->stages}};
    }
    SecretVersion v{token.value_or(random_.uuid4()), payload.string, payload.binary,
                    stages.value_or(std::vector<std::string>{"AWSCURRENT"}), ctx.now};
    // Deduplicate labels given twice.
    std::vector<std::string> unique;
    for (const auto& st : v.stages) {
      if (std::find(unique.begin(), unique.end(), st) == unique.end()) unique.push_back(st);
    }
    // AWS: "If this operation creates the first version for the secret, then Secrets
    // Manager automatically attaches the staging label AWSCURRENT to the new version."
    if (s.find_stage("AWSCURRENT") == nullptr &&
        std::find(unique.begin(), unique.end(), "AWSCURRENT") == unique.end()) {
      unique.emplace_back("AWSCURRENT");
    }
    v.stages = unique;
    const std::string id = v.version_id;
    add_version(s, std::move(v), ctx.now);
    return json{{"ARN", s.arn},
                {"Name", s.name},
                {"VersionId", id},
                {"VersionStages", s.find_version_id(id)->stages}};
  });
}

json Actions::get_secret_value(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const auto version_id = in.opt_string("VersionId");
  const auto version_stage = in.opt_string("VersionStage");
  return store_.read([&](const StoreData& data) {
    const Secret* s = find_secret(data, secret_id);
    if (s == nullptr) throw secret_not_found();
    if (s->deletion_date) throw marked_for_deletion();
    return secret_value_json(*s, select_secret_version(*s, version_id, version_stage));
  });
}

json Actions::batch_get_secret_value(const RequestContext&, const json& body) {
  const Input in(body);
  const auto ids = in.opt_strings("SecretIdList");
  const json* filters_json = in.opt_objects("Filters");
  const auto max_results = in.opt_int("MaxResults");
  if (ids.has_value() == (filters_json != nullptr)) {
    throw client_error("InvalidParameterException",
                       "Either 'SecretIdList' or 'Filters' must be provided, but not both.");
  }
  if (ids && (ids->empty() || ids->size() > 20)) {
    throw validation_error("secretIdList", "Member must have length between 1 and 20");
  }
  if (max_results) {
    if (ids) {
      throw client_error("InvalidParameterException",
                         "'MaxResults' can only be used with 'Filters'.");
    }
    if (*max_results < 1 || *max_results > 20) {
      throw validation_error("maxResults", "Member must have value between 1 and 20");
    }
  }
  const auto filters = read_secret_filters(filters_json);
  std::string cursor;
  if (auto token = in.opt_string("NextToken")) {
    if (!parse_next_token("BatchGetSecretValue", *token, cursor)) {
      throw client_error("InvalidNextTokenException", "The NextToken value is invalid.");
    }
  }
  return store_.read([&](const StoreData& data) {
    json values = json::array();
    json errors = json::array();
    json out;
    if (ids) {
      for (const auto& id : *ids) {
        const Secret* s = find_secret(data, id);
        const SecretVersion* v = s == nullptr ? nullptr : s->find_stage("AWSCURRENT");
        if (s == nullptr || v == nullptr) {
          errors.push_back({{"SecretId", id},
                            {"ErrorCode", "ResourceNotFoundException"},
                            {"Message", "Secrets Manager can't find the specified secret."}});
        } else if (s->deletion_date) {
          errors.push_back({{"SecretId", id},
                            {"ErrorCode", "InvalidRequestException"},
                            {"Message",
                             "You can't perform this operation on the secret because it was "
                             "marked for deletion."}});
        } else {
          values.push_back(secret_value_json(*s, *v));
        }
      }
    } else {
      const auto limit = static_cast<std::size_t>(max_results.value_or(20));
      auto it = cursor.empty() ? data.secrets.begin() : data.secrets.upper_bound(cursor);
      std::string last;
      for (; it != data.secrets.end(); ++it) {
        const Secret& s = it->second;
        const SecretVersion* v = s.find_stage("AWSCURRENT");
        if (s.deletion_date || v == nullptr || !secret_matches(s, filters)) continue;
        if (values.size() == limit) {
          out["NextToken"] = make_next_token("BatchGetSecretValue", last);
          break;
        }
        values.push_back(secret_value_json(s, *v));
        last = s.name;
      }
    }
    out["SecretValues"] = values;
    out["Errors"] = errors;
    return out;
  });
}

json Actions::describe_secret(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  return store_.read([&](const StoreData& data) {
    const Secret* s = find_secret(data, secret_id);
    if (s == nullptr) throw secret_not_found();
    json out = list_entry(*s);
    json stages = std::move(out["SecretVersionsToStages"]);
    out.erase("SecretVersionsToStages");
    if (!stages.empty()) out["VersionIdsToStages"] = std::move(stages);
    return out;
  });
}

json Actions::list_secrets(const RequestContext&, const json& body) {
  const Input in(body);
  const auto max_results = in.opt_int("MaxResults");
  if (max_results && (*max_results < 1 || *max_results > 100)) {
    throw validation_error("maxResults", "Member must have value between 1 and 100");
  }
  const bool include_deleted = in.boolean("IncludePlannedDeletion", false);
  const auto filters = read_secret_filters(in.opt_objects("Filters"));
  const std::string order = in.opt_string("SortOrder").value_or("asc");
  if (order != "asc" && order != "desc") {
    throw validation_error("sortOrder", "Member must satisfy enum value set: [asc, desc]");
  }
  std::string cursor;
  if (auto token = in.opt_string("NextToken")) {
    if (!parse_next_token("ListSecrets", *token, cursor)) {
      throw client_error("InvalidNextTokenException", "The NextToken value is invalid.");
    }
  }
  const auto limit = static_cast<std::size_t>(max_results.value_or(100));
  return store_.read([&](const StoreData& data) {
    // Listed by creation date (then name, so pages are stable); the cursor is the position.
    std::vector<const Secret*> all;
    for (const auto& [name, s] : data.secrets) {
      if ((include_deleted || !s.deletion_date) && secret_matches(s, filters)) all.push_back(&s);
    }
    std::stable_sort(all.begin(), all.end(), [&](const Secret* a, const Secret* b) {
      return order == "asc" ? a->created < b->created : a->created > b->created;
    });
    std::size_t start = 0;
    if (!cursor.empty()) {
      try {
        start = static_cast<std::size_t>(std::stoull(cursor));
      } catch (const std::exception&) {
        throw client_error("InvalidNextTokenException", "The NextToken value is invalid.");
      }
    }
    json list = json::array();
    for (std::size_t i = start; i < all.size() && list.size() < limit; ++i) {
      list.push_back(list_entry(*all[i]));
    }
    json out = {{"SecretList", list}};
    if (start + list.size() < all.size()) {
      out["NextToken"] = make_next_token("ListSecrets", std::to_string(start + list.size()));
    }
    return out;
  });
}

json Actions::delete_secret(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const auto window = in.opt_int("RecoveryWindowInDays");
  const bool force = in.boolean("ForceDeleteWithoutRecovery", false);
  if (window && force) {
    throw client_error("InvalidParameterException",
                       "You can't use ForceDeleteWithoutRecovery in conjunction with "
                       "RecoveryWindowInDays.");
  }
  if (window && (*window < 7 || *window > 30)) {
    throw client_error("InvalidParameterException",
                       "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    const Secret* found = find_secret(data, secret_id);
    if (found == nullptr && force) {
      // AWS: a forced deletion of a secret that does not exist succeeds (idempotent).
      const std::string arn = secret_id.starts_with("arn:")
                                  ? secret_id
                                  : "arn:aws:secretsmanager:" + ctx.region + ":" + ctx.account_id +
                                        ":secret:" + secret_id + "-" + random_.alnum(6);
      return json{{"ARN", arn}, {"Name", secret_id}, {"DeletionDate", ctx.now}};
    }
    if (found == nullptr) throw secret_not_found();
    changes.secret(found->name);
    Secret& s = data.secrets.at(found->name);
    if (force) {
      json out = {{"ARN", s.arn}, {"Name", s.name}, {"DeletionDate", ctx.now}};
      data.secrets.erase(s.name);
      return out;
    }
    if (s.deletion_date) throw marked_for_deletion();
    s.deletion_date = ctx.now + static_cast<double>(window.value_or(30)) * 86400.0;
    return json{{"ARN", s.arn}, {"Name", s.name}, {"DeletionDate", *s.deletion_date}};
  });
}

json Actions::restore_secret(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/false);
    s.deletion_date.reset();
    s.last_changed = ctx.now;
    return json{{"ARN", s.arn}, {"Name", s.name}};
  });
}

// ---- UpdateSecret, UpdateSecretVersionStage, ListSecretVersionIds, GetRandomPassword, tags --

json Actions::update_secret(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const auto token = read_request_token(in);
  const SecretPayload payload = read_payload(in);
  const auto description = read_description(in);
  const auto kms_key_id = in.opt_string("KmsKeyId");
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/true);
    if (description) s.description = *description;
    if (kms_key_id) s.kms_key_id = *kms_key_id;
    s.last_changed = ctx.now;
    json out = {{"ARN", s.arn}, {"Name", s.name}};
    if (!payload.empty()) {
      // A new value is a new version that becomes AWSCURRENT (UpdateSecret API reference).
      if (const SecretVersion* existing = retried_version(s, token, payload)) {
        out["VersionId"] = existing->version_id;
        return out;
      }
      SecretVersion v{
          token.value_or(random_.uuid4()), payload.string, payload.binary, {"AWSCURRENT"}, ctx.now};
      out["VersionId"] = v.version_id;
      add_version(s, std::move(v), ctx.now);
    }
    return out;
  });
}

json Actions::rotate_secret(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  // No Lambda runs here: rotation is only scheduled (RotateImmediately=false), which is what
  // clients observe through DescribeSecret (RotationEnabled, RotationRules, NextRotationDate).
  if (in.boolean("RotateImmediately", true)) {
    throw client_error("InvalidRequestException",
                       "ssm-cache-local runs no rotation Lambda function: pass "
                       "RotateImmediately=false to schedule rotation only");
  }
  const json* rules = body.contains("RotationRules") ? &body.at("RotationRules") : nullptr;
  if (rules == nullptr || !rules->is_object()) {
    throw validation_error("rotationRules", "Member must not be null");
  }
  const auto days = Input(*rules).opt_int("AutomaticallyAfterDays");
  if (!days || *days < 1 || *days > 1000) {
    throw validation_error("rotationRules.automaticallyAfterDays",
                           "Member must have value between 1 and 1000");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/true);
    s.rotation_days = *days;
    s.next_rotation = ctx.now + static_cast<double>(*days) * 86400.0;
    s.last_changed = ctx.now;
    return json{{"ARN", s.arn}, {"Name", s.name}};
  });
}

json Actions::update_secret_version_stage(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const std::string stage = in.string("VersionStage", "versionStage");
  if (stage.empty() || stage.size() > 256) {
    throw validation_error("versionStage", "Member must have length between 1 and 256");
  }
  const auto remove_from = in.opt_string("RemoveFromVersionId");
  const auto move_to = in.opt_string("MoveToVersionId");
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/true);
    const SecretVersion* holder = s.find_stage(stage);
    if (holder != nullptr && holder->version_id != remove_from.value_or("") &&
        holder->version_id != move_to.value_or("")) {
      throw client_error("InvalidParameterException", "The staging label " + stage +
                                                          " is currently attached to version " +
                                                          holder->version_id +
                                                          ", so you must explicitly reference that "
                                                          "version in RemoveFromVersionId.");
    }
    if (move_to && s.find_version_id(*move_to) == nullptr) throw secret_not_found();
    if (remove_from && s.find_version_id(*remove_from) == nullptr) throw secret_not_found();
    const std::string previous_holder = holder != nullptr ? holder->version_id : "";
    for (auto& v : s.versions) {
      if (remove_from && v.version_id == *remove_from) std::erase(v.stages, stage);
    }
    if (move_to) {
      for (auto& v : s.versions) std::erase(v.stages, stage);
      for (auto& v : s.versions) {
        if (v.version_id == *move_to) v.stages.push_back(stage);
      }
      // Moving AWSCURRENT makes the version that had it AWSPREVIOUS, as a new value would.
      if (stage == "AWSCURRENT" && !previous_holder.empty() && previous_holder != *move_to) {
        for (auto& v : s.versions) std::erase(v.stages, std::string("AWSPREVIOUS"));
        for (auto& v : s.versions) {
          if (v.version_id == previous_holder) v.stages.emplace_back("AWSPREVIOUS");
        }
      }
    }
    s.last_changed = ctx.now;
    return json{{"ARN", s.arn}, {"Name", s.name}};
  });
}

json Actions::list_secret_version_ids(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const auto max_results = in.opt_int("MaxResults");
  if (max_results && (*max_results < 1 || *max_results > 100)) {
    throw validation_error("maxResults", "Member must have value between 1 and 100");
  }
  const bool include_deprecated = in.boolean("IncludeDeprecated", false);
  std::size_t skip = 0;
  if (auto token = in.opt_string("NextToken")) {
    std::string cursor;
    if (!parse_next_token("ListSecretVersionIds", *token, cursor) || cursor.empty() ||
        cursor.find_first_not_of("0123456789") != std::string::npos || cursor.size() > 6) {
      throw client_error("InvalidNextTokenException", "The NextToken value is invalid.");
    }
    skip = std::stoul(cursor);
  }
  const auto limit = static_cast<std::size_t>(max_results.value_or(100));
  return store_.read([&](const StoreData& data) {
    const Secret* s = find_secret(data, secret_id);
    if (s == nullptr) throw secret_not_found();
    json versions = json::array();
    std::size_t seen = 0;
    json out = {{"ARN", s->arn}, {"Name", s->name}};
    for (const auto& v : s->versions) {
      // Versions without a staging label are deprecated: listed only when asked for.
      if (v.stages.empty() && !include_deprecated) continue;
      if (seen++ < skip) continue;
      if (versions.size() == limit) {
        out["NextToken"] = make_next_token("ListSecretVersionIds", std::to_string(skip + limit));
        break;
      }
      versions.push_back(
          {{"VersionId", v.version_id}, {"VersionStages", v.stages}, {"CreatedDate", v.created}});
    }
    out["Versions"] = versions;
    return out;
  });
}

json Actions::get_random_password(const RequestContext&, const json& body) {
  const Input in(body);
  const auto length = in.opt_int("PasswordLength").value_or(32);
  if (length < 1 || length > 4096) {
    throw validation_error("passwordLength", "Member must have value between 1 and 4096");
  }
  const std::string exclude = in.opt_string("ExcludeCharacters").value_or("");
  std::vector<std::string> classes;
  if (!in.boolean("ExcludeLowercase", false)) classes.emplace_back("abcdefghijklmnopqrstuvwxyz");
  if (!in.boolean("ExcludeUppercase", false)) classes.emplace_back("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  if (!in.boolean("ExcludeNumbers", false)) classes.emplace_back("0123456789");
  if (!in.boolean("ExcludePunctuation", false)) {
    classes.emplace_back("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  }
  if (in.boolean("IncludeSpace", false)) classes.emplace_back(" ");
  for (auto& c : classes)
    std::erase_if(c, [&](char x) { return exclude.find(x) != std::string::npos; });
  std::erase_if(classes, [](const std::string& c) { return c.empty(); });
  const bool each = in.boolean("RequireEachIncludedType", true);
  if (classes.empty() || (each && static_cast<std::size_t>(length) < classes.size())) {
    throw client_error("InvalidParameterException",
                       "The password length or the excluded characters leave no valid "
                       "password.");
  }
  std::string all;
  for (const auto& c : classes) all += c;
  auto pick = [](const std::string& from) {
    return from[secure_random_below(static_cast<std::uint32_t>(from.size()))];
  };
  std::string password;
  if (each) {
    for (const auto& c : classes) password += pick(c);
  }
  while (password.size() < static_cast<std::size_t>(length)) password += pick(all);
  // Shuffle, so that the required characters are not always in front (Fisher-Yates).
  for (std::size_t i = password.size() - 1; i > 0; --i) {
    std::swap(password[i], password[secure_random_below(static_cast<std::uint32_t>(i + 1))]);
  }
  return json{{"RandomPassword", password}};
}

json Actions::tag_resource(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  if (in.opt_objects("Tags") == nullptr) throw Input::missing("tags");
  const std::vector<Tag> tags = read_tags(in);
  return store_.write([&](StoreData& data, Changes& changes) {
    merge_tags(secret_to_change(data, changes, secret_id, /*live_only=*/false).tags, tags);
    return json::object();
  });
}

json Actions::untag_resource(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const std::vector<std::string> keys = in.strings("TagKeys", "tagKeys");
  return store_.write([&](StoreData& data, Changes& changes) {
    std::erase_if(
        secret_to_change(data, changes, secret_id, /*live_only=*/false).tags,
        [&](const Tag& t) { return std::find(keys.begin(), keys.end(), t.key) != keys.end(); });
    return json::object();
  });
}

// ---- resource policies: stored and returned, never evaluated (there is no IAM here) -------

json Actions::put_resource_policy(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  const std::string policy = in.string("ResourcePolicy", "resourcePolicy");
  if (policy.empty() || policy.size() > 20480) {
    throw validation_error("resourcePolicy", "Member must have length between 1 and 20480");
  }
  const json parsed = json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    throw client_error("MalformedPolicyDocumentException",
                       "The resource policy is not a JSON policy document.");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/true);
    s.resource_policy = policy;
    return json{{"ARN", s.arn}, {"Name", s.name}};
  });
}

json Actions::get_resource_policy(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  return store_.read([&](const StoreData& data) {
    const Secret* s = find_secret(data, secret_id);
    if (s == nullptr) throw secret_not_found();
    json out = {{"ARN", s->arn}, {"Name", s->name}};
    if (!s->resource_policy.empty()) out["ResourcePolicy"] = s->resource_policy;
    return out;
  });
}

json Actions::delete_resource_policy(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string secret_id = in.string("SecretId", "secretId");
  return store_.write([&](StoreData& data, Changes& changes) {
    Secret& s = secret_to_change(data, changes, secret_id, /*live_only=*/false);
    s.resource_policy.clear();
    return json{{"ARN", s.arn}, {"Name", s.name}};
  });
}

}  // namespace ssm_cache::local
