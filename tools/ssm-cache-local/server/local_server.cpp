// ssm-cache-local/server/local_server.cpp — see local_server.hpp.
#include "local_server.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "aws/sigv4.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"
#include "database.hpp"
#include "persistence.hpp"

namespace ssm_cache::local {

using nlohmann::json;

namespace {

const std::string* find_header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() && common::lower(k) == name) return &v;
  }
  return nullptr;
}

std::string dump(const json& j) {
  // Invalid UTF-8 can only come from echoed header text; never let it abort a reply.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Deepest nesting of arrays/objects, so that hostile input cannot exhaust the stack later.
std::size_t nesting_depth(std::string_view body) {
  std::size_t depth = 0;
  std::size_t max_depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

std::string service_of(std::string_view target) {
  if (target.starts_with("AmazonSSM.")) return "ssm";
  if (target.starts_with("secretsmanager.")) return "secretsmanager";
  return {};
}

HttpResponse error_response(const std::string& request_id, int status, const std::string& code,
                            const std::string& message, bool capital_message) {
  HttpResponse r;
  r.status = status;
  r.error_code = code;
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"},
               {"x-amzn-RequestId", request_id},
               {"x-amzn-ErrorType", code}};
  r.body = dump(json{{"__type", code}, {capital_message ? "Message" : "message", message}});
  return r;
}

}  // namespace

/// The error answers of one API call: its request id, its target, and how its service words
/// errors (Secrets Manager's service errors say "Message", everything else "message").
struct CallErrors {
  std::string request_id;
  std::string target;
  bool secrets = false;
  HttpResponse operator()(int status, const std::string& code, const std::string& message,
                          bool service_error) const {
    HttpResponse r = error_response(request_id, status, code, message, secrets && service_error);
    r.target = target;
    return r;
  }
  HttpResponse operator()(const ApiError& e, bool service_error) const {
    return (*this)(e.status(), e.code(), e.what(), service_error);
  }
};

namespace {

/// Throws ApiError (UnknownOperationException) unless the body is AWS JSON.
void require_json_content_type(const HttpRequest& request) {
  const std::string* content_type = find_header(request, "content-type");
  const std::string ct = content_type ? common::lower(*content_type) : std::string();
  const std::string media = ct.substr(0, ct.find(';'));
  if (media != "application/x-amz-json-1.1" && media != "application/x-amz-json-1.0") {
    throw client_error("UnknownOperationException",
                       "Content-Type must be application/x-amz-json-1.1 for the AWS JSON 1.1 "
                       "protocol (got '" +
                           (content_type ? content_type->substr(0, 100) : std::string()) + "').");
  }
}

/// The request body as a JSON object. Throws ApiError (SerializationException), whose
/// message never quotes the body (it may hold secret values).
json parse_body(const std::string& raw) {
  const std::string_view text = raw.empty() ? std::string_view("{}") : raw;
  if (nesting_depth(text) > 64) {
    throw client_error("SerializationException", "The request body is nested too deeply.");
  }
  json body;
  try {
    body = json::parse(text);
  } catch (const json::parse_error& e) {
    // Only the position: the parser's own message quotes the body, secret values included.
    throw client_error("SerializationException", "The request body is not valid JSON (at byte " +
                                                     std::to_string(e.byte) + ").");
  } catch (const json::exception&) {
    // Valid syntax nlohmann-json still refuses, e.g. a number beyond a double (1e999).
    throw client_error("SerializationException",
                       "The request body holds a number out of range or an invalid value.");
  }
  if (!body.is_object()) {
    throw client_error(
        "SerializationException",
        std::string("The request body must be a JSON object, not ") + body.type_name() + ".");
  }
  return body;
}

/// The answer an injected fault replaces the call with, or nullopt to run the call.
std::optional<HttpResponse> injected_answer(const FaultDecision& fault, const CallErrors& fail) {
  std::optional<HttpResponse> response;
  switch (fault.kind) {
    case FaultKind::kThrottle:
      response = fail(400, "ThrottlingException", "Rate exceeded", false);
      break;
    case FaultKind::kError:
      response = fail(500, fail.secrets ? "InternalServiceError" : "InternalServerError",
                      "An internal error occurred (injected by ssm-cache-local).", true);
      break;
    case FaultKind::kDrop:
      // The connection is lost before the request is processed: nothing changes.
      response.emplace();
      response->delivery = HttpResponse::Delivery::kDrop;
      response->target = fail.target;
      break;
    default: return std::nullopt;
  }
  response->delay = fault.latency;
  return response;
}

/// Throws ApiError unless the signature scope names `service` (and `region`, when set).
void check_scope(const aws::ParsedAuthorization& auth, const std::string& service,
                 const std::string& region) {
  if (auth.service != service) {
    throw client_error("InvalidSignatureException",
                       "Credential should be scoped to correct service: '" + service + "'.");
  }
  if (!region.empty() && auth.region != region) {
    throw client_error("InvalidSignatureException",
                       "Credential should be scoped to a valid region, not '" +
                           auth.region.substr(0, 64) + "'. This server serves '" + region + "'.");
  }
}

/// Throws ApiError unless X-Amz-Date is present, matches the scope's date and is within
/// `skew` of `now`.
void check_request_date(const HttpRequest& request, const aws::ParsedAuthorization& auth,
                        std::chrono::system_clock::time_point now,
                        std::chrono::system_clock::duration skew) {
  const std::string* amz_date = find_header(request, "x-amz-date");
  if (amz_date == nullptr) {
    throw client_error("IncompleteSignatureException",
                       "Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  std::chrono::system_clock::time_point when;
  if (!common::parse_amz_date(*amz_date, when)) {
    throw client_error("IncompleteSignatureException",
                       "X-Amz-Date must be in the ISO-8601 basic format yyyyMMddTHHmmssZ.");
  }
  if (amz_date->substr(0, 8) != auth.date) {
    throw client_error("InvalidSignatureException",
                       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                       "of date from HTTP: '" +
                           auth.date.substr(0, 16) + "' != '" + amz_date->substr(0, 8) + "'.");
  }
  if (when + skew < now) {
    throw client_error("InvalidSignatureException",
                       "Signature expired: " + *amz_date + " is now earlier than " +
                           common::format_amz_date(now - skew) + " (" +
                           common::format_amz_date(now) + " - 15 min.)");
  }
  if (when - skew > now) {
    throw client_error("InvalidSignatureException",
                       "Signature not yet current: " + *amz_date + " is still later than " +
                           common::format_amz_date(now + skew) + " (" +
                           common::format_amz_date(now) + " + 15 min.)");
  }
}

/// Throws ApiError unless Host, X-Amz-Date, X-Amz-Target (and a session token, when sent)
/// are among SignedHeaders.
void check_signed_headers(const HttpRequest& request, const aws::ParsedAuthorization& auth) {
  auto is_signed = [&](std::string_view h) {
    return std::find(auth.signed_headers.begin(), auth.signed_headers.end(), h) !=
           auth.signed_headers.end();
  };
  // Unsigned, these could be changed by whoever replays a captured request: a GetParameter
  // replayed as DeleteParameter, to another host, or later.
  for (const auto& [header, shown] :
       {std::pair{"host", "Host"}, std::pair{"x-amz-date", "X-Amz-Date"},
        std::pair{"x-amz-target", "X-Amz-Target"}}) {
    if (!is_signed(header)) {
      throw client_error("IncompleteSignatureException",
                         std::string("'") + shown +
                             "' must be a 'SignedHeader' in the AWS "
                             "Authorization.");
    }
  }
  // A session token cannot be validated locally; it is accepted when the signature covers it.
  if (find_header(request, "x-amz-security-token") != nullptr &&
      !is_signed("x-amz-security-token")) {
    throw client_error("IncompleteSignatureException",
                       "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS "
                       "Authorization.");
  }
}

LoadDefaults load_defaults(const ServerOptions& options) {
  LoadDefaults defaults;
  defaults.region = options.region.empty() ? "us-east-1" : options.region;
  defaults.account_id = options.account_id;
  defaults.now = common::epoch_seconds(wall_now(options.clock.get()));
  return defaults;
}

}  // namespace

LocalServer::LocalServer(ServerOptions options)
    : options_(std::move(options)),
      random_(options_.seed),
      faults_(options_.faults, options_.seed) {
  open_stores(std::nullopt);
  if (options_.admin && options_.admin_token.empty()) options_.admin_token = random_hex_token(16);
}

LocalServer::LocalServer(ServerOptions options, StoreData initial)
    : options_(std::move(options)),
      random_(options_.seed),
      faults_(options_.faults, options_.seed) {
  open_stores(std::move(initial));
  if (options_.admin && options_.admin_token.empty()) options_.admin_token = random_hex_token(16);
}

std::chrono::system_clock::time_point LocalServer::now() const {
  return wall_now(options_.clock.get());
}

LocalServer::~LocalServer() = default;

std::string LocalServer::default_region() const {
  return options_.region.empty() ? "us-east-1" : options_.region;
}

// The stores of options.data_file's database, one per region it holds; on first start from
// a JSON data file, that file imported into the default region. `initial`, when given,
// replaces the default region's contents.
void LocalServer::open_stores(std::optional<StoreData> initial) {
  std::map<std::string, StoreData> regions;
  if (!options_.data_file.empty()) {
    const DataPaths paths = data_paths(options_.data_file);
    db_ = std::make_unique<Database>(paths.database);
    if (initial) {
      db_->save_all(default_region(), *initial);
      regions[default_region()] = std::move(*initial);
    } else if (!paths.json_import.empty() && db_->empty()) {
      StoreData data = load_store_file(paths.json_import, load_defaults(options_), random_);
      db_->save_all(default_region(), data);
      regions[default_region()] = std::move(data);
    } else {
      regions = db_->load(load_defaults(options_), random_);
    }
  } else if (initial) {
    regions[default_region()] = std::move(*initial);
  }
  for (auto& [region, data] : regions) {
    stores_.emplace(region, std::make_unique<Store>(std::move(data), db_.get(), region));
  }
}

Store& LocalServer::store_for(const std::string& region) {
  detail::MutexLock lock(stores_mu_);
  auto& store = stores_[region];
  if (!store) store = std::make_unique<Store>(StoreData{}, db_.get(), region);
  return *store;
}

std::pair<std::size_t, std::size_t> LocalServer::sizes() const {
  detail::MutexLock lock(stores_mu_);
  std::pair<std::size_t, std::size_t> total{0, 0};
  for (const auto& [region, store] : stores_) {
    const auto [p, s] = store->read(
        [](const StoreData& d) { return std::make_pair(d.parameters.size(), d.secrets.size()); });
    total.first += p;
    total.second += s;
  }
  return total;
}

HttpResponse LocalServer::too_large(std::size_t content_length) {
  return error_response(random_.uuid4(), 413, "RequestEntityTooLargeException",
                        "Request body of " + std::to_string(content_length) +
                            " bytes exceeds the limit of " + std::to_string(kMaxRequestBody) +
                            " bytes.",
                        false);
}

bool LocalServer::host_allowed(const HttpRequest& request) const {
  const std::string* host_header = find_header(request, "host");
  if (host_header == nullptr) return false;
  const std::string host = host_of_header(*host_header);
  if (is_loopback_name(host)) return true;
  return std::any_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(),
                     [&](const std::string& allowed) { return common::lower(allowed) == host; });
}

HttpResponse LocalServer::handle(const HttpRequest& request) {
  if (!host_allowed(request)) {
    // A browser led here by a rebinding DNS name sends that name: refuse before anything runs.
    return error_response(random_.uuid4(), 403, "AccessDeniedException",
                          "ssm-cache-local serves loopback Host names only (localhost, "
                          "127.0.0.1, [::1]); start it with --allow-host NAME to serve another.",
                          false);
  }
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path.starts_with("/_local/") || path == "/_local") return handle_admin(request);
  return handle_api(request);
}

HttpResponse LocalServer::handle_admin(const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  auto reply = [](int status, const json& body) {
    HttpResponse r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = dump(body) + "\n";
    return r;
  };
  if (!options_.admin) {
    return reply(404, {{"message",
                        "the admin endpoints are disabled; start ssm-cache-local "
                        "with --admin to use " +
                            path}});
  }
  const std::string* authorization = find_header(request, "authorization");
  const std::string expected = "Bearer " + options_.admin_token;
  if (authorization == nullptr || !aws::constant_time_equals(*authorization, expected)) {
    return reply(401, {{"message",
                        "the admin endpoints need 'Authorization: Bearer TOKEN' with "
                        "the --admin-token given or printed at start"}});
  }
  const std::string& m = request.method;
  if (path == "/_local/health" && m == "GET") return reply(200, {{"status", "ok"}});
  if (path == "/_local/stats") {
    if (m == "GET") return reply(200, stats_.to_json());
    if (m == "DELETE") {
      stats_.reset();
      return reply(200, stats_.to_json());
    }
  }
  if (path == "/_local/faults") {
    if (m == "GET") return reply(200, to_json(faults_.get()));
    if (m == "DELETE") {
      faults_.set({});
      return reply(200, to_json(faults_.get()));
    }
    if (m == "PUT" || m == "POST") {
      try {
        const json body = json::parse(request.body.empty() ? "{}" : request.body);
        // PUT replaces the configuration; POST changes only the fields given.
        faults_.set(parse_fault_config(body, m == "PUT" ? FaultConfig{} : faults_.get()));
      } catch (const json::exception&) {
        // Never the parser's text: it quotes the body back.
        return reply(400, {{"message", "malformed JSON"}});
      } catch (const std::invalid_argument& e) {
        return reply(400, {{"message", e.what()}});
      }
      return reply(200, to_json(faults_.get()));
    }
  }
  return reply(404, {{"message", "unknown admin endpoint " + m + " " + path +
                                     " (GET /_local/stats, DELETE /_local/stats, "
                                     "GET|PUT|POST|DELETE /_local/faults, GET /_local/health)"}});
}

std::pair<std::string, std::string> LocalServer::authenticate(
    const HttpRequest& request, std::string_view target,
    std::chrono::system_clock::time_point now) {
  const std::string* authorization = find_header(request, "authorization");
  if (authorization == nullptr) {
    throw client_error("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  aws::ParsedAuthorization auth;
  if (!aws::parse_authorization(*authorization, auth)) {
    throw client_error("IncompleteSignatureException",
                       "Authorization header requires 'Credential', 'Signature' and "
                       "'SignedHeaders' parameters of an AWS4-HMAC-SHA256 signature.");
  }
  auto cred = options_.credentials.find(auth.access_key_id);
  if (cred == options_.credentials.end()) {
    throw client_error("UnrecognizedClientException",
                       "The security token included in the request is invalid.");
  }
  check_scope(auth, service_of(target), options_.region);
  check_request_date(request, auth, now, options_.max_clock_skew);
  check_signed_headers(request, auth);
  const aws::SignableRequest signable{request.method, request.target, request.headers,
                                      request.body};
  const std::string expected = aws::expected_signature(signable, cred->second);
  if (expected.empty()) {
    throw client_error("IncompleteSignatureException",
                       "A header listed in SignedHeaders is missing from the request.");
  }
  if (!aws::constant_time_equals(expected, auth.signature)) {
    throw client_error("InvalidSignatureException",
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method. Consult "
                       "the service documentation for details.");
  }
  return {auth.region, auth.access_key_id};
}

HttpResponse LocalServer::handle_api(const HttpRequest& request) {
  const std::string request_id = random_.uuid4();
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method != "POST" || path != "/") {
    return error_response(request_id, 404, "UnknownOperationException",
                          "ssm-cache-local serves the AWS JSON 1.1 protocol: POST / with an "
                          "X-Amz-Target header (got " +
                              request.method.substr(0, 16) + " " + path.substr(0, 200) + ").",
                          false);
  }
  if (request.body.size() > kMaxRequestBody) return too_large(request.body.size());

  const std::string* target_header = find_header(request, "x-amz-target");
  const std::string target = target_header ? *target_header : std::string();
  if (!Actions::is_known_target(target)) {
    HttpResponse r =
        error_response(request_id, 400, "UnknownOperationException",
                       target.empty() ? "Missing X-Amz-Target header."
                                      : "Unknown operation " + target.substr(0, 200) + ".",
                       false);
    r.target = target.substr(0, 200);
    return r;
  }
  stats_.count_call(target);
  return handle_call(request,
                     CallErrors{request_id, target, service_of(target) == "secretsmanager"});
}

// A known action: checks (content type, signature), faults, then the action itself.
HttpResponse LocalServer::handle_call(const HttpRequest& request, const CallErrors& fail) {
  const auto wall = now();
  RequestContext ctx;
  try {
    require_json_content_type(request);
    auto [region, access_key] = authenticate(request, fail.target, wall);
    ctx.region = options_.region.empty() ? region : options_.region;
    ctx.access_key_id = access_key;
  } catch (const ApiError& e) {
    return fail(e, false);
  }
  ctx.account_id = options_.account_id;
  ctx.now = common::epoch_seconds(wall);

  const FaultDecision fault = faults_.decide(fail.target, std::chrono::steady_clock::now());
  stats_.count_fault(fault.kind);
  ctx.empty_first_page = fault.empty_first_page;
  if (auto injected = injected_answer(fault, fail)) return *injected;

  HttpResponse response;
  try {
    const json body = parse_body(request.body);
    try {
      // AWS keeps one store per region: the region the request was signed for.
      Actions actions(store_for(ctx.region), random_);
      response.body = dump(actions.call(fail.target, ctx, body));
    } catch (const ApiError& e) {
      response = fail(e, true);
    }
  } catch (const ApiError& e) {
    response = fail(e, false);
  } catch (const std::exception& e) {
    // A failed write (disk full, permissions): nothing was changed, the client may retry.
    response =
        fail(500, fail.secrets ? "InternalServiceError" : "InternalServerError",
             std::string("ssm-cache-local could not complete the request: ") + e.what(), true);
  }
  if (response.status == 200) {
    response.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                        {"x-amzn-RequestId", fail.request_id}};
    response.target = fail.target;
  }
  response.delay = fault.latency;
  if (fault.kind == FaultKind::kTruncate) response.delivery = HttpResponse::Delivery::kTruncate;
  return response;
}

}  // namespace ssm_cache::local
