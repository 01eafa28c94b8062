// Issue 11, point 1: a deleted or missing member never breaks its group. Missing names fail
// only themselves (ParameterNotFound, definitive) and, like every definitive error, are
// remembered for a growing per-entry backoff: no API call per read.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

class DeletedMemberTest : public CacheTest {
 protected:
  void SetUp() override {
    fake->put("/g/a", "a1");
    fake->put("/g/b", "b1");
    fake->put("/g/c", "c1");
  }
};

// The measurement of the issue: before, every read after max_age threw "parameters not found:
// '/g/b'" for /g/a and /g/c too and called AWS (100 reads -> 100 calls).
TEST_F(DeletedMemberTest, FiftyReadsOfAGroupWithADeletedMemberCostAtMostFourCalls) {
  SSMParameterGroup group(gopts(60s));
  auto a = group.parameter("/g/a");
  auto b = group.parameter("/g/b");
  auto c = group.parameter("/g/c");
  EXPECT_EQ(a.value(), "a1");
  fake->remove("/g/b");
  fake->put("/g/a", "a2");
  clock->advance(61s);
  fake->clear_calls();
  int not_found = 0;
  for (int i = 0; i < 50; ++i) {
    if (i % 10 == 9) clock->advance(500ms);  // time passes, still within max_age
    EXPECT_EQ(a.value(), "a2");
    EXPECT_EQ(c.value(), "c1");
    try {
      (void)b.value();
    } catch (const InvalidParameterError& e) {
      EXPECT_EQ(e.names(), std::vector<std::string>{"/g/b"});
      EXPECT_FALSE(e.transient());
      ++not_found;
    }
  }
  EXPECT_EQ(not_found, 50);
  EXPECT_LE(fake->call_count(), 4u);
  EXPECT_GE(fake->call_count(), 1u);
}

TEST_F(DeletedMemberTest, ExplicitRefreshNamesEveryMissingNameAndUpdatesTheOthers) {
  SSMParameterGroup group(gopts());
  auto a = group.parameter("/g/a");
  auto b = group.parameter("/g/b");
  auto c = group.parameter("/g/c");
  EXPECT_EQ(b.value(), "b1");
  fake->remove("/g/b");
  fake->remove("/g/c");
  fake->put("/g/a", "a2");
  try {
    b.refresh();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), (std::vector<std::string>{"/g/b", "/g/c"}));
  }
  EXPECT_EQ(a.value(), "a2");
  EXPECT_THROW((void)c.value(), InvalidParameterError);
}

TEST_F(DeletedMemberTest, MemberThatReappearsIsServedOnTheNextRound) {
  SSMParameterGroup group(gopts(60s));
  auto a = group.parameter("/g/a");
  auto b = group.parameter("/g/b");
  EXPECT_EQ(b.value(), "b1");
  fake->remove("/g/b");
  clock->advance(61s);
  EXPECT_EQ(a.value(), "a1");
  EXPECT_THROW((void)b.value(), InvalidParameterError);
  fake->put("/g/b", "b-again");
  clock->advance(61s);  // next round (the backoff, capped at max_age, is over too)
  EXPECT_EQ(a.value(), "a1");
  EXPECT_EQ(b.value(), "b-again");
}

TEST_F(DeletedMemberTest, MissingMemberRetriedAloneAfterItsBackoffWhileTheGroupIsFresh) {
  SSMParameterGroup group(gopts(600s));
  auto a = group.parameter("/g/a");
  auto missing = group.parameter("/g/nope");
  EXPECT_EQ(a.value(), "a1");
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 1u);
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(get_calls(), 1u);
  clock->advance(1s);
  fake->put("/g/nope", "found");
  EXPECT_EQ(missing.value(), "found");
  ASSERT_EQ(get_calls(), 2u);
  EXPECT_EQ(fake->calls().back().names, std::vector<std::string>{"/g/nope"});
}

TEST_F(DeletedMemberTest, DefinitiveRoundErrorRememberedForTheBackoff) {
  SSMParameter p("/g/a", opts(10s));
  EXPECT_EQ(p.value(), "a1");
  clock->advance(11s);
  fake->fail_next_with(100, AwsError("AmazonSSM.GetParameters failed: AccessDeniedException",
                                     "AccessDeniedException", "no", 400, "r"));
  for (int i = 0; i < 20; ++i) EXPECT_THROW((void)p.value(), AwsError);
  EXPECT_EQ(get_calls(), 2u);
  clock->advance(1s);
  EXPECT_THROW((void)p.value(), AwsError);
  EXPECT_EQ(get_calls(), 3u);
  fake->clear_failures();
  clock->advance(2s);
  EXPECT_EQ(p.value(), "a1");
}

}  // namespace
}  // namespace ssm_cache::test
