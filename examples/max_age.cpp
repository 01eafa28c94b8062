// Cache invalidation: values refreshed on the first read after max_age.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

using namespace std::chrono_literals;

int main() {
  ssm_cache::SSMParameter param_1("param_1", {.max_age = 300s});  // 5 minutes
  ssm_cache::SSMParameter param_2("param_2", {.max_age = 1h});
  std::cout << param_1.value().size() + param_2.value().size() << " characters\n";
}
