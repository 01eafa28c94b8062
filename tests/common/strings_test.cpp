// Tests of common/strings: trim, case folding, boolean words, percent-decoding and query
// strings, each once for every layer and both programs.
#include "common/strings.hpp"

#include <gtest/gtest.h>

namespace ssm_cache::common {
namespace {

TEST(Strings, TrimRemovesAsciiWhitespaceOnly) {
  EXPECT_EQ(trim(" \t\r\n\v\fa b\t\r\n "), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t "), "");
  // A non-breaking space (UTF-8 C2 A0) is data, not whitespace.
  EXPECT_EQ(trim("\xc2\xa0x"), "\xc2\xa0x");
}

TEST(Strings, CaseFoldingIsAscii) {
  EXPECT_EQ(lower("AbC-É"), "abc-É");
  EXPECT_TRUE(iequals("X-Amz-Date", "x-amz-date"));
  EXPECT_FALSE(iequals("x-amz-date", "x-amz-dat"));
  EXPECT_TRUE(starts_with_icase("AWS-managed", "aws"));
  EXPECT_FALSE(starts_with_icase("aw", "aws"));
}

TEST(Strings, ParseBoolAcceptsOnlyTheWordsAsked) {
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool("1"), std::nullopt);
  EXPECT_EQ(parse_bool("1", BoolWords::with_digits), true);
  EXPECT_EQ(parse_bool("0", BoolWords::with_digits), false);
  for (const char* bad : {"", "yes", " true", "truee", "2"}) {
    EXPECT_EQ(parse_bool(bad, BoolWords::with_digits), std::nullopt) << bad;
  }
}

TEST(Strings, PercentDecode) {
  EXPECT_EQ(percent_decode("%2Fapp%2fdb+x"), "/app/db x");
  EXPECT_EQ(percent_decode("a+b", /*plus_is_space=*/false), "a+b");
  // Malformed escapes are kept as written rather than guessed at.
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(hex_value('f'), 15);
  EXPECT_EQ(hex_value('G'), -1);
}

TEST(Strings, QueryStringKeepsOrderAndRepeats) {
  const QueryParams q = parse_query_string("name=%2Fa&flag&&name=b&e=");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], std::make_pair(std::string("name"), std::string("/a")));
  EXPECT_EQ(q[1], std::make_pair(std::string("flag"), std::string()));
  EXPECT_EQ(q[2], std::make_pair(std::string("name"), std::string("b")));
  EXPECT_EQ(q[3], std::make_pair(std::string("e"), std::string()));
}

}  // namespace
}  // namespace ssm_cache::common
