// Issue 11, point 3: a parameter given by ARN is sent as the ARN and matched by the ARN in the
// answer (shared, cross-account parameters come back under their ARN) or, for the caller's own
// account, by the name the ARN designates. Selectors work; name() is what the user gave.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

// The fake's own account is FakeParameterClient::kAccountId (123456789012).
constexpr const char* kOwnArn = "arn:aws:ssm:us-east-1:123456789012:parameter/arn/p";
constexpr const char* kSharedArn = "arn:aws:ssm:us-east-1:000000000000:parameter/arn/p";

TEST_F(CacheTest, ArnOfOwnAccountSentAsArnAndMatchedByName) {
  fake->put("/arn/p", "v1");
  SSMParameter p(kOwnArn, opts());
  EXPECT_EQ(p.value(), "v1");
  EXPECT_EQ(p.name(), kOwnArn);
  EXPECT_EQ(fake->calls().back().names, std::vector<std::string>{kOwnArn});
}

TEST_F(CacheTest, SharedArnMatchedByTheArnInTheAnswer) {
  fake->put("/arn/p", "shared");
  SSMParameter p(kSharedArn, opts());
  EXPECT_EQ(p.value(), "shared");
  EXPECT_EQ(p.record().name, kSharedArn);  // as AWS answers a shared parameter
  EXPECT_EQ(p.name(), kSharedArn);
}

TEST_F(CacheTest, ArnSelectorsWork) {
  fake->put("/arn/p", "v1");
  fake->put("/arn/p", "v2");
  fake->label("/arn/p", 1, "prod");
  SSMParameterGroup group(gopts());
  auto v1 = group.parameter(std::string(kSharedArn) + ":1");
  auto prod = group.parameter(std::string(kOwnArn) + ":prod");
  auto latest = group.parameter(kOwnArn);
  EXPECT_EQ(v1.value(), "v1");
  EXPECT_EQ(prod.value(), "v1");
  EXPECT_EQ(latest.value(), "v2");
  EXPECT_EQ(v1.selector(), "1");
  EXPECT_EQ(v1.full_name(), std::string(kSharedArn) + ":1");
  EXPECT_EQ(v1.name(), kSharedArn);
  EXPECT_EQ(get_calls(), 1u);  // one batch for the three
}

TEST_F(CacheTest, ArnOfSingleLevelName) {
  fake->put("plain", "x");
  SSMParameter p("arn:aws:ssm:us-east-1:123456789012:parameter/plain", opts());
  EXPECT_EQ(p.value(), "x");
}

TEST_F(CacheTest, MissingArnReportedUnderTheArn) {
  SSMParameter p(kSharedArn, opts());
  try {
    (void)p.value();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), std::vector<std::string>{kSharedArn});
  }
}

TEST_F(CacheTest, ArnAndPlainNameAreDistinctEntriesOfOneGroup) {
  fake->put("/arn/p", "v");
  SSMParameterGroup group(gopts());
  auto by_arn = group.parameter(kOwnArn);
  auto by_name = group.parameter("/arn/p");
  EXPECT_EQ(by_arn.value(), "v");
  EXPECT_EQ(by_name.value(), "v");
  EXPECT_EQ(get_calls(), 1u);
}

}  // namespace
}  // namespace ssm_cache::test
