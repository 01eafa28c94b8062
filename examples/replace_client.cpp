// Replacing the client: the process default for every parameter and group, or one object's
// own client. Here an in-memory fake, as in unit tests (ssm_cache/testing/fake_client.hpp).
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"
#include "ssm_cache/testing/fake_client.hpp"

int main() {
  auto fake = std::make_shared<ssm_cache::testing::FakeParameterClient>();
  fake->put("my_param", "abc123");
  fake->put("/app/db/password", "s3cret", "SecureString");

  ssm_cache::SSMParameter::set_ssm_client(fake);  // process default (SSMParameterGroup too)
  ssm_cache::SSMParameter param("my_param");
  std::cout << param.value() << "\n";

  ssm_cache::SSMParameter own("/app/db/password", {.client = fake});  // per object
  std::cout << own.value().size() << " characters, " << fake->call_count() << " calls\n";
  ssm_cache::SSMParameter::set_ssm_client(nullptr);  // back to AWS from the environment
}
