// Writes with write-through (issue 12): put_parameter / put_secret_value on the in-memory
// fakes; cached handles of the name serve the written version with no extra read.
#include <gtest/gtest.h>

#include "fixture.hpp"
#include "secret_fixture.hpp"
#include "ssm_cache/writes.hpp"

namespace ssm_cache::test {
namespace {

TEST_F(CacheTest, PutParameterWritesThroughToCachedHandles) {
  fake->put("/app/db", "v1");
  SSMParameter p("/app/db", opts(60s));
  SSMParameterGroup group(gopts(60s));
  SSMParameter member = group.parameter("/app/db");
  SSMParameter pinned("/app/db:1", opts(60s));
  EXPECT_EQ(p.value(), "v1");
  EXPECT_EQ(member.value(), "v1");
  EXPECT_EQ(pinned.value(), "v1");
  const std::size_t reads = get_calls();

  const PutParameterResult r =
      put_parameter("/app/db", "v2", {.type = "SecureString", .overwrite = true}, fake);
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.tier, "Standard");
  EXPECT_EQ(p.value(), "v2");
  EXPECT_EQ(p.version(), 2);
  EXPECT_EQ(p.record().type, "SecureString");
  EXPECT_EQ(member.value(), "v2");
  EXPECT_EQ(pinned.value(), "v1");  // a selector pins a version
  EXPECT_EQ(get_calls(), reads);  // served at once, no read
  EXPECT_EQ(fake->call_count("PutParameter"), 1u);
  // The fake stored what a later read gets.
  SSMParameter fresh("/app/db", opts());
  EXPECT_EQ(fresh.value(), "v2");
}

TEST_F(CacheTest, FailedPutChangesNoCache) {
  fake->put("/app/db", "v1");
  SSMParameter p("/app/db", opts(60s));
  EXPECT_EQ(p.value(), "v1");
  try {
    (void)put_parameter("/app/db", "v2", {}, fake);  // overwrite false
    FAIL() << "expected ParameterAlreadyExists";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ParameterAlreadyExists");
  }
  EXPECT_EQ(p.value(), "v1");
  EXPECT_THROW((void)put_parameter("/app/db:1", "v2", {.overwrite = true}, fake), InvalidNameError);
}

TEST_F(CacheTest, WriteThroughOnlyWhereTheCacheReadsTheSameClient) {
  fake->put("/app/db", "v1");
  auto other = std::make_shared<FakeParameterClient>();
  other->put("/app/db", "elsewhere");
  SSMParameter mine("/app/db", opts(60s));
  SSMParameter theirs("/app/db", {.max_age = 60s, .client = other, .clock = clock});
  SSMParameter no_decrypt(
      "/app/db", {.max_age = 60s, .with_decryption = false, .client = fake, .clock = clock});
  SSMParameter unread("/app/db", opts(60s));
  EXPECT_EQ(mine.value(), "v1");
  EXPECT_EQ(theirs.value(), "elsewhere");
  EXPECT_EQ(no_decrypt.value(), "v1");
  (void)put_parameter("/app/db", "v2", {.type = "SecureString", .overwrite = true}, fake);
  EXPECT_EQ(mine.value(), "v2");
  EXPECT_EQ(theirs.value(), "elsewhere");
  // Without decryption the cache holds ciphertext for a SecureString: it reads it itself.
  EXPECT_EQ(no_decrypt.value(), "v1");
  EXPECT_EQ(unread.value(), "v2");  // fetched as usual
}

TEST_F(SecretTest, PutSecretValueWritesThroughToCurrentHandles) {
  const std::string v1 = fake->put_secret_string("db", "pw1");
  Secret current("db", sopts(60s));
  SecretGroup group(sopts(60s));
  Secret member = group.secret("db");
  Secret pinned("db", {.version_id = v1, .client = fake, .clock = clock});
  EXPECT_EQ(current.value(), "pw1");
  EXPECT_EQ(member.value(), "pw1");
  EXPECT_EQ(pinned.value(), "pw1");
  const std::size_t reads = gets() + batches();

  const PutSecretResult r = put_secret_value("db", "pw2", fake);
  EXPECT_NE(r.version_id, v1);
  EXPECT_EQ(r.version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(current.value(), "pw2");
  EXPECT_EQ(current.version_id(), r.version_id);
  EXPECT_EQ(current.version_stages(), std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(member.value(), "pw2");
  EXPECT_EQ(pinned.value(), "pw1");
  EXPECT_EQ(gets() + batches(), reads);
  // After max_age, version-aware refresh finds the written version current: no value read.
  clock->advance(61s);
  EXPECT_EQ(current.value(), "pw2");
  EXPECT_EQ(gets() + batches(), reads);
  EXPECT_GE(describes(), 1u);

  try {
    (void)put_secret_value("nope", "x", fake);
    FAIL() << "expected ResourceNotFoundException";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ResourceNotFoundException");
  }
}

}  // namespace
}  // namespace ssm_cache::test
