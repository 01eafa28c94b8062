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
    auto part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                    : comma - start);
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

std::vector<EnvVar> build_exec_environment(const std::vector<EnvSource>& sources,
                                           bool override_earlier) {
  struct Slot {
    EnvVar var;
    std::size_t source;
  };
  std::map<std::string, Slot> vars;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    for (const auto& r : sources[s].records) {
      std::string parameter = r.name + r.selector;
      EnvVar var{env_name(r.name), r.value, parameter};
      auto it = vars.find(var.name);
      if (it == vars.end()) {
        std::string key = var.name;  // var is moved below; the key must not be read after
        vars.emplace(std::move(key), Slot{std::move(var), s});
        continue;
      }
      const Slot& prev = it->second;
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
      it->second = Slot{std::move(var), s};
    }
  }
  std::vector<EnvVar> out;
  out.reserve(vars.size());
  for (auto& [_, slot] : vars) out.push_back(std::move(slot.var));
  return out;
}

}  // namespace ssm_cache::cli
