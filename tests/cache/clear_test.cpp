// Issue 11, point 5: clear() on a group (and a parameter) and the process-wide clear_caches():
// the next read fetches; remembered errors and backoffs are forgotten too.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

TEST_F(CacheTest, GroupClearMakesTheNextReadFetchInOneRound) {
  fake->put("/c/a", "a1");
  fake->put("/c/p/1", "p1");
  SSMParameterGroup group(gopts());  // max_age 0: cached forever
  auto a = group.parameter("/c/a");
  auto under = group.parameters("/c/p");
  EXPECT_EQ(a.value(), "a1");
  fake->put("/c/a", "a2");
  fake->put("/c/p/1", "p2");
  EXPECT_EQ(a.value(), "a1");
  group.clear();
  EXPECT_EQ(fake->call_count(), 2u);  // clear itself calls nothing
  EXPECT_EQ(under[0].value(), "p2");
  EXPECT_EQ(a.value(), "a2");
  EXPECT_EQ(get_calls(), 2u);
  EXPECT_EQ(path_calls(), 2u);
  EXPECT_EQ(group.size(), 2u);
}

TEST_F(CacheTest, ClearForgetsRememberedErrors) {
  SSMParameter missing("/c/nope", opts());
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  fake->put("/c/nope", "here");
  EXPECT_THROW((void)missing.value(), InvalidParameterError);  // within its backoff
  missing.clear();
  EXPECT_EQ(missing.value(), "here");
}

TEST_F(CacheTest, ClearCachesClearsEveryParameterAndGroup) {
  fake->put("x", "x1");
  fake->put("y", "y1");
  SSMParameter x("x", opts());
  SSMParameterGroup group(gopts());
  auto y = group.parameter("y");
  EXPECT_EQ(x.value(), "x1");
  EXPECT_EQ(y.value(), "y1");
  fake->put("x", "x2");
  fake->put("y", "y2");
  clear_caches();
  EXPECT_EQ(x.value(), "x2");
  EXPECT_EQ(y.value(), "y2");
}

TEST_F(CacheTest, ViewTakenBeforeClearStaysValid) {
  fake->put("x", "before");
  SSMParameter x("x", opts());
  auto view = x.value_view();
  fake->put("x", "after");
  clear_caches();
  EXPECT_EQ(x.value(), "after");
  EXPECT_EQ(view, "before");
}

}  // namespace
}  // namespace ssm_cache::test
