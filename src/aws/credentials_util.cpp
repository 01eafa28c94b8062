// aws/credentials_util.cpp — shared helpers of the credentials providers. Pure; thread-safe.
#include "aws/credentials_util.hpp"

#include <nlohmann/json.hpp>

#include "aws/json_protocol.hpp"
#include "common/time.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

std::string string_field(const nlohmann::json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Credentials parse_credentials_json(std::string_view body, CredentialsJson shape,
                                   std::string_view provider, std::string_view where) {
  const std::string prefix = std::string(provider) + ": the credentials from " + std::string(where);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception&) {
    // The body may hold secrets: say how big it was, never what it said.
    throw CredentialsError(prefix + " are not valid JSON (" + std::to_string(body.size()) +
                           " bytes)");
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
    if (!exp->is_string())
      throw CredentialsError(prefix + " have an \"Expiration\" that is not a string");
    const auto when = common::parse_iso8601(exp->get<std::string>());
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
