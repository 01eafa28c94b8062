// Issue 11, point 6: SSM_CACHE_MAX_AGE and SSM_CACHE_DECRYPT apply where the code did not set
// the option; the code's setting wins; an invalid value throws ConfigurationError naming the
// variable.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

class EnvironmentTest : public CacheTest {
 protected:
  void SetUp() override { fake->put("p", "v1", "SecureString"); }
  void TearDown() override {
    ::unsetenv("SSM_CACHE_MAX_AGE");
    ::unsetenv("SSM_CACHE_DECRYPT");
  }
  // Options without max_age and with_decryption: the environment decides.
  ParameterOptions unset() const {
    ParameterOptions o;
    o.client = fake;
    o.clock = clock;
    return o;
  }
};

TEST_F(EnvironmentTest, MaxAgeFromEnvironmentWhenUnsetInCode) {
  ::setenv("SSM_CACHE_MAX_AGE", "30", 1);
  SSMParameter p("p", unset());
  EXPECT_EQ(p.value(), "v1");
  fake->put("p", "v2", "SecureString");
  clock->advance(29s);
  EXPECT_EQ(p.value(), "v1");
  clock->advance(2s);
  EXPECT_EQ(p.value(), "v2");
}

TEST_F(EnvironmentTest, CodeWinsOverEnvironment) {
  ::setenv("SSM_CACHE_MAX_AGE", "30", 1);
  ::setenv("SSM_CACHE_DECRYPT", "false", 1);
  auto o = unset();
  o.max_age = 0ms;  // set in code: cache forever
  o.with_decryption = true;
  SSMParameter p("p", o);
  EXPECT_EQ(p.value(), "v1");
  EXPECT_TRUE(fake->calls().back().with_decryption);
  fake->put("p", "v2", "SecureString");
  clock->advance(31s);
  EXPECT_EQ(p.value(), "v1");
}

TEST_F(EnvironmentTest, DecryptFromEnvironmentForGroupsToo) {
  ::setenv("SSM_CACHE_DECRYPT", "False", 1);
  GroupOptions o;
  o.client = fake;
  SSMParameterGroup group(o);
  auto p = group.parameter("p");
  EXPECT_NE(p.value(), "v1");  // ciphertext
  EXPECT_FALSE(fake->calls().back().with_decryption);
}

TEST_F(EnvironmentTest, DefaultsWithoutEnvironment) {
  SSMParameter p("p", unset());
  EXPECT_EQ(p.value(), "v1");
  EXPECT_TRUE(fake->calls().back().with_decryption);
  fake->put("p", "v2", "SecureString");
  clock->advance(24h * 365);
  EXPECT_EQ(p.value(), "v1");  // max_age 0: forever
}

TEST_F(EnvironmentTest, InvalidValuesNameTheVariable) {
  for (const char* bad : {"abc", "-5", "1.5", "30s"}) {
    ::setenv("SSM_CACHE_MAX_AGE", bad, 1);
    try {
      SSMParameter p("p", unset());
      FAIL() << bad;
    } catch (const ConfigurationError& e) {
      EXPECT_NE(std::string(e.what()).find("SSM_CACHE_MAX_AGE"), std::string::npos);
    }
  }
  ::unsetenv("SSM_CACHE_MAX_AGE");
  ::setenv("SSM_CACHE_DECRYPT", "maybe", 1);
  EXPECT_THROW(SSMParameter("p", unset()), ConfigurationError);
}

}  // namespace
}  // namespace ssm_cache::test
