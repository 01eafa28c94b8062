// aws/credentials_sso.cpp — see credentials_sso.hpp. The wire facts follow botocore
// (botocore.utils.SSOTokenLoader for the cache key, the "sso" service model's
// GetRoleCredentials: GET /federation/credentials, x-amz-sso_bearer_token header, unsigned);
// tests/aws/botocore_sso.py checks both against the installed botocore.
#include "aws/credentials_sso.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/config.hpp"
#include "aws/credentials_util.hpp"
#include "aws/sigv4.hpp"
#include "common/crypto.hpp"
#include "common/time.hpp"
#include "http/transport.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

std::string sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    throw CredentialsError("SSO: SHA-1 is not available from OpenSSL");
  }
  return common::to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string percent_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string value_of(const std::map<std::string, std::string>& values, const char* key) {
  const auto it = values.find(key);
  return it == values.end() ? std::string{} : it->second;
}

std::string login_hint(const SsoSettings& s) {
  return ": run `aws sso login --profile " + s.profile + "`";
}

/// AWS_ENDPOINT_URL_SSO > AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) > the
/// portal of sso_region, as botocore's "sso" client resolves it.
std::string portal_url(const common::Environment& env, const std::string& region) {
  const bool ignore = [&] {
    const auto v = common::env_setting(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    return v &&
           common::parse_bool_setting(*v, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "the environment");
  }();
  for (const char* name : {"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL"}) {
    if (ignore) break;
    if (auto url = common::env_setting(env, name)) {
      EndpointUrl parsed;
      std::string why;
      if (!parse_endpoint_url(*url, parsed, why))
        throw CredentialsError("SSO: " + std::string(name) + " " + why);
      std::string base = *url;
      while (base.ends_with('/')) base.pop_back();
      return base;
    }
  }
  return "https://portal.sso." + region +
         (region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
}

std::string read_file(const std::string& path, bool& found) {
  std::ifstream in(path, std::ios::binary);
  found = static_cast<bool>(in);
  std::ostringstream ss;
  if (found) ss << in.rdbuf();
  return ss.str();
}

class SsoProvider final : public CredentialsProvider {
 public:
  explicit SsoProvider(SsoProviderConfig config)
      : config_(std::move(config)),
        env_(common::or_process(config_.environment)),
        transport_(config_.transport) {}

  Credentials get_credentials() override {
    const SsoSettings& s = config_.settings;
    const std::string who = "SSO profile '" + s.profile + "'";
    const auto home = common::env_setting(env_, "HOME");
    if (!home)
      throw CredentialsError(who + ": HOME is not set, so the SSO token cache cannot be found");
    const std::string path = *home + "/.aws/sso/cache/" + sso_cache_file_name(s);
    bool found = false;
    const std::string text = read_file(path, found);
    const std::string of =
        s.session.empty() ? "start URL " + s.start_url : "sso-session '" + s.session + "'";
    if (!found)
      throw CredentialsError(who + ": no SSO token for " + of + " (" + path + " is missing)" +
                             login_hint(s));
    const SsoToken token = parse_sso_token(text, who + ": the SSO token cache " + path);
    if (token.expires_at <= wall_now(config_.clock.get())) {
      throw CredentialsError(who + ": the SSO token for " + of + " expired at " +
                             common::format_amz_date(token.expires_at) + login_hint(s));
    }
    return role_credentials(token, who);
  }

 private:
  Credentials role_credentials(const SsoToken& token, const std::string& who) {
    const SsoSettings& s = config_.settings;
    const std::string base = portal_url(env_, s.region);
    http::Request request;
    request.method = "GET";
    request.url = sso_role_credentials_url(base, s.role_name, s.account_id);
    request.headers.emplace_back("x-amz-sso_bearer_token", token.access_token);
    request.headers.emplace_back("Accept", "application/json");
    request.connect_timeout = std::chrono::milliseconds(2000);
    request.timeout = std::chrono::milliseconds(5000);
    request.max_response_bytes = std::size_t{64} * 1024;
    http::Response response;
    for (int attempt = 1;; ++attempt) {
      try {
        response = transport().send(request);
        if (response.status < 500 || attempt >= 2) break;
      } catch (const TransportError& e) {
        if (attempt >= 2)
          throw CredentialsError(who + ": no answer from the SSO portal " + base + ": " + e.what(),
                                 true);
      }
    }
    if (response.status == 401 || response.status == 403) {
      throw CredentialsError(who + ": the SSO portal " + base + " refused the token (HTTP " +
                             std::to_string(response.status) + ", " + error_code(response) + ")" +
                             login_hint(s));
    }
    if (response.status != 200) {
      throw CredentialsError(who + ": the SSO portal " + base + " answered HTTP " +
                                 std::to_string(response.status) + " (" + error_code(response) +
                                 ") to GetRoleCredentials for role " + s.role_name +
                                 " in account " + s.account_id,
                             response.status >= 500 || response.status == 429);
    }
    return parse_sso_role_credentials(response.body, who + ": GetRoleCredentials");
  }

  static std::string error_code(const http::Response& response) {
    std::string code = response.header("x-amzn-ErrorType");
    code = code.substr(0, code.find(':'));
    return code.empty() ? "no AWS error code" : code;
  }

  http::Transport& transport() {
    std::call_once(once_, [this] {
      if (!transport_) transport_ = http::make_curl_transport();
    });
    return *transport_;
  }

  SsoProviderConfig config_;
  common::Environment env_;
  std::once_flag once_;
  std::shared_ptr<http::Transport> transport_;
};

}  // namespace

std::string sso_cache_file_name(const SsoSettings& settings) {
  return sha1_hex(settings.session.empty() ? settings.start_url : settings.session) + ".json";
}

std::string sso_role_credentials_url(std::string_view portal, std::string_view role_name,
                                     std::string_view account_id) {
  return std::string(portal) + "/federation/credentials?role_name=" + percent_encode(role_name) +
         "&account_id=" + percent_encode(account_id);
}

SsoToken parse_sso_token(std::string_view json, std::string_view where) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  const std::string fix = ": run `aws sso login` again";
  if (!doc.is_object()) throw CredentialsError(std::string(where) + " is not a JSON object" + fix);
  const auto text = [&](const char* key) -> std::string {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  SsoToken token;
  token.access_token = text("accessToken");
  std::string expires = text("expiresAt");
  if (token.access_token.empty() || expires.empty()) {
    throw CredentialsError(std::string(where) + " has no accessToken or expiresAt" + fix);
  }
  if (expires.ends_with("UTC"))
    expires.replace(expires.size() - 3, 3, "Z");  // the AWS CLI v1 wrote "...UTC"
  const auto when = common::parse_iso8601(expires);
  if (!when)
    throw CredentialsError(std::string(where) + " has an expiresAt that is not an ISO 8601 time" +
                           fix);
  token.expires_at = *when;
  return token;
}

Credentials parse_sso_role_credentials(std::string_view json, std::string_view where) {
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  const std::string prefix(where);
  if (!doc.is_object() || !doc.contains("roleCredentials") || !doc["roleCredentials"].is_object()) {
    throw CredentialsError(prefix + ": the answer (" + std::to_string(json.size()) +
                           " bytes) has no roleCredentials");
  }
  const auto& rc = doc["roleCredentials"];
  const auto text = [&](const char* key) -> std::string {
    const auto it = rc.find(key);
    return it != rc.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  Credentials c;
  c.access_key_id = text("accessKeyId");
  c.secret_access_key = text("secretAccessKey");
  c.session_token = text("sessionToken");
  c.provider = "sso";
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    throw CredentialsError(prefix + ": roleCredentials has no accessKeyId or secretAccessKey");
  }
  const auto exp = rc.find("expiration");
  if (exp == rc.end() || !exp->is_number() || !std::isfinite(exp->get<double>())) {
    throw CredentialsError(prefix + ": roleCredentials has no numeric expiration");
  }
  // Epoch milliseconds; clamped to a range system_clock can hold (year ~2262 with nanoseconds).
  const double ms = std::clamp(exp->get<double>(), 0.0, 9.0e15);
  c.expiration = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(static_cast<long long>(ms))));
  return c;
}

SsoSettings sso_settings_of(const std::string& profile,
                            const std::map<std::string, std::string>& values,
                            const EnvironmentLookup& environment) {
  SsoSettings s;
  s.profile = profile;
  s.session = value_of(values, "sso_session");
  s.start_url = value_of(values, "sso_start_url");
  s.region = value_of(values, "sso_region");
  s.account_id = value_of(values, "sso_account_id");
  s.role_name = value_of(values, "sso_role_name");
  const std::string where = "profile '" + profile + "'";
  if (!s.session.empty()) {
    std::map<std::string, std::string> section;
    try {
      section = load_sso_session_section(common::or_process(environment), s.session);
    } catch (const ConfigurationError& e) {
      throw CredentialsError(where + ": " + e.what());
    }
    for (auto [key, field] :
         {std::pair{"sso_start_url", &s.start_url}, std::pair{"sso_region", &s.region}}) {
      const std::string from_session = value_of(section, key);
      if (!field->empty() && !from_session.empty() && *field != from_session) {
        throw CredentialsError(where + ": its " + key + " differs from the one of [sso-session " +
                               s.session + "]");
      }
      if (!from_session.empty()) *field = from_session;
    }
  }
  for (auto [key, field] :
       {std::pair{"sso_start_url", &s.start_url}, std::pair{"sso_region", &s.region},
        std::pair{"sso_account_id", &s.account_id}, std::pair{"sso_role_name", &s.role_name}}) {
    if (field->empty()) {
      throw CredentialsError(
          where + " is an SSO profile without " + key +
          (s.session.empty() ? std::string{} : " (in it or in [sso-session " + s.session + "])"));
    }
  }
  return s;
}

std::shared_ptr<CredentialsProvider> make_sso_credentials_provider(SsoProviderConfig config) {
  return std::make_shared<SsoProvider>(std::move(config));
}

}  // namespace ssm_cache::aws
