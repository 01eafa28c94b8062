// bench/compare/minimal_get.cpp — the smallest program a user writes: read one parameter and
// print it. Measures ssm-cache's cold start (process start to first value printed).
// Endpoint, region and credentials come from the environment (AWS_ENDPOINT_URL_SSM, ...).
#include <cstdio>
#include <exception>

#include <ssm_cache/ssm_cache.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: minimal_get NAME\n", stderr);
    return 2;
  }
  try {
    const std::string value = ssm_cache::SSMParameter(argv[1]).value();
    std::printf("%s\n", value.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minimal_get: %s\n", e.what());
    return 1;
  }
}
