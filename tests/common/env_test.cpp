// Tests of common/env: the one Environment type and the setting helpers built on it.
#include "common/env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::common {
namespace {

TEST(Environment, MapEnvironmentAnswersOnlyItsKeys) {
  const Environment env = map_environment({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(env("A"), "1");
  EXPECT_EQ(env("EMPTY"), "");
  EXPECT_EQ(env("B"), std::nullopt);
}

TEST(Environment, ProcessEnvironmentReadsGetenv) {
  ASSERT_EQ(::setenv("SSM_CACHE_COMMON_ENV_TEST", "from-process", 1), 0);
  EXPECT_EQ(process_environment()("SSM_CACHE_COMMON_ENV_TEST"), "from-process");
  ::unsetenv("SSM_CACHE_COMMON_ENV_TEST");
  EXPECT_EQ(process_environment()("SSM_CACHE_COMMON_ENV_TEST"), std::nullopt);
  // An empty Environment means the process one.
  ASSERT_EQ(::setenv("SSM_CACHE_COMMON_ENV_TEST", "x", 1), 0);
  EXPECT_EQ(or_process(Environment{})("SSM_CACHE_COMMON_ENV_TEST"), "x");
  EXPECT_EQ(or_process(map_environment({}))("SSM_CACHE_COMMON_ENV_TEST"), std::nullopt);
  ::unsetenv("SSM_CACHE_COMMON_ENV_TEST");
}

TEST(Environment, EnvSettingIsTrimmedAndNeverEmpty) {
  const Environment env = map_environment({{"A", "  v \n"}, {"BLANK", " \t"}});
  EXPECT_EQ(env_setting(env, "A"), "v");
  EXPECT_EQ(env_setting(env, "BLANK"), std::nullopt);
  EXPECT_EQ(env_setting(env, "MISSING"), std::nullopt);
  EXPECT_EQ(env_setting(Environment{}, "A"), std::nullopt);
}

TEST(Environment, BoolSettingNamesWhatWasWrong) {
  EXPECT_TRUE(parse_bool_setting(" True ", "AWS_USE_FIPS_ENDPOINT", "the environment"));
  EXPECT_FALSE(parse_bool_setting("false", "AWS_USE_FIPS_ENDPOINT", "the environment"));
  try {
    parse_bool_setting("yes", "AWS_USE_FIPS_ENDPOINT", "profile 'dev'");
    FAIL() << "accepted 'yes'";
  } catch (const ConfigurationError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("AWS_USE_FIPS_ENDPOINT"), std::string::npos) << what;
    EXPECT_NE(what.find("profile 'dev'"), std::string::npos) << what;
    EXPECT_NE(what.find("'yes'"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace ssm_cache::common
