// Tests of the scrubbing of upstream error text (issue 14, point 4); the log's own tests are in
// tests/tools_common/logger_test.cpp.
#include <string>

#include <gtest/gtest.h>

#include "sidecar_scrub.hpp"

namespace ssm_cache::cli {
namespace {

TEST(ScrubSecrets, KnownValuesSignaturesAndTokensRemoved) {
  const std::string token = "FwoGZXIvYXdzEJr//////////wEaDKsessiontoken";
  const std::string signature(64, 'a');
  const std::string reflected =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20221116/us-east-1/ssm/"
      "aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
      signature + " X-Amz-Security-Token: " + token + " sidecar=tok-1234 bare " +
      std::string(64, 'b') + " " + std::string(120, 'Q');
  const std::string s = scrub_secrets(reflected, {"tok-1234", "xy"});
  EXPECT_EQ(s.find(token), std::string::npos) << s;
  EXPECT_EQ(s.find(signature), std::string::npos) << s;
  EXPECT_EQ(s.find("AKIDEXAMPLE"), std::string::npos) << s;
  EXPECT_EQ(s.find("tok-1234"), std::string::npos) << s;
  EXPECT_EQ(s.find(std::string(64, 'b')), std::string::npos) << s;
  EXPECT_EQ(s.find(std::string(120, 'Q')), std::string::npos) << s;
  EXPECT_NE(s.find("SignedHeaders=host;x-amz-date"), std::string::npos) << s;
  EXPECT_NE(s.find("Authorization: AWS4-HMAC-SHA256"), std::string::npos) << s;
}

TEST(ScrubSecrets, OrdinaryErrorTextUnchanged) {
  const std::string text =
      "Parameter /app/prod/db-url not found (arn:aws:ssm:us-east-1:123456789012:parameter/x)";
  EXPECT_EQ(scrub_secrets(text, {"secret-key"}), text);
  EXPECT_EQ(scrub_secrets("", {"abc"}), "");
  // A JSON-reflected header: "X-Amz-Security-Token":"value"
  EXPECT_EQ(scrub_secrets(R"({"X-Amz-Security-Token":"abcdef"})", {}),
            R"({"X-Amz-Security-Token":"[redacted]"})");
}

}  // namespace
}  // namespace ssm_cache::cli
