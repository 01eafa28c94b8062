// StringList parameters: value() is the raw string, values() the items.
#include <iostream>

#include "ssm_cache/ssm_cache.hpp"

int main() {
  ssm_cache::SSMParameter twitter_params("my_twitter_api_keys");  // four comma-separated values
  const std::vector<std::string> keys = twitter_params.values();
  if (keys.size() == 4) {
    const auto& [key, secret, access_token, access_token_secret] =
        std::tie(keys[0], keys[1], keys[2], keys[3]);
    std::cout << key.size() + secret.size() + access_token.size() + access_token_secret.size()
              << " characters\n";
  }
}
