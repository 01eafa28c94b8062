// main.cpp — the ssm-cache program: the command line over the real AWS client.
#include <iostream>
#include <string>
#include <vector>

#include "cli_app.hpp"
#include "common/env.hpp"
#include "ssm_cache/shared_cache.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  // Lambda starts /opt/extensions/<file> with no arguments and requires the extension to
  // register under that file name: run as the extension, named after how it was started.
  if (args.size() == 1 && ssm_cache::common::env_setting(ssm_cache::common::process_environment(),
                                                         "AWS_LAMBDA_RUNTIME_API")) {
    const std::string& self = args[0];
    const std::string name = self.substr(self.find_last_of('/') + 1);
    args = {self, "serve", "--extension-name", name.empty() ? "ssm-cache" : name};
  }
  return ssm_cache::cli::run_cli(
      args,
      [](const ssm_cache::AwsClientOptions& options) {
        // SSM_CACHE_SHARED_CACHE_URL puts the fleet-shared tier in front of AWS for every
        // command (get, path, secret, exec, serve).
        return ssm_cache::with_shared_cache_from_environment(ssm_cache::make_aws_client(options));
      },
      std::cout, std::cerr);
}
