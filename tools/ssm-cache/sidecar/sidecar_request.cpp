// sidecar_request.cpp — see sidecar_request.hpp.
#include "sidecar_request.hpp"
#include "common/names.hpp"
#include "common/strings.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ssm_cache::cli {

namespace {

RequestError bad(std::string code, std::string message) {
  return RequestError{400, std::move(code), std::move(message)};
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool valid_name(std::string_view n) {
  return !n.empty() && n.size() <= common::kMaxNameLength && !has_control_chars(n);
}

// GET /systemsmanager/parameters/path?path=/app/&recursive=true
template <typename Get>
std::variant<SidecarRequest, RequestError> parse_path_request(SidecarRequest req, Get get) {
  const auto* path = get("path");
  if (path == nullptr || path->empty()) {
    return bad("MissingParameter", "query parameter 'path' is required");
  }
  if (path->front() != '/' || !valid_name(*path)) {
    return bad("ValidationException", "path must start with '/' (at most 2048 characters)");
  }
  req.name = *path;
  if (req.name.size() > 1 && req.name.back() == '/') req.name.pop_back();
  if (const auto* v = get("recursive")) {
    auto b = common::parse_bool(*v);
    if (!b) return bad("InvalidQueryParameter", "recursive must be true or false");
    req.recursive = *b;
  }
  return req;
}

// GET /systemsmanager/parameters/get?names=a,b,c (at most kMaxBatchNames).
template <typename Get>
std::variant<SidecarRequest, RequestError> parse_names_request(SidecarRequest req, Get get) {
  constexpr std::size_t kMaxBatchNames = 50;
  if (get("name") != nullptr || get("version") != nullptr || get("label") != nullptr) {
    return bad("InvalidQueryParameter", "names cannot be combined with name, version or label");
  }
  const std::string& list = *get("names");
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    std::string n = list.substr(start, comma - start);
    if (!valid_name(n)) {
      return bad("ValidationException", "names must be a comma-separated list of names");
    }
    if (std::find(req.names.begin(), req.names.end(), n) == req.names.end()) {
      req.names.push_back(std::move(n));
    }
    start = comma + 1;
  }
  if (req.names.size() > kMaxBatchNames) {
    return bad("ValidationException", "names holds more than 50 names");
  }
  req.name = list;
  return req;
}

// Which query parameters each endpoint reads; others are ignored, as the AWS extension does.
std::vector<std::string_view> allowed_keys(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kParameter:
      return {"name", "names", "version", "label", "withDecryption", "refreshNow"};
    case Endpoint::kSecret:
      return {"secretId", "versionId", "versionStage", "refreshNow", "jsonKey"};
    case Endpoint::kPath: return {"path", "recursive", "withDecryption", "refreshNow"};
    case Endpoint::kMetrics:
    case Endpoint::kPing: return {};
  }
  return {};
}

using Fields = std::map<std::string, std::string, std::less<>>;

// The endpoint's query parameters by key; a repeated one is an error (which value was meant?).
std::variant<Fields, RequestError> collect_fields(Endpoint endpoint, const QueryParams& query) {
  const auto allowed = allowed_keys(endpoint);
  Fields fields;
  for (const auto& [key, value] : query) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) continue;
    if (!fields.emplace(key, value).second) {
      return bad("RepeatedQueryParameter", "query parameter '" + key + "' is repeated");
    }
  }
  return fields;
}

// A true/false query parameter into `out` when present.
template <typename Get>
std::optional<RequestError> parse_flag(Get get, const char* key, bool& out) {
  const auto* v = get(key);
  if (v == nullptr) return std::nullopt;
  auto b = common::parse_bool(*v);
  if (!b) return bad("InvalidQueryParameter", std::string(key) + " must be true or false");
  out = *b;
  return std::nullopt;
}

// A selector inside the name ("db:3", "arn:...:parameter/db:prod") by the one name grammar,
// as GetParameter reads it; version= and label= may not add a second one.
template <typename Get>
std::optional<RequestError> split_name_selector(SidecarRequest& req, Get get) {
  common::NameRef ref;
  try {
    ref = common::parse_name_ref(req.name);
  } catch (const common::NameSyntaxError& e) {
    return bad("ValidationException", e.what());
  }
  if (!ref.has_selector()) return std::nullopt;
  if (get("version") != nullptr || get("label") != nullptr) {
    return bad("InvalidQueryParameter",
               "the name already holds a selector; do not add version or label");
  }
  req.name = std::move(ref.name);
  (ref.is_version() ? req.version : req.label) = std::move(ref.selector);
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// GET /systemsmanager/parameters/get?name=NAME[:SELECTOR][&version=N|&label=L]
template <typename Get>
std::variant<SidecarRequest, RequestError> parse_parameter_request(SidecarRequest req, Get get) {
  const auto* version = get("version");
  const auto* label = get("label");
  if (version != nullptr && label != nullptr) {
    return bad("InvalidQueryParameter", "give either version or label, not both");
  }
  if (auto err = split_name_selector(req, get)) return std::move(*err);
  if (version != nullptr) {
    if (version->empty() || version->size() > 18 || !all_digits(*version) ||
        std::all_of(version->begin(), version->end(), [](char c) { return c == '0'; })) {
      return bad("InvalidQueryParameter", "version must be a positive integer");
    }
    req.version = *version;
  }
  if (label != nullptr) {
    if (label->empty() || label->size() > 100 || has_control_chars(*label)) {
      return bad("InvalidQueryParameter", "label must be 1 to 100 printable characters");
    }
    req.label = *label;
  }
  return req;
}

// A printable query parameter of 1 to `max` characters into `out` when present.
template <typename Get>
std::optional<RequestError> parse_text(Get get, const char* key, std::size_t max,
                                       std::string& out) {
  const auto* v = get(key);
  if (v == nullptr) return std::nullopt;
  if (v->empty() || v->size() > max || has_control_chars(*v)) {
    return bad("InvalidQueryParameter",
               std::string(key) + " must be 1 to " + std::to_string(max) + " printable characters");
  }
  out = *v;
  return std::nullopt;
}

// GET /secretsmanager/get?secretId=ID[&versionId=V|&versionStage=S][&jsonKey=K]
template <typename Get>
std::variant<SidecarRequest, RequestError> parse_secret_request(SidecarRequest req, Get get) {
  if (get("versionId") != nullptr && get("versionStage") != nullptr) {
    return bad("InvalidQueryParameter", "give either versionId or versionStage, not both");
  }
  if (auto err = parse_text(get, "versionId", 64, req.version)) return std::move(*err);
  if (auto err = parse_text(get, "versionStage", 256, req.label)) return std::move(*err);
  if (auto err = parse_text(get, "jsonKey", 256, req.json_key)) return std::move(*err);
  return req;
}

}  // namespace

std::string SidecarRequest::parameter_selector_name() const {
  if (!version.empty()) return name + ":" + version;
  if (!label.empty()) return name + ":" + label;
  return name;
}

std::string SidecarRequest::cache_key() const {
  std::string key;
  key.reserve(name.size() + version.size() + label.size() + 8);
  // The batch (names=) and by-path answers are entries of their own; jsonKey is applied to
  // the cached secret, so it is not part of the key.
  key += endpoint == Endpoint::kSecret ? 'S'
         : endpoint == Endpoint::kPath ? 'B'
         : names.empty()               ? 'P'
                                       : 'N';
  key += recursive ? 'R' : '-';
  key += with_decryption ? 'D' : 'P';
  key += '\0';
  key += name;
  key += '\0';
  key += version;
  key += '\0';
  key += label;
  return key;
}

bool is_token_header(std::string_view name) {
  return common::iequals(name, kTokenHeader) || common::iequals(name, kVaultTokenHeader);
}

RequestTarget parse_request_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  const auto q = target.find('?');
  RequestTarget out;
  out.path = common::percent_decode(target.substr(0, q), /*plus_is_space=*/false);
  if (q != std::string_view::npos) out.query = parse_query_string(target.substr(q + 1));
  return out;
}

std::variant<Endpoint, RequestError> route(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == kParametersPath) return Endpoint::kParameter;
  if (path == kSecretsPath) return Endpoint::kSecret;
  if (path == kMetricsPath) return Endpoint::kMetrics;
  if (path == kPathsPath) return Endpoint::kPath;
  if (path == kPingPath) return Endpoint::kPing;
  return RequestError{404, "NotFound",
                      "unknown path; use " + std::string(kParametersPath) + "?name=NAME, " +
                          std::string(kSecretsPath) + "?secretId=ID or " +
                          std::string(kMetricsPath)};
}

std::variant<SidecarRequest, RequestError> parse_sidecar_request(Endpoint endpoint,
                                                                 const QueryParams& query) {
  SidecarRequest req;
  req.endpoint = endpoint;
  auto collected = collect_fields(endpoint, query);
  if (auto* err = std::get_if<RequestError>(&collected)) return std::move(*err);
  const Fields& fields = std::get<Fields>(collected);
  auto get = [&](std::string_view k) -> const std::string* {
    auto it = fields.find(k);
    return it == fields.end() ? nullptr : &it->second;
  };
  if (auto err = parse_flag(get, "refreshNow", req.refresh_now)) return std::move(*err);
  if (endpoint == Endpoint::kMetrics || endpoint == Endpoint::kPing) return req;
  if (auto err = parse_flag(get, "withDecryption", req.with_decryption)) return std::move(*err);
  if (endpoint == Endpoint::kPath) return parse_path_request(std::move(req), get);
  if (endpoint == Endpoint::kParameter && get("names") != nullptr) {
    return parse_names_request(std::move(req), get);
  }
  const char* name_key = endpoint == Endpoint::kParameter ? "name" : "secretId";
  const auto* name = get(name_key);
  if (name == nullptr || name->empty()) {
    return bad("MissingParameter", std::string("query parameter '") + name_key + "' is required");
  }
  if (name->size() > 2048 || has_control_chars(*name)) {
    return bad("ValidationException",
               std::string("query parameter '") + name_key +
                   "' is longer than 2048 characters or holds control characters");
  }
  req.name = *name;
  return endpoint == Endpoint::kParameter ? parse_parameter_request(std::move(req), get)
                                          : parse_secret_request(std::move(req), get);
}

}  // namespace ssm_cache::cli
