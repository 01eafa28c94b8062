// Tests of the programs' error tables (tools/common/error_map): every ErrorKind has an exit
// status and an HTTP answer, AWS's own answers pass through, anything else is a 500.
#include "error_map.hpp"

#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ssm_cache::tools {
namespace {

TEST(ErrorMap, ExitCodes) {
  EXPECT_EQ(exit_code(ErrorKind::invalid_argument), kExitUsage);
  EXPECT_EQ(exit_code(ErrorKind::configuration), kExitUsage);
  for (auto kind : {ErrorKind::not_found, ErrorKind::credentials, ErrorKind::throttled,
                    ErrorKind::unavailable, ErrorKind::timeout, ErrorKind::protocol}) {
    EXPECT_EQ(exit_code(kind), kExitAwsError) << to_string(kind);
  }
  // Through the library's own classes, as the CLI sees them.
  EXPECT_EQ(exit_code(InvalidPathError("x").kind()), kExitUsage);
  EXPECT_EQ(exit_code(ConfigurationError("x").kind()), kExitUsage);
  EXPECT_EQ(exit_code(InvalidParameterError({"/a"}).kind()), kExitAwsError);
  EXPECT_EQ(exit_code(TransportError("x", true, true).kind()), kExitAwsError);
  // From the exception: the service's own refusals are AWS errors, whatever their kind.
  EXPECT_EQ(exit_code(AwsError("x", "ValidationException", "bad", 400, "r")), kExitAwsError);
  EXPECT_EQ(exit_code(InvalidFilterError("bad filter")), kExitUsage);
  EXPECT_EQ(exit_code(std::runtime_error("two parameters map to A")), kExitAwsError);
}

TEST(ErrorMap, HttpStatusesForLibraryErrors) {
  EXPECT_EQ(http_failure(TransportError("slow", true, /*timeout=*/true)).status, 504);
  EXPECT_EQ(http_failure(TransportError("slow", true, true)).code, "RequestTimeout");
  EXPECT_EQ(http_failure(TransportError("refused")).status, 502);
  EXPECT_EQ(http_failure(TransportError("refused")).code, "ConnectionError");
  EXPECT_TRUE(http_failure(TransportError("refused")).transient);
  const auto missing = http_failure(InvalidParameterError({"/a"}));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.code, "ParameterNotFound");
  EXPECT_FALSE(missing.transient);
  EXPECT_EQ(http_failure(InvalidNameError("bad name")).code, "ValidationException");
  EXPECT_EQ(http_failure(InvalidNameError("bad name")).message, "bad name");
  EXPECT_EQ(http_failure(CredentialsError("none found")).status, 500);
  EXPECT_EQ(http_failure(CredentialsError("none found")).code, "CredentialsError");
  EXPECT_EQ(http_failure(ResponseError("garbage")).status, 502);
  EXPECT_EQ(http_failure(ResponseError("garbage")).code, "UpstreamError");
  EXPECT_EQ(http_error(ErrorKind::throttled).status, 429);
}

TEST(ErrorMap, AwsAnswersPassThrough) {
  const auto denied =
      http_failure(AwsError("GetParameter /a: AccessDeniedException", "AccessDeniedException",
                            "not authorized", 403, "req-1"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.code, "AccessDeniedException");
  EXPECT_EQ(denied.message, "not authorized");
  // A status that is not an HTTP error (a proxy's 200 with an error body) becomes a 502.
  const auto odd = http_failure(AwsError("what", "Odd", "", 200, ""));
  EXPECT_EQ(odd.status, 502);
  EXPECT_EQ(odd.message, "what");
  const auto throttled =
      http_failure(AwsError("x", "ThrottlingException", "rate exceeded", 400, "req-2"));
  EXPECT_EQ(throttled.status, 400);
  EXPECT_TRUE(throttled.transient);
}

TEST(ErrorMap, AnythingElseIsAnInternalError) {
  const auto f = http_failure(std::logic_error("bug"));
  EXPECT_EQ(f.status, 500);
  EXPECT_EQ(f.code, "InternalError");
  EXPECT_FALSE(f.transient);
}

TEST(ErrorMap, ErrorBodyIsAwsJson) {
  const auto j = nlohmann::json::parse(error_body("ParameterNotFound", "no \"/a\""));
  EXPECT_EQ(j["__type"], "ParameterNotFound");
  EXPECT_EQ(j["message"], "no \"/a\"");
  // Bytes that are not UTF-8 are replaced, never thrown.
  const auto replaced = nlohmann::json::parse(error_body("X", std::string("\xff\xfe", 2)));
  EXPECT_EQ(replaced["__type"], "X");
}

}  // namespace
}  // namespace ssm_cache::tools
