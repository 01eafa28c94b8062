// Tests of the sidecar's query parsing and validation (the AWS extension's API).
#include <map>
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "sidecar_config.hpp"
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
  // Unknown parameters are ignored, as the AWS extension does (a misspelt one too).
  EXPECT_FALSE(ok(Endpoint::kParameter, {{"name", "/a"}, {"withdecryption", "true"}, {"x", ""}})
                   .with_decryption);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", std::string(3000, 'a')}}).status, 400);
  EXPECT_EQ(bad(Endpoint::kParameter, {{"name", "/a\n"}}).status, 400);
}

TEST(ParseSecretRequest, FieldsAndBadInput) {
  auto r = ok(Endpoint::kSecret, {{"secretId", "prod/db"}, {"versionStage", "AWSPREVIOUS"}});
  EXPECT_EQ(r.name, "prod/db");
  EXPECT_EQ(r.label, "AWSPREVIOUS");
  EXPECT_EQ(bad(Endpoint::kSecret, {{"name", "x"}}).code, "MissingParameter");
  EXPECT_EQ(ok(Endpoint::kSecret, {{"secretId", "x"}, {"unknown", "1"}}).name, "x");
  EXPECT_EQ(
      bad(Endpoint::kSecret, {{"secretId", "x"}, {"versionId", "a"}, {"versionStage", "b"}}).status,
      400);
  EXPECT_EQ(bad(Endpoint::kSecret, {{"secretId", "x"}, {"secretId", "x"}}).status, 400);
}

// The event front's one parser (also the fuzz target's): '+' is a space in the query only.
TEST(ParseRequestTarget, PathQueryAndFragment) {
  auto t = parse_request_target("/secretsmanager/get%2F?secretId=a+b%2Fc&x#frag?y=1");
  EXPECT_EQ(t.path, "/secretsmanager/get/");
  ASSERT_EQ(t.query.size(), 2u);
  EXPECT_EQ(t.query[0], (std::pair<std::string, std::string>{"secretId", "a b/c"}));
  EXPECT_EQ(t.query[1], (std::pair<std::string, std::string>{"x", ""}));
  EXPECT_EQ(parse_request_target("/a+b").path, "/a+b");
  EXPECT_TRUE(parse_request_target("/metrics").query.empty());
  EXPECT_EQ(parse_request_target("/p?bad=%zz%4").query[0].second, "%zz%4");
}

// Published client code writes "/systemsmanager/parameters/get/?name=" and
// "/secretsmanager/get/?secretId=" (with a slash before the query).
TEST(Route, TrailingSlashNamesTheSameEndpoint) {
  EXPECT_EQ(std::get<Endpoint>(route("/systemsmanager/parameters/get/")), Endpoint::kParameter);
  EXPECT_EQ(std::get<Endpoint>(route("/secretsmanager/get/")), Endpoint::kSecret);
  EXPECT_EQ(std::get<Endpoint>(route("/secretsmanager/get")), Endpoint::kSecret);
  EXPECT_EQ(std::get<RequestError>(route("/secretsmanager/get//")).status, 404);
  EXPECT_EQ(std::get<RequestError>(route("/")).status, 404);
}

TEST(TokenHeader, BothNamesAnyCase) {
  EXPECT_TRUE(is_token_header("X-Aws-Parameters-Secrets-Token"));
  EXPECT_TRUE(is_token_header("x-aws-parameters-secrets-token"));
  EXPECT_TRUE(is_token_header("X-Vault-Token"));
  EXPECT_TRUE(is_token_header("x-vault-token"));
  EXPECT_FALSE(is_token_header("X-Vault-Tokens"));
  // Case folding touches letters only ('\r' | 0x20 would be '-').
  EXPECT_FALSE(is_token_header("X-Vault\rToken"));
  EXPECT_FALSE(is_token_header("Authorization"));
}

// Token sources as the Secrets Manager Agent documents them: AWS_SESSION_TOKEN, else
// AWS_CONTAINER_AUTHORIZATION_TOKEN (SnapStart).
TEST(SidecarConfigToken, SessionTokenElseContainerAuthorizationToken) {
  auto from = [](std::map<std::string, std::string> vars) {
    return sidecar_config_from_env([vars](std::string_view k) -> std::optional<std::string> {
             auto it = vars.find(std::string(k));
             if (it == vars.end()) return std::nullopt;
             return it->second;
           })
        .token;
  };
  EXPECT_EQ(from({{"AWS_SESSION_TOKEN", "s"}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "c"}}), "s");
  EXPECT_EQ(from({{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "c"}}), "c");
  EXPECT_EQ(from({{"AWS_SESSION_TOKEN", ""}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "c"}}), "c");
  EXPECT_EQ(from({}), "");
}

// Lambda's runtime API address comes through the same environment as the extension's
// settings (serve registers as an extension only when it is set and not empty).
TEST(SidecarConfigLambda, RuntimeApiFromTheEnvironment) {
  auto api = [](std::map<std::string, std::string> vars) {
    return sidecar_config_from_env(common::map_environment(std::move(vars))).lambda_runtime_api;
  };
  EXPECT_EQ(api({{"AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"}}), "127.0.0.1:9001");
  EXPECT_EQ(api({{"AWS_LAMBDA_RUNTIME_API", ""}}), "");
  EXPECT_EQ(api({}), "");
}

}  // namespace
}  // namespace ssm_cache::cli
