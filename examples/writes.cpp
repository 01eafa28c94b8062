// Writes with write-through (ssm_cache/writes.hpp): cached handles serve the written version
// at once, with no read call.
#include <chrono>
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  using namespace std::chrono_literals;
  ssm_cache::SSMParameter db("/app/db", {.max_age = 300s});
  std::cout << "version " << db.version() << "\n";
  const auto written = ssm_cache::put_parameter("/app/db", "new-password",
                                                {.type = "SecureString", .overwrite = true});
  std::cout << "wrote version " << written.version << ", cached " << db.version() << "\n";

  ssm_cache::Secret api("prod/api-key", {.max_age = 300s});
  (void)api.value();
  const auto version = ssm_cache::put_secret_value("prod/api-key", "rotated-by-hand");
  std::cout << "secret version " << version.version_id << ", cached " << api.version_id() << "\n";
}
