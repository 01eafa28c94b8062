// Simplest use: one parameter, fetched on first read and cached forever.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameter param("my_param_name");
  const std::string value = param.value();
  std::cout << "my_param_name has " << value.size() << " characters\n";
}
