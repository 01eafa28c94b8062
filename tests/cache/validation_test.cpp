// Names, selectors and paths: parsing, and the typed errors bad input gets before any call.
#include <gtest/gtest.h>

#include <string>

#include "cache/validation.hpp"
#include "fixture.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::test {
namespace {

using detail::parse_name;

TEST(ParseName, PlainNameVersionAndLabel) {
  auto p = parse_name("/app/db");
  EXPECT_EQ(p.name, "/app/db");
  EXPECT_EQ(p.selector, "");
  EXPECT_FALSE(p.secret);
  p = parse_name("/app/db:3");
  EXPECT_EQ(p.name, "/app/db");
  EXPECT_EQ(p.selector, "3");
  EXPECT_EQ(p.full_name, "/app/db:3");
  p = parse_name("db:prod");
  EXPECT_EQ(p.name, "db");
  EXPECT_EQ(p.selector, "prod");
  p = parse_name("/aws/reference/secretsmanager/my+secret@x=1");
  EXPECT_TRUE(p.secret);
  p = parse_name("arn:aws:ssm:us-east-1:123456789012:parameter/app/db:2");
  EXPECT_EQ(p.name, "arn:aws:ssm:us-east-1:123456789012:parameter/app/db");
  EXPECT_EQ(p.selector, "2");
}

template <class E>
void expect_error_naming(const std::string& input, const std::string& fragment) {
  try {
    SSMParameter p(input, {.client = std::make_shared<FakeParameterClient>()});
    ADD_FAILURE() << "no error for " << input;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ParseName, BadNamesThrowInvalidNameError) {
  expect_error_naming<InvalidNameError>("", "empty");
  expect_error_naming<InvalidNameError>("my param", "'my param'");
  expect_error_naming<InvalidNameError>("my param", "space");
  expect_error_naming<InvalidNameError>(std::string(2049, 'a'), "2048");
  expect_error_naming<InvalidNameError>("bad#name", "'bad#name'");
  expect_error_naming<InvalidNameError>("a+b", "'a+b'");  // + only in secret names
  expect_error_naming<InvalidNameError>(":3", "empty");
  EXPECT_NO_THROW(
      SSMParameter(std::string(2048, 'a'), {.client = std::make_shared<FakeParameterClient>()}));
}

TEST(ParseName, BadSelectorsThrowInvalidVersionError) {
  for (const char* bad : {"a:", "a:0", "a:-1", "a:1:2", "a:01", "a:1abc", "a:-x", "a:la bel"}) {
    expect_error_naming<InvalidVersionError>(bad, std::string("'") + bad + "'");
  }
  EXPECT_THROW(parse_name("a:" + std::string(101, 'x')), InvalidVersionError);
  EXPECT_NO_THROW(parse_name("a:prod_1.2-x"));
  EXPECT_NO_THROW(parse_name("a:12"));
}

TEST(ValidatePath, RulesAndMessages) {
  EXPECT_NO_THROW(detail::validate_path("/"));
  EXPECT_NO_THROW(detail::validate_path("/Foo/Bar/"));
  std::string fifteen;
  for (int i = 0; i < 15; ++i) fifteen += "/l" + std::to_string(i);
  EXPECT_NO_THROW(detail::validate_path(fifteen));
  try {
    detail::validate_path(fifteen + "/l15");
    ADD_FAILURE();
  } catch (const InvalidPathError& e) {
    EXPECT_NE(std::string(e.what()).find("16 levels"), std::string::npos) << e.what();
  }
  try {
    detail::validate_path("NoSlash");
    ADD_FAILURE();
  } catch (const InvalidPathError& e) {
    EXPECT_NE(std::string(e.what()).find("'NoSlash'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(detail::validate_path(""), InvalidPathError);
  EXPECT_THROW(detail::validate_path("/a b"), InvalidPathError);
  EXPECT_THROW(detail::validate_path("/a//b"), InvalidPathError);
}

TEST(JoinPath, NoDoubledSlash) {
  EXPECT_EQ(detail::join_path("/Foo", "/Bar"), "/Foo/Bar");
  EXPECT_EQ(detail::join_path("/Foo/", "/Bar"), "/Foo/Bar");
  EXPECT_EQ(detail::join_path("", "/Bar"), "/Bar");
}

TEST_F(CacheTest, BadInputMakesNoCall) {
  EXPECT_THROW(SSMParameter("a b", opts()), InvalidNameError);
  EXPECT_THROW(SSMParameter("a:0", opts()), InvalidVersionError);
  SSMParameterGroup group(gopts());
  EXPECT_THROW(group.parameters("nope"), InvalidPathError);
  EXPECT_THROW(group.parameters("/x", {.filters = {Filter{"Name", "Equals", {"a"}}}}),
               InvalidFilterError);
  EXPECT_THROW(group.parameters("/x", {.filters = {Filter{"Type", "Equals", {}}}}),
               InvalidFilterError);
  EXPECT_THROW(group.parameters("/x", {.filters = {Filter{"Type", "Equals", {"Nope"}}}}),
               InvalidFilterError);
  EXPECT_THROW(group.parameter("bad name"), InvalidNameError);
  EXPECT_EQ(fake->call_count(), 0u);
  EXPECT_EQ(group.size(), 0u);
}

TEST(Options, JitterOutOfRangeRejected) {
  EXPECT_THROW(SSMParameter("x", {.ttl_jitter = 1.5}), ConfigurationError);
  EXPECT_THROW(SSMParameterGroup({.ttl_jitter = -0.1}), ConfigurationError);
}

}  // namespace
}  // namespace ssm_cache::test
