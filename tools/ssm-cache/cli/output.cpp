// output.cpp — CLI output formatting; see output.hpp.
#include "output.hpp"
#include "common/base64.hpp"
#include "common/time.hpp"

#include <ctime>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ssm_cache::cli {

OutputFormat parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::kText;
  if (text == "json") return OutputFormat::kJson;
  if (text == "env") return OutputFormat::kEnv;
  throw std::invalid_argument("unknown output format '" + std::string(text) +
                              "' (expected text, json or env)");
}

std::string env_name(std::string_view parameter_name) {
  std::string_view n = parameter_name;
  // Drop a selector: the colon cannot appear in a parameter name itself.
  if (auto colon = n.find(':'); colon != std::string_view::npos && n.substr(0, 4) != "arn:") {
    n = n.substr(0, colon);
  }
  while (!n.empty() && n.back() == '/') n.remove_suffix(1);
  if (auto slash = n.rfind('/'); slash != std::string_view::npos) n = n.substr(slash + 1);
  std::string out;
  out.reserve(n.size() + 1);
  for (char c : n) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      out.push_back(c);
    } else {
      out.push_back('_');
    }
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

std::string shell_quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('\'');
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string env_line(std::string_view name, std::string_view value) {
  std::string out = "export ";
  out += name;
  out += '=';
  out += shell_quote(value);
  out += '\n';
  return out;
}

namespace {

nlohmann::json parameter_json(const ParameterRecord& r) {
  nlohmann::json j = {{"Name", r.name},
                      {"Type", r.type},
                      {"Value", r.value},
                      {"Version", r.version},
                      {"LastModifiedDate", common::format_iso8601(r.last_modified)},
                      {"ARN", r.arn},
                      {"DataType", r.data_type}};
  if (!r.selector.empty()) j["Selector"] = r.selector;
  if (!r.source_result.empty()) j["SourceResult"] = r.source_result;
  return j;
}

}  // namespace

std::string format_parameters(const std::vector<ParameterRecord>& records, OutputFormat format,
                              bool single_value_text) {
  std::string out;
  switch (format) {
    case OutputFormat::kText:
      if (single_value_text && records.size() == 1) {
        out = records[0].value;
        out += '\n';
        return out;
      }
      for (const auto& r : records) {
        out += r.name;
        out += r.selector;
        out += '\t';
        out += r.value;
        out += '\n';
      }
      return out;
    case OutputFormat::kJson: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& r : records) arr.push_back(parameter_json(r));
      return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    case OutputFormat::kEnv: {
      std::map<std::string, std::string> seen;  // env name -> parameter name
      for (const auto& r : records) {
        auto name = env_name(r.name);
        auto [it, inserted] = seen.emplace(name, r.name + r.selector);
        if (!inserted) {
          throw std::runtime_error("parameters '" + it->second + "' and '" + r.name + r.selector +
                                   "' both map to environment variable " + name);
        }
        out += env_line(name, r.value);
      }
      return out;
    }
  }
  return out;
}

std::string format_secret(const SecretValue& secret, OutputFormat format) {
  switch (format) {
    case OutputFormat::kText:
      if (secret.secret_string) return *secret.secret_string + "\n";
      return secret.secret_binary.value_or("");
    case OutputFormat::kJson: {
      nlohmann::json j = {{"ARN", secret.arn},
                          {"Name", secret.name},
                          {"VersionId", secret.version_id},
                          {"VersionStages", secret.version_stages},
                          {"CreatedDate", common::format_iso8601(secret.created_date)}};
      if (secret.secret_string) j["SecretString"] = *secret.secret_string;
      if (secret.secret_binary) j["SecretBinary"] = common::base64_encode(*secret.secret_binary);
      return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    case OutputFormat::kEnv:
      return env_line(env_name(secret.name),
                      secret.secret_string
                          ? *secret.secret_string
                          : common::base64_encode(secret.secret_binary.value_or("")));
  }
  return {};
}

}  // namespace ssm_cache::cli
