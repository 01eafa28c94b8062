// answers.cpp — see answers.hpp (moved from cli_app.cpp).
#include "answers.hpp"

#include <algorithm>
#include <string_view>

#include "ssm_cache/parameter.hpp"

namespace ssm_cache::cli {

// Orders records as the names were asked; a name the server answered with a different
// spelling (an ARN) keeps the server's order at the end.
std::vector<ParameterRecord> in_request_order(const std::vector<std::string>& names,
                                              std::vector<ParameterRecord> records) {
  std::vector<ParameterRecord> ordered;
  std::vector<bool> used(records.size(), false);
  for (const auto& n : names) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!used[i] && records[i].name + records[i].selector == n) {
        ordered.push_back(records[i]);
        used[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!used[i]) ordered.push_back(std::move(records[i]));
  }
  return ordered;
}

// Parameter Store hands out Secrets Manager secrets only decrypted: asking with
// WithDecryption=false is refused by the service with a ValidationException that does not say
// which flag to drop. Names the first such reference, or "".
std::string secret_reference_without_decryption(const std::vector<std::string>& names,
                                                bool decrypt) {
  if (decrypt) return {};
  for (const auto& n : names) {
    if (n.starts_with(SecretsManagerParameter::kPrefix)) {
      return "--no-decryption cannot read " + n +
             ": Parameter Store returns Secrets Manager references only decrypted; drop "
             "--no-decryption "
             "or read it with `ssm-cache secret " +
             n.substr(SecretsManagerParameter::kPrefix.size()) + "`";
    }
  }
  return {};
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Whether `record` answers the asked name: the same name (and selector), or, for a name asked
// by ARN ("arn:aws:ssm:REGION:ACCOUNT:parameter/NAME"), the ARN or the name it ends with.
bool answers(const std::string& asked, const ParameterRecord& record) {
  const std::string answered = record.name + record.selector;
  if (answered == asked) return true;
  if (!asked.starts_with("arn:")) return false;
  const std::size_t at = asked.find(":parameter");
  if (at == std::string::npos) return false;
  const std::string tail =
      asked.substr(at + std::string_view(":parameter").size());  // "/x" or "/app/x"
  return answered == tail || "/" + answered == tail;
}

// A 200 answer must hold exactly what was asked: an empty or foreign answer (a proxy, a wrong
// endpoint, a broken stand-in) is an error, never empty output. Returns the problem, or "".
std::string answer_mismatch(const std::vector<std::string>& names,
                            const std::vector<ParameterRecord>& records) {
  std::vector<std::string> missing, foreign;
  for (const auto& n : names) {
    if (std::none_of(records.begin(), records.end(), [&](const auto& r) { return answers(n, r); }))
      missing.push_back(n);
  }
  for (const auto& r : records) {
    if (std::none_of(names.begin(), names.end(), [&](const auto& n) { return answers(n, r); })) {
      foreign.push_back(r.name + r.selector);
    }
  }
  if (missing.empty() && foreign.empty()) return {};
  std::string why = "the service answered without error but ";
  if (!missing.empty()) why += "did not return " + join(missing, ", ");
  if (!missing.empty() && !foreign.empty()) why += " and ";
  if (!foreign.empty()) why += "returned " + join(foreign, ", ") + ", which was not asked for";
  return why + ": check --endpoint-url / AWS_ENDPOINT_URL_SSM";
}

}  // namespace ssm_cache::cli
