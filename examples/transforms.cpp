// JSON and binary values (ssm_cache/json.hpp, needs nlohmann-json): parsed once per fetched
// version, and the "auto" rule over a group's parameters. Values are never printed.
#include <chrono>
#include <iostream>

#include "ssm_cache/json.hpp"
#include "ssm_cache/ssm_cache.hpp"

int main() {
  using namespace std::chrono_literals;
  ssm_cache::SSMParameter config("/app/config.json", {.max_age = 60s});
  const nlohmann::json& c = ssm_cache::json(config);  // the same document until a new version
  std::cout << "config has " << c.size() << " keys\n";

  ssm_cache::Secret db("prod/db");
  std::cout << "db user set: " << ssm_cache::json(db).contains("user") << "\n";

  ssm_cache::SSMParameter key("/app/key.binary");
  std::cout << "key: " << ssm_cache::binary(key).size() << " bytes\n";

  // .json names parsed, .binary decoded, the others as they are
  ssm_cache::SSMParameterGroup app({.max_age = 60s});
  for (const auto& [name, value] : ssm_cache::transformed(app.parameters("/app"))) {
    std::cout << name << ": " << value.type_name() << "\n";
  }
}
