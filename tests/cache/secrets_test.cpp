// Port of the seed's secrets_test: Secrets Manager references, prefixing, decryption.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

class SecretsTest : public CacheTest {
 protected:
  void SetUp() override {
    for (const char* n : {"my_secret", "my_secret_1", "my_secret_2", "my_secret_3"}) {
      fake->put_secret(n, kValue);
    }
  }
};

TEST_F(SecretsTest, Creation) {
  SecretsManagerParameter s("my_secret", opts());
  EXPECT_EQ(s.name(), "/aws/reference/secretsmanager/my_secret");
  EXPECT_EQ(s.secret_name(), "my_secret");
  SecretsManagerParameter prefixed("/aws/reference/secretsmanager/my_secret", opts());
  EXPECT_EQ(prefixed.name(), s.name());
  EXPECT_THROW(SecretsManagerParameter("", opts()), InvalidNameError);
  EXPECT_THROW(SecretsManagerParameter("/my_secret", opts()), InvalidNameError);
  EXPECT_THROW(SecretsManagerParameter("my secret", opts()), InvalidNameError);
  EXPECT_NO_THROW(SecretsManagerParameter("db/prod+x=y@z.w-1_a", opts()));
  SSMParameterGroup group(gopts());
  auto gs = group.secret("my_secret");
  EXPECT_EQ(gs.name(), "/aws/reference/secretsmanager/my_secret");
  EXPECT_THROW(group.secret("/my_secret"), InvalidNameError);
  EXPECT_THROW(group.secret(""), InvalidNameError);
  EXPECT_EQ(fake->call_count(), 0u);
}

TEST_F(SecretsTest, Value) {
  SecretsManagerParameter s("my_secret", opts());
  EXPECT_EQ(s.value(), kValue);
  EXPECT_TRUE(fake->calls()[0].with_decryption);
  EXPECT_EQ(fake->calls()[0].names,
            std::vector<std::string>{"/aws/reference/secretsmanager/my_secret"});
}

TEST_F(SecretsTest, Unexisting) {
  SecretsManagerParameter s("my_secret_invalid_name", opts());
  EXPECT_THROW((void)s.value(), InvalidParameterError);
}

TEST_F(SecretsTest, UnexistingInGroup) {
  SSMParameterGroup group(gopts());
  group.secret("my_secret_1");
  group.secret("my_secret_unexisting");
  try {
    group.refresh();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(),
              std::vector<std::string>{"/aws/reference/secretsmanager/my_secret_unexisting"});
  }
}

TEST_F(SecretsTest, GroupSameName) {
  SSMParameterGroup group(gopts());
  auto s = group.secret("my_secret_1");
  auto again = group.secret("my_secret_1");
  EXPECT_EQ(group.size(), 1u);
  EXPECT_EQ(s.value(), kValue);
  EXPECT_EQ(s, again);
}

TEST_F(SecretsTest, NoBasePathPrefixInGroup) {
  SSMParameterGroup group(gopts(0ms, "/Foo"));
  auto s = group.secret("my_secret");
  EXPECT_EQ(s.name(), "/aws/reference/secretsmanager/my_secret");
  EXPECT_EQ(s.value(), kValue);
}

TEST_F(SecretsTest, ExplicitRefresh) {
  SecretsManagerParameter s("my_secret", opts());
  EXPECT_EQ(s.value(), kValue);
  fake->put_secret("my_secret", "new_value");
  EXPECT_EQ(s.value(), kValue);
  s.refresh();
  EXPECT_EQ(s.value(), "new_value");
}

TEST_F(SecretsTest, AlwaysDecryptedEvenWhenTheGroupIsNot) {
  fake->put("/plain/secure", kValue, "SecureString");
  GroupOptions o = gopts();
  o.with_decryption = false;
  SSMParameterGroup group(o);
  auto secure = group.parameter("/plain/secure");
  auto secret = group.secret("my_secret");
  EXPECT_EQ(secret.value(), kValue);
  EXPECT_NE(secure.value(), kValue);  // ciphertext
  ASSERT_EQ(get_calls(), 2u);  // one call per decryption flag
  for (const auto& c : fake->calls()) {
    EXPECT_EQ(c.with_decryption, c.names[0].starts_with("/aws/reference/"));
  }
  auto o2 = opts();
  o2.with_decryption = false;
  SecretsManagerParameter standalone("my_secret", o2);
  EXPECT_EQ(standalone.value(), kValue);
}

TEST_F(SecretsTest, StagingLabelSelector) {
  fake->put_secret("my_secret", "new_value");
  SecretsManagerParameter previous("my_secret:AWSPREVIOUS", opts());
  SecretsManagerParameter current("my_secret", opts());
  EXPECT_EQ(previous.value(), kValue);
  EXPECT_EQ(current.value(), "new_value");
  EXPECT_EQ(previous.secret_name(), "my_secret");
}

TEST(FakeClient, RejectsSecretWithoutDecryptionLikeAws) {
  FakeParameterClient fake;
  fake.put_secret("s", "v");
  try {
    fake.get_parameters({"/aws/reference/secretsmanager/s"}, false);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ValidationException");
    EXPECT_FALSE(e.transient());
  }
}

}  // namespace
}  // namespace ssm_cache::test
