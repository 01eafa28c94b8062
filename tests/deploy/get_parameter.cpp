// tests/deploy/get_parameter.cpp — the library as an application uses it: one SSMParameter
// through the documented default client (region, endpoint and credentials all from the
// environment and the shared files). Prints the value; on failure prints the error and exits 1.
#include <exception>
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: deploy_get_parameter NAME\n";
    return 2;
  }
  try {
    ssm_cache::SSMParameter parameter(argv[1]);
    std::cout << parameter.value() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "deploy_get_parameter: " << e.what() << "\n";
    return 1;
  }
}
