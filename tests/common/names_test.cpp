// The one name/selector grammar (common/names.hpp): every form, the split that never throws,
// the structure every reader enforces and the library's stricter rules, with their messages.
#include "common/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ssm_cache::common {
namespace {

constexpr std::string_view kArn = "arn:aws:ssm:us-east-1:123456789012:parameter";

template <class F>
std::string error_of(F&& f, NamePart expected_part) {
  try {
    f();
  } catch (const NameSyntaxError& e) {
    EXPECT_EQ(e.part(), expected_part) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no NameSyntaxError";
  return {};
}

TEST(NameGrammar, PlainName) {
  const NameRef r = parse_name_ref("/app/db");
  EXPECT_EQ(r.name, "/app/db");
  EXPECT_EQ(r.selector, "");
  EXPECT_FALSE(r.has_selector());
  EXPECT_FALSE(r.is_version());
  EXPECT_FALSE(r.is_label());
  EXPECT_FALSE(r.arn);
  EXPECT_FALSE(r.secret_reference);
  EXPECT_EQ(r.selector_field(), "");
  EXPECT_EQ(r.designated_name(), "/app/db");
  EXPECT_EQ(parse_name_ref("db").name, "db");
}

TEST(NameGrammar, VersionAndLabel) {
  NameRef r = parse_name_ref("/app/db:3");
  EXPECT_EQ(r.name, "/app/db");
  EXPECT_EQ(r.selector, "3");
  EXPECT_TRUE(r.is_version());
  EXPECT_FALSE(r.is_label());
  EXPECT_EQ(r.selector_field(), ":3");
  r = parse_name_ref("db:prod");
  EXPECT_EQ(r.name, "db");
  EXPECT_EQ(r.selector, "prod");
  EXPECT_TRUE(r.is_label());
  EXPECT_EQ(r.selector_field(), ":prod");
}

TEST(NameGrammar, ArnWithAndWithoutSelector) {
  NameRef r = parse_name_ref(std::string(kArn) + "/app/db");
  EXPECT_TRUE(r.arn);
  EXPECT_EQ(r.name, std::string(kArn) + "/app/db");
  EXPECT_FALSE(r.has_selector());
  EXPECT_EQ(r.designated_name(), "/app/db");
  r = parse_name_ref(std::string(kArn) + "/app/db:2");
  EXPECT_EQ(r.name, std::string(kArn) + "/app/db");
  EXPECT_EQ(r.selector, "2");
  EXPECT_EQ(r.designated_name(), "/app/db");
  // A parameter stored without a leading '/' ("x") is designated as "/x".
  r = parse_name_ref(std::string(kArn) + "/x:prod");
  EXPECT_EQ(r.designated_name(), "/x");
  EXPECT_EQ(r.selector, "prod");
}

TEST(NameGrammar, SecretsManagerReferences) {
  NameRef r = parse_name_ref("/aws/reference/secretsmanager/my+secret@x=1");
  EXPECT_TRUE(r.secret_reference);
  EXPECT_EQ(r.name, "/aws/reference/secretsmanager/my+secret@x=1");
  EXPECT_FALSE(r.has_selector());
  r = parse_name_ref("/aws/reference/secretsmanager/db:AWSPREVIOUS");
  EXPECT_EQ(r.name, "/aws/reference/secretsmanager/db");
  EXPECT_EQ(r.selector, "AWSPREVIOUS");
  // Version ids of secrets start with digits and are still accepted by the strict rules.
  r = check_name_ref("/aws/reference/secretsmanager/db:1a2b-3c");
  EXPECT_EQ(r.selector, "1a2b-3c");
  EXPECT_TRUE(r.is_label());
}

TEST(NameGrammar, SplitNeverThrows) {
  EXPECT_EQ(split_name_ref("a:1:2").selector, "1:2");
  EXPECT_EQ(split_name_ref("").name, "");
  EXPECT_EQ(split_name_ref("a:").selector, "");
  NameRef r = split_name_ref("arn:not-a-parameter:x");
  EXPECT_FALSE(r.arn);
  EXPECT_EQ(r.name, "arn:not-a-parameter:x");
  EXPECT_EQ(split_name_ref(std::string(kArn) + "/x:2").selector_field(), ":2");
}

TEST(NameGrammar, StructureErrorsNameTheInput) {
  EXPECT_NE(error_of([] { parse_name_ref(""); }, NamePart::kName).find("may not be empty"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref(":3"); }, NamePart::kName).find("':3'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref("arn:aws:ssm:r:1:document/x"); }, NamePart::kName)
                .find("an ARN must name a parameter"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref(std::string(kArn) + "/:3"); }, NamePart::kName)
                .find("the name before the selector is empty"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref("/aws/reference/secretsmanager/"); }, NamePart::kName)
                .find("empty"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref("a:"); }, NamePart::kSelector).find("nothing after"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_name_ref("a:1:2"); }, NamePart::kSelector).find("'a:1:2'"),
            std::string::npos);
  // The structure alone does not judge characters or selector values.
  EXPECT_NO_THROW(parse_name_ref("my param:0"));
}

TEST(NameGrammar, StrictRules) {
  EXPECT_NO_THROW(check_name_ref(std::string(2048, 'a')));
  EXPECT_NE(error_of([] { check_name_ref(std::string(2049, 'a')); }, NamePart::kName).find("2048"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_name_ref("my param"); }, NamePart::kName).find("space"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_name_ref("a+b"); }, NamePart::kName).find("'+'"),
            std::string::npos);
  for (const char* bad : {"a:0", "a:01", "a:-1", "a:1abc", "a:-x", "a:la bel"}) {
    EXPECT_NE(error_of([&] { check_name_ref(bad); }, NamePart::kSelector)
                  .find(std::string("'") + bad + "'"),
              std::string::npos);
  }
  error_of([] { check_name_ref("a:" + std::string(19, '9')); }, NamePart::kSelector);
  error_of([] { check_name_ref("a:" + std::string(101, 'x')); }, NamePart::kSelector);
  EXPECT_NO_THROW(check_name_ref("a:prod_1.2-x"));
  EXPECT_NO_THROW(check_name_ref("a:12"));
  EXPECT_NO_THROW(check_name_ref(std::string(kArn) + "/app/db:2"));
}

TEST(NameGrammar, QuoteInputCutsAndMasks) {
  EXPECT_EQ(quote_input("a\nb"), "'a?b'");
  const std::string cut = quote_input(std::string(100, 'x'));
  EXPECT_NE(cut.find("(100 characters)"), std::string::npos);
}

}  // namespace
}  // namespace ssm_cache::common
