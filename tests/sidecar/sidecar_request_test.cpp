// Tests of the sidecar's query parsing and validation (the AWS extension's API).
#include <set>

#include <gtest/gtest.h>

#include "sidecar_request.hpp"

namespace ssm_cache::cli {
namespace {

SidecarRequest ok(Endpoint e, const QueryParams& q) {
  auto r = parse_sidecar_request(e, q);
  if (auto* err = std::get_if<RequestError>(&r)) {
    ADD_FAILURE() << err->message;
    return {};
  }
  return std::get<SidecarRequest>(r);
}

RequestError bad(Endpoint e, const QueryParams& q) {
  auto r = parse_sidecar_request(e, q);
  if (!std::holds_alternative<RequestError>(r)) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  return std::get<RequestError>(r);
}

TEST(ParseQueryString, DecodesPercentAndPlus) {
  auto q = parse_query_string("name=%2Fapp%2Fdb&withDecryption=true&x=a+b&flag&&e=");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"name", "/app/db"}));
  EXPECT_EQ(q[2].second, "a b");
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[4], (std::pair<std::string, std::string>{"e", ""}));
  EXPECT_EQ(parse_query_string("a=%zz%4")[0].second, "%zz%4");
}

TEST(Route, KnownPathsElse404) {
  EXPECT_EQ(std::get<Endpoint>(route("/systemsmanager/parameters/get")), Endpoint::kParameter);
  EXPECT_EQ(std::get<Endpoint>(route("/secretsmanager/get")), Endpoint::kSecret);
  EXPECT_EQ(std::get<Endpoint>(route("/metrics")), Endpoint::kMetrics);
  EXPECT_EQ(std::get<RequestError>(route("/secretsmanager/get/")).status, 404);
  EXPECT_EQ(std::get<RequestError>(route("/")).status, 404);
}

TEST(ParseParameterRequest, Fields) {
  auto r = ok(Endpoint::kParameter, {{"name", "/a"}, {"withDecryption", "true"}, {"version", "3"}});
  EXPECT_EQ(r.name, "/a");
  EXPECT_EQ(r.version, "3");
  EXPECT_TRUE(r.with_decryption);
  EXPECT_EQ(r.parameter_selector_name(), "/a:3");
  r = ok(Endpoint::kParameter, {{"name", "/a"}, {"label", "live"}, {"refreshNow", "TRUE"}});
  EXPECT_EQ(r.parameter_selector_name(), "/a:live");
  EXPECT_TRUE(r.refresh_now);
  EXPECT_FALSE(r.with_decryption);  // the extension's default
  r = ok(Endpoint::kParameter, {{"name", "/a:7"}});
  EXPECT_EQ(r.name, "/a");
  EXPECT_EQ(r.version, "7");
}

TEST(ParseParameterRequest, CacheKeySeparatesDecryptionAndSelectors) {
  auto plain = ok(Endpoint::kParameter, {{"name", "/a"}});
  auto decrypted = ok(Endpoint::kParameter, {{"name", "/a"}, {"withDecryption", "true"}});
  auto v1 = ok(Endpoint::kParameter, {{"name", "/a"}, {"version", "1"}});
  auto l1 = ok(Endpoint::kParameter, {{"name", "/a"}, {"label", "1x"}});
  auto secret = ok(Endpoint::kSecret, {{"secretId", "/a"}});
  std::set<std::string> keys = {plain.cache_key(), decrypted.cache_key(), v1.cache_key(),
                                l1.cache_key(), secret.cache_key()};
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(ok(Endpoint::kParameter, {{"name", "/a:1"}}).cache_key(), v1.cache_key());
}

TEST(ParseParameterRequest, BadInputIs400) {
  EXPECT_EQ(bad(Endpoint::kParameter, {}).code, "MissingParameter");
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", ""}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"name", "/b"}}).code,
            "RepeatedQueryParameter");
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"version", "1"}, {"label", "x"}}).status,
            400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a:2"}, {"version", "1"}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"version", "0"}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"version", "x"}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"withDecryption", "yes"}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a"}, {"withdecryption", "true"}}).code,
            "InvalidQueryParameter");
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", std::string(3000, 'a')}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a\n"}}).status, 400);
}

TEST(ParseSecretRequest, FieldsAndBadInput) {
  auto r = ok(Endpoint::kSecret, {{"secretId", "prod/db"}, {"versionStage", "AWSPREVIOUS"}});
  EXPECT_EQ(r.name, "prod/db");
  EXPECT_EQ(r.label, "AWSPREVIOUS");
  EXPECT_EQ(bad(Endpoint::kSecret, {{"name", "x"}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kSecret, {{"secretId", "x"}, {"versionId", "a"}, {"versionStage", "b"}})
                .status,
            400);
  EXPECT_EQ(bad(Endpoint::kSecret, {{"secretId", "x"}, {"secretId", "x"}}).status, 400);
}

}  // namespace
}  // namespace ssm_cache::cli
