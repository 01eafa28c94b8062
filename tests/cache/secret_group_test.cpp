// SecretGroup on the in-memory Secrets Manager: batches of at most 20, per-secret failures.
#include <gtest/gtest.h>

#include "secret_fixture.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::test {
namespace {

TEST_F(SecretTest, GroupBatchesAtMostTwentyIds) {
  SecretGroup group(sopts());
  std::vector<Secret> secrets;
  for (int i = 0; i < 45; ++i) {
    fake->put_secret_string("s" + std::to_string(i), "v" + std::to_string(i));
    secrets.push_back(group.secret("s" + std::to_string(i)));
  }
  group.refresh();
  EXPECT_EQ(batches(), 3u);  // 20 + 20 + 5
  EXPECT_EQ(gets(), 0u);
  for (const auto& c : fake->calls()) EXPECT_LE(c.ids.size(), 20u);
  for (int i = 0; i < 45; ++i) EXPECT_EQ(secrets[i].value(), "v" + std::to_string(i));
  EXPECT_EQ(fake->call_count(), 3u);
}

TEST_F(SecretTest, GroupMissingSecretFailsOnlyItself) {
  fake->put_secret_string("a", "1");
  fake->put_secret_string("b", "2");
  SecretGroup group(sopts());
  auto a = group.secret("a");
  auto missing = group.secret("missing");
  auto b = group.secret("b");
  try {
    group.refresh();
    FAIL() << "expected InvalidParameterError";
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), std::vector<std::string>{"missing"});
  }
  EXPECT_EQ(a.value(), "1");
  EXPECT_EQ(b.value(), "2");
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  EXPECT_EQ(batches(), 1u);
}

TEST_F(SecretTest, GroupFirstReadFetchesTogether) {
  fake->put_secret_string("a", "1");
  fake->put_secret_string("b", "2");
  SecretGroup group(sopts());
  auto a = group.secret("a");
  auto b = group.secret("b");
  EXPECT_EQ(a.value(), "1");
  EXPECT_EQ(b.value(), "2");
  EXPECT_EQ(fake->call_count(), 1u);
  EXPECT_EQ(batches(), 1u);
}

TEST_F(SecretTest, GroupStagesOtherThanCurrentUseGetSecretValue) {
  fake->put_secret_string("a", "1");
  fake->put_secret_string("a", "2");
  fake->put_secret_string("b", "x");
  SecretGroup current(sopts());
  auto a = current.secret("a");
  auto b = current.secret("b");
  SecretGroup previous({.version_stage = "AWSPREVIOUS", .client = fake, .clock = clock});
  auto a_prev = previous.secret("a");
  auto b_prev = previous.secret("b");
  EXPECT_EQ(a.value(), "2");
  EXPECT_EQ(a_prev.value(), "1");
  EXPECT_THROW((void)b_prev.value(), InvalidParameterError);  // b has no AWSPREVIOUS
  EXPECT_EQ(batches(), 1u);
  EXPECT_EQ(gets(), 2u);
}

TEST_F(SecretTest, GroupTransientFailureKeepsValues) {
  fake->put_secret_string("a", "1");
  fake->put_secret_string("b", "2");
  SecretOptions o = sopts(10s);
  o.version_aware_refresh = false;
  SecretGroup group(o);
  auto a = group.secret("a");
  auto b = group.secret("b");
  group.refresh();
  fake->put_secret_string("a", "changed");
  fake->fail_next_with(1, throttled(), "BatchGetSecretValue");
  EXPECT_THROW(group.refresh(), AwsError);
  EXPECT_EQ(a.value(), "1");
  EXPECT_EQ(b.value(), "2");
  group.refresh();
  EXPECT_EQ(a.value(), "changed");
}

}  // namespace
}  // namespace ssm_cache::test
