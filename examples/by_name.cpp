// Many parameters by name, each with its own options, failures reported per name
// (Powertools' get_parameters_by_name(..., raise_on_error=False)). Values are never printed.
#include <chrono>
#include <iostream>

#include "ssm_cache/by_name.hpp"

int main() {
  using namespace std::chrono_literals;
  using ssm_cache::Transform;
  ssm_cache::ParametersByName fetcher({.max_age = 60s, .raise_on_error = false});
  const auto result =
      fetcher.get({{"/app/db", {}},
                   {"/app/flags.json", {.max_age = 5s, .transform = Transform::kAuto}},
                   {"/app/public", {.with_decryption = false}},
                   {"/app/cert", {.transform = Transform::kBinary}}});
  for (const auto& [name, value] : result.values) {
    std::cout << name << ": " << value.size() << " bytes\n";
  }
  for (const auto& e : result.errors) {
    std::cout << e.name << " failed: " << e.code << (e.transient ? " (transient)" : "") << "\n";
  }
}
