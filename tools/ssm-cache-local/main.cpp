// ssm-cache-local — a local Parameter Store and Secrets Manager server speaking the real AWS
// JSON 1.1 protocol with SigV4 verification, for offline development and integration tests.
// The program is run_local (local_app.hpp); the server is LocalServer (local_server.hpp).
#include <iostream>
#include <string>
#include <vector>

#include "local_app.hpp"

int main(int argc, char** argv) {
  return ssm_cache::local::run_local(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                                     std::cerr);
}
