// Secrets Manager as a cached source (ssm_cache/secrets.hpp): a secret by stage, a binary
// secret, and a group fetched with BatchGetSecretValue. Values are never printed.
#include <chrono>
#include <iostream>

#include "ssm_cache/secrets.hpp"

int main() {
  using namespace std::chrono_literals;
  // Refreshed after 5 minutes; DescribeSecret first, GetSecretValue only after a rotation.
  ssm_cache::Secret db("prod/db", {.max_age = 300s});
  ssm_cache::Secret previous("prod/db", {.max_age = 300s, .version_stage = "AWSPREVIOUS"});
  std::cout << "db: version " << db.version_id() << ", " << db.value().size() << " characters\n";
  std::cout << "previous: version " << previous.version_id() << "\n";

  ssm_cache::Secret cert("prod/tls-key");
  std::cout << "key: " << cert.binary().size() << " bytes\n";

  ssm_cache::SecretGroup group({.max_age = 300s});
  auto api = group.secret("prod/api-key");
  auto token = group.secret("prod/token");
  group.refresh();  // one BatchGetSecretValue for up to 20 secrets
  std::cout << api.value().size() + token.value().size() << " characters\n";
}
