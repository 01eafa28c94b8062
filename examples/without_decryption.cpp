// SecureString values without decryption (the ciphertext), on a parameter or a group.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameter param("my_param_name", {.with_decryption = false});
  ssm_cache::SSMParameterGroup group({.with_decryption = false});
  auto grouped = group.parameter("my_other_param");
  std::cout << param.value().size() + grouped.value().size() << " characters of ciphertext\n";
}
