// Hierarchical parameters one level deep: /Foo/1, but not /Foo/Bar/1.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameterGroup group;
  auto params = group.parameters("/Foo", {.recursive = false});
  for (const auto& p : params) std::cout << p.name() << "\n";
}
