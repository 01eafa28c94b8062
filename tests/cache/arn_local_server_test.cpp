// Issue 11, point 3, end to end: parameters given by ARN, read through the real AWS client
// (SigV4, JSON 1.1) from the real ssm-cache-local program. The server answers an ARN of its
// own account under the plain name with the parameter's ARN beside it, as AWS does for the
// caller's own parameters; the cache matches the answer by that ARN.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "local/server_process.hpp"
#include "local_aws_client.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache {
namespace {

using nlohmann::json;

constexpr const char* kArn = "arn:aws:ssm:us-east-1:000000000000:parameter/arn/p";

using test::client_for;

void put(local_test::SignedClient& c, const std::string& name, const std::string& value) {
  auto r = c.call("AmazonSSM.PutParameter",
                  json{{"Name", name}, {"Value", value}, {"Type", "String"}, {"Overwrite", true}});
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST(ArnThroughLocalServer, ParameterByArnWithSelectorsInOneGroup) {
  local_test::ServerProcess server({"--quiet"});
  local_test::SignedClient seed(server.port());
  put(seed, "/arn/p", "v1");
  put(seed, "/arn/p", "v2");
  ASSERT_EQ(seed.call("AmazonSSM.LabelParameterVersion",
                      json{{"Name", "/arn/p"}, {"ParameterVersion", 1}, {"Labels", {"old"}}})
                .status,
            200);
  const auto client = client_for(server);

  SSMParameter alone(kArn, {.client = client});
  EXPECT_EQ(alone.value(), "v2");
  EXPECT_EQ(alone.name(), kArn);

  SSMParameterGroup group({.client = client});
  auto latest = group.parameter(kArn);
  auto v1 = group.parameter(std::string(kArn) + ":1");
  auto old = group.parameter(std::string(kArn) + ":old");
  auto plain = group.parameter("/arn/p");
  EXPECT_EQ(latest.value(), "v2");
  EXPECT_EQ(v1.value(), "v1");
  EXPECT_EQ(old.value(), "v1");
  EXPECT_EQ(plain.value(), "v2");
  EXPECT_EQ(v1.full_name(), std::string(kArn) + ":1");

  SSMParameter missing("arn:aws:ssm:us-east-1:000000000000:parameter/arn/nope", {.client = client});
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
}

}  // namespace
}  // namespace ssm_cache
