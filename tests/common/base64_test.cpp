// Tests of common/base64: the one encoder and decoder of the library and both programs (moved
// from the JSON protocol and CLI output tests), in both padding modes.
#include "common/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ssm_cache::common {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(Base64, DecodesWithOptionalPadding) {
  std::string out;
  EXPECT_TRUE(base64_decode("aGVsbG8=", out));
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(base64_decode("aGVsbG8", out));
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(base64_decode("", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(base64_decode("a", out));
  EXPECT_FALSE(base64_decode("aGV*bG8=", out));
}

TEST(Base64, RequiredPaddingRejectsWhatAwsRejects) {
  std::string out;
  EXPECT_TRUE(base64_decode("aGVsbG8=", out, Base64Padding::required));
  EXPECT_EQ(out, "hello");
  EXPECT_TRUE(base64_decode("Zg==", out, Base64Padding::required));
  EXPECT_EQ(out, "f");
  EXPECT_TRUE(base64_decode("", out, Base64Padding::required));
  EXPECT_EQ(out, "");
  for (const char* bad : {"aGVsbG8", "Zg", "Zg=", "Z===", "====", "Zg==Zg==", "Zm=9", "Zm9v\n"}) {
    EXPECT_FALSE(base64_decode(bad, out, Base64Padding::required)) << bad;
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= bytes.size(); n += 37) {
    const std::string in = bytes.substr(0, n);
    std::string out;
    ASSERT_TRUE(base64_decode(base64_encode(in), out, Base64Padding::required)) << n;
    EXPECT_EQ(out, in);
  }
}

}  // namespace
}  // namespace ssm_cache::common
