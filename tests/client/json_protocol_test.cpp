// Unit tests of the JSON 1.1 builders, parsers and error mapping: byte-exact bodies, every
// error shape, and errors that never quote a response body.
#include "aws/json_protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/aws_client_impl.hpp"

namespace ssm_cache::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ResponseContext ctx(std::string op = "GetParameters") {
  return ResponseContext{std::move(op), "names 'a'", 200, "req-1"};
}

TEST(JsonProtocolBuild, GetParametersBodyIsByteExact) {
  EXPECT_EQ(build_get_parameters_body({"a", "/b/c:3", "d:prod"}, true),
            R"({"Names":["a","/b/c:3","d:prod"],"WithDecryption":true})");
  EXPECT_EQ(build_get_parameters_body({"x"}, false), R"({"Names":["x"],"WithDecryption":false})");
}

TEST(JsonProtocolBuild, EscapesAndKeepsUtf8) {
  EXPECT_EQ(build_get_parameter_body("/caf\xc3\xa9/\"q\"", true),
            "{\"Name\":\"/caf\xc3\xa9/\\\"q\\\"\",\"WithDecryption\":true}");
}

TEST(JsonProtocolBuild, InvalidUtf8NameIsATypedError) {
  EXPECT_THROW(build_get_parameter_body("bad\xff", true), InvalidNameError);
}

TEST(JsonProtocolBuild, GetParametersByPathBody) {
  EXPECT_EQ(build_get_parameters_by_path_body("/app", true, {}, true, ""),
            R"({"MaxResults":10,"Path":"/app","Recursive":true,"WithDecryption":true})");
  EXPECT_EQ(
      build_get_parameters_by_path_body(
          "/app", false,
          {Filter{"Type", "Equals", {"StringList"}}, Filter{"Label", "Equals", {"prod", "b"}}},
          false, "tok=="),
      R"({"MaxResults":10,"NextToken":"tok==","ParameterFilters":[{"Key":"Type","Option":"Equals","Values":["StringList"]},{"Key":"Label","Option":"Equals","Values":["prod","b"]}],"Path":"/app","Recursive":false,"WithDecryption":false})");
  EXPECT_EQ(
      build_get_parameters_by_path_body("/k", true, {Filter{"KeyId", "BeginsWith", {"alias/x"}}},
                                        true, ""),
      R"({"MaxResults":10,"ParameterFilters":[{"Key":"KeyId","Option":"BeginsWith","Values":["alias/x"]}],"Path":"/k","Recursive":true,"WithDecryption":true})");
}

TEST(JsonProtocolBuild, RejectsFilterKeysTheApiRefuses) {
  EXPECT_THROW(
      build_get_parameters_by_path_body("/a", true, {Filter{"Name", "Equals", {"x"}}}, true, ""),
      InvalidFilterError);
}

TEST(JsonProtocolBuild, SecretsBodies) {
  EXPECT_EQ(build_get_secret_value_body("s", "", ""), R"({"SecretId":"s"})");
  EXPECT_EQ(build_get_secret_value_body("s", "v1", "AWSPREVIOUS"),
            R"({"SecretId":"s","VersionId":"v1","VersionStage":"AWSPREVIOUS"})");
  EXPECT_EQ(build_batch_get_secret_value_body({"a", "b"}, ""), R"({"SecretIdList":["a","b"]})");
  EXPECT_EQ(build_batch_get_secret_value_body({"a"}, "n"),
            R"({"NextToken":"n","SecretIdList":["a"]})");
}

TEST(JsonProtocolParse, GetParameters) {
  const auto r = parse_get_parameters_response(
      R"({"Parameters":[{"Name":"a","Type":"String","Value":"va","Version":3,"Selector":":3",
          "ARN":"arn:aws:ssm:us-east-1:1:parameter/a","LastModifiedDate":1700000000.123,
          "DataType":"text"},
          {"Name":"/l","Type":"StringList","Value":"x,y","Version":1,"LastModifiedDate":1700000001}],
          "InvalidParameters":["nope","a:9"]})",
      ctx());
  ASSERT_EQ(r.parameters.size(), 2u);
  EXPECT_EQ(r.parameters[0].name, "a");
  EXPECT_EQ(r.parameters[0].type, "String");
  EXPECT_EQ(r.parameters[0].value, "va");
  EXPECT_EQ(r.parameters[0].version, 3);
  EXPECT_EQ(r.parameters[0].selector, ":3");
  EXPECT_EQ(r.parameters[0].arn, "arn:aws:ssm:us-east-1:1:parameter/a");
  EXPECT_EQ(r.parameters[0].data_type, "text");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(
                r.parameters[0].last_modified.time_since_epoch())
                .count(),
            1700000000123);
  EXPECT_EQ(r.parameters[1].selector, "");
  EXPECT_EQ(r.parameters[1].last_modified.time_since_epoch(), std::chrono::seconds(1700000001));
  EXPECT_EQ(r.invalid_parameters, (std::vector<std::string>{"nope", "a:9"}));
}

TEST(JsonProtocolParse, EmptyListsAndAbsentFields) {
  const auto r =
      parse_get_parameters_response(R"({"Parameters":[],"InvalidParameters":[]})", ctx());
  EXPECT_TRUE(r.parameters.empty());
  EXPECT_TRUE(r.invalid_parameters.empty());
  const auto r2 = parse_get_parameters_response(R"({})", ctx());
  EXPECT_TRUE(r2.parameters.empty());
}

TEST(JsonProtocolParse, GetParameterAndByPathPages) {
  const auto p = parse_get_parameter_response(
      R"({"Parameter":{"Name":"n","Type":"SecureString","Value":"v","Version":2}})",
      ctx("GetParameter"));
  EXPECT_EQ(p.name, "n");
  EXPECT_EQ(p.version, 2);

  const auto page = parse_get_parameters_by_path_response(R"({"Parameters":[],"NextToken":"t2"})",
                                                          ctx("GetParametersByPath"));
  EXPECT_TRUE(page.parameters.empty());
  EXPECT_EQ(page.next_token, "t2");
  const auto last = parse_get_parameters_by_path_response(
      R"({"Parameters":[{"Name":"/a/b","Value":"1"}]})", ctx("GetParametersByPath"));
  EXPECT_EQ(last.parameters.size(), 1u);
  EXPECT_EQ(last.next_token, "");
}

TEST(JsonProtocolParse, SecretStringAndBinary) {
  const auto s = parse_get_secret_value_response(
      R"({"ARN":"arn:s","Name":"db","VersionId":"v1","SecretString":"{\"p\":1}",
          "VersionStages":["AWSCURRENT"],"CreatedDate":1.5e9})",
      ctx("GetSecretValue"));
  EXPECT_EQ(s.name, "db");
  EXPECT_EQ(s.version_id, "v1");
  ASSERT_TRUE(s.secret_string);
  EXPECT_EQ(*s.secret_string, R"({"p":1})");
  EXPECT_FALSE(s.secret_binary);
  EXPECT_EQ(s.version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(s.created_date.time_since_epoch(), std::chrono::seconds(1500000000));

  const auto b = parse_get_secret_value_response(R"({"Name":"bin","SecretBinary":"AAEC/w=="})",
                                                 ctx("GetSecretValue"));
  ASSERT_TRUE(b.secret_binary);
  EXPECT_EQ(*b.secret_binary, std::string("\x00\x01\x02\xff", 4));
}

TEST(JsonProtocolParse, BatchSecrets) {
  const auto p = parse_batch_get_secret_value_response(
      R"({"SecretValues":[{"Name":"a","SecretString":"x"}],
          "Errors":[{"SecretId":"b","ErrorCode":"ResourceNotFoundException","ErrorMessage":"no b"}],
          "NextToken":"more"})",
      ctx("BatchGetSecretValue"));
  ASSERT_EQ(p.result.secrets.size(), 1u);
  ASSERT_EQ(p.result.errors.size(), 1u);
  EXPECT_EQ(p.result.errors[0].secret_id, "b");
  EXPECT_EQ(p.result.errors[0].error_code, "ResourceNotFoundException");
  EXPECT_EQ(p.result.errors[0].message, "no b");
  EXPECT_EQ(p.next_token, "more");
}

// Every malformed shape is a ResponseError naming the operation, what it was about, the status
// and the request id, never the bytes of the body (which may hold a secret).
TEST(JsonProtocolParse, MalformedBodiesAreResponseErrorsThatDoNotEchoTheBody) {
  const std::vector<std::string> bodies = {
      "",
      "not json SECRETVALUE",
      R"({"Parameters":[{"Name":"a","Value":"SECRETVALUE"})",  // truncated
      R"(["SECRETVALUE"])",
      R"({"Parameters":{"Name":"a","Value":"SECRETVALUE"}})",
      R"({"Parameters":[{"Name":"a"}]})",
      R"({"Parameters":[{"Value":"SECRETVALUE"}]})",
      R"({"Parameters":[{"Name":"a","Value":42}]})",
      R"({"Parameters":[{"Name":"a","Value":"SECRETVALUE","Version":"3"}]})",
      R"({"Parameters":[{"Name":"a","Value":"SECRETVALUE","LastModifiedDate":"yesterday"}]})",
      R"({"Parameters":["SECRETVALUE"]})",
      R"({"Parameters":[],"InvalidParameters":[1]})",
      // Valid syntax that nlohmann-json refuses with out_of_range, not parse_error (found by
      // the fuzz_aws_responses target).
      R"({"Parameters":[{"Name":"a","Value":"SECRETVALUE","Version":1e999}]})",
  };
  for (const auto& body : bodies) {
    try {
      parse_get_parameters_response(body, ctx());
      ADD_FAILURE() << "accepted: " << body;
    } catch (const ResponseError& e) {
      const std::string what = e.what();
      EXPECT_THAT(what, HasSubstr("GetParameters"));
      EXPECT_THAT(what, HasSubstr("names 'a'"));
      EXPECT_THAT(what, HasSubstr("HTTP 200"));
      EXPECT_THAT(what, HasSubstr("req-1"));
      EXPECT_THAT(what, Not(HasSubstr("SECRETVALUE")));
      EXPECT_FALSE(e.transient());
    }
  }
  EXPECT_THROW(parse_get_parameter_response(R"({"Parameters":[]})", ctx("GetParameter")),
               ResponseError);
  EXPECT_THROW(parse_get_secret_value_response(R"({"Name":"x"})", ctx("GetSecretValue")),
               ResponseError);
  EXPECT_THROW(
      parse_get_secret_value_response(R"({"Name":"x","SecretBinary":"!!"})", ctx("GetSecretValue")),
      ResponseError);
  EXPECT_THROW(parse_get_parameters_by_path_response(R"({"NextToken":5})", ctx()), ResponseError);
  // Beyond system_clock's int64 nanoseconds (year 2262): an error, not an overflow (fuzzer find).
  EXPECT_THROW(parse_get_secret_value_response(
                   R"({"ARN":"arn","CreatedDate":9919699999,"Name":"s","SecretString":"x"})",
                   ctx("GetSecretValue")),
               ResponseError);
}

http::Response error_response(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(JsonProtocolErrors, CodeFromType) {
  EXPECT_EQ(error_code_from_type("com.amazonaws.ssm#ParameterNotFound"), "ParameterNotFound");
  EXPECT_EQ(error_code_from_type("ParameterNotFound"), "ParameterNotFound");
  EXPECT_EQ(error_code_from_type("ValidationException:http://internal.amazon.com/coral/x/"),
            "ValidationException");
  EXPECT_EQ(error_code_from_type("aws.protocoltests#FooError:http://internal/"), "FooError");
  EXPECT_EQ(error_code_from_type(""), "");
}

TEST(JsonProtocolErrors, TypeAndLowercaseMessage) {
  const AwsError e = parse_error_response(
      error_response(400, R"({"__type":"com.amazonaws.ssm#ParameterNotFound","message":"gone"})",
                     {{"x-amzn-RequestId", "rid-9"}}),
      "GetParameter", "name 'a'", "https://ssm.x/");
  EXPECT_EQ(e.code(), "ParameterNotFound");
  EXPECT_EQ(e.aws_message(), "gone");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.request_id(), "rid-9");
  EXPECT_FALSE(e.transient());
  const std::string what = e.what();
  EXPECT_THAT(what, HasSubstr("GetParameter (name 'a')"));
  EXPECT_THAT(what, HasSubstr("ParameterNotFound"));
  EXPECT_THAT(what, HasSubstr("HTTP 400"));
  EXPECT_THAT(what, HasSubstr("rid-9"));
  EXPECT_THAT(what, HasSubstr("gone"));
}

TEST(JsonProtocolErrors, CapitalMessageAndHeaderCode) {
  const AwsError e = parse_error_response(
      error_response(400, R"({"Message":"Rate exceeded"})",
                     {{"X-Amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/"},
                      {"X-Amzn-RequestId", "r2"}}),
      "GetParameters", "", "https://ssm.x/");
  EXPECT_EQ(e.code(), "ThrottlingException");
  EXPECT_EQ(e.aws_message(), "Rate exceeded");
  EXPECT_EQ(e.request_id(), "r2");
  EXPECT_TRUE(e.throttling());
  EXPECT_TRUE(e.transient());
}

TEST(JsonProtocolErrors, ServerErrorWithoutDocument) {
  const AwsError e = parse_error_response(
      error_response(502, "<html>SECRETVALUE proxy</html>", {{"Content-Type", "text/html"}}),
      "GetParameters", "names 'a'", "https://ssm.x/");
  EXPECT_EQ(e.code(), "");
  EXPECT_EQ(e.http_status(), 502);
  EXPECT_TRUE(e.transient());
  const std::string what = e.what();
  EXPECT_THAT(what, HasSubstr("not an AWS error document"));
  EXPECT_THAT(what, HasSubstr("text/html"));
  EXPECT_THAT(what, Not(HasSubstr("SECRETVALUE")));
}

TEST(JsonProtocolErrors, InternalServerErrorIsTransientAccessDeniedIsNot) {
  EXPECT_TRUE(parse_error_response(error_response(500, R"({"__type":"InternalServerError"})"),
                                   "GetParameters", "", "u")
                  .transient());
  EXPECT_FALSE(parse_error_response(error_response(400, R"({"__type":"AccessDeniedException"})"),
                                    "GetParameters", "", "u")
                   .transient());
}

TEST(Endpoints, ParsesAndRejects) {
  auto e = parse_endpoint("https://ssm.us-east-1.amazonaws.com", "AWS_ENDPOINT_URL");
  EXPECT_EQ(e.url(), "https://ssm.us-east-1.amazonaws.com/");
  EXPECT_EQ(e.authority(), "ssm.us-east-1.amazonaws.com");
  e = parse_endpoint("http://127.0.0.1:4566", "x");
  EXPECT_EQ(e.authority(), "127.0.0.1:4566");
  EXPECT_EQ(e.url(), "http://127.0.0.1:4566/");
  e = parse_endpoint("HTTPS://h:443/p", "x");
  EXPECT_EQ(e.url(), "https://h/p");
  e = parse_endpoint("http://[::1]:8080", "x");
  EXPECT_EQ(e.authority(), "[::1]:8080");

  for (const char* bad : {"", "ssm.amazonaws.com", "ftp://h", "https://", "https://:80",
                          "https://h:x", "https://h:99999", "https://h:", "https://h?x=1",
                          "https://h h", "https://[::1", "https://[zz]"}) {
    try {
      parse_endpoint(bad, "AWS_ENDPOINT_URL_SSM");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ConfigurationError& err) {
      EXPECT_THAT(err.what(), HasSubstr("AWS_ENDPOINT_URL_SSM"));
      EXPECT_THAT(err.what(), HasSubstr(std::string("'") + bad + "'"));
    }
  }
  // User information may hold a password: rejected, and not repeated.
  try {
    parse_endpoint("https://user:hunter2@h", "AWS_ENDPOINT_URL_SSM");
    ADD_FAILURE() << "accepted user information";
  } catch (const ConfigurationError& err) {
    EXPECT_THAT(err.what(), HasSubstr("AWS_ENDPOINT_URL_SSM"));
    EXPECT_THAT(err.what(), ::testing::Not(HasSubstr("hunter2")));
  }
}

TEST(JsonProtocolWrites, PutBodiesAreByteExact) {
  EXPECT_EQ(build_put_parameter_body("/a", "v", {}),
            R"({"Name":"/a","Overwrite":false,"Type":"String","Value":"v"})");
  EXPECT_EQ(build_put_parameter_body("/a", "v",
                                     {.type = "SecureString",
                                      .overwrite = true,
                                      .tier = "Advanced",
                                      .key_id = "alias/k",
                                      .description = "d"}),
            R"({"Description":"d","KeyId":"alias/k","Name":"/a","Overwrite":true,)"
            R"("Tier":"Advanced","Type":"SecureString","Value":"v"})");
  EXPECT_EQ(build_put_secret_value_body("db", "pw", "tok-1"),
            R"({"ClientRequestToken":"tok-1","SecretId":"db","SecretString":"pw"})");
}

TEST(JsonProtocolWrites, PutResponsesParsedAndCheckedWithoutQuotingTheBody) {
  const auto p =
      parse_put_parameter_response(R"({"Version":3,"Tier":"Standard"})", ctx("PutParameter"));
  EXPECT_EQ(p.version, 3);
  EXPECT_EQ(p.tier, "Standard");
  try {
    (void)parse_put_parameter_response(R"({"Tier":"S3CR3T"})", ctx("PutParameter"));
    FAIL() << "expected ResponseError";
  } catch (const ResponseError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Version"));
    EXPECT_THAT(e.what(), Not(HasSubstr("S3CR3T")));
  }
  const auto s = parse_put_secret_value_response(
      R"({"ARN":"arn:x","Name":"db","VersionId":"v2","VersionStages":["AWSCURRENT"]})",
      ctx("PutSecretValue"));
  EXPECT_EQ(s.name, "db");
  EXPECT_EQ(s.version_id, "v2");
  EXPECT_EQ(s.version_stages, std::vector<std::string>{"AWSCURRENT"});
  EXPECT_THROW((void)parse_put_secret_value_response(R"({"Name":"db"})", ctx("PutSecretValue")),
               ResponseError);
}

}  // namespace
}  // namespace ssm_cache::aws
