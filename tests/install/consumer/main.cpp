// A user's program built against the installed ssm_cache: reads through the shipped fake.
#include <iostream>

#include <ssm_cache/ssm_cache.hpp>
#include <ssm_cache/testing/fake_client.hpp>
#include <ssm_cache/version.hpp>  // generated at build time, installed with the headers

int main() {
  auto fake = std::make_shared<ssm_cache::testing::FakeParameterClient>();
  fake->put("/app/greeting", "ok");
  ssm_cache::SSMParameter p("/app/greeting", {.client = fake});
  static_assert(SSM_CACHE_VERSION_MAJOR >= 0, "version.hpp defines the version numbers");
  std::cout << "consumer " << p.value() << " (ssm_cache " << ssm_cache::kVersion << ")\n";
  return p.value() == "ok" ? 0 : 1;
}
