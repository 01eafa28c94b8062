// Several parameters fetched and cached together: one GetParameters call per 10 names.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

using namespace std::chrono_literals;

int main() {
  ssm_cache::SSMParameterGroup group({.max_age = 300s});
  auto param_1 = group.parameter("param_1");
  auto param_2 = group.parameter("param_2");
  const std::string value_1 = param_1.value();  // fetches both
  const std::string value_2 = param_2.value();  // cached
  std::cout << value_1.size() + value_2.size() << " characters\n";
}
