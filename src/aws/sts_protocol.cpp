// aws/sts_protocol.cpp — STS Query protocol: form body, endpoint, XML answers. Pure; thread-safe.
#include "aws/sts_protocol.hpp"

#include <algorithm>
#include <array>

#include "aws/credentials_util.hpp"
#include "aws/xml_extract.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

/// botocore's LEGACY_GLOBAL_STS_REGIONS: with sts_regional_endpoints=legacy these use
/// https://sts.amazonaws.com.
constexpr std::array<std::string_view, 16> kLegacyGlobalRegions = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
    "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
    "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
    "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2"};

constexpr std::string_view kGlobalEndpoint = "https://sts.amazonaws.com";

struct Setting {
  std::string value;
  std::string source;
};

/// The environment variable, else the profile key (both trimmed, non-empty).
std::optional<Setting> setting(const common::Environment& env, std::string_view env_name,
                               const Profile& profile, const std::string& key) {
  if (auto v = common::env_setting(env, env_name)) return Setting{*v, std::string(env_name)};
  const auto it = profile.values.find(key);
  if (it == profile.values.end()) return std::nullopt;
  std::string_view v = it->second;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
    v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return Setting{std::string(v), "'" + key + "' in profile '" + profile.name + "'"};
}

bool bool_of(const std::optional<Setting>& s) {
  return s && common::parse_bool_setting(s->value, s->source, s->source);
}

std::string checked_url(std::string_view url, const std::string& source) {
  EndpointUrl parsed;
  std::string why;
  if (!parse_endpoint_url(url, parsed, why)) {
    throw ConfigurationError("the STS endpoint URL from " + source + " is not valid: " + why);
  }
  std::string out(url);
  while (out.ends_with('/')) out.pop_back();
  return out;
}

bool valid_region(std::string_view region) {
  return !region.empty() && region.size() <= 63 && region.front() != '-' && region.back() != '-' &&
         std::all_of(region.begin(), region.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

}  // namespace

std::string form_urlencode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  auto encode = [&](std::string_view s) {
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.' || c == '-' || c == '~') {
        out.push_back(c);
      } else if (c == ' ') {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0x0F]);
      }
    }
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    encode(name);
    out.push_back('=');
    encode(value);
  }
  return out;
}

StsEndpoint resolve_sts_endpoint(const common::Environment& env, const Profile& profile,
                                 std::string_view endpoint, std::string_view region_option) {
  // Region first: requests to a custom endpoint are still signed for a region (AssumeRole).
  std::optional<Setting> region;
  if (!region_option.empty()) {
    region = Setting{std::string(region_option), "WebIdentityCredentialsConfig::region"};
  } else if (auto r = common::env_setting(env, "AWS_REGION")) {
    region = Setting{*r, "AWS_REGION"};
  } else {
    region = setting(env, "AWS_DEFAULT_REGION", profile, "region");
  }
  if (region && !valid_region(region->value)) {
    throw ConfigurationError("the AWS region '" + region->value + "' from " + region->source +
                             " is not a valid region name (lowercase letters, digits and '-')");
  }
  const std::string signing_region =
      region && region->value != "aws-global" ? region->value : std::string("us-east-1");

  if (!endpoint.empty()) {
    return {checked_url(endpoint, "WebIdentityCredentialsConfig::endpoint"), signing_region,
            "WebIdentityCredentialsConfig::endpoint"};
  }
  const bool ignore = bool_of(setting(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", profile,
                                      "ignore_configured_endpoint_urls"));
  if (!ignore) {
    for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
      if (auto v = common::env_setting(env, name))
        return {checked_url(*v, name), signing_region, name};
    }
    const auto services = load_services_section(env, profile);
    if (auto it = services.find("sts.endpoint_url"); it != services.end() && !it->second.empty()) {
      const std::string where =
          "'sts.endpoint_url' in the services section of profile '" + profile.name + "'";
      return {checked_url(it->second, where), signing_region, where};
    }
    if (auto it = profile.values.find("endpoint_url");
        it != profile.values.end() && !it->second.empty()) {
      const std::string where = "'endpoint_url' in profile '" + profile.name + "'";
      return {checked_url(it->second, where), signing_region, where};
    }
  }
  if (!region || region->value == "aws-global") {
    return {std::string(kGlobalEndpoint), "us-east-1",
            "the global endpoint (no region configured)"};
  }
  std::string mode = "regional";
  if (auto m = setting(env, "AWS_STS_REGIONAL_ENDPOINTS", profile, "sts_regional_endpoints")) {
    mode = common::lower(m->value);
    if (mode != "regional" && mode != "legacy") {
      throw ConfigurationError(m->source + " must be 'regional' or 'legacy', got '" + m->value +
                               "'");
    }
  }
  const bool fips = bool_of(setting(env, "AWS_USE_FIPS_ENDPOINT", profile, "use_fips_endpoint"));
  const bool dualstack =
      bool_of(setting(env, "AWS_USE_DUALSTACK_ENDPOINT", profile, "use_dualstack_endpoint"));
  if (mode == "legacy" && !fips && !dualstack &&
      std::find(kLegacyGlobalRegions.begin(), kLegacyGlobalRegions.end(), region->value) !=
          kLegacyGlobalRegions.end()) {
    return {std::string(kGlobalEndpoint), "us-east-1",
            "the global endpoint (sts_regional_endpoints=legacy)"};
  }
  return {default_endpoint("sts", region->value, fips, dualstack), region->value,
          "default for region " + region->value + " (" + region->source + ")"};
}

std::optional<StsError> parse_sts_error(std::string_view body) {
  XmlElement root;
  try {
    root = parse_xml(body);
  } catch (const XmlError&) {
    return std::nullopt;
  }
  const XmlElement* error = find_element(root, {"ErrorResponse", "Error"});
  if (error == nullptr) return std::nullopt;
  StsError out;
  auto text = [](const XmlElement* e) { return e ? e->text : std::string{}; };
  out.type = text(find_element(*error, {"Error", "Type"}));
  out.code = text(find_element(*error, {"Error", "Code"}));
  out.message = text(find_element(*error, {"Error", "Message"}));
  out.request_id = text(find_element(root, {"ErrorResponse", "RequestId"}));
  if (out.code.empty()) return std::nullopt;
  return out;
}

Credentials parse_sts_credentials(std::string_view body, std::string_view action,
                                  std::string_view provider, std::string_view where) {
  const std::string prefix = std::string(where) + ": the " + std::string(action) + " answer";
  XmlElement root;
  try {
    root = parse_xml(body);
  } catch (const XmlError& e) {
    // XmlError names a byte offset, never the text (which holds the credentials).
    throw CredentialsError(prefix + " is not valid XML (" + std::to_string(body.size()) +
                           " bytes; " + e.what() + ")");
  }
  const std::string response = std::string(action) + "Response";
  const std::string result = std::string(action) + "Result";
  const XmlElement* creds = find_element(root, {response, result, "Credentials"});
  if (creds == nullptr) {
    throw CredentialsError(prefix + " has no " + response + "/" + result + "/Credentials element");
  }
  auto field = [&](std::string_view name) {
    const XmlElement* e = find_element(*creds, {"Credentials", name});
    if (e == nullptr || e->text.empty())
      throw CredentialsError(prefix + " has no Credentials/" + std::string(name));
    return e->text;
  };
  Credentials c;
  c.provider = std::string(provider);
  c.access_key_id = field("AccessKeyId");
  c.secret_access_key = field("SecretAccessKey");
  c.session_token = field("SessionToken");
  const std::string expiration = field("Expiration");
  const auto when = common::parse_iso8601(expiration);
  if (!when) {
    throw CredentialsError(prefix + " has an Expiration that is not an ISO 8601 time: '" +
                           scrub_message(expiration, {}, 40) + "'");
  }
  c.expiration = *when;
  return c;
}

bool is_retryable_sts_code(std::string_view code, bool web_identity) {
  if (web_identity && (code == "IDPCommunicationError" || code == "InvalidIdentityToken"))
    return true;
  return code == "Throttling" || code == "ThrottlingException" || code == "ThrottledException" ||
         code == "RequestThrottledException" || code == "TooManyRequestsException" ||
         code == "RequestLimitExceeded" || code == "RequestThrottled" || code == "SlowDown" ||
         code == "PriorRequestNotComplete" || code == "InternalFailure" ||
         code == "InternalError" || code == "ServiceUnavailable";
}

std::string scrub_message(std::string_view text, const std::vector<std::string>& secrets,
                          std::size_t limit) {
  std::string s(text);
  for (const auto& secret : secrets) {
    if (secret.size() < 4) continue;  // too short to redact without mangling the message
    for (std::size_t at = s.find(secret); at != std::string::npos; at = s.find(secret, at + 10)) {
      s.replace(at, secret.size(), "<redacted>");
    }
  }
  std::string out;
  for (char c : s) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  return out;
}

}  // namespace ssm_cache::aws
