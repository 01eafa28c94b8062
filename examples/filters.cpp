// Hierarchical parameters filtered by Type, KeyId or Label: a plain Filter, or a builder that
// validates values as they are added (InvalidFilterError before any call).
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameterGroup group;
  auto manual = group.parameters(
      "/Foo/Bar", {.filters = {ssm_cache::Filter{"Type", "Equals", {"StringList"}}}});
  auto built =
      group.parameters("/Foo/Bar", {.filters = {ssm_cache::SSMFilterType().value("StringList")}});
  auto by_key = group.parameters(
      "/Foo/Bar", {.filters = {ssm_cache::SSMFilterKeyId("BeginsWith").value("alias/")}});
  std::cout << manual.size() << " " << built.size() << " " << by_key.size() << "\n";
}
