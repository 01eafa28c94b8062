// Hierarchical parameters: everything under a path, with an optional group base path.
#include <cassert>
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameterGroup group({.base_path = "/Foo"});
  auto foo_bar = group.parameter("/Bar");  // /Foo/Bar
  auto baz_params = group.parameters("/Baz");  // /Foo/Baz/1 and /Foo/Baz/2
  std::cout << foo_bar.name() << " and " << baz_params.size() << " under /Foo/Baz; " << group.size()
            << " in the group\n";
}
