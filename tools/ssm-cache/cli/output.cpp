// output.cpp — CLI output formatting; see output.hpp.
#include "output.hpp"

#include <map>
#include <ostream>
#include <stdexcept>

#include "aws_shapes.hpp"
#include "common/base64.hpp"
#include "common/names.hpp"
#include "exec_env.hpp"

namespace ssm_cache::cli {

OutputFormat parse_output_format(std::string_view text) {
  if (text == "text") return OutputFormat::kText;
  if (text == "json") return OutputFormat::kJson;
  if (text == "env") return OutputFormat::kEnv;
  throw std::invalid_argument("unknown output format '" + std::string(text) +
                              "' (expected text, json or env)");
}

std::string env_name(std::string_view parameter_name) {
  // Without its selector (":3", ":prod"), by the one name grammar.
  const std::string plain = common::split_name_ref(parameter_name).name;
  std::string_view n = plain;
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

std::string format_parameters(const std::vector<ParameterRecord>& records, OutputFormat format,
                              bool single_value_text, std::ostream* warnings) {
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
      tools::Json arr = tools::Json::array();
      for (const auto& r : records) arr.push_back(tools::parameter_shape(r, tools::kCliStyle));
      return tools::dump_shape(arr, 2) + "\n";
    }
    case OutputFormat::kEnv: {
      std::map<std::string, std::string> seen;  // env name -> parameter name
      for (const auto& r : records) {
        auto name = env_name(r.name);
        if (is_denied_env_name(name)) {
          // `eval` of the output would let a parameter's name change how the shell finds
          // programs or libraries (PATH, LD_PRELOAD, ...): the same deny list as exec.
          if (warnings) {
            *warnings << "ssm-cache: parameter '" << r.name << r.selector << "' would set " << name
                      << ", which -o env never takes from a parameter name: skipped\n";
          }
          continue;
        }
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
    case OutputFormat::kJson:
      return tools::dump_shape(tools::get_secret_value_shape(secret, tools::kCliStyle), 2) + "\n";
    case OutputFormat::kEnv:
      if (const auto name = env_name(secret.name); is_denied_env_name(name)) {
        throw Error("secret '" + secret.name + "' would set " + name +
                        ", which -o env never takes from a secret name",
                    ErrorKind::invalid_argument);
      }
      return env_line(env_name(secret.name),
                      secret.secret_string
                          ? *secret.secret_string
                          : common::base64_encode(secret.secret_binary.value_or("")));
  }
  return {};
}

}  // namespace ssm_cache::cli
