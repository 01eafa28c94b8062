// A user's program built against the installed ssm_cache: reads through the shipped fake.
#include <iostream>

#include <ssm_cache/ssm_cache.hpp>
#include <ssm_cache/testing/fake_client.hpp>

int main() {
  auto fake = std::make_shared<ssm_cache::testing::FakeParameterClient>();
  fake->put("/app/greeting", "ok");
  ssm_cache::SSMParameter p("/app/greeting", {.client = fake});
  std::cout << "consumer " << p.value() << "\n";
  return p.value() == "ok" ? 0 : 1;
}
