// Unit tests of the standard retry mode as the AWS client applies it, with a scripted transport
// and a fake clock and sleeper (nothing waits): attempts, headers, backoff bounds, the token
// bucket draining and refunding, non-retryable codes failing at once, clock-skew re-signing,
// and GetParameters chunking and selector matching.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "aws/retry.hpp"
#include "aws/sigv4.hpp"
#include "client/fake_transport.hpp"
#include "common/names.hpp"
#include "common/time.hpp"

namespace ssm_cache {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing_client::aws_error;
using testing_client::FakeTime;
using testing_client::FakeTransport;
using testing_client::header_of;
using testing_client::json_response;
using testing_client::settings_for;

const char* kOne =
    R"({"Parameters":[{"Name":"a","Type":"String","Value":"1","Version":1}],"InvalidParameters":[]})";

TEST(Backoff, FullJitterCappedExponential) {
  aws::RetryOptions o;
  EXPECT_EQ(aws::backoff_delay(o, 1, false, 1.0), 100ms);
  EXPECT_EQ(aws::backoff_delay(o, 2, false, 1.0), 200ms);
  EXPECT_EQ(aws::backoff_delay(o, 3, false, 0.5), 200ms);
  EXPECT_EQ(aws::backoff_delay(o, 1, true, 1.0), 500ms);
  EXPECT_EQ(aws::backoff_delay(o, 20, false, 1.0), 20000ms);
  EXPECT_EQ(aws::backoff_delay(o, 200, true, 1.0), 20000ms);
  EXPECT_EQ(aws::backoff_delay(o, 3, false, 0.0), 0ms);
}

TEST(TokenBucket, DrainsAndRefundsUpToCapacity) {
  aws::RetryTokenBucket b(12);
  EXPECT_TRUE(b.try_acquire(5));
  EXPECT_TRUE(b.try_acquire(5));
  EXPECT_FALSE(b.try_acquire(5));
  EXPECT_EQ(b.available(), 2);
  b.release(5);
  EXPECT_EQ(b.available(), 7);
  b.release(100);
  EXPECT_EQ(b.available(), 12);
}

TEST(InvocationId, IsAVersion4Uuid) {
  // (No std::regex: GCC 12 warns inside it under the sanitizer presets.)
  const auto a = aws::make_invocation_id();
  ASSERT_EQ(a.size(), 36u) << a;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(a[i], '-') << a;
    } else {
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(a[i])) && !std::isupper(a[i])) << a;
    }
  }
  EXPECT_EQ(a[14], '4') << a;
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;
  EXPECT_NE(a, aws::make_invocation_id());
}

TEST(Retry, ThrottlingThenSuccessWithHeadersAndBackoff) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  t->push(aws_error(400, "ThrottlingException", "Rate exceeded"));
  t->push(json_response(200, kOne));
  auto client = aws::make_aws_client(settings_for(t, &time));
  auto r = client->get_parameters({"a"}, true);
  ASSERT_EQ(r.parameters.size(), 1u);
  const auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(header_of(reqs[0], "amz-sdk-request"), "attempt=1; max=3");
  EXPECT_EQ(header_of(reqs[1], "amz-sdk-request"), "attempt=2; max=3");
  EXPECT_EQ(header_of(reqs[0], "amz-sdk-invocation-id"),
            header_of(reqs[1], "amz-sdk-invocation-id"));
  EXPECT_EQ(header_of(reqs[0], "X-Amz-Target"), "AmazonSSM.GetParameters");
  EXPECT_EQ(header_of(reqs[0], "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_THAT(header_of(reqs[0], "Authorization"),
              HasSubstr("Credential=AKIDEXAMPLE/20231114/us-east-1/ssm/aws4_request"));
  EXPECT_THAT(header_of(reqs[0], "Authorization"), HasSubstr("x-amz-target"));
  EXPECT_EQ(reqs[0].body, R"({"Names":["a"],"WithDecryption":true})");
  ASSERT_EQ(time.sleeps.size(), 1u);
  EXPECT_EQ(time.sleeps[0], 500ms);  // throttling base, jitter 1.0

  // A new call gets a new invocation id.
  t->push(json_response(200, kOne));
  client->get_parameters({"a"}, true);
  EXPECT_NE(header_of(t->requests()[2], "amz-sdk-invocation-id"),
            header_of(reqs[0], "amz-sdk-invocation-id"));
}

TEST(Retry, ServerErrorsExhaustAttemptsWithBoundedBackoff) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  for (int i = 0; i < 3; ++i) t->push(aws_error(500, "InternalServerError"));
  auto client = aws::make_aws_client(settings_for(t, &time));
  try {
    client->get_parameters({"a"}, true);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "InternalServerError");
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_TRUE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("after 3 attempts"));
  }
  EXPECT_EQ(t->count(), 3u);
  ASSERT_EQ(time.sleeps.size(), 2u);
  EXPECT_EQ(time.sleeps[0], 100ms);
  EXPECT_EQ(time.sleeps[1], 200ms);
}

TEST(Retry, PlainHttp503WithoutDocumentIsRetried) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  t->push(json_response(503, "<html>busy</html>"));
  t->push(json_response(200, kOne));
  auto client = aws::make_aws_client(settings_for(t, &time));
  EXPECT_EQ(client->get_parameters({"a"}, true).parameters.size(), 1u);
  EXPECT_EQ(t->count(), 2u);
}

TEST(Retry, NonRetryableCodesFailAtOnce) {
  for (const char* code : {"ParameterNotFound", "ParameterVersionNotFound", "InvalidKeyId",
                           "AccessDeniedException", "ValidationException", "InvalidFilterKey",
                           "UnrecognizedClientException", "ExpiredTokenException"}) {
    auto t = std::make_shared<FakeTransport>();
    FakeTime time;
    t->push(aws_error(400, code));
    auto client = aws::make_aws_client(settings_for(t, &time));
    try {
      client->get_parameter("a", true);
      ADD_FAILURE() << code;
    } catch (const AwsError& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_FALSE(e.transient());
    }
    EXPECT_EQ(t->count(), 1u) << code;
    EXPECT_TRUE(time.sleeps.empty()) << code;
  }
}

TEST(Retry, TransportErrorsAreRetriedTimeoutsCostMore) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  auto s = settings_for(t, &time);
  s.retry.bucket_capacity = 15;
  auto client = aws::make_aws_client(s);
  // A timeout costs 10, a connection reset 5: 15 tokens allow exactly these two retries.
  t->push(TransportError("POST x failed: Timeout", true, true));
  t->push(TransportError("POST x failed: Connection reset", true, false));
  t->push(json_response(200, kOne));
  EXPECT_EQ(client->get_parameters({"a"}, true).parameters.size(), 1u);
  EXPECT_EQ(t->count(), 3u);

  // The success refunded only its last retry's 5 tokens: 5 are left, so a timeout cannot be
  // retried now, and the call fails after one attempt with the timeout flagged.
  t->push(TransportError("POST x failed: Timeout", true, true));
  try {
    client->get_parameters({"a"}, true);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timeout());
  }
  EXPECT_EQ(t->count(), 4u);
}

TEST(Retry, TokenBucketDrainsThenRefunds) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  auto s = settings_for(t, &time);
  s.retry.bucket_capacity = 10;
  auto client = aws::make_aws_client(s);

  // Call 1: three 500s, two retries of 5 tokens each: the bucket is empty.
  for (int i = 0; i < 3; ++i) t->push(aws_error(500, "InternalServerError"));
  EXPECT_THROW(client->get_parameters({"a"}, true), AwsError);
  EXPECT_EQ(t->count(), 3u);

  // Call 2: no tokens, so no retry at all.
  t->push(aws_error(500, "InternalServerError"));
  EXPECT_THROW(client->get_parameters({"a"}, true), AwsError);
  EXPECT_EQ(t->count(), 4u);

  // Five successes without retry deposit 1 token each: one retry is possible again.
  for (int i = 0; i < 5; ++i) {
    t->push(json_response(200, kOne));
    client->get_parameters({"a"}, true);
  }
  t->push(aws_error(500, "InternalServerError"));
  t->push(json_response(200, kOne));
  EXPECT_NO_THROW(client->get_parameters({"a"}, true));
  EXPECT_EQ(t->count(), 11u);
}

TEST(Retry, MaxAttemptsOption) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  auto s = settings_for(t, &time);
  s.retry.max_attempts = 5;
  auto client = aws::make_aws_client(s);
  for (int i = 0; i < 5; ++i) t->push(aws_error(400, "ThrottlingException"));
  EXPECT_THROW(client->get_parameters({"a"}, true), AwsError);
  EXPECT_EQ(t->count(), 5u);
  EXPECT_EQ(header_of(t->requests()[4], "amz-sdk-request"), "attempt=5; max=5");

  auto t1 = std::make_shared<FakeTransport>();
  auto s1 = settings_for(t1, &time);
  s1.retry.max_attempts = 1;
  t1->push(aws_error(500, "InternalServerError"));
  EXPECT_THROW(aws::make_aws_client(s1)->get_parameters({"a"}, true), AwsError);
  EXPECT_EQ(t1->count(), 1u);
}

TEST(Retry, DeadlineStopsRetriesThatWouldOverrunIt) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  auto s = settings_for(t, &time);
  s.call_deadline = 50ms;  // the first backoff (100 ms with jitter 1.0) would pass it
  t->push(aws_error(500, "InternalServerError"));
  EXPECT_THROW(aws::make_aws_client(s)->get_parameters({"a"}, true), AwsError);
  EXPECT_EQ(t->count(), 1u);
  EXPECT_LE(t->requests()[0].timeout, 50ms);
}

std::string http_date(std::chrono::system_clock::time_point tp) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

TEST(ClockSkew, ResignsOnceWithTheServersTimeAndKeepsTheOffset) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  const auto server_time = time.now() + 2h;
  t->push(aws_error(400, "InvalidSignatureException", "Signature expired",
                    {{"Date", http_date(server_time)}}));
  t->push(json_response(200, kOne));
  auto client = aws::make_aws_client(settings_for(t, &time));
  EXPECT_EQ(client->get_parameters({"a"}, true).parameters.size(), 1u);
  auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(header_of(reqs[0], "X-Amz-Date"), common::format_amz_date(time.now()));
  EXPECT_EQ(header_of(reqs[1], "X-Amz-Date"), common::format_amz_date(server_time));
  EXPECT_TRUE(time.sleeps.empty());  // no backoff for a skew correction

  // Later calls sign with the corrected time from the start.
  t->push(json_response(200, kOne));
  client->get_parameters({"a"}, true);
  EXPECT_EQ(header_of(t->requests()[2], "X-Amz-Date"), common::format_amz_date(server_time));
}

TEST(ClockSkew, OnlyOnceAndOnlyWhenTheDateShowsSkew) {
  FakeTime time;
  {
    // Skewed twice in a row: one correction, then the error.
    auto t = std::make_shared<FakeTransport>();
    t->push(aws_error(403, "SignatureDoesNotMatch", "x", {{"Date", http_date(time.now() + 1h)}}));
    t->push(aws_error(403, "SignatureDoesNotMatch", "x", {{"Date", http_date(time.now() + 3h)}}));
    EXPECT_THROW(aws::make_aws_client(settings_for(t, &time))->get_parameters({"a"}, true),
                 AwsError);
    EXPECT_EQ(t->count(), 2u);
  }
  {
    // A bad signature with a correct clock (wrong secret key) is not retried.
    auto t = std::make_shared<FakeTransport>();
    t->push(aws_error(400, "InvalidSignatureException", "x", {{"Date", http_date(time.now())}}));
    EXPECT_THROW(aws::make_aws_client(settings_for(t, &time))->get_parameters({"a"}, true),
                 AwsError);
    EXPECT_EQ(t->count(), 1u);
  }
  {
    // No Date header: nothing to correct with.
    auto t = std::make_shared<FakeTransport>();
    t->push(aws_error(400, "RequestExpired"));
    EXPECT_THROW(aws::make_aws_client(settings_for(t, &time))->get_parameters({"a"}, true),
                 AwsError);
    EXPECT_EQ(t->count(), 1u);
  }
}

// A handler answering GetParameters from a map, echoing Selector only when asked to.
FakeTransport::Handler parameters_handler(bool echo_selector) {
  return [echo_selector](const http::Request& r) {
    const auto body = nlohmann::json::parse(r.body);
    nlohmann::json out = {{"Parameters", nlohmann::json::array()},
                          {"InvalidParameters", nlohmann::json::array()}};
    for (const auto& n : body["Names"]) {
      const auto ref = common::split_name_ref(n.get<std::string>());
      const std::string plain = ref.name;
      const std::string sel = ref.selector_field();
      if (plain.rfind("missing", 0) == 0) {
        out["InvalidParameters"].push_back(n);
        continue;
      }
      nlohmann::json p = {{"Name", plain},
                          {"Type", "String"},
                          {"Value", plain + (sel.empty() ? std::string("@latest") : "@" + sel)},
                          {"Version", 7}};
      if (echo_selector && !sel.empty()) p["Selector"] = sel;
      out["Parameters"].push_back(p);
    }
    return json_response(200, out.dump());
  };
}

TEST(GetParameters, ChunksOfTenMergedWithInvalidNames) {
  auto t = std::make_shared<FakeTransport>();
  t->set_handler(parameters_handler(true));
  std::vector<std::string> names;
  for (int i = 0; i < 23; ++i) names.push_back("/p/" + std::to_string(i));
  names.push_back("missing1");
  names.push_back("/p/3");  // a duplicate is asked once
  auto r = aws::make_aws_client(settings_for(t))->get_parameters(names, true);
  EXPECT_EQ(r.parameters.size(), 23u);
  EXPECT_EQ(r.invalid_parameters, std::vector<std::string>{"missing1"});
  const auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 3u);
  std::multiset<std::size_t> sizes;
  for (const auto& q : reqs) sizes.insert(nlohmann::json::parse(q.body)["Names"].size());
  EXPECT_EQ(sizes, (std::multiset<std::size_t>{4, 10, 10}));
}

TEST(GetParameters, SameNameWithSeveralSelectorsMatchesEvenWithoutSelectorInReply) {
  for (bool echo : {true, false}) {
    auto t = std::make_shared<FakeTransport>();
    t->set_handler(parameters_handler(echo));
    auto r =
        aws::make_aws_client(settings_for(t))->get_parameters({"a", "a:1", "a:prod", "b"}, true);
    ASSERT_EQ(r.parameters.size(), 4u);
    std::map<std::string, std::string> by_request;
    for (const auto& p : r.parameters) by_request[p.name + p.selector] = p.value;
    EXPECT_EQ(by_request["a"], "a@latest") << echo;
    EXPECT_EQ(by_request["a:1"], "a@:1") << echo;
    EXPECT_EQ(by_request["a:prod"], "a@:prod") << echo;
    EXPECT_EQ(by_request["b"], "b@latest") << echo;
    EXPECT_EQ(t->count(), 3u);  // "a" appears once per chunk
  }
}

TEST(GetParameters, AChunkFailureFailsTheCall) {
  auto t = std::make_shared<FakeTransport>();
  auto ok = parameters_handler(true);
  t->set_handler([ok](const http::Request& r) {
    if (r.body.find("/p/15") != std::string::npos) return aws_error(400, "AccessDeniedException");
    return ok(r);
  });
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("/p/" + std::to_string(i));
  EXPECT_THROW(aws::make_aws_client(settings_for(t))->get_parameters(names, true), AwsError);
}

TEST(ByPath, FollowsTokensThroughEmptyPagesAndRejectsBadPaths) {
  auto t = std::make_shared<FakeTransport>();
  t->push(json_response(200, R"({"Parameters":[{"Name":"/a/1","Value":"x"}],"NextToken":"t1"})"));
  t->push(json_response(200, R"({"Parameters":[],"NextToken":"t2"})"));
  t->push(json_response(200, R"({"Parameters":[{"Name":"/a/2","Value":"y"}]})"));
  auto client = aws::make_aws_client(settings_for(t));
  auto r = client->get_parameters_by_path("/a", true, {}, true);
  ASSERT_EQ(r.size(), 2u);
  const auto reqs = t->requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(
      reqs[2].body,
      R"({"MaxResults":10,"NextToken":"t2","Path":"/a","Recursive":true,"WithDecryption":true})");
  EXPECT_THROW(client->get_parameters_by_path("a", true, {}, true), InvalidPathError);

  t->push(json_response(200, R"({"Parameters":[],"NextToken":"same"})"));
  t->push(json_response(200, R"({"Parameters":[],"NextToken":"same"})"));
  EXPECT_THROW(client->get_parameters_by_path("/a", true, {}, true), ResponseError);
}

TEST(Settings, MissingRegionAndBadEndpointAreConfigurationErrors) {
  auto t = std::make_shared<FakeTransport>();
  auto s = settings_for(t);
  s.region.clear();
  EXPECT_THROW(aws::make_aws_client(s), ConfigurationError);
  s = settings_for(t, nullptr, "localhost:4566");
  s.endpoint_source = "AWS_ENDPOINT_URL";
  try {
    aws::make_aws_client(s);
    FAIL();
  } catch (const ConfigurationError& e) {
    EXPECT_THAT(e.what(), HasSubstr("AWS_ENDPOINT_URL"));
    EXPECT_THAT(e.what(), HasSubstr("localhost:4566"));
  }
}

}  // namespace
}  // namespace ssm_cache
