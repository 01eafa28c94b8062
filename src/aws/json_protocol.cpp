// aws/json_protocol.cpp — AWS JSON 1.1 request bodies, response parsers and error mapping.
// Pure functions; thread-safe.
#include "aws/json_protocol.hpp"
#include "common/base64.hpp"
#include "common/time.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace ssm_cache::aws {

using nlohmann::json;

namespace {

// dump() that turns invalid UTF-8 in a name into a typed error instead of json::type_error.
std::string dump(const json& j, std::string_view what) {
  try {
    return j.dump();
  } catch (const json::type_error&) {
    throw InvalidNameError(std::string(what) + " is not valid UTF-8");
  }
}

std::string describe(const ResponseContext& ctx, std::size_t size) {
  std::string s = ctx.operation;
  if (!ctx.subject.empty()) s += " (" + ctx.subject + ")";
  s +=
      ": the response (HTTP " + std::to_string(ctx.status) + ", " + std::to_string(size) + " bytes";
  if (!ctx.request_id.empty()) s += ", request id " + ctx.request_id;
  s += ")";
  return s;
}

// Reads fields of one response document and reports problems with their JSON path.
class Reader {
 public:
  Reader(std::string_view body, const ResponseContext& ctx) : ctx_(ctx), size_(body.size()) {
    if (body.empty()) fail_raw("is empty, expected a JSON object");
    try {
      doc_ = json::parse(body);
    } catch (const json::parse_error& e) {
      // e.what() quotes the bytes it read; the body may hold secret values, so only the offset.
      fail_raw("is not valid JSON (syntax error near byte " + std::to_string(e.byte) + ")");
    } catch (const json::exception&) {
      // Valid syntax the parser still refuses, e.g. a number too large for a double (1e999).
      fail_raw("is not usable JSON (a number out of range or an invalid value)");
    }
    if (!doc_.is_object()) fail_raw("is not a JSON object");
  }

  const json& doc() const { return doc_; }

  [[noreturn]] void fail_raw(const std::string& problem) const {
    throw ResponseError(describe(ctx_, size_) + " " + problem +
                        "; the server does not speak the expected protocol or the body was "
                        "damaged in transit");
  }
  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    fail_raw("has field '" + path + "' " + problem);
  }

  const json* find(const json& obj, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string str(const json& obj, const char* key, const std::string& path, bool required) const {
    const json* v = find(obj, key);
    if (v == nullptr) {
      if (required) fail(path + key, "missing");
      return {};
    }
    if (!v->is_string()) fail(path + key, "that is not a string");
    return v->get<std::string>();
  }

  std::optional<std::string> opt_str(const json& obj, const char* key,
                                     const std::string& path) const {
    const json* v = find(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) fail(path + key, "that is not a string");
    return v->get<std::string>();
  }

  std::int64_t integer(const json& obj, const char* key, const std::string& path) const {
    const json* v = find(obj, key);
    if (v == nullptr) return 0;
    if (!v->is_number_integer()) fail(path + key, "that is not an integer");
    return v->get<std::int64_t>();
  }

  std::chrono::system_clock::time_point time(const json& obj, const char* key,
                                             const std::string& path) const {
    const json* v = find(obj, key);
    if (v == nullptr) return {};
    if (!v->is_number()) fail(path + key, "that is not a timestamp in epoch seconds");
    const double d = v->get<double>();
    // system_clock counts int64 nanoseconds: about +-9.2e9 s (years 1677 to 2262).
    if (!std::isfinite(d) || std::fabs(d) > common::kMaxEpochSeconds)
      fail(path + key, "out of range");
    return common::from_epoch_seconds(d);
  }

  const json& array(const json& obj, const char* key, const std::string& path) const {
    static const json kEmpty = json::array();
    const json* v = find(obj, key);
    if (v == nullptr) return kEmpty;
    if (!v->is_array()) fail(path + key, "that is not an array");
    return *v;
  }

  const json& object_at(const json& arr, std::size_t i, const std::string& path) const {
    const json& v = arr[i];
    if (!v.is_object()) fail(path + "[" + std::to_string(i) + "]", "that is not an object");
    return v;
  }

  std::vector<std::string> strings(const json& obj, const char* key,
                                   const std::string& path) const {
    std::vector<std::string> out;
    const json& arr = array(obj, key, path);
    out.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_string()) {
        fail(path + key + "[" + std::to_string(i) + "]", "that is not a string");
      }
      out.push_back(arr[i].get<std::string>());
    }
    return out;
  }

 private:
  const ResponseContext& ctx_;
  std::size_t size_;
  json doc_;
};

ParameterRecord read_parameter(const Reader& r, const json& p, const std::string& path) {
  ParameterRecord rec;
  rec.name = r.str(p, "Name", path, true);
  rec.type = r.str(p, "Type", path, false);
  rec.value = r.str(p, "Value", path, true);
  rec.version = r.integer(p, "Version", path);
  rec.selector = r.str(p, "Selector", path, false);
  rec.arn = r.str(p, "ARN", path, false);
  rec.last_modified = r.time(p, "LastModifiedDate", path);
  rec.data_type = r.str(p, "DataType", path, false);
  rec.source_result = r.str(p, "SourceResult", path, false);
  return rec;
}

std::vector<ParameterRecord> read_parameters(const Reader& r, const json& doc) {
  const json& arr = r.array(doc, "Parameters", "");
  std::vector<ParameterRecord> out;
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string path = "Parameters[" + std::to_string(i) + "].";
    out.push_back(read_parameter(r, r.object_at(arr, i, "Parameters"), path));
  }
  return out;
}

SecretValue read_secret(const Reader& r, const json& s, const std::string& path) {
  SecretValue v;
  v.arn = r.str(s, "ARN", path, false);
  v.name = r.str(s, "Name", path, false);
  v.version_id = r.str(s, "VersionId", path, false);
  v.secret_string = r.opt_str(s, "SecretString", path);
  if (auto b64 = r.opt_str(s, "SecretBinary", path)) {
    std::string bytes;
    if (!common::base64_decode(*b64, bytes))
      r.fail(path + "SecretBinary", "that is not valid base64");
    v.secret_binary = std::move(bytes);
  }
  v.version_stages = r.strings(s, "VersionStages", path);
  v.created_date = r.time(s, "CreatedDate", path);
  return v;
}

}  // namespace

std::string build_get_parameters_body(const std::vector<std::string>& names, bool with_decryption) {
  json j = json::object();
  j["Names"] = names;
  j["WithDecryption"] = with_decryption;
  return dump(j, "a parameter name");
}

std::string build_get_parameter_body(std::string_view name, bool with_decryption) {
  json j = json::object();
  j["Name"] = std::string(name);
  j["WithDecryption"] = with_decryption;
  return dump(j, "the parameter name");
}

std::string build_get_parameters_by_path_body(std::string_view path, bool recursive,
                                              const std::vector<Filter>& filters,
                                              bool with_decryption, std::string_view next_token,
                                              int max_results) {
  json j = json::object();
  j["MaxResults"] = max_results;
  if (!next_token.empty()) j["NextToken"] = std::string(next_token);
  if (!filters.empty()) {
    json arr = json::array();
    for (const Filter& f : filters) {
      if (f.key != "Type" && f.key != "KeyId" && f.key != "Label") {
        throw InvalidFilterError(
            "GetParametersByPath accepts filter keys Type, KeyId and "
            "Label, not '" +
            f.key + "'");
      }
      json jf = json::object();
      jf["Key"] = f.key;
      if (!f.option.empty()) jf["Option"] = f.option;
      jf["Values"] = f.values;
      arr.push_back(std::move(jf));
    }
    j["ParameterFilters"] = std::move(arr);
  }
  j["Path"] = std::string(path);
  j["Recursive"] = recursive;
  j["WithDecryption"] = with_decryption;
  return dump(j, "the path or a filter value");
}

std::string build_get_secret_value_body(std::string_view secret_id, std::string_view version_id,
                                        std::string_view version_stage) {
  json j = json::object();
  j["SecretId"] = std::string(secret_id);
  if (!version_id.empty()) j["VersionId"] = std::string(version_id);
  if (!version_stage.empty()) j["VersionStage"] = std::string(version_stage);
  return dump(j, "the secret id");
}

std::string build_batch_get_secret_value_body(const std::vector<std::string>& ids,
                                              std::string_view next_token) {
  json j = json::object();
  if (!next_token.empty()) j["NextToken"] = std::string(next_token);
  j["SecretIdList"] = ids;
  return dump(j, "a secret id");
}

GetParametersResult parse_get_parameters_response(std::string_view body,
                                                  const ResponseContext& ctx) {
  Reader r(body, ctx);
  GetParametersResult out;
  out.parameters = read_parameters(r, r.doc());
  out.invalid_parameters = r.strings(r.doc(), "InvalidParameters", "");
  return out;
}

ParameterRecord parse_get_parameter_response(std::string_view body, const ResponseContext& ctx) {
  Reader r(body, ctx);
  const json* p = r.find(r.doc(), "Parameter");
  if (p == nullptr) r.fail("Parameter", "missing");
  if (!p->is_object()) r.fail("Parameter", "that is not an object");
  return read_parameter(r, *p, "Parameter.");
}

ParametersPage parse_get_parameters_by_path_response(std::string_view body,
                                                     const ResponseContext& ctx) {
  Reader r(body, ctx);
  ParametersPage page;
  page.parameters = read_parameters(r, r.doc());
  page.next_token = r.str(r.doc(), "NextToken", "", false);
  return page;
}

SecretValue parse_get_secret_value_response(std::string_view body, const ResponseContext& ctx) {
  Reader r(body, ctx);
  SecretValue v = read_secret(r, r.doc(), "");
  if (!v.secret_string && !v.secret_binary) {
    r.fail("SecretString", "missing (and no SecretBinary either)");
  }
  return v;
}

SecretDescription parse_describe_secret_response(std::string_view body,
                                                 const ResponseContext& ctx) {
  Reader r(body, ctx);
  SecretDescription d;
  d.arn = r.str(r.doc(), "ARN", "", false);
  d.name = r.str(r.doc(), "Name", "", false);
  if (const json* stages = r.find(r.doc(), "VersionIdsToStages")) {
    if (!stages->is_object()) r.fail("VersionIdsToStages", "that is not an object");
    for (const auto& [version, list] : stages->items()) {
      d.version_ids_to_stages[version] = r.strings(*stages, version.c_str(), "VersionIdsToStages.");
    }
  }
  if (r.find(r.doc(), "NextRotationDate") != nullptr) {
    d.next_rotation_date = r.time(r.doc(), "NextRotationDate", "");
  }
  return d;
}

SecretsPage parse_batch_get_secret_value_response(std::string_view body,
                                                  const ResponseContext& ctx) {
  Reader r(body, ctx);
  SecretsPage page;
  const json& values = r.array(r.doc(), "SecretValues", "");
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string path = "SecretValues[" + std::to_string(i) + "].";
    page.result.secrets.push_back(read_secret(r, r.object_at(values, i, "SecretValues"), path));
  }
  const json& errors = r.array(r.doc(), "Errors", "");
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const std::string path = "Errors[" + std::to_string(i) + "].";
    const json& e = r.object_at(errors, i, "Errors");
    BatchSecretsResult::Failure f;
    f.secret_id = r.str(e, "SecretId", path, false);
    f.error_code = r.str(e, "ErrorCode", path, false);
    f.message = r.str(e, "ErrorMessage", path, false);
    if (f.message.empty()) f.message = r.str(e, "Message", path, false);
    page.result.errors.push_back(std::move(f));
  }
  page.next_token = r.str(r.doc(), "NextToken", "", false);
  return page;
}

std::string error_code_from_type(std::string_view type) {
  if (auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  return std::string(type);
}

AwsError parse_error_response(const http::Response& response, std::string_view operation,
                              std::string_view subject, std::string_view url) {
  std::string code;
  std::string message;
  bool document = false;
  if (!response.body.empty()) {
    json doc = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object()) {
      auto take = [&](const char* key) -> std::string {
        auto it = doc.find(key);
        return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      const std::string type = take("__type");
      if (!type.empty()) {
        code = error_code_from_type(type);
        document = true;
      }
      message = take("message");
      if (message.empty()) message = take("Message");
      if (!message.empty()) document = true;
    }
  }
  if (code.empty()) code = error_code_from_type(response.header("x-amzn-ErrorType"));
  std::string request_id = response.header("x-amzn-RequestId");
  if (request_id.empty()) request_id = response.header("x-amz-request-id");

  std::string what(operation);
  if (!subject.empty()) what += " (" + std::string(subject) + ")";
  what += " on " + std::string(url) + " failed: ";
  what += code.empty() ? std::string("no AWS error code") : code;
  what += " (HTTP " + std::to_string(response.status);
  if (!request_id.empty()) what += ", request id " + request_id;
  what += ")";
  if (!message.empty()) {
    what += ": " + message;  // AWS messages name resources, never values
  } else if (!document) {
    // Not an AWS error document (a proxy's HTML page, say): say so without quoting it.
    const std::string type = response.header("Content-Type");
    what += ": the body (" + std::to_string(response.body.size()) + " bytes" +
            (type.empty() ? std::string() : ", " + type) + ") is not an AWS error document";
  }
  return AwsError(what, std::move(code), std::move(message), response.status,
                  std::move(request_id));
}

// ---- writes ----------------------------------------------------------------------------

std::string build_put_parameter_body(std::string_view name, std::string_view value,
                                     const PutParameterOptions& options) {
  json j = json::object();
  if (!options.description.empty()) j["Description"] = options.description;
  if (!options.key_id.empty()) j["KeyId"] = options.key_id;
  j["Name"] = std::string(name);
  j["Overwrite"] = options.overwrite;
  if (!options.tier.empty()) j["Tier"] = options.tier;
  j["Type"] = options.type;
  j["Value"] = std::string(value);
  return dump(j, "the name, value or description");
}

std::string build_put_secret_value_body(std::string_view secret_id, std::string_view value,
                                        std::string_view client_request_token) {
  json j = json::object();
  j["ClientRequestToken"] = std::string(client_request_token);
  j["SecretId"] = std::string(secret_id);
  j["SecretString"] = std::string(value);
  return dump(j, "the secret id or value");
}

PutParameterResult parse_put_parameter_response(std::string_view body, const ResponseContext& ctx) {
  Reader r(body, ctx);
  const std::int64_t version = r.integer(r.doc(), "Version", "");
  if (version < 1) r.fail("Version", "missing or not a version (1, 2, ...)");
  return {version, r.str(r.doc(), "Tier", "", false)};
}

PutSecretResult parse_put_secret_value_response(std::string_view body, const ResponseContext& ctx) {
  Reader r(body, ctx);
  PutSecretResult out;
  out.arn = r.str(r.doc(), "ARN", "", false);
  out.name = r.str(r.doc(), "Name", "", false);
  out.version_id = r.str(r.doc(), "VersionId", "", true);
  if (r.find(r.doc(), "VersionStages") != nullptr) {
    out.version_stages = r.strings(r.doc(), "VersionStages", "");
  }
  return out;
}

}  // namespace ssm_cache::aws
