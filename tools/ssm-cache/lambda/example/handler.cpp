// lambda/example/handler.cpp — an AWS Lambda function in C++ (AWS Lambda C++ runtime) reading a
// parameter through ssm_cache: fetched once per execution environment, refreshed after 5
// minutes, shared by every invocation. Built only when aws-lambda-runtime is found.
#include <aws/lambda-runtime/runtime.h>

#include <chrono>
#include <string>

#include <ssm_cache/ssm_cache.hpp>

using namespace std::chrono_literals;
using namespace aws::lambda_runtime;

// Outside the handler: created at cold start, reused by every invocation of this environment.
static ssm_cache::SSMParameter param("my_param_name", {.max_age = 300s});

static invocation_response handler(const invocation_request& /*request*/) {
  try {
    const std::string secret_value = param.value();  // no API call while fresh
    return invocation_response::success(
        "Hello from Lambda with a secret of " + std::to_string(secret_value.size()) + " bytes",
        "text/plain");
  } catch (const ssm_cache::Error& e) {
    // Messages name the parameter and the AWS error code, never the value.
    return invocation_response::failure(e.what(), "ParameterError");
  }
}

int main() {
  run_handler(handler);
  return 0;
}
