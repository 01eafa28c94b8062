// JSON 1.1 framing, SigV4 verification and bad input on the local server's core: every error
// path answers the AWS error AWS would, and leaves the store unchanged.
#include <gtest/gtest.h>

#include "core_fixture.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace {

using local_test::CoreTest;
using local_test::signed_request;
using local_test::SignSpec;
using nlohmann::json;
using namespace std::chrono_literals;

class ProtocolTest : public CoreTest {
 protected:
  void expect_unchanged() {
    EXPECT_EQ(value_of("/app/x"), "<ParameterNotFound>") << "a rejected request changed the store";
  }
  const json put_body = {{"Name", "/app/x"}, {"Value", "v"}, {"Type", "String"}};
};

TEST_F(ProtocolTest, SignedRequestSucceedsAndCarriesAwsHeaders) {
  const auto r = ssm("PutParameter", put_body);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["Version"], 1);
  bool has_request_id = false;
  bool json_type = false;
  for (const auto& [k, v] : r.raw.headers) {
    has_request_id = has_request_id || (k == "x-amzn-RequestId" && v.size() == 36);
    json_type = json_type || (k == "Content-Type" && v == "application/x-amz-json-1.1");
  }
  EXPECT_TRUE(has_request_id);
  EXPECT_TRUE(json_type);
  EXPECT_EQ(value_of("/app/x"), "v");
}

TEST_F(ProtocolTest, WrongSecretIsInvalidSignature) {
  const auto r = call("AmazonSSM.PutParameter", put_body, {.secret = "not-the-secret"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "InvalidSignatureException");
  EXPECT_NE(r.message().find("signature we calculated does not match"), std::string::npos);
  bool error_type_header = false;
  for (const auto& [k, v] : r.raw.headers) {
    error_type_header =
        error_type_header || (k == "x-amzn-ErrorType" && v == "InvalidSignatureException");
  }
  EXPECT_TRUE(error_type_header);
  expect_unchanged();
}

TEST_F(ProtocolTest, TamperedBodyIsInvalidSignature) {
  auto req = signed_request("AmazonSSM.PutParameter", put_body.dump());
  req.body = json{{"Name", "/app/x"}, {"Value", "evil"}, {"Type", "String"}}.dump();
  const auto r = send(req);
  EXPECT_EQ(r.code(), "InvalidSignatureException");
  expect_unchanged();
}

TEST_F(ProtocolTest, TamperedSignedHeaderIsInvalidSignature) {
  auto req = signed_request("AmazonSSM.GetParameter", json{{"Name", "/x"}}.dump());
  for (auto& [k, v] : req.headers) {
    if (k == "Host") v = "127.0.0.1:9999";
  }
  EXPECT_EQ(send(req).code(), "InvalidSignatureException");
}

TEST_F(ProtocolTest, UnknownAccessKeyIsUnrecognizedClient) {
  const auto r = call("AmazonSSM.PutParameter", put_body, {.access_key = "AKIDUNKNOWN"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "UnrecognizedClientException");
  expect_unchanged();
}

TEST_F(ProtocolTest, ConfiguredCredentialsReplaceTheDefault) {
  reset({.credentials = {{"AKIDLOCAL", "s3cr3t"}}});
  EXPECT_EQ(call("AmazonSSM.PutParameter", put_body).code(), "UnrecognizedClientException");
  EXPECT_EQ(
      call("AmazonSSM.PutParameter", put_body, {.access_key = "AKIDLOCAL", .secret = "s3cr3t"})
          .status,
      200);
}

TEST_F(ProtocolTest, MissingAuthorizationIsMissingAuthenticationToken) {
  auto req = signed_request("AmazonSSM.PutParameter", put_body.dump());
  std::erase_if(req.headers, [](const auto& h) { return h.first == "Authorization"; });
  const auto r = send(req);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "MissingAuthenticationTokenException");
  expect_unchanged();
}

TEST_F(ProtocolTest, GarbledAuthorizationIsIncompleteSignature) {
  auto req = signed_request("AmazonSSM.PutParameter", put_body.dump());
  for (auto& [k, v] : req.headers) {
    if (k == "Authorization") v = "Basic dGVzdDp0ZXN0";
  }
  EXPECT_EQ(send(req).code(), "IncompleteSignatureException");
  expect_unchanged();
}

TEST_F(ProtocolTest, SessionTokenIsAcceptedWhenSigned) {
  const auto r =
      call("AmazonSSM.PutParameter", put_body, {.session_token = "FQoGZXIvYXdzEJr//token"});
  EXPECT_EQ(r.status, 200) << r.raw.body;
}

TEST_F(ProtocolTest, UnsignedSessionTokenIsRejected) {
  auto req = signed_request("AmazonSSM.PutParameter", put_body.dump());
  req.headers.emplace_back("X-Amz-Security-Token", "added-after-signing");
  EXPECT_EQ(send(req).code(), "IncompleteSignatureException");
  expect_unchanged();
}

TEST_F(ProtocolTest, ScopeMustNameTheTargetsService) {
  const auto r = call("AmazonSSM.PutParameter", put_body, {.service = "secretsmanager"});
  EXPECT_EQ(r.code(), "InvalidSignatureException");
  EXPECT_NE(r.message().find("'ssm'"), std::string::npos) << r.message();
  expect_unchanged();
}

TEST_F(ProtocolTest, AnyRegionUnlessOneIsConfigured) {
  EXPECT_EQ(call("AmazonSSM.PutParameter", put_body, {.region = "eu-west-3"}).status, 200);
  const auto r = call("AmazonSSM.GetParameter", {{"Name", "/app/x"}}, {.region = "eu-west-3"});
  // ARNs use the region the request was signed for.
  EXPECT_EQ(r.json["Parameter"]["ARN"], "arn:aws:ssm:eu-west-3:000000000000:parameter/app/x");

  reset({.region = "us-west-2"});
  const auto wrong = call("AmazonSSM.PutParameter", put_body, {.region = "us-east-1"});
  EXPECT_EQ(wrong.code(), "InvalidSignatureException");
  EXPECT_EQ(call("AmazonSSM.PutParameter", put_body, {.region = "us-west-2"}).status, 200);
}

TEST_F(ProtocolTest, StaleOrFutureSignaturesAreRejected) {
  const auto now = std::chrono::system_clock::now();
  const auto old = call("AmazonSSM.PutParameter", put_body, {.when = now - 20min});
  EXPECT_EQ(old.code(), "InvalidSignatureException");
  EXPECT_NE(old.message().find("Signature expired"), std::string::npos) << old.message();
  const auto future = call("AmazonSSM.PutParameter", put_body, {.when = now + 20min});
  EXPECT_EQ(future.code(), "InvalidSignatureException");
  EXPECT_NE(future.message().find("not yet current"), std::string::npos);
  expect_unchanged();
  EXPECT_EQ(call("AmazonSSM.PutParameter", put_body, {.when = now - 5min}).status, 200);
}

// ServerOptions::clock decides what "now" is: pinned to a date long past, a request signed then
// is current and one signed now is from the future; moving the clock on expires the first.
TEST_F(ProtocolTest, SignatureFreshnessFollowsTheServersClock) {
  auto clock = std::make_shared<ssm_cache::testing::ManualClock>();
  const auto then = std::chrono::system_clock::time_point{} + 24h * 365 * 40;
  clock->set(then);
  reset({.clock = clock});
  EXPECT_EQ(call("AmazonSSM.PutParameter", put_body, {.when = then}).status, 200);
  const json get = {{"Name", "/app/x"}};
  const auto future =
      call("AmazonSSM.GetParameter", get, {.when = std::chrono::system_clock::now()});
  EXPECT_NE(future.message().find("not yet current"), std::string::npos) << future.message();
  clock->advance(20min);
  const auto old = call("AmazonSSM.GetParameter", get, {.when = then});
  EXPECT_NE(old.message().find("Signature expired"), std::string::npos) << old.message();
}

TEST_F(ProtocolTest, UnknownTargetIsUnknownOperation) {
  const auto r = call("AmazonSSM.DeleteEverything", json::object());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "UnknownOperationException");
  auto req = signed_request("AmazonSSM.GetParameter", "{}");
  std::erase_if(req.headers, [](const auto& h) { return h.first == "X-Amz-Target"; });
  EXPECT_EQ(send(req).code(), "UnknownOperationException");
}

TEST_F(ProtocolTest, WrongContentTypeIsRejected) {
  const auto r = call("AmazonSSM.PutParameter", put_body, {.content_type = "application/json"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "UnknownOperationException");
  EXPECT_NE(r.message().find("application/x-amz-json-1.1"), std::string::npos);
  expect_unchanged();
}

TEST_F(ProtocolTest, OnlyPostSlashIsTheApi) {
  auto req = signed_request("AmazonSSM.PutParameter", put_body.dump());
  req.method = "GET";
  EXPECT_EQ(send(req).status, 404);
  expect_unchanged();
}

TEST_F(ProtocolTest, MalformedJsonIsSerializationException) {
  for (const std::string body : {"{", "{\"Name\": }", "not json", "{\"Name\":\"/a\"} trailing"}) {
    const auto r = send(signed_request("AmazonSSM.PutParameter", body));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.code(), "SerializationException") << body;
  }
  EXPECT_EQ(send(signed_request("AmazonSSM.PutParameter", "[1,2]")).code(),
            "SerializationException");
  // A number beyond a double: nlohmann-json throws out_of_range, not parse_error (fuzzer find).
  EXPECT_EQ(send(signed_request("AmazonSSM.PutParameter",
                                R"({"Name":"/a","Value":"v","Type":"String","Version":1e999})"))
                .code(),
            "SerializationException");
  EXPECT_EQ(send(signed_request("AmazonSSM.PutParameter",
                                std::string(1000, '[') + std::string(1000, ']')))
                .code(),
            "SerializationException");
  expect_unchanged();
}

TEST_F(ProtocolTest, WrongMemberTypesAreSerializationExceptions) {
  EXPECT_EQ(ssm("PutParameter", {{"Name", 5}, {"Value", "v"}, {"Type", "String"}}).code(),
            "SerializationException");
  EXPECT_EQ(ssm("PutParameter",
                {{"Name", "/app/x"}, {"Value", "v"}, {"Type", "String"}, {"Overwrite", "yes"}})
                .code(),
            "SerializationException");
  EXPECT_EQ(ssm("GetParameters", {{"Names", "/app/x"}}).code(), "SerializationException");
  EXPECT_EQ(ssm("GetParametersByPath", {{"Path", "/app"}, {"MaxResults", 2.5}}).code(),
            "SerializationException");
  EXPECT_EQ(sm("GetSecretValue", {{"SecretId", json::array()}}).code(), "SerializationException");
  expect_unchanged();
}

TEST_F(ProtocolTest, MissingRequiredMembersAreValidationExceptions) {
  const auto r = ssm("PutParameter", {{"Name", "/app/x"}, {"Type", "String"}});
  EXPECT_EQ(r.code(), "ValidationException");
  EXPECT_NE(r.message().find("'value'"), std::string::npos) << r.message();
  EXPECT_EQ(ssm("GetParameter", json::object()).code(), "ValidationException");
  EXPECT_EQ(sm("GetSecretValue", json::object()).code(), "ValidationException");
  expect_unchanged();
}

TEST_F(ProtocolTest, BodyOverOneMebibyteIsRejected) {
  const std::string big = json{
      {"Name", "/app/x"},
      {"Value", std::string((1u << 20) + 1, 'a')},
      {"Type", "String"}}.dump();
  const auto r = send(signed_request("AmazonSSM.PutParameter", big));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.code(), "RequestEntityTooLargeException");
  expect_unchanged();
}

TEST_F(ProtocolTest, SecretsManagerErrorsUseCapitalMessage) {
  const auto r = sm("GetSecretValue", {{"SecretId", "nope"}});
  EXPECT_EQ(r.code(), "ResourceNotFoundException");
  EXPECT_TRUE(r.json.contains("Message")) << r.raw.body;
}

TEST_F(ProtocolTest, ErrorsNeverEchoValues) {
  put("/app/p", "v1", "String", {{"AllowedPattern", "^[a-z0-9]+$"}});
  const auto r =
      ssm("PutParameter", {{"Name", "/app/p"}, {"Value", "TOP-SECRET-VALUE"}, {"Overwrite", true}});
  EXPECT_EQ(r.code(), "ParameterPatternMismatchException");
  EXPECT_EQ(r.raw.body.find("TOP-SECRET-VALUE"), std::string::npos);
}

}  // namespace
