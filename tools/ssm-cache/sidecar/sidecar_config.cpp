// sidecar_config.cpp — see sidecar_config.hpp.
#include "sidecar_config.hpp"
#include "common/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace ssm_cache::cli {

namespace {

std::uint64_t parse_uint(std::string_view text) {
  if (text.empty() || text.size() > 15 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw std::invalid_argument("'" + std::string(text) + "' is not a non-negative integer");
  }
  return std::stoull(std::string(text));
}

template <typename F>
void read(const common::Environment& env, std::string_view name, F&& apply) {
  auto v = env(name);
  if (!v) return;
  // The extension treats an empty variable as unset.
  if (v->empty()) return;
  try {
    apply(*v);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string(name) + ": " + e.what());
  }
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::string_view digits = text;
  std::uint64_t scale = 1000;  // bare numbers are seconds, as in the extension
  auto ends_with = [&](std::string_view s) {
    return digits.size() > s.size() && digits.substr(digits.size() - s.size()) == s;
  };
  if (ends_with("ms")) {
    scale = 1;
    digits.remove_suffix(2);
  } else if (ends_with("s")) {
    digits.remove_suffix(1);
  } else if (ends_with("m")) {
    scale = 60'000;
    digits.remove_suffix(1);
  } else if (ends_with("h")) {
    scale = 3'600'000;
    digits.remove_suffix(1);
  }
  try {
    return std::chrono::milliseconds(static_cast<std::int64_t>(parse_uint(digits) * scale));
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a duration (seconds, or a number with ms/s/m/h)");
  }
}

namespace {

/// "true"/"false" (any case), "1"/"0". Throws std::invalid_argument.
bool parse_bool_setting(std::string_view text) {
  if (const auto b = common::parse_bool(text, common::BoolWords::with_digits)) return *b;
  throw std::invalid_argument("'" + std::string(text) + "' is not true or false");
}

}  // namespace

SidecarConfig sidecar_config_from_env(const common::Environment& env) {
  SidecarConfig c;
  read(env, "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", [&](const std::string& v) {
    auto port = parse_uint(v);
    if (port > 65535) throw std::invalid_argument("'" + v + "' is not a port (0-65535)");
    c.port = static_cast<int>(port);
  });
  read(env, "PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED",
       [&](const std::string& v) { c.cache_enabled = parse_bool_setting(v); });
  read(env, "PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE",
       [&](const std::string& v) { c.cache_size = parse_uint(v); });
  read(env, "PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS", [&](const std::string& v) {
    c.max_connections = parse_uint(v);
    if (c.max_connections == 0) throw std::invalid_argument("must be at least 1");
  });
  read(env, "PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL",
       [&](const std::string& v) { c.log_level = parse_log_level(v); });
  read(env, "SSM_PARAMETER_STORE_TTL",
       [&](const std::string& v) { c.ssm_ttl = parse_duration(v); });
  read(env, "SECRETS_MANAGER_TTL",
       [&](const std::string& v) { c.secrets_ttl = parse_duration(v); });
  read(env, "SSM_PARAMETER_STORE_TIMEOUT_MILLIS",
       [&](const std::string& v) { c.ssm_timeout = std::chrono::milliseconds(parse_uint(v)); });
  read(env, "SECRETS_MANAGER_TIMEOUT_MILLIS",
       [&](const std::string& v) { c.secrets_timeout = std::chrono::milliseconds(parse_uint(v)); });
  for (const char* name : {"AWS_SESSION_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
                           "AWS_CONTAINER_AUTHORIZATION_TOKEN"}) {
    if (auto v = env(name); v && !v->empty()) c.scrub.push_back(*v);
  }
  // As the Secrets Manager Agent: the session token, else the container authorization token
  // (Lambda SnapStart and container credentials set it instead).
  if (auto token = env("AWS_SESSION_TOKEN"); token && !token->empty()) {
    c.token = *token;
  } else if (auto container = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    c.token = *container;
  }
  if (auto api = env("AWS_LAMBDA_RUNTIME_API"); api && !api->empty()) c.lambda_runtime_api = *api;
  return c;
}

}  // namespace ssm_cache::cli
