// ssm-cache-local/actions/ssm_actions.cpp — the Parameter Store actions (AmazonSSM.*), with AWS's
// validation rules, error codes and response shapes. See actions.hpp.
#include <algorithm>
#include <exception>
#include <optional>
#include <set>

#include "actions.hpp"
#include "api_error.hpp"
#include "aws_shapes.hpp"
#include "common/base64.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"
#include "json_input.hpp"
#include "names.hpp"
#include "pattern.hpp"
#include "public_parameters.hpp"

namespace ssm_cache::local {

using nlohmann::json;

namespace {

constexpr std::size_t kStandardValueLimit = 4096;
constexpr std::size_t kAdvancedValueLimit = 8192;
constexpr std::size_t kMaxVersions = 100;

std::string parameter_arn(const RequestContext& ctx, const std::string& name) {
  // AWS's public parameters belong to no account: "arn:aws:ssm:us-east-1::parameter/aws/...".
  const std::string account = is_public_parameter_name(name) ? "" : ctx.account_id;
  return "arn:aws:ssm:" + ctx.region + ":" + account + ":parameter" +
         (name.starts_with('/') ? name : "/" + name);
}

std::string shown_value(const Parameter& p, const ParameterVersion& v, bool decrypt) {
  if (v.type == "SecureString" && !decrypt) {
    return opaque_ciphertext(v.key_id, p.name, v.version, v.value);
  }
  return v.value;
}

/// A stored version as the record AWS's Parameter shape is written from.
ParameterRecord parameter_record(const RequestContext& ctx, const Parameter& p,
                                 const ParameterVersion& v, bool decrypt,
                                 const std::string& selector) {
  ParameterRecord r;
  r.name = p.name;
  r.type = v.type;
  r.value = shown_value(p, v, decrypt);
  r.version = v.version;
  if (!selector.empty()) r.selector = ":" + selector;
  r.arn = parameter_arn(ctx, p.name);
  r.last_modified = common::from_epoch_seconds(v.last_modified);
  r.data_type = v.data_type;
  return r;
}

/// The metadata shape of DescribeParameters and (with value) GetParameterHistory.
json metadata_json(const RequestContext& ctx, const Parameter& p, const ParameterVersion& v) {
  json out = {{"Name", p.name},
              {"ARN", parameter_arn(ctx, p.name)},
              {"Type", v.type},
              {"LastModifiedDate", v.last_modified},
              {"LastModifiedUser", v.last_modified_user},
              {"Version", v.version},
              {"Tier", v.tier},
              {"Policies", json::array()},
              {"DataType", v.data_type}};
  if (!v.key_id.empty()) out["KeyId"] = v.key_id;
  if (!v.description.empty()) out["Description"] = v.description;
  if (!v.allowed_pattern.empty()) out["AllowedPattern"] = v.allowed_pattern;
  return out;
}

ApiError parameter_not_found(const std::string& name) {
  return client_error("ParameterNotFound", "Parameter " + name + " not found.");
}

/// Looks a ParameterRef up; an ARN's single-level name may be stored with or without '/'.
/// The key a parameter is stored under. AWS treats a root-level name with and without its
/// leading slash ("foo", "/foo") as one parameter, shown as it was created: the key is the
/// stored spelling when one exists, else `name` itself.
std::string stored_key(const StoreData& data, const std::string& name) {
  if (data.parameters.contains(name) || hierarchy_depth(name) != 1) return name;
  const std::string other = name.starts_with('/') ? name.substr(1) : "/" + name;
  return data.parameters.contains(other) ? other : name;
}

const Parameter* find_parameter(const StoreData& data, const ParameterRef& ref) {
  auto it = data.parameters.find(stored_key(data, ref.name));
  return it == data.parameters.end() ? nullptr : &it->second;
}

/// The version a ref designates, or nullptr.
const ParameterVersion* select_version(const Parameter& p, const ParameterRef& ref) {
  if (!ref.has_selector()) return &p.current();
  if (ref.is_label()) return p.find_label(ref.selector);
  return p.find_version(ref.version);
}

void check_max_results(const std::optional<std::int64_t>& max_results, std::int64_t limit) {
  if (!max_results) return;
  if (*max_results < 1) {
    throw validation_error("maxResults", "Member must have value greater than or equal to 1");
  }
  if (*max_results > limit) {
    throw validation_error("maxResults",
                           "Member must have value less than or equal to " + std::to_string(limit));
  }
}

std::string cursor_from(const Input& in, std::string_view action) {
  const auto token = in.opt_string("NextToken");
  if (!token) return {};
  std::string cursor;
  if (!parse_next_token(action, *token, cursor)) {
    throw client_error("InvalidNextToken", "The specified token isn't valid.");
  }
  return cursor;
}

// ---- the /aws/reference/secretsmanager/ bridge -------------------------------------------

bool is_secret_reference(const std::string& name) {
  return name.starts_with(kSecretReferencePrefix);
}

void require_decryption_for_reference(bool with_decryption) {
  if (!with_decryption) {
    throw client_error("ValidationException",
                       "WithDecryption flag must be True for retrieving a Secret Manager secret.");
  }
}

/// The Parameter shape AWS returns for a secret reference, or nullopt when the secret (or the
/// asked version id / staging label) does not exist.
std::optional<ParameterRecord> secret_reference_record(const StoreData& data,
                                                       const ParameterRef& ref) {
  const std::string secret_id = ref.name.substr(kSecretReferencePrefix.size());
  const Secret* s = find_secret(data, secret_id);
  if (s == nullptr || s->deletion_date) return std::nullopt;
  const SecretVersion* v = nullptr;
  if (!ref.has_selector()) {
    v = s->find_stage("AWSCURRENT");
  } else {
    v = s->find_version_id(ref.selector);
    if (v == nullptr) v = s->find_stage(ref.selector);
  }
  if (v == nullptr) return std::nullopt;
  ParameterRecord r;
  r.name = ref.name;
  r.type = "SecureString";
  r.value = v->secret_string ? *v->secret_string : common::base64_encode(*v->secret_binary);
  r.version = 0;
  r.source_result = secret_value_json(*s, *v).dump();
  r.last_modified = common::from_epoch_seconds(v->created);
  r.arn = s->arn;
  r.data_type = "text";
  if (ref.has_selector()) r.selector = ":" + ref.selector;
  return r;
}

// ---- filters ----------------------------------------------------------------------------

struct StringFilter {
  std::string key;
  std::string option;
  std::vector<std::string> values;
};

const std::set<std::string> kTypes = {"String", "StringList", "SecureString"};

/// One ParameterStringFilter as given, with the model's constraints checked
/// (ValidationException, SSM API reference): key pattern and length, option length, values.
StringFilter read_model_filter(const Input& f) {
  StringFilter filter;
  filter.key = f.string("Key", "parameterFilters.member.key");
  if (filter.key.empty() || filter.key.size() > 132) {
    throw validation_error("parameterFilters.member.key",
                           "Member must have length between 1 and 132");
  }
  filter.option = f.opt_string("Option").value_or("Equals");
  static const std::set<std::string> kModelKeys = {"Name",  "Type", "KeyId",   "Path",
                                                   "Label", "Tier", "DataType"};
  if (!filter.key.starts_with("tag:") && !kModelKeys.contains(filter.key)) {
    throw validation_error("parameterFilters.member.key",
                           "Member must satisfy regular expression pattern: "
                           "tag:.+|Name|Type|KeyId|Path|Label|Tier");
  }
  if (filter.option.empty() || filter.option.size() > 10) {
    throw validation_error("parameterFilters.member.option",
                           "Member must have length between 1 and 10");
  }
  filter.values = f.opt_strings("Values").value_or(std::vector<std::string>{});
  if (filter.values.size() > 50) {
    throw validation_error("parameterFilters.member.values",
                           "Member must have length less than or equal to 50");
  }
  for (const auto& v : filter.values) {
    if (v.empty() || v.size() > 1024) {
      throw validation_error("parameterFilters.member.values.member",
                             "Member must have length between 1 and 1024");
    }
  }
  if (filter.key == "Path" && !f.has("Option")) filter.option = "OneLevel";
  return filter;
}

/// Throws InvalidFilterKey for a key the action does not take, or given twice.
void check_filter_key(const StringFilter& filter, bool by_path, std::set<std::string>& seen) {
  if (by_path) {
    if (filter.key != "Type" && filter.key != "KeyId" && filter.key != "Label") {
      throw client_error("InvalidFilterKey",
                         "The following filter key is not valid: " + filter.key +
                             ". Valid filter keys include: [Type, KeyId, "
                             "Label].");
    }
  } else if (filter.key == "Label") {
    // Label selects versions: GetParametersByPath only.
    throw client_error("InvalidFilterKey",
                       "The following filter key is not valid: Label. Valid filter keys "
                       "include: [Path, Name, Type, KeyId, Tier]");
  }
  if (!seen.insert(filter.key).second) {
    throw client_error("InvalidFilterKey",
                       "The following filter is duplicated in the request: " + filter.key +
                           ". A request can contain only one occurrence of "
                           "a specific filter.");
  }
}

/// Throws InvalidFilterOption unless the key takes the option.
void check_filter_option(const StringFilter& filter) {
  std::vector<std::string> options;
  if (filter.key == "Label" || filter.key == "Tier" || filter.key == "DataType") {
    options = {"Equals"};
  } else if (filter.key == "Name" || filter.key.starts_with("tag:")) {
    options = {"Equals", "BeginsWith", "Contains"};
  } else if (filter.key == "Path") {
    options = {"Recursive", "OneLevel"};
  } else {
    options = {"Equals", "BeginsWith"};
  }
  if (std::find(options.begin(), options.end(), filter.option) == options.end()) {
    std::string valid;
    for (const auto& o : options) valid += (valid.empty() ? "" : ", ") + o;
    throw client_error("InvalidFilterOption",
                       "The following filter option is not valid: " + filter.option +
                           ". Valid options include: [" + valid + "].");
  }
}

ApiError invalid_filter_value(const std::string& value, const std::string& valid_values) {
  return client_error("InvalidFilterValue", "The following filter value is not valid: " + value +
                                                ". Valid values include: " + valid_values);
}

/// Throws InvalidFilterValue (or ValidationException for reserved paths) for values the key
/// does not take.
void check_filter_values(const StringFilter& filter) {
  if (filter.values.empty() && !filter.key.starts_with("tag:")) {
    throw client_error(
        "InvalidFilterValue",
        "The following filter values are missing : null for filter key " + filter.key + ".");
  }
  for (const auto& v : filter.values) {
    if (filter.key == "Type" && filter.option == "Equals" && !kTypes.contains(v)) {
      throw invalid_filter_value(v, "[String, StringList, SecureString].");
    }
    if (filter.key == "Tier" && v != "Standard" && v != "Advanced" && v != "Intelligent-Tiering") {
      throw invalid_filter_value(v, "[Standard, Advanced, Intelligent-Tiering]");
    }
    if (filter.key == "Path") {
      if (common::starts_with_icase(v, "/aws") || common::starts_with_icase(v, "/ssm")) {
        throw client_error("ValidationException",
                           "Filters for common parameters can't be prefixed with \"aws\" or "
                           "\"ssm\" (case-insensitive).");
      }
      validate_path(v);
    }
  }
}

std::vector<StringFilter> read_filters(const json* list, bool by_path) {
  std::vector<StringFilter> out;
  if (list == nullptr) return out;
  std::set<std::string> keys;
  for (const auto& item : *list) {
    StringFilter filter = read_model_filter(Input(item));
    check_filter_key(filter, by_path, keys);
    check_filter_option(filter);
    check_filter_values(filter);
    out.push_back(std::move(filter));
  }
  return out;
}

bool string_matches(const StringFilter& f, const std::string& text) {
  for (const auto& v : f.values) {
    if (f.option == "Equals" && text == v) return true;
    if (f.option == "BeginsWith" && text.starts_with(v)) return true;
    if (f.option == "Contains" && text.find(v) != std::string::npos) return true;
  }
  return false;
}

bool under_path(const std::string& name, std::string path, bool recursive) {
  if (!path.ends_with('/')) path += '/';
  // A root-level name created without its slash ("foo") is "/foo" to AWS: under "/".
  if (path == "/" && !name.starts_with('/')) return true;
  if (!name.starts_with(path) || name.size() == path.size()) return false;
  return recursive || name.find('/', path.size()) == std::string::npos;
}

/// Applies filters; returns the version to show (a Label filter selects the labeled one),
/// or nullptr when the parameter does not match.
const ParameterVersion* filter_parameter(const Parameter& p,
                                         const std::vector<StringFilter>& filters) {
  const ParameterVersion* shown = &p.current();
  for (const auto& f : filters) {
    if (f.key == "Label") {
      const ParameterVersion* labeled = nullptr;
      for (const auto& label : f.values) {
        if ((labeled = p.find_label(label)) != nullptr) break;
      }
      if (labeled == nullptr) return nullptr;
      shown = labeled;
    }
  }
  for (const auto& f : filters) {
    const ParameterVersion& v = *shown;
    bool ok = true;
    if (f.key == "Type") ok = string_matches(f, v.type);
    if (f.key == "KeyId") ok = !v.key_id.empty() && string_matches(f, v.key_id);
    if (f.key == "Name") {
      // Names are matched with and without the leading '/', as AWS does.
      const std::string bare = p.name.starts_with('/') ? p.name.substr(1) : p.name;
      StringFilter bare_filter = f;
      for (auto& value : bare_filter.values) {
        if (value.starts_with('/')) value.erase(0, 1);
      }
      ok = string_matches(bare_filter, bare);
    }
    if (f.key == "Tier") ok = string_matches(f, v.tier);
    if (f.key == "DataType") ok = string_matches(f, v.data_type);
    if (f.key == "Path") {
      ok = false;
      for (const auto& path : f.values) {
        ok = ok || (path == "/" && f.option == "Recursive") ||
             under_path(p.name, path, f.option == "Recursive");
      }
    }
    if (f.key.starts_with("tag:")) {
      const std::string tag_key = f.key.substr(4);
      ok = false;
      for (const auto& t : p.tags) {
        if (t.key == tag_key && (f.values.empty() || string_matches(f, t.value))) ok = true;
      }
    }
    if (!ok) return nullptr;
  }
  return shown;
}

// ---- PutParameter helpers -----------------------------------------------------------------

void validate_key_id(const std::string& key_id) {
  const bool alias = key_id.starts_with("alias/") && key_id.size() > 6;
  const bool arn = key_id.starts_with("arn:aws:kms:");
  bool uuid = key_id.size() == 36;
  for (std::size_t i = 0; uuid && i < key_id.size(); ++i) {
    const char c = key_id[i];
    uuid = (i == 8 || i == 13 || i == 18 || i == 23)
               ? c == '-'
               : std::isxdigit(static_cast<unsigned char>(c)) != 0;
  }
  if (!alias && !arn && !uuid) {
    throw client_error("InvalidKeyId",
                       "The KeyId is not valid: use a key id, key ARN, alias "
                       "name (alias/...) or alias ARN.");
  }
}

bool matches_pattern(const std::string& pattern, const std::string& value) {
  try {
    return full_match(pattern, value);
  } catch (const BadPattern&) {
    throw client_error("InvalidAllowedPatternException",
                       "The request doesn't contain a valid regular expression pattern, or the "
                       "pattern is too complex to evaluate.");
  }
}

/// PutParameter's input, checked as far as it can be without the stored parameter.
struct PutRequest {
  std::string name;
  std::string value;
  std::optional<std::string> type;
  std::optional<std::string> key_id;
  bool overwrite = false;
  std::optional<std::string> description;
  std::optional<std::string> allowed_pattern;
  std::optional<std::string> tier;
  std::optional<std::string> data_type;
  std::optional<std::vector<Tag>> tags;
};

void check_put_enums(const PutRequest& r) {
  if (r.type && !kTypes.contains(*r.type)) {
    throw validation_error("type",
                           "Member must satisfy enum value set: [SecureString, "
                           "StringList, String]");
  }
  if (r.tier && *r.tier != "Standard" && *r.tier != "Advanced" &&
      *r.tier != "Intelligent-Tiering") {
    throw validation_error("tier",
                           "Member must satisfy enum value set: [Advanced, Intelligent-Tiering, "
                           "Standard]");
  }
  if (r.data_type && *r.data_type != "text" && *r.data_type != "aws:ec2:image" &&
      *r.data_type != "aws:ssm:integration") {
    throw client_error("ValidationException",
                       "The following data type is not supported: " + *r.data_type +
                           " (supported: text, aws:ec2:image, aws:ssm:integration).");
  }
}

PutRequest read_put_request(const json& body) {
  const Input in(body);
  PutRequest r{.name = in.string("Name", "name"),
               .value = in.string("Value", "value"),
               .type = in.opt_string("Type"),
               .key_id = in.opt_string("KeyId"),
               .overwrite = in.boolean("Overwrite", false),
               .description = in.opt_string("Description"),
               .allowed_pattern = in.opt_string("AllowedPattern"),
               .tier = in.opt_string("Tier"),
               .data_type = in.opt_string("DataType"),
               .tags = std::nullopt};
  validate_parameter_name(r.name);
  if (r.value.empty()) {
    throw validation_error("value", "Member must have length greater than or equal to 1");
  }
  if (r.description && r.description->size() > 1024) {
    throw validation_error("description", "Member must have length less than or equal to 1024");
  }
  if (r.allowed_pattern && r.allowed_pattern->size() > kMaxAllowedPatternLength) {
    throw validation_error("allowedPattern", "Member must have length less than or equal to 1024");
  }
  check_put_enums(r);
  if (in.opt_string("Policies")) {
    // Refused rather than silently ignored: an expiration policy would never fire here.
    throw client_error("ValidationException",
                       "ssm-cache-local does not implement parameter policies (Policies).");
  }
  if (const json* tags = in.opt_objects("Tags")) {
    if (r.overwrite) {
      throw client_error("ValidationException",
                         "Invalid request: tags and overwrite can't be used together. To create "
                         "a parameter with tags, please remove overwrite flag. To update tags "
                         "for an existing parameter, please use AddTagsToResource or "
                         "RemoveTagsFromResource.");
    }
    r.tags.emplace();
    for (const auto& t : *tags) {
      const Input ti(t);
      r.tags->push_back(
          {ti.string("Key", "tags.member.key"), ti.string("Value", "tags.member.value")});
    }
  }
  if (r.key_id) validate_key_id(*r.key_id);
  return r;
}

/// The tier a put leaves, checked against the value's size. Throws ValidationException.
std::string put_tier(const PutRequest& r, const ParameterVersion* previous) {
  const std::string previous_tier = previous ? previous->tier : "Standard";
  std::string tier = r.tier.value_or(previous_tier);
  if (tier == "Intelligent-Tiering") {
    tier = (r.value.size() > kStandardValueLimit || previous_tier == "Advanced") ? "Advanced"
                                                                                 : "Standard";
  }
  if (previous_tier == "Advanced" && tier == "Standard") {
    throw client_error("ValidationException",
                       "This parameter uses the advanced-parameter tier. You can't downgrade a "
                       "parameter from the advanced-parameter tier to the standard-parameter "
                       "tier.");
  }
  if (r.value.size() > (tier == "Advanced" ? kAdvancedValueLimit : kStandardValueLimit)) {
    throw client_error("ValidationException",
                       tier == "Advanced"
                           ? "Advanced tier parameters support a maximum parameter value of "
                             "8192 characters."
                           : "Standard tier parameters support a maximum parameter value of "
                             "4096 characters. To create a larger parameter value, upgrade "
                             "the parameter to use the advanced-parameter tier.");
  }
  return tier;
}

/// The version a put makes from the current one (null: a new parameter), in AWS's order of
/// checks; everything but the pattern, the version number and the time.
ParameterVersion put_version(const PutRequest& r, const ParameterVersion* previous) {
  if (previous != nullptr && !r.overwrite) {
    throw client_error("ParameterAlreadyExists",
                       "The parameter already exists. To overwrite this value, set the "
                       "overwrite option in the request to true.");
  }
  if (!r.type && previous == nullptr) {
    throw client_error("ValidationException",
                       "A parameter type is required when you create a parameter.");
  }
  ParameterVersion v;
  v.type = r.type ? *r.type : previous->type;
  if (v.type == "SecureString") {
    const bool kept = previous != nullptr && !previous->key_id.empty();
    v.key_id = r.key_id.value_or(kept ? previous->key_id : "alias/aws/ssm");
  } else if (r.key_id) {
    throw client_error("ValidationException",
                       "KeyId is required for SecureString type parameter only.");
  }
  v.value = r.value;
  v.description = r.description.value_or(previous ? previous->description : "");
  v.allowed_pattern = r.allowed_pattern.value_or(previous ? previous->allowed_pattern : "");
  v.data_type = r.data_type.value_or(previous ? previous->data_type : "text");
  v.policies = previous ? previous->policies : "";
  v.tier = put_tier(r, previous);
  return v;
}

/// A pattern checked before the store's lock is taken (so that no pattern holds up other
/// requests): its outcome, or the bad-pattern error, applied where AWS reports it.
struct PatternCheck {
  std::string pattern;
  bool matches = true;
  std::exception_ptr error;
};

PatternCheck check_pattern_early(const std::string& pattern, const std::string& value) {
  PatternCheck check{pattern, true, nullptr};
  try {
    check.matches = pattern.empty() || matches_pattern(pattern, value);
  } catch (const ApiError&) {
    check.error = std::current_exception();
  }
  return check;
}

/// Throws unless v's value matches v's pattern; re-checks only if a concurrent write changed
/// the pattern since `early`.
void require_pattern_match(const ParameterVersion& v, const PatternCheck& early) {
  const bool same = v.allowed_pattern == early.pattern;
  if (same && early.error) std::rethrow_exception(early.error);
  const bool matches =
      same ? early.matches
           : v.allowed_pattern.empty() || matches_pattern(v.allowed_pattern, v.value);
  if (!matches) {
    throw client_error(
        "ParameterPatternMismatchException",
        "Parameter value, cannot be validated against allowedPattern: " + v.allowed_pattern);
  }
  if (v.data_type == "aws:ec2:image" && !full_match("ami-[a-z0-9]{8,17}", v.value)) {
    throw client_error("ValidationException",
                       "Parameter value is not a valid AMI id for data type aws:ec2:image.");
  }
}

/// Appends v to p as its next version, dropping the oldest beyond kMaxVersions.
void append_version(Parameter& p, ParameterVersion v) {
  v.version = p.current().version + 1;
  if (p.versions.size() >= kMaxVersions) {
    if (!p.versions.front().labels.empty()) {
      throw client_error(
          "ParameterMaxVersionLimitExceeded",
          "You attempted to create a new version of " + p.name +
              " by calling the PutParameter API with the overwrite flag. Version " +
              std::to_string(p.versions.front().version) +
              ", the oldest version, can't be deleted because it has a label associated with "
              "it. Move the label to another version of the parameter, and try again.");
    }
    p.versions.erase(p.versions.begin());
  }
  p.versions.push_back(std::move(v));
}

}  // namespace

// ---- actions ----------------------------------------------------------------------------

// The new state of the parameter is built under the store's shared lock (readers go on) and
// moved in under the exclusive one: readers never wait for a copy of a large parameter.
json Actions::put_parameter(const RequestContext& ctx, const json& body) {
  PutRequest r = read_put_request(body);
  const PatternCheck early = check_pattern_early(
      r.allowed_pattern ? *r.allowed_pattern : store_.read([&](const StoreData& data) {
        auto it = data.parameters.find(stored_key(data, r.name));
        return it == data.parameters.end() ? std::string() : it->second.current().allowed_pattern;
      }),
      r.value);
  return store_.write_parameter([&](const StoreData& data) {
    Store::ParameterWrite out{stored_key(data, r.name), {}};
    auto it = data.parameters.find(out.key);
    const Parameter* existing = it == data.parameters.end() ? nullptr : &it->second;
    ParameterVersion v = put_version(r, existing ? &existing->current() : nullptr);
    require_pattern_match(v, early);
    v.last_modified = ctx.now;
    v.last_modified_user = "arn:aws:iam::" + ctx.account_id + ":user/" + ctx.access_key_id;
    if (existing == nullptr) {
      v.version = 1;
      out.next = Parameter{r.name, r.tags.value_or(std::vector<Tag>{}), {std::move(v)}};
    } else {
      out.next = *existing;
      append_version(out.next, std::move(v));
    }
    json reply = {{"Version", out.next.current().version}, {"Tier", out.next.current().tier}};
    return std::make_pair(std::move(out), std::move(reply));
  });
}

json Actions::get_parameter(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  const bool decrypt = in.boolean("WithDecryption", false);
  const ParameterRef ref = parse_parameter_ref(name);
  const StoreData public_sample =
      is_public_parameter_name(ref.name) ? public_parameters(ctx.region) : StoreData{};
  return store_.read([&](const StoreData& data) {
    const StoreData& source = is_public_parameter_name(ref.name) ? public_sample : data;
    if (is_secret_reference(ref.name)) {
      require_decryption_for_reference(decrypt);
      auto p = secret_reference_record(data, ref);
      if (!p) {
        throw client_error("ParameterNotFound",
                           "An error occurred (ParameterNotFound) when referencing Secrets "
                           "Manager: Secrets Manager can't find the specified secret.");
      }
      return json(tools::get_parameter_shape(*p, tools::kWireStyle));
    }
    const Parameter* p = find_parameter(source, ref);
    if (p == nullptr) throw parameter_not_found(ref.name);
    const ParameterVersion* v = select_version(*p, ref);
    if (v == nullptr) {
      if (ref.is_label()) {
        throw client_error(
            "ParameterNotFound",
            "Parameter " + ref.name + " has no version with the label " + ref.selector + ".");
      }
      throw client_error("ParameterVersionNotFound", "Systems Manager could not find version " +
                                                         ref.selector + " of " + ref.name +
                                                         ". Verify the version and try again.");
    }
    return json(tools::get_parameter_shape(parameter_record(ctx, *p, *v, decrypt, ref.selector),
                                           tools::kWireStyle));
  });
}

json Actions::get_parameters(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::vector<std::string> names = in.strings("Names", "names");
  const bool decrypt = in.boolean("WithDecryption", false);
  if (names.empty()) {
    throw validation_error("names", "Member must have length greater than or equal to 1");
  }
  if (names.size() > 10) {
    throw validation_error("names", "Member must have length less than or equal to 10");
  }
  std::vector<std::pair<std::string, ParameterRef>> refs;
  for (const auto& n : names) {
    if (std::any_of(refs.begin(), refs.end(), [&](const auto& r) { return r.first == n; })) {
      continue;  // AWS answers a repeated name once
    }
    refs.emplace_back(n, parse_parameter_ref(n));
    if (is_secret_reference(refs.back().second.name)) require_decryption_for_reference(decrypt);
  }
  const bool any_public = std::any_of(refs.begin(), refs.end(), [](const auto& r) {
    return is_public_parameter_name(r.second.name);
  });
  const StoreData public_sample = any_public ? public_parameters(ctx.region) : StoreData{};
  return store_.read([&](const StoreData& data) {
    GetParametersResult result;
    auto& found = result.parameters;
    auto& invalid = result.invalid_parameters;
    for (const auto& [asked, ref] : refs) {
      if (is_secret_reference(ref.name)) {
        if (auto p = secret_reference_record(data, ref)) {
          found.push_back(std::move(*p));
        } else {
          invalid.push_back(asked);
        }
        continue;
      }
      const Parameter* p =
          find_parameter(is_public_parameter_name(ref.name) ? public_sample : data, ref);
      const ParameterVersion* v = p == nullptr ? nullptr : select_version(*p, ref);
      if (v == nullptr) {
        invalid.push_back(asked);
      } else {
        found.push_back(parameter_record(ctx, *p, *v, decrypt, ref.selector));
      }
    }
    return json(tools::get_parameters_shape(result, tools::kWireStyle));
  });
}

json Actions::get_parameters_by_path(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string path = in.string("Path", "path");
  const bool recursive = in.boolean("Recursive", false);
  const bool decrypt = in.boolean("WithDecryption", false);
  const auto max_results = in.opt_int("MaxResults");
  validate_path(path);
  if (path.starts_with("/aws/reference")) {
    throw client_error("ValidationException",
                       "GetParametersByPath is not supported for Secrets Manager references; "
                       "use GetParameter or GetParameters.");
  }
  check_max_results(max_results, 10);
  const auto filters = read_filters(in.opt_objects("ParameterFilters"), /*by_path=*/true);
  const bool has_token = in.has("NextToken");
  const std::string cursor = cursor_from(in, "GetParametersByPath");
  if (ctx.empty_first_page && !has_token) {
    return json(tools::get_parameters_by_path_shape({}, make_next_token("GetParametersByPath", ""),
                                                    tools::kWireStyle));
  }
  const auto limit = static_cast<std::size_t>(max_results.value_or(10));
  // /aws/service/... is AWS's namespace (no one can create parameters there): the sample.
  const bool public_path = is_public_parameter_name(path);
  const StoreData public_sample = public_path ? public_parameters(ctx.region) : StoreData{};
  return store_.read([&](const StoreData& stored) {
    const StoreData& data = public_path ? public_sample : stored;
    std::vector<ParameterRecord> page;
    std::string last;
    bool more = false;
    auto it = cursor.empty() ? data.parameters.begin() : data.parameters.upper_bound(cursor);
    for (; it != data.parameters.end(); ++it) {
      const Parameter& p = it->second;
      if (!under_path(p.name, path, recursive)) continue;
      const ParameterVersion* v = filter_parameter(p, filters);
      if (v == nullptr) continue;
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.push_back(parameter_record(ctx, p, *v, decrypt, ""));
      last = p.name;
    }
    const std::string token = more ? make_next_token("GetParametersByPath", last) : "";
    return json(tools::get_parameters_by_path_shape(page, token, tools::kWireStyle));
  });
}

json Actions::delete_parameter(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  return store_.write([&](StoreData& data, Changes& changes) {
    const std::string key = stored_key(data, name);
    changes.parameter(key);
    if (data.parameters.erase(key) == 0) throw parameter_not_found(name);
    return json::object();
  });
}

json Actions::delete_parameters(const RequestContext&, const json& body) {
  const Input in(body);
  const std::vector<std::string> names = in.strings("Names", "names");
  if (names.empty()) {
    throw validation_error("names", "Member must have length greater than or equal to 1");
  }
  if (names.size() > 10) {
    throw validation_error("names", "Member must have length less than or equal to 10");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    json deleted = json::array();
    json invalid = json::array();
    for (const auto& n : names) {
      const std::string key = stored_key(data, n);
      changes.parameter(key);
      if (data.parameters.erase(key) > 0) {
        deleted.push_back(n);
      } else if (std::find(deleted.begin(), deleted.end(), n) == deleted.end()) {
        invalid.push_back(n);
      }
    }
    return json{{"DeletedParameters", deleted}, {"InvalidParameters", invalid}};
  });
}

json Actions::label_parameter_version(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  const auto version = in.opt_int("ParameterVersion");
  const std::vector<std::string> labels = in.strings("Labels", "labels");
  if (labels.empty()) {
    throw validation_error("labels", "Member must have length greater than or equal to 1");
  }
  if (labels.size() > 10) {
    throw validation_error("labels", "Member must have length less than or equal to 10");
  }
  // AWS checks the length as a constraint of the request (ValidationException); only labels
  // of a valid length but a bad form come back in InvalidLabels.
  for (const auto& label : labels) {
    if (label.empty() || label.size() > 100) {
      throw validation_error("labels.member", "Member must have length between 1 and 100");
    }
  }
  const ParameterRef ref = parse_parameter_ref(name);
  if (ref.has_selector()) {
    throw client_error("ValidationException",
                       "Name must not carry a selector; give the version in ParameterVersion.");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    const Parameter* found = find_parameter(data, ref);
    if (found == nullptr) throw parameter_not_found(ref.name);
    changes.parameter(found->name);
    Parameter& p = data.parameters.at(found->name);
    const std::int64_t target = version.value_or(p.current().version);
    auto vit = std::find_if(p.versions.begin(), p.versions.end(),
                            [&](const ParameterVersion& v) { return v.version == target; });
    if (vit == p.versions.end()) {
      throw client_error("ParameterVersionNotFound", "Systems Manager could not find version " +
                                                         std::to_string(target) + " of " + p.name +
                                                         ". Verify the version and try again.");
    }
    json invalid = json::array();
    for (const auto& label : labels) {
      if (!is_valid_label(label)) {
        invalid.push_back(label);
        continue;
      }
      if (std::find(vit->labels.begin(), vit->labels.end(), label) != vit->labels.end()) continue;
      for (auto& other : p.versions) {  // a label moves: it is on one version at most
        std::erase(other.labels, label);
      }
      vit->labels.push_back(label);
    }
    if (vit->labels.size() > 10) {
      throw client_error("ParameterVersionLabelLimitExceeded",
                         "A parameter version can have a maximum of 10 labels. Move one or more "
                         "labels to another version and try again.");
    }
    return json{{"InvalidLabels", invalid}, {"ParameterVersion", target}};
  });
}

json Actions::get_parameter_history(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  const bool decrypt = in.boolean("WithDecryption", false);
  const auto max_results = in.opt_int("MaxResults");
  check_max_results(max_results, 50);
  const std::string cursor = cursor_from(in, "GetParameterHistory");
  const ParameterRef ref = parse_parameter_ref(name);
  if (ref.has_selector()) {
    throw client_error("ValidationException", "Name must not carry a selector.");
  }
  const auto limit = static_cast<std::size_t>(max_results.value_or(50));
  return store_.read([&](const StoreData& data) {
    const Parameter* p = find_parameter(data, ref);
    if (p == nullptr) throw parameter_not_found(ref.name);
    std::int64_t after = 0;
    if (!cursor.empty()) {
      try {
        after = std::stoll(cursor);
      } catch (const std::exception&) {
        throw client_error("InvalidNextToken", "The specified token isn't valid.");
      }
    }
    json page = json::array();
    bool more = false;
    std::int64_t last = 0;
    for (const auto& v : p->versions) {
      if (v.version <= after) continue;
      if (page.size() == limit) {
        more = true;
        break;
      }
      json entry = metadata_json(ctx, *p, v);
      entry.erase("ARN");
      entry["Value"] = shown_value(*p, v, decrypt);
      entry["Labels"] = v.labels;
      page.push_back(std::move(entry));
      last = v.version;
    }
    json out = {{"Parameters", page}};
    if (more) out["NextToken"] = make_next_token("GetParameterHistory", std::to_string(last));
    return out;
  });
}

json Actions::describe_parameters(const RequestContext& ctx, const json& body) {
  const Input in(body);
  const auto max_results = in.opt_int("MaxResults");
  check_max_results(max_results, 50);
  const json* legacy = in.opt_objects("Filters");
  const json* modern = in.opt_objects("ParameterFilters");
  if (legacy != nullptr && modern != nullptr) {
    throw client_error("ValidationException",
                       "You can use either Filters or ParameterFilters in a single request.");
  }
  std::vector<StringFilter> filters;
  if (legacy != nullptr) {
    // ParametersFilter: {Key: Name|Type|KeyId, Values}, prefix match for Name as AWS does.
    json converted = json::array();
    for (const auto& f : *legacy) {
      const Input fi(f);
      const std::string key = fi.string("Key", "filters.member.key");
      if (key != "Name" && key != "Type" && key != "KeyId") {
        throw validation_error("filters.member.key",
                               "Member must satisfy enum value set: [Type, KeyId, Name]");
      }
      converted.push_back({{"Key", key},
                           {"Option", key == "Name" ? "BeginsWith" : "Equals"},
                           {"Values", fi.strings("Values", "filters.member.values")}});
    }
    filters = read_filters(&converted, /*by_path=*/false);
  } else {
    filters = read_filters(modern, /*by_path=*/false);
  }
  const std::string cursor = cursor_from(in, "DescribeParameters");
  const auto limit = static_cast<std::size_t>(max_results.value_or(50));
  return store_.read([&](const StoreData& data) {
    json page = json::array();
    std::string last;
    bool more = false;
    auto it = cursor.empty() ? data.parameters.begin() : data.parameters.upper_bound(cursor);
    for (; it != data.parameters.end(); ++it) {
      const ParameterVersion* v = filter_parameter(it->second, filters);
      if (v == nullptr) continue;
      if (page.size() == limit) {
        more = true;
        break;
      }
      // DescribeParameters describes the current version even under a Label filter.
      page.push_back(metadata_json(ctx, it->second, it->second.current()));
      last = it->first;
    }
    json out = {{"Parameters", page}};
    if (more) out["NextToken"] = make_next_token("DescribeParameters", last);
    return out;
  });
}

// ---- UnlabelParameterVersion and tags ------------------------------------------------------

json Actions::unlabel_parameter_version(const RequestContext&, const json& body) {
  const Input in(body);
  const std::string name = in.string("Name", "name");
  const auto version = in.opt_int("ParameterVersion");
  if (!version) throw Input::missing("parameterVersion");
  const std::vector<std::string> labels = in.strings("Labels", "labels");
  if (labels.empty() || labels.size() > 10) {
    throw validation_error("labels", "Member must have length between 1 and 10");
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    const Parameter* found = find_parameter(data, parse_parameter_ref(name));
    if (found == nullptr) throw parameter_not_found(name);
    changes.parameter(found->name);
    Parameter& p = data.parameters.at(found->name);
    auto vit = std::find_if(p.versions.begin(), p.versions.end(),
                            [&](const ParameterVersion& v) { return v.version == *version; });
    if (vit == p.versions.end()) {
      throw client_error("ParameterVersionNotFound",
                         "Systems Manager could not find version " + std::to_string(*version) +
                             " of " + p.name + ". Verify the version and try again.");
    }
    json removed = json::array();
    json invalid = json::array();
    for (const auto& label : labels) {
      if (std::erase(vit->labels, label) > 0) {
        removed.push_back(label);
      } else {
        invalid.push_back(label);  // not on that version
      }
    }
    return json{{"RemovedLabels", removed}, {"InvalidLabels", invalid}};
  });
}

namespace {

/// The parameter a tagging call names: ResourceType must be "Parameter" (the only type
/// ssm-cache-local has); ResourceId is its name.
std::string tagged_parameter_name(const Input& in, const StoreData& data) {
  const std::string type = in.string("ResourceType", "resourceType");
  const std::string id = in.string("ResourceId", "resourceId");
  if (type != "Parameter") {
    throw client_error("InvalidResourceType",
                       "The resource type is not valid: ssm-cache-local tags parameters only.");
  }
  const Parameter* p = find_parameter(data, parse_parameter_ref(id));
  if (p == nullptr) throw client_error("InvalidResourceId", "The resource ID is not valid.");
  return p->name;
}

}  // namespace

json Actions::add_tags_to_resource(const RequestContext&, const json& body) {
  const Input in(body);
  const json* tags_json = in.opt_objects("Tags");
  if (tags_json == nullptr) throw Input::missing("tags");
  std::vector<Tag> tags;
  for (const auto& t : *tags_json) {
    const Input ti(t);
    tags.push_back({ti.string("Key", "tags.member.key"), ti.string("Value", "tags.member.value")});
  }
  return store_.write([&](StoreData& data, Changes& changes) {
    const std::string name = tagged_parameter_name(in, data);
    changes.parameter(name);
    auto& existing = data.parameters.at(name).tags;
    merge_tags(existing, tags);
    if (existing.size() > 50) {
      throw client_error("TooManyTagsError",
                         "The Targets parameter includes too many tags. Remove one or more tags "
                         "and try the request again.");
    }
    return json::object();
  });
}

json Actions::list_tags_for_resource(const RequestContext&, const json& body) {
  const Input in(body);
  return store_.read([&](const StoreData& data) {
    const std::string name = tagged_parameter_name(in, data);
    json list = json::array();
    for (const auto& t : data.parameters.at(name).tags) {
      list.push_back({{"Key", t.key}, {"Value", t.value}});
    }
    return json{{"TagList", list}};
  });
}

json Actions::remove_tags_from_resource(const RequestContext&, const json& body) {
  const Input in(body);
  const std::vector<std::string> keys = in.strings("TagKeys", "tagKeys");
  return store_.write([&](StoreData& data, Changes& changes) {
    const std::string name = tagged_parameter_name(in, data);
    changes.parameter(name);
    std::erase_if(data.parameters.at(name).tags, [&](const Tag& t) {
      return std::find(keys.begin(), keys.end(), t.key) != keys.end();
    });
    return json::object();
  });
}

}  // namespace ssm_cache::local
