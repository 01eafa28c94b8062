// ErrorKind: every exception of the hierarchy answers what kind of failure it is, so programs
// map errors to exit codes and HTTP statuses with one table.
#include <gtest/gtest.h>

#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

AwsError aws(const std::string& code, int status) {
  return AwsError("AmazonSSM.GetParameters failed: " + code, code, "message", status, "req");
}

TEST(ErrorKindTest, LocalErrorsHaveTheirKind) {
  EXPECT_EQ(InvalidNameError("bad").kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(InvalidVersionError("bad").kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(InvalidPathError("bad").kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(InvalidFilterError("bad").kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(InvalidParameterError(std::vector<std::string>{"/a"}).kind(), ErrorKind::not_found);
  EXPECT_EQ(ConfigurationError("no region").kind(), ErrorKind::configuration);
  EXPECT_EQ(CredentialsError("none").kind(), ErrorKind::credentials);
  EXPECT_EQ(CredentialsError("imds down", true).kind(), ErrorKind::credentials);
  EXPECT_EQ(ResponseError("garbage").kind(), ErrorKind::protocol);
  EXPECT_EQ(TransportError("refused").kind(), ErrorKind::unavailable);
  EXPECT_EQ(TransportError("slow", true, true).kind(), ErrorKind::timeout);
  EXPECT_EQ(Error("plain").kind(), ErrorKind::protocol);
  EXPECT_EQ(Error("plain", ErrorKind::timeout).kind(), ErrorKind::timeout);
}

TEST(ErrorKindTest, AwsErrorsAreClassifiedByCodeThenStatus) {
  EXPECT_EQ(aws("ParameterNotFound", 400).kind(), ErrorKind::not_found);
  EXPECT_EQ(aws("ParameterVersionNotFound", 400).kind(), ErrorKind::not_found);
  EXPECT_EQ(aws("ResourceNotFoundException", 400).kind(), ErrorKind::not_found);
  EXPECT_EQ(aws("ThrottlingException", 400).kind(), ErrorKind::throttled);
  EXPECT_EQ(aws("Whatever", 429).kind(), ErrorKind::throttled);
  EXPECT_EQ(aws("AccessDeniedException", 400).kind(), ErrorKind::credentials);
  EXPECT_EQ(aws("UnrecognizedClientException", 400).kind(), ErrorKind::credentials);
  EXPECT_EQ(aws("ExpiredTokenException", 400).kind(), ErrorKind::credentials);
  EXPECT_EQ(aws("Whatever", 403).kind(), ErrorKind::credentials);
  EXPECT_EQ(aws("ValidationException", 400).kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(aws("ParameterVersionLabelLimitExceeded", 400).kind(), ErrorKind::invalid_argument);
  EXPECT_EQ(aws("InternalServerError", 500).kind(), ErrorKind::unavailable);
  EXPECT_EQ(aws("", 503).kind(), ErrorKind::unavailable);
  EXPECT_EQ(aws("", 504).kind(), ErrorKind::timeout);
  EXPECT_EQ(aws("SomethingNew", 400).kind(), ErrorKind::protocol);
}

TEST(ErrorKindTest, KindsHaveStableNames) {
  EXPECT_EQ(to_string(ErrorKind::not_found), "not_found");
  EXPECT_EQ(to_string(ErrorKind::invalid_argument), "invalid_argument");
  EXPECT_EQ(to_string(ErrorKind::configuration), "configuration");
  EXPECT_EQ(to_string(ErrorKind::credentials), "credentials");
  EXPECT_EQ(to_string(ErrorKind::throttled), "throttled");
  EXPECT_EQ(to_string(ErrorKind::unavailable), "unavailable");
  EXPECT_EQ(to_string(ErrorKind::timeout), "timeout");
  EXPECT_EQ(to_string(ErrorKind::protocol), "protocol");
}

}  // namespace
}  // namespace ssm_cache
