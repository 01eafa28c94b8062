// ssm_cache/client.hpp — the interface between the cache and a parameter source.
//
// Implement it to plug in a fake, a recorder or another source. Implementations must be
// safe to call from many threads at once. The cache calls it only to refresh.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ssm_cache/errors.hpp"
#include "ssm_cache/export.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

class SSM_CACHE_EXPORT ParameterClient {
 public:
  virtual ~ParameterClient() = default;

  /// GetParameters for any number of names (with selectors "n:3" / "n:label" allowed).
  /// The implementation sends them in API calls of at most 10 names. Unknown names come
  /// back in invalid_parameters, not as an error. Throws ssm_cache::Error on failure.
  virtual GetParametersResult get_parameters(const std::vector<std::string>& names,
                                             bool with_decryption) = 0;

  /// GetParametersByPath, paginated to the end (the implementation follows NextToken).
  virtual std::vector<ParameterRecord> get_parameters_by_path(const std::string& path,
                                                              bool recursive,
                                                              const std::vector<Filter>& filters,
                                                              bool with_decryption) = 0;

  /// PutParameter (a write: never retried by the cache). The default throws Error: a client
  /// that only reads need not implement it. AwsClient and the fake implement it.
  virtual PutParameterResult put_parameter(const std::string& name, const std::string& value,
                                           const PutParameterOptions& options) {
    (void)value;
    (void)options;
    throw Error("PutParameter for '" + name + "': this ParameterClient does not support writes");
  }
};

}  // namespace ssm_cache
