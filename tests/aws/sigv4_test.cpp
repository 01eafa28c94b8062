// tests/aws/sigv4_test.cpp — SigV4 beyond the official vectors: pre-encoded paths, the SDK
// header selection, re-signing, Authorization parsing, server-side verification failures,
// dates, and a cross-check of SSM / Secrets Manager JSON 1.1 requests against botocore.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "aws/sigv4.hpp"
#include "common/crypto.hpp"
#include "common/time.hpp"
#include "python_script.hpp"

namespace ssm_cache::aws {
namespace {

using namespace std::chrono_literals;

const SigningCredentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

std::chrono::system_clock::time_point at(std::string_view amz_date) {
  std::chrono::system_clock::time_point when;
  EXPECT_TRUE(common::parse_amz_date(amz_date, when)) << amz_date;
  return when;
}

SigningOptions options_for(std::string service) {
  SigningOptions options;
  options.region = "us-east-1";
  options.service = std::move(service);
  return options;
}

std::string line(const std::string& text, int index) {
  std::size_t pos = 0;
  for (int i = 0; i < index; ++i) pos = text.find('\n', pos) + 1;
  return text.substr(pos, text.find('\n', pos) - pos);
}

TEST(SigV4, PreEncodedPathIsEncodedAgain) {
  const SignableRequest request{
      "GET", "/example%20space/a%2Fb", {{"Host", "example.amazonaws.com"}}, ""};
  const auto result = sign_request(request, kCreds, options_for("service"), at("20150830T123600Z"));
  EXPECT_EQ(line(result.canonical_request, 1), "/example%2520space/a%252Fb");

  // S3-style single encoding: the wire path is the canonical one.
  SigningOptions s3 = options_for("s3");
  s3.double_uri_encode = false;
  s3.normalize_path = false;
  const auto single = sign_request(request, kCreds, s3, at("20150830T123600Z"));
  EXPECT_EQ(line(single.canonical_request, 1), "/example%20space/a%2Fb");
}

TEST(SigV4, NormalizationHappensBeforeEncoding) {
  const SignableRequest request{"GET", "/a/./b/../c%2E/", {{"Host", "h"}}, ""};
  const auto result = sign_request(request, kCreds, options_for("service"), at("20150830T123600Z"));
  EXPECT_EQ(line(result.canonical_request, 1), "/a/c%252E/");
}

TEST(SigV4, QueryKeepsExistingEscapesAndEncodesReserved) {
  const SignableRequest request{"GET", "/?b=x%2Fy&a=1+2&a=0&c&d=%zz", {{"Host", "h"}}, ""};
  const auto result = sign_request(request, kCreds, options_for("service"), at("20150830T123600Z"));
  EXPECT_EQ(line(result.canonical_request, 2), "a=0&a=1%2B2&b=x%2Fy&c=&d=%25zz");
}

TEST(SigV4, SdkOptionsSignOnlyHostContentTypeAndAmzHeaders) {
  const SignableRequest request{"POST",
                                "/",
                                {{"Host", "ssm.us-east-1.amazonaws.com"},
                                 {"Content-Type", "application/x-amz-json-1.1"},
                                 {"X-Amz-Target", "AmazonSSM.GetParameters"},
                                 {"User-Agent", "ssm-cache/0.1"},
                                 {"Content-Length", "2"},
                                 {"Accept", "*/*"},
                                 {"amz-sdk-invocation-id", "abc"},
                                 {"amz-sdk-request", "attempt=1; max=3"}},
                                "{}"};
  const auto result = sign_request(request, kCreds, sdk_signing_options("us-east-1", "ssm"),
                                   at("20240102T030405Z"));
  EXPECT_EQ(line(result.canonical_request, 8), "content-type;host;x-amz-date;x-amz-target");
  ASSERT_FALSE(result.added.empty());
  EXPECT_EQ(result.added.back().first, "Authorization");
  EXPECT_EQ(result.added.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/ssm/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" +
                result.signature);

  // The default (test-suite) selection signs everything but user-agent & co.
  const auto all = sign_request(request, kCreds, options_for("ssm"), at("20240102T030405Z"));
  EXPECT_EQ(line(all.canonical_request, 12),
            "accept;amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;"
            "x-amz-date;x-amz-target");
}

TEST(SigV4, ResigningReplacesStaleAuthHeaders) {
  SignableRequest request{
      "POST", "/", {{"Host", "h"}, {"X-Amz-Target", "AmazonSSM.GetParameter"}}, "{}"};
  SigningCredentials creds = kCreds;
  creds.session_token = "token-one";
  sign_in_place(request, creds, sdk_signing_options("us-east-1", "ssm"), at("20240102T030405Z"));
  creds.session_token = "token-two";
  sign_in_place(request, creds, sdk_signing_options("us-east-1", "ssm"), at("20240102T031000Z"));
  int authorizations = 0;
  int dates = 0;
  int tokens = 0;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization") ++authorizations;
    if (name == "X-Amz-Date") {
      ++dates;
      EXPECT_EQ(value, "20240102T031000Z");
    }
    if (name == "X-Amz-Security-Token") {
      ++tokens;
      EXPECT_EQ(value, "token-two");
    }
  }
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(dates, 1);
  EXPECT_EQ(tokens, 1);
  EXPECT_FALSE(expected_signature(request, creds.secret_access_key).empty());
}

TEST(SigV4, ParseAuthorization) {
  ParsedAuthorization parsed;
  ASSERT_TRUE(parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20240102/eu-west-1/ssm/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      parsed));
  EXPECT_EQ(parsed.access_key_id, "AKID");
  EXPECT_EQ(parsed.date, "20240102");
  EXPECT_EQ(parsed.region, "eu-west-1");
  EXPECT_EQ(parsed.service, "ssm");
  EXPECT_EQ(parsed.signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_EQ(parsed.signature, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

  // Spaces are optional after the commas, as some clients omit them.
  EXPECT_TRUE(parse_authorization(
      "AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request,SignedHeaders=host,"
      "Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      parsed));

  const std::string sig = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  for (
      const std::string& bad : std::vector<std::string>{
          std::string(""),
          std::string("Basic dXNlcjpwYXNz"),
          "AWS4-HMAC-SHA256Credential=A/20240102/r/s/aws4_request, SignedHeaders=host, Signature=" +
              sig,
          std::string(
              "AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request, SignedHeaders=host"),
          "AWS4-HMAC-SHA256 Credential=A/20240102/r/s, SignedHeaders=host, Signature=" + sig,
          "AWS4-HMAC-SHA256 Credential=A/2024012/r/s/aws4_request, SignedHeaders=host, Signature=" +
              sig,
          "AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request, SignedHeaders=, Signature=" +
              sig,
          "AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request, SignedHeaders=Host, "
          "Signature=" +
              sig,
          std::string("AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request, "
                      "SignedHeaders=host, Signature=XYZ"),
          "AWS4-HMAC-SHA256 Credential=A/20240102/r/s/aws4_request, SignedHeaders=host, "
          "Signature=" +
              sig + ", Extra=1",
      }) {
    EXPECT_FALSE(parse_authorization(bad, parsed)) << bad;
  }
}

SignableRequest signed_ssm_request() {
  SignableRequest request{"POST",
                          "/",
                          {{"Host", "127.0.0.1:4566"},
                           {"Content-Type", "application/x-amz-json-1.1"},
                           {"X-Amz-Target", "AmazonSSM.GetParameters"},
                           {"User-Agent", "test"}},
                          R"({"Names":["/app/db"],"WithDecryption":true})"};
  sign_in_place(request, kCreds, sdk_signing_options("us-east-1", "ssm"), at("20240102T030405Z"));
  return request;
}

std::string signature_of(const SignableRequest& request) {
  ParsedAuthorization parsed;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization" && parse_authorization(value, parsed)) return parsed.signature;
  }
  return {};
}

void set_header(SignableRequest& request, std::string_view name, std::string value) {
  for (auto& header : request.headers) {
    if (header.first == name) header.second = std::move(value);
  }
}

TEST(SigV4, ExpectedSignatureDetectsTampering) {
  const SignableRequest good = signed_ssm_request();
  const std::string sig = signature_of(good);
  EXPECT_EQ(expected_signature(good, kCreds.secret_access_key), sig);

  // The unsigned User-Agent may change in transit.
  SignableRequest ua = good;
  set_header(ua, "User-Agent", "proxy");
  EXPECT_EQ(expected_signature(ua, kCreds.secret_access_key), sig);

  SignableRequest body = good;
  body.body = R"({"Names":["/app/other"],"WithDecryption":true})";
  EXPECT_NE(expected_signature(body, kCreds.secret_access_key), sig);

  SignableRequest target = good;
  set_header(target, "X-Amz-Target", "AmazonSSM.GetParametersByPath");
  EXPECT_NE(expected_signature(target, kCreds.secret_access_key), sig);

  SignableRequest path = good;
  path.target = "/other";
  EXPECT_NE(expected_signature(path, kCreds.secret_access_key), sig);

  EXPECT_NE(expected_signature(good, "wrong-secret"), sig);
}

TEST(SigV4, ExpectedSignatureEmptyWhenPiecesAreMissing) {
  const SignableRequest good = signed_ssm_request();

  SignableRequest no_date = good;
  std::erase_if(no_date.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  EXPECT_EQ(expected_signature(no_date, kCreds.secret_access_key), "");

  SignableRequest other_day = good;
  set_header(other_day, "X-Amz-Date", "20240103T030405Z");
  EXPECT_EQ(expected_signature(other_day, kCreds.secret_access_key), "");

  SignableRequest missing_header = good;
  std::erase_if(missing_header.headers, [](const auto& h) { return h.first == "X-Amz-Target"; });
  EXPECT_EQ(expected_signature(missing_header, kCreds.secret_access_key), "");

  SignableRequest no_auth = good;
  std::erase_if(no_auth.headers, [](const auto& h) { return h.first == "Authorization"; });
  EXPECT_EQ(expected_signature(no_auth, kCreds.secret_access_key), "");

  SignableRequest garbage = good;
  set_header(garbage, "Authorization", "AWS4-HMAC-SHA256 nonsense");
  EXPECT_EQ(expected_signature(garbage, kCreds.secret_access_key), "");
}

TEST(SigV4, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
}

// --- cross-check against botocore -------------------------------------------------------------

struct JsonCase {
  SignableRequest request;
  SigningCredentials credentials;
  std::string region;
  std::string service;
  std::string amz_date;
};

std::string utf8_name(int i) {
  // Parameter names with multi-byte UTF-8: é, ß, 漢字, and an emoji.
  static const char* const kParts[] = {"caf\xC3\xA9",
                                       "stra\xC3\x9F"
                                       "e",
                                       "\xE6\xBC\xA2\xE5\xAD\x97", "\xF0\x9F\x94\x91"};
  return "/app/" + std::string(kParts[i % 4]) + "/" + std::to_string(i);
}

std::vector<JsonCase> json_cases() {
  std::vector<JsonCase> cases;
  const std::vector<std::size_t> sizes = {0, 1, 2, 10, 100, 1000, 10000, 100000, 1 << 20};
  std::mt19937 rng(42);
  int n = 0;
  for (const std::size_t size : sizes) {
    for (const bool ssm : {true, false}) {
      for (const bool token : {false, true}) {
        JsonCase c;
        c.region = (n % 3 == 0) ? "us-east-1" : (n % 3 == 1 ? "eu-central-1" : "cn-north-1");
        c.service = ssm ? "ssm" : "secretsmanager";
        c.amz_date = n % 2 ? "20240229T235959Z" : "20150830T123600Z";
        c.credentials = {"ASIA" + std::to_string(1000 + n), "secret/+=" + std::to_string(rng()),
                         token ? "IQoJb3JpZ2luX2VjE/+==" + std::to_string(rng()) : ""};
        const std::string host = ssm ? "ssm." + c.region + ".amazonaws.com"
                                     : "secretsmanager." + c.region + ".amazonaws.com";
        std::string body;
        if (size == 0) {
          body = "";
        } else if (size <= 2) {
          body = std::string("{}").substr(0, size);
        } else {
          nlohmann::json names = nlohmann::json::array();
          int i = 0;
          std::size_t approx = 2;
          while (approx + 40 < size) {
            names.push_back(utf8_name(i));
            approx += utf8_name(i++).size() + 3;
          }
          nlohmann::json doc = ssm ? nlohmann::json{{"Names", names}, {"WithDecryption", true}}
                                   : nlohmann::json{{"SecretIdList", names}};
          body = doc.dump();
        }
        c.request = {"POST",
                     "/",
                     {{"Host", host},
                      {"Content-Type", "application/x-amz-json-1.1"},
                      {"X-Amz-Target",
                       ssm ? "AmazonSSM.GetParameters" : "secretsmanager.BatchGetSecretValue"},
                      {"User-Agent", "ssm-cache/0.1 botocore-check"}},
                     body};
        cases.push_back(std::move(c));
        ++n;
      }
    }
  }
  return cases;
}

std::string hex_of(const std::string& bytes) { return common::to_hex(bytes); }

TEST(SigV4Botocore, JsonRequestsMatchBotocore) {
  const std::vector<JsonCase> cases = json_cases();
  nlohmann::json input = nlohmann::json::array();
  for (const auto& c : cases) {
    nlohmann::json headers = nlohmann::json::array();
    for (const auto& [name, value] : c.request.headers) headers.push_back({name, value});
    input.push_back({{"method", c.request.method},
                     {"url", "https://" + c.request.headers[0].second + "/"},
                     {"headers", headers},
                     {"body_hex", hex_of(c.request.body)},
                     {"region", c.region},
                     {"service", c.service},
                     {"access_key_id", c.credentials.access_key_id},
                     {"secret_access_key", c.credentials.secret_access_key},
                     {"session_token", c.credentials.session_token},
                     {"timestamp", c.amz_date}});
  }
  const auto result = testing_python::run_json("tests/aws/botocore_sign.py", input);
  ASSERT_TRUE(result) << "botocore script failed (is python3-botocore installed?)";
  const nlohmann::json& results = *result;
  ASSERT_EQ(results.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const JsonCase& c = cases[i];
    SCOPED_TRACE("case " + std::to_string(i) + " " + c.service + " body " +
                 std::to_string(c.request.body.size()) + " bytes" +
                 (c.credentials.session_token.empty() ? "" : " with token"));
    const auto mine = sign_request(c.request, c.credentials,
                                   sdk_signing_options(c.region, c.service), at(c.amz_date));
    EXPECT_EQ(mine.canonical_request, results[i].at("canonical_request").get<std::string>());
    EXPECT_EQ(mine.string_to_sign, results[i].at("string_to_sign").get<std::string>());
    EXPECT_EQ(mine.signature, results[i].at("signature").get<std::string>());
    std::string authorization;
    std::string token;
    for (const auto& [name, value] : mine.added) {
      if (name == "Authorization") authorization = value;
      if (name == "X-Amz-Security-Token") token = value;
    }
    EXPECT_EQ(authorization, results[i].at("authorization").get<std::string>());
    EXPECT_EQ(token, results[i].at("x_amz_security_token").get<std::string>());
    EXPECT_EQ(c.amz_date, results[i].at("x_amz_date").get<std::string>());
  }
}

}  // namespace
}  // namespace ssm_cache::aws
