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
  auto env = build_exec_environment({{"--path /app", {rec("/app/db-url", "u"), rec("/app/port", "1")}}},
                                    false);
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

}  // namespace
}  // namespace ssm_cache::cli
