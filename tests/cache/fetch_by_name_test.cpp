// Fetches by name (issue 12, Powertools' get_parameters_by_name(..., raise_on_error=False)):
// options per name, errors per name, the fewest calls.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fixture.hpp"
#include "ssm_cache/by_name.hpp"

namespace ssm_cache::test {
namespace {

AwsError throttling() {
  return AwsError("GetParameters failed: ThrottlingException (HTTP 400)", "ThrottlingException",
                  "Rate exceeded", 400, "fake-request-id");
}

class ByNameTest : public CacheTest {
 protected:
  ByNameOptions bopts(bool raise = false) const {
    return {.max_age = 10s, .raise_on_error = raise, .client = fake, .clock = clock};
  }
  std::set<std::string> error_names(const ParametersByNameResult& r) const {
    std::set<std::string> out;
    for (const auto& e : r.errors) out.insert(e.name);
    return out;
  }
};

TEST_F(ByNameTest, MissingNameFailsOnlyItself) {
  fake->put("/a", "1");
  fake->put("/b", "2");
  const auto r = get_parameters_by_name({{"/a", {}}, {"/missing", {}}, {"/b", {}}}, bopts());
  EXPECT_EQ(r.values, (std::map<std::string, std::string>{{"/a", "1"}, {"/b", "2"}}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].name, "/missing");
  EXPECT_EQ(r.errors[0].code, "ParameterNotFound");
  EXPECT_FALSE(r.errors[0].transient);
  EXPECT_THROW(std::rethrow_exception(r.errors[0].error), InvalidParameterError);
  EXPECT_EQ(get_calls(), 1u);  // three names, one call
}

TEST_F(ByNameTest, RaiseOnErrorThrowsTheFirstFailure) {
  fake->put("/a", "1");
  EXPECT_THROW((void)get_parameters_by_name({{"/a", {}}, {"/missing", {}}}, bopts(true)),
               InvalidParameterError);
}

TEST_F(ByNameTest, OneCallPerTenNamesAndDecryptionFlag) {
  std::vector<std::pair<std::string, NameOptions>> names;
  for (int i = 0; i < 12; ++i) {
    fake->put("/s" + std::to_string(i), "v" + std::to_string(i), "SecureString");
    names.push_back({"/s" + std::to_string(i), {}});
  }
  fake->put("/plain", "p");
  names.push_back({"/plain", {.with_decryption = false}});
  const auto r = get_parameters_by_name(names, bopts());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.values.size(), 13u);
  EXPECT_EQ(r.values.at("/s11"), "v11");
  EXPECT_EQ(r.values.at("/plain"), "p");
  ASSERT_EQ(get_calls(), 3u);  // 10 + 2 decrypted, 1 not
  std::size_t decrypted = 0;
  for (const auto& c : fake->calls()) decrypted += c.with_decryption ? c.names.size() : 0;
  EXPECT_EQ(decrypted, 12u);
}

TEST_F(ByNameTest, ThrottledChunkFailsOnlyItsNames) {
  std::vector<std::string> names;
  for (int i = 0; i < 15; ++i) {
    fake->put("/p" + std::to_string(i), "v" + std::to_string(i));
    names.push_back("/p" + std::to_string(i));
  }
  fake->fail_next_with(1, throttling(), "GetParameters");
  ParametersByName fetcher(bopts());
  const auto r = fetcher.get(names);
  // The two calls (10 and 5 names) run concurrently: either may be the throttled one.
  ASSERT_TRUE(r.errors.size() == 10u || r.errors.size() == 5u) << r.errors.size();
  EXPECT_EQ(r.values.size() + r.errors.size(), 15u);
  std::set<std::string> throttled_call;
  for (const auto& c : fake->calls()) {
    if (c.names.size() == r.errors.size()) throttled_call.insert(c.names.begin(), c.names.end());
  }
  EXPECT_EQ(error_names(r), throttled_call);
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.code, "ThrottlingException");
    EXPECT_TRUE(e.transient);
  }
  // The names served are cached: a second get fetches only the failed ones.
  fake->clear_calls();
  const auto again = fetcher.get(names);
  EXPECT_TRUE(again.errors.empty());
  EXPECT_EQ(again.values.size(), 15u);
  ASSERT_EQ(get_calls(), 1u);
  EXPECT_EQ(fake->calls()[0].names.size(), r.errors.size());
}

TEST_F(ByNameTest, BadTransformFailsOnlyItsName) {
  fake->put("/cfg.json", R"({"a": 1})");
  fake->put("/bad.json", "S3CR3T-not-json");
  fake->put("/key.binary", "aGk=");
  fake->put("/raw", "S3CR3T*not*base64");
  const auto r = get_parameters_by_name({{"/cfg.json", {.transform = Transform::kAuto}},
                                         {"/bad.json", {.transform = Transform::kAuto}},
                                         {"/key.binary", {.transform = Transform::kAuto}},
                                         {"/raw", {.transform = Transform::kBinary}}},
                                        bopts());
  EXPECT_EQ(r.values, (std::map<std::string, std::string>{{"/cfg.json", R"({"a": 1})"},
                                                          {"/key.binary", "hi"}}));
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].name, "/bad.json");
  EXPECT_EQ(r.errors[1].name, "/raw");
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.code, "TransformError");
    EXPECT_NE(e.message.find(e.name), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("S3CR3T"), std::string::npos) << e.message;
  }
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ByNameTest, MaxAgePerName) {
  fake->put("/short", "s1");
  fake->put("/long", "l1");
  ParametersByName fetcher(bopts());
  const std::vector<std::pair<std::string, NameOptions>> names = {{"/short", {.max_age = 1s}},
                                                                  {"/long", {.max_age = 60s}}};
  EXPECT_TRUE(fetcher.get(names).errors.empty());
  fake->put("/short", "s2");
  fake->put("/long", "l2");
  clock->advance(2s);
  fake->clear_calls();
  const auto r = fetcher.get(names);
  EXPECT_EQ(r.values.at("/short"), "s2");
  EXPECT_EQ(r.values.at("/long"), "l1");  // still within its max_age
  ASSERT_EQ(get_calls(), 1u);
  EXPECT_EQ(fake->calls()[0].names, std::vector<std::string>{"/short"});
  fetcher.clear();
  EXPECT_EQ(fetcher.get(names).values.at("/long"), "l2");
}

TEST_F(ByNameTest, MalformedNameThrowsBeforeAnyCall) {
  EXPECT_THROW((void)get_parameters_by_name({{"/a", {}}, {"bad name", {}}}, bopts()),
               InvalidNameError);
  EXPECT_EQ(get_calls(), 0u);
}

}  // namespace
}  // namespace ssm_cache::test
