// Port of the seed's hierarchy_test: by-path groups, pagination, overlap, base_path, recursion.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

constexpr const char* kRoot = "/Root";
constexpr const char* kPrepathSimple = "/Level1/Level2";
constexpr const char* kPrepath = "/Root/Level1/Level2";
constexpr const char* kListSimple = "/LevelA/LevelB";
constexpr const char* kList = "/Root/LevelA/LevelB";
constexpr std::size_t kGroupSize = 20;

class HierarchyTest : public CacheTest {
 protected:
  void SetUp() override {
    for (std::size_t i = 0; i < kGroupSize; ++i) {
      fake->put(std::string(kPrepath) + "/my_param_" + std::to_string(i), kValue);
      fake->put(std::string(kList) + "/my_param_list_" + std::to_string(i), "abc123,abc123",
                "StringList");
    }
  }
};

TEST_F(HierarchyTest, Hierarchy) {
  SSMParameterGroup group(gopts());
  auto params = group.parameters(kPrepath);
  EXPECT_EQ(group.size(), kGroupSize);
  for (const auto& p : params) {
    EXPECT_EQ(p.value(), kValue);
    EXPECT_NE(p.name().find(kPrepath), std::string::npos);
  }
  EXPECT_EQ(path_calls(), 2u);  // 20 parameters: two pages of 10
  EXPECT_EQ(get_calls(), 0u);  // values came with the pages
}

TEST_F(HierarchyTest, WithLists) {
  SSMParameterGroup group(gopts());
  auto params = group.parameters(kList);
  EXPECT_EQ(group.size(), kGroupSize);
  for (const auto& p : params) {
    EXPECT_EQ(p.values(), (std::vector<std::string>{kValue, kValue}));
    EXPECT_NE(p.name().find(kList), std::string::npos);
  }
}

TEST_F(HierarchyTest, RootReturnsEverythingOverSeveralPages) {
  SSMParameterGroup group(gopts());
  auto params = group.parameters(kRoot);
  EXPECT_EQ(params.size(), kGroupSize * 2);
  EXPECT_EQ(group.size(), kGroupSize * 2);
  for (const auto& p : params) EXPECT_NE(p.name().find(kRoot), std::string::npos);
  const auto calls = fake->calls();
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].next_token, "");
  EXPECT_NE(calls[3].next_token, "");
}

TEST_F(HierarchyTest, Multiple) {
  SSMParameterGroup group(gopts());
  auto p1 = group.parameters(kPrepath);
  auto p2 = group.parameters(kList);
  EXPECT_EQ(p1.size(), kGroupSize);
  EXPECT_EQ(p2.size(), kGroupSize);
  EXPECT_EQ(group.size(), kGroupSize * 2);
}

TEST_F(HierarchyTest, OverlapDeduplicated) {
  SSMParameterGroup group(gopts());
  auto p1 = group.parameters(kPrepath);
  auto all = group.parameters(kRoot);
  EXPECT_EQ(p1.size(), kGroupSize);
  EXPECT_EQ(all.size(), kGroupSize * 2);
  EXPECT_EQ(group.size(), kGroupSize * 2);
  // The same parameter found by both paths is one entry.
  EXPECT_NE(std::find(all.begin(), all.end(), p1[0]), all.end());
}

TEST_F(HierarchyTest, BasePathPrefix) {
  SSMParameterGroup group(gopts(0ms, kRoot));
  EXPECT_EQ(group.base_path(), kRoot);
  auto p1 = group.parameters(kPrepathSimple);
  auto p2 = group.parameters(kListSimple);
  EXPECT_EQ(p1.size(), kGroupSize);
  EXPECT_EQ(p2.size(), kGroupSize);
  EXPECT_EQ(group.size(), kGroupSize * 2);
  for (const auto& p : p1) EXPECT_TRUE(p.name().starts_with(kPrepath));
  for (const auto& p : p2) EXPECT_TRUE(p.name().starts_with(kList));
}

TEST_F(HierarchyTest, BasePathSingle) {
  SSMParameterGroup group(gopts(0ms, kRoot));
  auto p = group.parameter(std::string(kPrepathSimple) + "/my_param_1");
  EXPECT_EQ(group.size(), 1u);
  EXPECT_EQ(p.name(), std::string(kPrepath) + "/my_param_1");
  EXPECT_EQ(p.value(), kValue);
}

TEST_F(HierarchyTest, BasePathMixed) {
  SSMParameterGroup group(gopts(0ms, kRoot));
  auto p = group.parameter(std::string(kPrepathSimple) + "/my_param_1");
  auto p1 = group.parameters(kPrepathSimple);
  auto p2 = group.parameters(kListSimple);
  EXPECT_EQ(p1.size(), kGroupSize);
  EXPECT_EQ(p2.size(), kGroupSize);
  EXPECT_EQ(group.size(), kGroupSize * 2);
  EXPECT_NE(std::find(p1.begin(), p1.end(), p), p1.end());
}

TEST_F(HierarchyTest, BasePathComplex) {
  for (const char* n :
       {"/PrefixComplex/Foo/Bar", "/PrefixComplex/Foo/Baz/1", "/PrefixComplex/Foo/Baz/2",
        "/PrefixComplex/Foo/Taz/1", "/PrefixComplex/Foo/Taz/2"}) {
    fake->put(n, kValue);
  }
  SSMParameterGroup group(gopts(0ms, "/PrefixComplex/Foo"));
  auto bar = group.parameter("/Bar");
  auto baz = group.parameters("/Baz");
  auto taz = group.parameters("/Taz");
  EXPECT_EQ(bar.name(), "/PrefixComplex/Foo/Bar");
  EXPECT_EQ(baz.size(), 2u);
  EXPECT_EQ(taz.size(), 2u);
  EXPECT_EQ(group.size(), 5u);
}

TEST_F(HierarchyTest, RecursiveAndOneLevel) {
  for (const char* n : {"/P/Foo/Baz/1", "/P/Foo/Baz/2", "/P/Foo/Baz/Taz/1", "/P/Foo/Baz/Taz/2"}) {
    fake->put(n, kValue);
  }
  SSMParameterGroup recursive(gopts(0ms, "/P/Foo"));
  EXPECT_EQ(recursive.parameters("/Baz").size(), 4u);
  EXPECT_EQ(recursive.size(), 4u);
  SSMParameterGroup one_level(gopts(0ms, "/P/Foo"));
  auto baz = one_level.parameters("/Baz", {.recursive = false});
  auto taz = one_level.parameters("/Baz/Taz");
  EXPECT_EQ(baz.size(), 2u);
  EXPECT_EQ(taz.size(), 2u);
  EXPECT_EQ(one_level.size(), 4u);
  EXPECT_FALSE(fake->calls()[1].recursive);
}

TEST_F(HierarchyTest, PrefixErrors) {
  EXPECT_THROW(SSMParameterGroup(gopts(0ms, "InvalidPrefix")), InvalidPathError);
  SSMParameterGroup group(gopts(0ms, kRoot));
  EXPECT_THROW(group.parameter("InvalidPath"), InvalidPathError);
  EXPECT_THROW(group.parameters("InvalidPath"), InvalidPathError);
  SSMParameterGroup no_base(gopts());
  EXPECT_NO_THROW(no_base.parameter("root_level_name"));  // without base path, a plain name
  EXPECT_THROW(no_base.parameters("no_slash"), InvalidPathError);
  EXPECT_EQ(fake->call_count(), 0u);
}

TEST_F(HierarchyTest, PathsRefreshedWithTheGroup) {
  SSMParameterGroup group(gopts(60s));
  auto params = group.parameters(kPrepath);
  fake->put(std::string(kPrepath) + "/my_param_new", "new");
  fake->remove(std::string(kPrepath) + "/my_param_0");
  clock->advance(61s);
  auto p = params[5];
  (void)p.value();  // expired: the whole group refreshes, path included
  EXPECT_EQ(group.size(), kGroupSize);  // one added, one dropped
  EXPECT_EQ(group.parameter(std::string(kPrepath) + "/my_param_new").value(), "new");
}

TEST_F(HierarchyTest, GroupExpiryKeepsOldestTime) {
  fake->put("/single", kValue);
  SSMParameterGroup group(gopts(10s));
  auto single = group.parameter("/single");
  EXPECT_EQ(single.value(), kValue);  // t = 0: the group's time
  clock->advance(6s);
  auto params = group.parameters(kPrepath);  // t = 6: fetched now, group time stays 0
  fake->clear_calls();
  clock->advance(5s);  // t = 11: expired, although the path values are only 5 s old
  (void)params[0].value();
  EXPECT_EQ(get_calls(), 1u);
  EXPECT_EQ(path_calls(), 2u);
  fake->clear_calls();
  clock->advance(9s);  // t = 20: fresh since the refresh at t = 11
  (void)single.value();
  EXPECT_EQ(fake->call_count(), 0u);
}

}  // namespace
}  // namespace ssm_cache::test
