// Secrets Manager secrets through Parameter Store references, alone or in a group (no base
// path prefix for secrets; always decrypted).
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SecretsManagerParameter secret("my_secret_name");
  std::cout << secret.name() << ": " << secret.value().size() << " characters\n";

  ssm_cache::SSMParameterGroup group;
  auto param = group.parameter("my_param");
  auto grouped_secret = group.secret("my_secret");
  std::cout << param.value().size() + grouped_secret.value().size() << " characters\n";
}
