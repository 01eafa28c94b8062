// Explicit refresh of a parameter or a group; refreshing a grouped parameter refreshes the
// whole group (in one batch round).
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameter param("my_param_name");
  std::string value = param.value();
  param.refresh();
  std::string new_value = param.value();

  ssm_cache::SSMParameterGroup group;
  auto param_1 = group.parameter("param_1");
  auto param_2 = group.parameter("param_2");
  std::string value_1 = param_1.value();
  group.refresh();
  value_1 = param_1.value();
  param_1.refresh();  // one parameter refreshes the whole group
  std::string value_2 = param_2.value();
  std::cout << value.size() + new_value.size() + value_1.size() + value_2.size() << "\n";
}
