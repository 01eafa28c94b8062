// sidecar_request.hpp — parsing and validation of the sidecar's HTTP requests, the same query
// API as the AWS Parameters and Secrets Lambda Extension. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/strings.hpp"

namespace ssm_cache::cli {

inline constexpr std::string_view kParametersPath = "/systemsmanager/parameters/get";
inline constexpr std::string_view kSecretsPath = "/secretsmanager/get";
inline constexpr std::string_view kMetricsPath = "/metrics";
// Extensions to the AWS extension's API (docs/sidecar.md).
inline constexpr std::string_view kPathsPath = "/systemsmanager/parameters/path";
inline constexpr std::string_view kPingPath = "/ping";
inline constexpr std::string_view kTokenHeader = "X-Aws-Parameters-Secrets-Token";
/// The Secrets Manager Agent's alternative token header: accepted the same way.
inline constexpr std::string_view kVaultTokenHeader = "X-Vault-Token";

/// Whether a request header carries the token (either name, any case).
bool is_token_header(std::string_view name);

enum class Endpoint { kParameter, kSecret, kMetrics, kPath, kPing };

/// A validated request.
struct SidecarRequest {
  Endpoint endpoint = Endpoint::kParameter;
  std::string name{};  ///< parameter name (without selector) or secret id
  std::string version{};  ///< parameter version ("3") or secret versionId
  std::string label{};  ///< parameter label or secret versionStage
  bool with_decryption = false;  ///< parameters only; the extension's default is false
  bool refresh_now = false;
  /// names=a,b,c on the parameters endpoint (one GetParameters batch); `name` then holds the
  /// list as given.
  std::vector<std::string> names{};
  bool recursive = false;  ///< kPath: recursive=true
  std::string json_key{};  ///< secrets: jsonKey=field, one field of a JSON SecretString

  /// "name", "name:3" or "name:label": what GetParameter is asked for.
  [[nodiscard]] std::string parameter_selector_name() const;
  /// Distinct for every distinct answer: endpoint, name, version/label, decryption.
  [[nodiscard]] std::string cache_key() const;
};

/// A request that is refused before anything is fetched.
struct RequestError {
  int status = 400;
  std::string code{};  ///< e.g. "MissingParameter", "NotFound", "MethodNotAllowed"
  std::string message{};
};

/// Query parameters, split and percent-decoded ('+' a space) by common::parse_query_string.
using common::parse_query_string;
using common::QueryParams;

/// A request target ("/path?query#fragment") as the service takes it: the percent-decoded
/// path ('+' kept) and the parsed query; the fragment is dropped. The event front's only
/// parser, and the one fuzz/fuzz_sidecar_query.cpp exercises.
struct RequestTarget {
  std::string path{};
  QueryParams query{};
};
RequestTarget parse_request_target(std::string_view target);

/// The endpoint a path names (a trailing slash, as published client code writes
/// "/secretsmanager/get/?secretId=", names the same one), or a 404 RequestError.
std::variant<Endpoint, RequestError> route(std::string_view path);

/// Validates the query of an endpoint: missing or repeated parameters, both version and label
/// (or versionId and versionStage), bad booleans or versions: 400. Unknown parameters are
/// ignored, as the AWS extension ignores them.
std::variant<SidecarRequest, RequestError> parse_sidecar_request(Endpoint endpoint,
                                                                 const QueryParams& query);

}  // namespace ssm_cache::cli
