// TEMPORARY placeholder so the library links while the AWS client is being written.
#include "ssm_cache/aws.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
std::shared_ptr<AwsClient> make_aws_client(AwsClientOptions) {
  throw ConfigurationError("the AWS client is not built yet");
}
}  // namespace ssm_cache
