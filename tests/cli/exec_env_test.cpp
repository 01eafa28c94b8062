// Tests of the --filter shorthand and of the environment `exec` builds (collisions, override).
#include <gtest/gtest.h>

#include "exec_env.hpp"

namespace ssm_cache::cli {
namespace {

ParameterRecord rec(std::string name, std::string value) {
  ParameterRecord r;
  r.name = std::move(name);
  r.value = std::move(value);
  r.type = "String";
  return r;
}

TEST(ParseFilter, AwsCliShorthand) {
  auto f = parse_filter("Key=Type,Values=StringList");
  EXPECT_EQ(f.key, "Type");
  EXPECT_EQ(f.option, "Equals");
  EXPECT_EQ(f.values, std::vector<std::string>{"StringList"});
  f = parse_filter("Key=Type,Values=StringList,SecureString");
  EXPECT_EQ(f.values, (std::vector<std::string>{"StringList", "SecureString"}));
  f = parse_filter("Key=Label,Option=Equals,Values=prod");
  EXPECT_EQ(f.key, "Label");
  EXPECT_EQ(f.values, std::vector<std::string>{"prod"});
  f = parse_filter("Values=a,b,Option=BeginsWith,Key=KeyId");
  EXPECT_EQ(f.key, "KeyId");
  EXPECT_EQ(f.option, "BeginsWith");
  EXPECT_EQ(f.values, (std::vector<std::string>{"a", "b"}));
}

TEST(ParseFilter, RejectsMalformed) {
  EXPECT_THROW(parse_filter(""), std::invalid_argument);
  EXPECT_THROW(parse_filter("Type=String"), std::invalid_argument);
  EXPECT_THROW(parse_filter("Key=Type"), std::invalid_argument);
  EXPECT_THROW(parse_filter("Values=String"), std::invalid_argument);
  EXPECT_THROW(parse_filter("Key=Type,junk,Values=String"), std::invalid_argument);
}

TEST(BuildExecEnvironment, NamesFromLastSegment) {
  auto env = build_exec_environment(
      {{"--path /app", {rec("/app/db-url", "u"), rec("/app/port", "1")}}}, false);
  ASSERT_EQ(env.size(), 2u);
  EXPECT_EQ(env[0].name, "DB_URL");
  EXPECT_EQ(env[0].value, "u");
  EXPECT_EQ(env[1].name, "PORT");
}

TEST(BuildExecEnvironment, CollisionInOneSourceNamesBoth) {
  try {
    build_exec_environment({{"--path /app", {rec("/app/a/url", "1"), rec("/app/b/url", "2")}}},
                           true);
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("/app/a/url"), std::string::npos) << m;
    EXPECT_NE(m.find("/app/b/url"), std::string::npos) << m;
  }
}

TEST(BuildExecEnvironment, LaterPathWinsOnlyWithOverride) {
  std::vector<EnvSource> sources = {{"--path /common", {rec("/common/url", "common")}},
                                    {"--path /prod", {rec("/prod/url", "prod")}}};
  try {
    build_exec_environment(sources, false);
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("/common/url"), std::string::npos) << m;
    EXPECT_NE(m.find("/prod/url"), std::string::npos) << m;
    EXPECT_NE(m.find("--override"), std::string::npos) << m;
  }
  auto env = build_exec_environment(sources, true);
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env[0].value, "prod");
}

TEST(BuildExecEnvironment, DeniedAndUnusableNamesAreSkippedWithAWarningNamingTheParameter) {
  std::vector<std::string> warnings;
  auto env = build_exec_environment(
      {{"--path /app",
        {rec("/app/path", "/tmp/evil"), rec("/app/ld_preload", "/tmp/evil.so"),
         rec("/app/home", "/tmp"), rec("/app/ifs", "x"), rec("/app/bash_env", "/tmp/rc"),
         rec("/app/http_proxy", "http://evil"), rec("/app/aws_access_key_id", "AKIA"),
         rec("/app/---", "x"), rec("/app/db-url", "u")}}},
      false, &warnings);
  ASSERT_EQ(env.size(), 1u);
  EXPECT_EQ(env[0].name, "DB_URL");
  ASSERT_EQ(warnings.size(), 8u);
  EXPECT_NE(warnings[0].find("'/app/path' would set PATH"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("--env PATH=/app/path"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("LD_PRELOAD"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[7].find("'/app/---' gives no usable variable name"), std::string::npos)
      << warnings[7];
  for (const auto& w : warnings)
    EXPECT_EQ(w.find("/tmp/evil"), std::string::npos) << "values stay out: " << w;
}

TEST(BuildExecEnvironment, AnExplicitMappingSetsADeniedNameAndWins) {
  ParameterRecord explicit_path = rec("/ops/path", "/opt/bin:/usr/bin");
  ParameterRecord explicit_url = rec("/ops/url", "explicit");
  std::vector<std::string> warnings;
  auto env = build_exec_environment({{"--env", {explicit_path, explicit_url}, {"PATH", "DB_URL"}},
                                     {"--path /app", {rec("/app/db-url", "derived")}}},
                                    false, &warnings);
  ASSERT_EQ(env.size(), 2u);
  EXPECT_EQ(env[0].name, "DB_URL");
  EXPECT_EQ(env[0].value, "explicit");
  EXPECT_EQ(env[1].name, "PATH");
  EXPECT_EQ(env[1].value, "/opt/bin:/usr/bin");
  EXPECT_TRUE(warnings.empty());
}

TEST(ExecEnvNames, DenyListValidityAndMappings) {
  for (const char* denied :
       {"PATH", "HOME", "SHELL", "IFS", "ENV", "BASH_ENV", "LD_PRELOAD", "LD_LIBRARY_PATH",
        "DYLD_INSERT_LIBRARIES", "BASH_FUNC_X%%", "GLIBC_TUNABLES", "PYTHONPATH", "NODE_OPTIONS",
        "HTTPS_PROXY", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL_SSM",
        "AWS_SESSION_TOKEN"}) {
    EXPECT_TRUE(is_denied_env_name(denied)) << denied;
  }
  for (const char* allowed : {"DB_URL", "PORT", "PATHS", "MY_HOME", "AWS_REGION", "LD", "_"}) {
    EXPECT_FALSE(is_denied_env_name(allowed)) << allowed;
  }
  EXPECT_TRUE(is_valid_env_name("_X1"));
  EXPECT_FALSE(is_valid_env_name("1X"));
  EXPECT_FALSE(is_valid_env_name("A-B"));
  EXPECT_FALSE(is_valid_env_name(""));
  EXPECT_EQ(parse_env_mapping("PATH=/ops/path"),
            (std::pair<std::string, std::string>{"PATH", "/ops/path"}));
  EXPECT_THROW(parse_env_mapping("A-B=/x"), std::invalid_argument);
  EXPECT_THROW(parse_env_mapping("NOEQUALS"), std::invalid_argument);
  EXPECT_THROW(parse_env_mapping("A="), std::invalid_argument);
}

}  // namespace
}  // namespace ssm_cache::cli
