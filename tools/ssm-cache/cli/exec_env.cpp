// exec_env.cpp — see exec_env.hpp.
#include "exec_env.hpp"

#include <map>
#include <stdexcept>

#include "output.hpp"

namespace ssm_cache::cli {

Filter parse_filter(std::string_view text) {
  Filter f;
  f.option.clear();
  bool in_values = false;
  bool saw_key = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    auto eq = part.find('=');
    std::string_view field = eq == std::string_view::npos ? std::string_view{} : part.substr(0, eq);
    if (field == "Key" || field == "Option" || field == "Values") {
      auto value = part.substr(eq + 1);
      in_values = false;
      if (field == "Key") {
        f.key = value;
        saw_key = true;
      } else if (field == "Option") {
        f.option = value;
      } else {
        in_values = true;
        if (!value.empty()) f.values.emplace_back(value);
      }
    } else if (in_values && !part.empty()) {
      f.values.emplace_back(part);  // "Values=a,b": b continues the list
    } else {
      throw std::invalid_argument("bad filter '" + std::string(text) + "': unexpected '" +
                                  std::string(part) +
                                  "' (expected Key=K,Values=V1,V2 with optional Option=O)");
    }
  }
  if (!saw_key || f.key.empty()) {
    throw std::invalid_argument("bad filter '" + std::string(text) + "': no Key=");
  }
  if (f.values.empty()) {
    throw std::invalid_argument("bad filter '" + std::string(text) + "': no Values=");
  }
  if (f.option.empty()) f.option = "Equals";
  return f;
}

namespace {

// Variables that decide what the child runs, which libraries, files, certificates and
// credentials it uses, or how its shell parses: a parameter store writer must not be able to
// set them by naming a parameter (say /app/prod/path). Exact names, then prefixes.
constexpr std::string_view kDeniedNames[] = {"PATH",
                                             "HOME",
                                             "SHELL",
                                             "IFS",
                                             "ENV",
                                             "BASH_ENV",
                                             "CDPATH",
                                             "PS4",
                                             "PROMPT_COMMAND",
                                             "SHELLOPTS",
                                             "BASHOPTS",
                                             "GLOBIGNORE",
                                             "USER",
                                             "LOGNAME",
                                             "PWD",
                                             "OLDPWD",
                                             "TMPDIR",
                                             "GCONV_PATH",
                                             "LOCPATH",
                                             "NLSPATH",
                                             "HOSTALIASES",
                                             "RES_OPTIONS",
                                             "LOCALDOMAIN",
                                             "TZDIR",
                                             "GLIBC_TUNABLES",
                                             "PYTHONPATH",
                                             "PYTHONHOME",
                                             "PYTHONSTARTUP",
                                             "PERL5LIB",
                                             "PERL5OPT",
                                             "PERLLIB",
                                             "RUBYLIB",
                                             "RUBYOPT",
                                             "NODE_OPTIONS",
                                             "NODE_PATH",
                                             "CLASSPATH",
                                             "JAVA_TOOL_OPTIONS",
                                             "_JAVA_OPTIONS",
                                             "JDK_JAVA_OPTIONS",
                                             "HTTP_PROXY",
                                             "HTTPS_PROXY",
                                             "ALL_PROXY",
                                             "NO_PROXY",
                                             "SSL_CERT_FILE",
                                             "SSL_CERT_DIR",
                                             "CURL_CA_BUNDLE",
                                             "REQUESTS_CA_BUNDLE",
                                             "AWS_ACCESS_KEY_ID",
                                             "AWS_SECRET_ACCESS_KEY",
                                             "AWS_SESSION_TOKEN",
                                             "AWS_PROFILE",
                                             "AWS_CONFIG_FILE",
                                             "AWS_SHARED_CREDENTIALS_FILE",
                                             "AWS_CA_BUNDLE",
                                             "AWS_ROLE_ARN",
                                             "AWS_WEB_IDENTITY_TOKEN_FILE",
                                             "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
constexpr std::string_view kDeniedPrefixes[] = {"LD_",     "DYLD_",          "BASH_FUNC_",
                                                "MALLOC_", "AWS_CONTAINER_", "AWS_ENDPOINT_URL"};

bool has_letter_or_digit(std::string_view name) {
  return name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
         std::string_view::npos;
}

}  // namespace

bool is_denied_env_name(std::string_view name) {
  for (auto denied : kDeniedNames) {
    if (name == denied) return true;
  }
  for (auto prefix : kDeniedPrefixes) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

bool is_valid_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return name.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
         std::string_view::npos;
}

std::pair<std::string, std::string> parse_env_mapping(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq + 1 == text.size()) {
    throw std::invalid_argument("--env '" + std::string(text) + "': expected NAME=/parameter");
  }
  const std::string name(text.substr(0, eq));
  if (!is_valid_env_name(name)) {
    throw std::invalid_argument(
        "--env '" + std::string(text) + "': '" + name +
        "' is not a variable name (letters, digits and '_', not starting with a digit)");
  }
  return {name, std::string(text.substr(eq + 1))};
}

std::vector<EnvVar> build_exec_environment(const std::vector<EnvSource>& sources,
                                           bool override_earlier,
                                           std::vector<std::string>* warnings) {
  struct Slot {
    EnvVar var;
    std::size_t source;
    bool chosen = false;  ///< an explicit --env mapping
  };
  const auto warn = [&](std::string text) {
    if (warnings != nullptr) warnings->push_back(std::move(text));
  };
  std::map<std::string, Slot> vars;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    const bool chosen = !sources[s].explicit_names.empty();
    for (std::size_t i = 0; i < sources[s].records.size(); ++i) {
      const auto& r = sources[s].records[i];
      std::string parameter = r.name + r.selector;
      EnvVar var{chosen ? sources[s].explicit_names.at(i) : env_name(r.name), r.value, parameter};
      if (!chosen && !has_letter_or_digit(var.name)) {
        warn("parameter '" + parameter + "' gives no usable variable name ('" + var.name +
             "'): skipped; map it with --env NAME=" + parameter);
        continue;
      }
      if (!chosen && is_denied_env_name(var.name)) {
        warn("parameter '" + parameter + "' would set " + var.name +
             ", which exec never takes from a parameter name: skipped; map it with --env " +
             var.name + "=" + parameter + " if you mean it");
        continue;
      }
      auto it = vars.find(var.name);
      if (it == vars.end()) {
        std::string key = var.name;  // var is moved below; the key must not be read after
        vars.emplace(std::move(key), Slot{std::move(var), s, chosen});
        continue;
      }
      const Slot& prev = it->second;
      if (prev.chosen != chosen) {  // an explicit mapping wins over a derived name
        if (chosen) it->second = Slot{std::move(var), s, true};
        continue;
      }
      if (prev.source == s) {
        throw std::runtime_error("parameters '" + prev.var.parameter + "' and '" + parameter +
                                 "' (" + sources[s].origin + ") both map to environment variable " +
                                 var.name);
      }
      if (!override_earlier) {
        throw std::runtime_error("parameter '" + parameter + "' (" + sources[s].origin +
                                 ") and parameter '" + prev.var.parameter + "' (" +
                                 sources[prev.source].origin +
                                 ") both map to environment variable " + var.name +
                                 "; pass --override to let the later one win");
      }
      it->second = Slot{std::move(var), s, chosen};
    }
  }
  std::vector<EnvVar> out;
  out.reserve(vars.size());
  for (auto& [_, slot] : vars) out.push_back(std::move(slot.var));
  return out;
}

}  // namespace ssm_cache::cli
