// AWS Lambda style: the parameter lives outside the handler, so warm invocations read the
// cache (a few nanoseconds) instead of calling Parameter Store.
#include <iostream>
#include <string>

#include "ssm_cache/ssm_cache.hpp"

using namespace std::chrono_literals;

namespace {
ssm_cache::SSMParameter param("my_param_name", {.max_age = 300s});

std::string lambda_handler(const std::string& /*event*/) {
  // Zero-copy: the view pins the value until it goes out of scope, whatever refreshes.
  const auto secret_value = param.value_view();
  return "Hello from Lambda with a secret of " + std::to_string(secret_value.size()) + " bytes";
}
}  // namespace

int main() { std::cout << lambda_handler("{}") << "\n"; }
