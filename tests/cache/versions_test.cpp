// Port of the seed's versioning_test: selectors name:N and name:label, updates, groups.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

using VersionsTest = CacheTest;

TEST_F(VersionsTest, UpdatePicksTheNewVersion) {
  fake->put("p", kValue);
  SSMParameter param("p", opts());
  EXPECT_EQ(param.version(), 1);
  EXPECT_EQ(param.value(), kValue);
  fake->put("p", kValueV2);
  param.refresh();
  EXPECT_EQ(param.version(), 2);
  EXPECT_EQ(param.value(), kValueV2);
  SSMParameter same("p", opts());
  EXPECT_EQ(same.version(), 2);
}

TEST_F(VersionsTest, PinnedVersionStays) {
  fake->put("p", kValue);
  fake->put("p", kValueV2);
  SSMParameter param("p:1", opts());
  EXPECT_EQ(param.value(), kValue);
  EXPECT_EQ(param.version(), 1);
  EXPECT_EQ(param.name(), "p");
  EXPECT_EQ(param.full_name(), "p:1");
  EXPECT_EQ(param.selector(), "1");
  EXPECT_EQ(param.record().selector, ":1");
  fake->put("p", "v3");
  param.refresh();
  EXPECT_EQ(param.value(), kValue);
}

TEST_F(VersionsTest, MissingVersion) {
  fake->put("p", kValue);
  SSMParameter param("p:10", opts());
  try {
    (void)param.value();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), std::vector<std::string>{"p:10"});
  }
}

TEST_F(VersionsTest, InvalidSelectors) {
  for (const char* bad : {"my_param:0", "my_param:-1", "my_param:", "my_param:1:2"}) {
    EXPECT_THROW(SSMParameter(bad, opts()), InvalidVersionError) << bad;
  }
  EXPECT_NO_THROW(SSMParameter("my_param:hello", opts()));  // a label
}

TEST_F(VersionsTest, GroupUpdate) {
  fake->put("p", kValue);
  SSMParameterGroup group(gopts());
  auto param = group.parameter("p");
  EXPECT_EQ(param.version(), 1);
  fake->put("p", kValueV2);
  group.refresh();
  EXPECT_EQ(param.version(), 2);
  EXPECT_EQ(param.value(), kValueV2);
}

TEST_F(VersionsTest, GroupSelect) {
  fake->put("p", kValue);
  fake->put("p", kValueV2);
  SSMParameterGroup group(gopts());
  auto v1 = group.parameter("p:1");
  auto latest = group.parameter("p");
  EXPECT_EQ(v1.version(), 1);
  EXPECT_EQ(v1.value(), kValue);
  EXPECT_EQ(latest.value(), kValueV2);
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(VersionsTest, Labels) {
  fake->put("p", kValue);
  fake->put("p", kValueV2);
  fake->label("p", 1, "prod");
  SSMParameter prod("p:prod", opts());
  EXPECT_EQ(prod.value(), kValue);
  EXPECT_EQ(prod.version(), 1);
  EXPECT_EQ(prod.record().selector, ":prod");
  fake->label("p", 2, "prod");  // the label moves
  prod.refresh();
  EXPECT_EQ(prod.value(), kValueV2);
  EXPECT_THROW((void)SSMParameter("p:missing_label", opts()).value(), InvalidParameterError);
}

// A server that omits Selector: results still match by name when unambiguous.
class NoSelectorClient : public FakeParameterClient {
 public:
  GetParametersResult get_parameters(const std::vector<std::string>& names, bool d) override {
    auto r = FakeParameterClient::get_parameters(names, d);
    for (auto& p : r.parameters) p.selector.clear();
    return r;
  }
};

TEST(VersionsMatching, FallsBackToNameWhenSelectorMissingAndUnambiguous) {
  auto fake = std::make_shared<NoSelectorClient>();
  fake->put("p", kValue);
  fake->put("p", kValueV2);
  SSMParameter v1("p:1", {.client = fake});
  EXPECT_EQ(v1.value(), kValue);
  SSMParameterGroup group({.client = fake});
  auto a = group.parameter("p:1");
  auto b = group.parameter("p:2");
  // Two selectors for one name and no Selector in the answer: ambiguous, reported missing.
  EXPECT_THROW(group.refresh(), InvalidParameterError);
}

}  // namespace
}  // namespace ssm_cache::test
