// aws/credentials_util.cpp — shared helpers of the credentials providers. Pure; thread-safe.
#include "aws/credentials_util.hpp"

#include <nlohmann/json.hpp>

#include "aws/json_protocol.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string string_field(const nlohmann::json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Environment to_environment(const EnvironmentLookup& lookup) {
  return lookup ? Environment(lookup) : process_environment();
}

std::optional<std::string> env_setting(const Environment& env, std::string_view name) {
  if (!env) return std::nullopt;
  auto value = env(name);
  if (!value) return std::nullopt;
  const std::string_view t = trim(*value);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  text = trim(text);
  auto digits = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > text.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(0, 4, y) || text.size() < 19 || text[4] != '-' || !digits(5, 2, mo) || text[7] != '-' ||
      !digits(8, 2, d) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !digits(11, 2, h) || text[13] != ':' || !digits(14, 2, mi) || text[16] != ':' ||
      !digits(17, 2, s)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;  // fractions are dropped: expirations are whole seconds
  }
  int offset_seconds = 0;
  if (pos == text.size()) return std::nullopt;  // no zone: ambiguous, refuse
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    const int sign = text[pos] == '+' ? 1 : -1;
    if (!digits(pos + 1, 2, oh)) return std::nullopt;
    std::size_t next = pos + 3;
    if (next < text.size() && text[next] == ':') ++next;
    if (!digits(next, 2, om)) return std::nullopt;
    pos = next + 2;
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  // Years 0000-9999 reach beyond system_clock's range (1677-2262 in nanoseconds): converting
  // those seconds directly would overflow. from_epoch_seconds clamps, as for JSON timestamps.
  return from_epoch_seconds(static_cast<double>(secs));
}

Credentials parse_credentials_json(std::string_view body, CredentialsJson shape,
                                   std::string_view provider, std::string_view where) {
  const std::string prefix = std::string(provider) + ": the credentials from " + std::string(where);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    // The body may hold secrets: say how big it was, never what it said.
    throw CredentialsError(prefix + " are not valid JSON (" + std::to_string(body.size()) + " bytes)");
  }
  if (!doc.is_object()) throw CredentialsError(prefix + " are not a JSON object");
  if (shape == CredentialsJson::process) {
    const auto version = doc.find("Version");
    if (version == doc.end() || !version->is_number_integer() || version->get<long long>() != 1) {
      throw CredentialsError(prefix + " must have \"Version\": 1");
    }
  } else {
    // IMDS adds "Code": "Success"; anything else is a failure it reports in the document.
    const std::string code = string_field(doc, "Code");
    if (!code.empty() && code != "Success") {
      throw CredentialsError(prefix + " report Code '" + code + "'", true);
    }
  }
  Credentials c;
  c.provider = std::string(provider);
  c.access_key_id = string_field(doc, "AccessKeyId");
  c.secret_access_key = string_field(doc, "SecretAccessKey");
  c.session_token = string_field(doc, shape == CredentialsJson::process ? "SessionToken" : "Token");
  if (c.access_key_id.empty()) throw CredentialsError(prefix + " have no \"AccessKeyId\"");
  if (c.secret_access_key.empty()) throw CredentialsError(prefix + " have no \"SecretAccessKey\"");
  if (const auto exp = doc.find("Expiration"); exp != doc.end() && !exp->is_null()) {
    if (!exp->is_string()) throw CredentialsError(prefix + " have an \"Expiration\" that is not a string");
    const auto when = parse_iso8601(exp->get<std::string>());
    if (!when) {
      throw CredentialsError(prefix + " have an \"Expiration\" that is not an ISO 8601 time: '" +
                             exp->get<std::string>() + "'");
    }
    c.expiration = *when;
  } else if (shape == CredentialsJson::metadata && !c.session_token.empty()) {
    throw CredentialsError(prefix + " have a token but no \"Expiration\"");
  }
  return c;
}

}  // namespace ssm_cache::aws
