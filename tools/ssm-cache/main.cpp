// main.cpp — the ssm-cache program: the command line over the real AWS client.
#include <iostream>
#include <string>
#include <vector>

#include "cli_app.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return ssm_cache::cli::run_cli(
      args,
      [](const ssm_cache::AwsClientOptions& options) {
        return ssm_cache::make_aws_client(options);
      },
      std::cout, std::cerr);
}
