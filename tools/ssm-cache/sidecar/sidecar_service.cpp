// sidecar_service.cpp — see sidecar_service.hpp.
#include "sidecar_service.hpp"

#include <algorithm>

#include "aws_json.hpp"
#include "error_map.hpp"
#include "sidecar_scrub.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::cli {

void UpstreamLimiter::acquire() {
  detail::UniqueLock lock(mu_);
  lock.wait(cv_, [&]() SSM_CACHE_REQUIRES(mu_) { return free_ > 0; });
  --free_;
}

void UpstreamLimiter::release() {
  {
    detail::MutexLock lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

namespace {

SidecarCacheOptions cache_options(const SidecarConfig& c) {
  SidecarCacheOptions o;
  o.capacity = c.cache_enabled ? c.cache_size : 0;
  o.stale_while_refresh = c.stale_while_refresh;
  o.max_stale_if_error = c.max_stale_if_error;
  // Fetches run on the cache's threads, one per upstream slot (PARAMETERS_SECRETS_EXTENSION_
  // MAX_CONNECTIONS); requests wait for them at most the request timeout.
  o.refresh_threads = c.max_connections == 0 ? 1 : c.max_connections;
  o.wait_budget = c.request_timeout;
  return o;
}

std::vector<std::string> scrubbed_values(const SidecarConfig& c) {
  std::vector<std::string> v = c.scrub;
  v.push_back(c.token);
  return v;
}

const char* source_name(CacheSource s) {
  switch (s) {
    case CacheSource::kHit: return "hit";
    case CacheSource::kStale: return "stale";
    case CacheSource::kMiss: return "miss";
    case CacheSource::kBypass: return "bypass";
  }
  return "?";
}

// Constant-time comparison: the token guards secrets, so its check must not leak a prefix.
bool equal_ct(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

SidecarService::SidecarService(SidecarConfig config, std::shared_ptr<AwsClient> ssm,
                               std::shared_ptr<AwsClient> secrets, std::shared_ptr<Logger> logger)
    : config_(std::move(config)),
      ssm_(std::move(ssm)),
      secrets_(std::move(secrets)),
      log_(logger ? std::move(logger) : std::make_shared<Logger>(LogLevel::kNone)),
      scrub_(scrubbed_values(config_)),
      limiter_(config_.max_connections),
      secret_handles_(
          secrets_,
          [this](const char* action, const std::string& what, const std::function<void()>& call) {
            return upstream(action, what, [&] {
              call();
              return std::string{};
            });
          },
          config_.cache_size),
      cache_(cache_options(config_)) {}

void SidecarService::begin_shutdown() {
  cache_.shutdown(SidecarCache::Clock::now() + config_.shutdown_grace);
}

bool SidecarService::token_ok(const std::vector<std::string>& tokens) const {
  if (tokens.size() != 1 || config_.token.empty()) return false;
  return equal_ct(tokens[0], config_.token);
}

std::chrono::milliseconds SidecarService::ttl_for(Endpoint e) const {
  if (!config_.cache_enabled) return std::chrono::milliseconds{0};
  return e == Endpoint::kSecret ? config_.secrets_ttl : config_.ssm_ttl;
}

ServiceResponse SidecarService::refuse(int status, std::string_view code,
                                       std::string_view message) {
  metrics_.count_response_error(status);
  ServiceResponse r;
  r.status = status;
  r.body = error_body(code, message);
  if (status == 405) r.allow = "GET";
  return r;
}

ServiceResponse SidecarService::handle(std::string_view method, std::string_view path,
                                       const QueryParams& query,
                                       const std::vector<std::string>& tokens,
                                       const ClientGone& client_gone) {
  return *answer(method, path, query, tokens, /*may_wait=*/true, client_gone);
}

std::optional<ServiceResponse> SidecarService::try_handle(std::string_view method,
                                                          std::string_view path,
                                                          const QueryParams& query,
                                                          const std::vector<std::string>& tokens) {
  return answer(method, path, query, tokens, /*may_wait=*/false);
}

std::optional<ServiceResponse> SidecarService::answer(
    std::string_view method, std::string_view path, const QueryParams& query,
    const std::vector<std::string>& tokens, bool may_wait, const ClientGone& client_gone) {
  auto routed = route(path);
  if (auto* err = std::get_if<RequestError>(&routed)) {
    return refuse(err->status, err->code, err->message);
  }
  const Endpoint endpoint = std::get<Endpoint>(routed);
  if (method != "GET") {
    return refuse(405, "MethodNotAllowed", "only GET is supported");
  }
  if (endpoint == Endpoint::kPing) {
    // Health checks: no token (a load balancer or kubelet has none), no upstream call.
    return ServiceResponse{200, R"({"status":"ok"})", "application/json", {}};
  }
  if (!token_ok(tokens)) {
    log_->warn_limited("unauthorized", "refused a request without a valid " +
                                           std::string(kTokenHeader) + " header");
    return refuse(401, "Unauthorized",
                  "missing or invalid " + std::string(kTokenHeader) + " (or " +
                      std::string(kVaultTokenHeader) +
                      ") header (it must equal AWS_SESSION_TOKEN, else "
                      "AWS_CONTAINER_AUTHORIZATION_TOKEN, or --token)");
  }
  auto parsed = parse_sidecar_request(endpoint, query);
  if (auto* err = std::get_if<RequestError>(&parsed)) {
    return refuse(err->status, err->code, err->message);
  }
  const SidecarRequest& req = std::get<SidecarRequest>(parsed);
  if (endpoint == Endpoint::kMetrics) {
    ServiceResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render(cache_.size(), cache_.capacity(), cache_.evictions());
    return r;
  }

  SidecarCache::Fetch fetch = fetch_for(req);
  const std::string key = req.cache_key();
  std::optional<CacheResult> found;
  if (may_wait) {
    found = cache_.get(key, ttl_for(endpoint), req.refresh_now, fetch, client_gone);
  } else {
    found = cache_.try_get(key, ttl_for(endpoint), req.refresh_now, fetch);
    if (!found) return std::nullopt;
  }
  const CacheResult& result = *found;
  switch (result.source) {
    case CacheSource::kHit: metrics_.count_hit(); break;
    case CacheSource::kStale: metrics_.count_stale(); break;
    case CacheSource::kMiss: metrics_.count_miss(); break;
    case CacheSource::kBypass: metrics_.count_bypass(); break;
  }
  ServiceResponse r;
  r.status = result.outcome->status;
  r.body = result.outcome->body;
  apply_json_key(req, r);
  if (r.status != 200) metrics_.count_response_error(r.status);
  if (log_->enabled(LogLevel::kDebug)) {
    log_->debug(std::string(endpoint == Endpoint::kSecret ? "secret "
                            : endpoint == Endpoint::kPath ? "path "
                                                          : "parameter ") +
                (endpoint == Endpoint::kParameter ? req.parameter_selector_name() : req.name) +
                " -> " + std::to_string(r.status) + " " + source_name(result.source));
  }
  return r;
}

template <typename Call>
Outcome SidecarService::upstream(const char* action, const std::string& what, Call&& call) {
  limiter_.acquire();
  struct Release {
    UpstreamLimiter& l;
    ~Release() { l.release(); }
  } release{limiter_};
  metrics_.count_upstream_call(action);
  // Upstream text may reflect the signed request: scrubbed before it goes anywhere.
  auto fail = [&](int status, const std::string& raw_code, const std::string& message,
                  bool transient) {
    const std::string code = scrub_secrets(raw_code, scrub_);
    metrics_.count_upstream_error(action, code);
    log_->warn_limited(std::string(action) + '\0' + code, std::string(action) + " " + what +
                                                              " failed: " + code + " (HTTP " +
                                                              std::to_string(status) + ")");
    return Outcome{status, error_body(code, scrub_secrets(message, scrub_)), code, transient};
  };
  try {
    return Outcome{200, call(), {}, false};
  } catch (const std::exception& e) {
    // One table (tools/common/error_map): AWS's own answers pass through, the rest by kind.
    const tools::HttpFailure f = tools::http_failure(e);
    return fail(f.status, f.code, f.message, f.transient);
  }
}

Outcome SidecarService::fetch_parameter(const SidecarRequest& req) {
  const std::string name = req.parameter_selector_name();
  return upstream("GetParameter", name, [&] {
    return get_parameter_body(ssm_->get_parameter(name, req.with_decryption));
  });
}

// Through a library Secret handle (sidecar_secrets.hpp): SidecarCache decides when, the
// library how (stages, version-aware refresh). No handle is kept when caching is off.
Outcome SidecarService::fetch_secret(const SidecarRequest& req) {
  const bool caching = config_.cache_size > 0 && ttl_for(Endpoint::kSecret).count() > 0;
  return secret_handles_.fetch(req, caching);
}

SidecarCache::Fetch SidecarService::fetch_for(const SidecarRequest& req) {
  switch (req.endpoint) {
    case Endpoint::kSecret: return [this, req] { return fetch_secret(req); };
    case Endpoint::kPath: return [this, req] { return fetch_path(req); };
    default:
      if (!req.names.empty()) return [this, req] { return fetch_names(req); };
      return [this, req] { return fetch_parameter(req); };
  }
}

// jsonKey=field: the cached secret, with SecretString narrowed to one field.
void SidecarService::apply_json_key(const SidecarRequest& req, ServiceResponse& r) {
  if (req.json_key.empty() || r.status != 200) return;
  if (auto narrowed = secret_body_json_key(r.body, req.json_key)) {
    r.body = std::move(*narrowed);
    return;
  }
  r.status = 400;
  r.body = error_body("JsonKeyNotFound", "the SecretString of " + req.name +
                                             " is not a JSON object with the key '" + req.json_key +
                                             "'");
}

// names=a,b,c: one answer, GetParameters in chunks of 10 (the API's limit).
Outcome SidecarService::fetch_names(const SidecarRequest& req) {
  return upstream("GetParameters", req.names.front(), [&] {
    GetParametersResult all;
    for (std::size_t i = 0; i < req.names.size(); i += 10) {
      const auto end = std::min(req.names.size(), i + 10);
      std::vector<std::string> chunk(req.names.begin() + static_cast<std::ptrdiff_t>(i),
                                     req.names.begin() + static_cast<std::ptrdiff_t>(end));
      auto part = ssm_->get_parameters(chunk, req.with_decryption);
      for (auto& p : part.parameters) all.parameters.push_back(std::move(p));
      for (auto& n : part.invalid_parameters) all.invalid_parameters.push_back(std::move(n));
    }
    return get_parameters_body(all);
  });
}

Outcome SidecarService::fetch_path(const SidecarRequest& req) {
  return upstream("GetParametersByPath", req.name, [&] {
    return get_parameters_by_path_body(
        ssm_->get_parameters_by_path(req.name, req.recursive, {}, req.with_decryption));
  });
}

void SidecarService::prefetch_secrets(const std::vector<std::string>& ids, PrefetchReport& report) {
  if (ids.empty()) return;
  BatchSecretsResult batch;
  auto out = upstream("BatchGetSecretValue", ids.front(), [&] {
    batch = secrets_->batch_get_secret_value(ids);
    return std::string{};
  });
  if (!out.ok()) {
    for (const auto& id : ids) report.problems.push_back("secret:" + id + ": " + out.error_code);
    return;
  }
  for (const auto& id : ids) {
    auto found = std::find_if(batch.secrets.begin(), batch.secrets.end(),
                              [&](const SecretValue& s) { return s.name == id || s.arn == id; });
    if (found == batch.secrets.end()) {
      report.problems.push_back("secret:" + id + ": ResourceNotFoundException");
      continue;
    }
    SidecarRequest req;
    req.endpoint = Endpoint::kSecret;
    req.name = id;
    cache_.put(req.cache_key(), ttl_for(Endpoint::kSecret),
               Outcome{200, get_secret_value_body(*found), {}, false});
    ++report.loaded;
  }
}

PrefetchReport SidecarService::prefetch(const std::vector<std::string>& items) {
  PrefetchReport report;
  const auto ssm_ttl = ttl_for(Endpoint::kParameter);
  auto store = [&](const ParameterRecord& r) {
    SidecarRequest req;
    req.endpoint = Endpoint::kParameter;
    req.name = r.name;
    req.with_decryption = true;
    const std::string body = get_parameter_body(r);
    cache_.put(req.cache_key(), ssm_ttl, Outcome{200, body, {}, false});
    ++report.loaded;
    if (r.type != "SecureString") {
      // Without decryption the answer is the same for String and StringList.
      req.with_decryption = false;
      cache_.put(req.cache_key(), ssm_ttl, Outcome{200, body, {}, false});
      ++report.loaded;
    }
  };
  auto load_path = [&](std::string path) {
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    auto out = upstream("GetParametersByPath", path, [&] {
      for (const auto& r : ssm_->get_parameters_by_path(path, true, {}, true)) store(r);
      return std::string{};
    });
    if (!out.ok()) report.problems.push_back(path + ": " + out.error_code);
  };

  std::vector<std::string> names;
  std::vector<std::string> secret_ids;
  for (const auto& raw : items) {
    std::string item = raw;
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    if (item.rfind("secret:", 0) == 0) {
      secret_ids.push_back(item.substr(7));
    } else if (item.size() > 1 && item.back() == '/') {
      load_path(item);
    } else {
      names.push_back(item);
    }
  }
  for (std::size_t i = 0; i < names.size(); i += 10) {
    std::vector<std::string> chunk(
        names.begin() + static_cast<std::ptrdiff_t>(i),
        names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), i + 10)));
    GetParametersResult result;
    auto out = upstream("GetParameters", chunk.front(), [&] {
      result = ssm_->get_parameters(chunk, true);
      return std::string{};
    });
    if (!out.ok()) {
      for (const auto& n : chunk) report.problems.push_back(n + ": " + out.error_code);
      continue;
    }
    for (const auto& r : result.parameters) store(r);
    for (const auto& missing : result.invalid_parameters) {
      if (!missing.empty() && missing.front() == '/') {
        std::size_t before = report.loaded;
        load_path(missing);
        if (report.loaded == before) report.problems.push_back(missing + ": ParameterNotFound");
      } else {
        report.problems.push_back(missing + ": ParameterNotFound");
      }
    }
  }
  prefetch_secrets(secret_ids, report);
  return report;
}

}  // namespace ssm_cache::cli
