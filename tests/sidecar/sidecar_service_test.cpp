// Tests of the sidecar service over a fake AWS client: token check, routing, validation,
// bodies compatible with GetParameter / GetSecretValue, error mapping, metrics, prefetch.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aws_json.hpp"
#include "cli/fake_aws_client.hpp"
#include "sidecar_service.hpp"

namespace ssm_cache::cli {
namespace {

using nlohmann::json;

class SidecarServiceTest : public ::testing::Test {
 protected:
  SidecarServiceTest() {
    fake->put("/app/db", "postgres://db");
    fake->put("/app/key", "s3cr3t", "SecureString");
    fake->put("/app/v", "one", "String", 1);
    fake->put("/app/v", "two", "String", 2, {"live"});
    fake->put("/tree/a", "A");
    fake->put("/tree/sub/b", "B");
    fake->put_secret("prod/db", "{\"password\":\"pw\"}");
  }
  std::unique_ptr<SidecarService> make(SidecarConfig c = {}) {
    c.token = "tok";
    return std::make_unique<SidecarService>(c, fake, fake, nullptr);
  }
  ServiceResponse get(SidecarService& s, std::string_view path, QueryParams q,
                      std::vector<std::string> tokens = {"tok"}) {
    return s.handle("GET", path, q, tokens);
  }
  std::shared_ptr<testing::FakeAwsClient> fake = std::make_shared<testing::FakeAwsClient>();
};

TEST_F(SidecarServiceTest, ParameterBodyLikeGetParameterAndCached) {
  auto s = make();
  auto r = get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["Parameter"]["Name"], "/app/db");
  EXPECT_EQ(j["Parameter"]["Value"], "postgres://db");
  EXPECT_EQ(j["Parameter"]["Type"], "String");
  EXPECT_EQ(j["Parameter"]["Version"], 1);
  EXPECT_EQ(j["Parameter"]["DataType"], "text");
  EXPECT_TRUE(j["Parameter"]["LastModifiedDate"].is_string());
  EXPECT_TRUE(j["Parameter"]["Selector"].is_null());
  EXPECT_TRUE(j["Parameter"]["ARN"].is_string());
  EXPECT_TRUE(j["ResultMetadata"].is_object());
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  EXPECT_EQ(fake->calls("GetParameter"), 1);
  EXPECT_EQ(s->metrics().hits(), 1u);
  EXPECT_EQ(s->metrics().misses(), 1u);
}

TEST_F(SidecarServiceTest, PlainRequestNeverGetsDecryptedValue) {
  auto s = make();
  auto dec = json::parse(
      get(*s, "/systemsmanager/parameters/get", {{"name", "/app/key"}, {"withDecryption", "true"}})
          .body);
  EXPECT_EQ(dec["Parameter"]["Value"], "s3cr3t");
  auto plain = json::parse(get(*s, "/systemsmanager/parameters/get", {{"name", "/app/key"}}).body);
  EXPECT_EQ(plain["Parameter"]["Value"], "ENCRYPTED:/app/key");
  EXPECT_EQ(fake->calls("GetParameter"), 2);
}

TEST_F(SidecarServiceTest, VersionsAndLabelsAreDistinctEntries) {
  auto s = make();
  auto v1 = json::parse(
      get(*s, "/systemsmanager/parameters/get", {{"name", "/app/v"}, {"version", "1"}}).body);
  auto live = json::parse(
      get(*s, "/systemsmanager/parameters/get", {{"name", "/app/v"}, {"label", "live"}}).body);
  EXPECT_EQ(v1["Parameter"]["Value"], "one");
  EXPECT_EQ(v1["Parameter"]["Selector"], ":1");
  EXPECT_EQ(live["Parameter"]["Value"], "two");
  EXPECT_EQ(fake->asked(), (std::vector<std::string>{"/app/v:1", "/app/v:live"}));
}

TEST_F(SidecarServiceTest, SecretBodyLikeGetSecretValue) {
  auto s = make();
  auto r = get(*s, "/secretsmanager/get", {{"secretId", "prod/db"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["Name"], "prod/db");
  EXPECT_EQ(j["SecretString"], "{\"password\":\"pw\"}");
  EXPECT_EQ(j["VersionStages"][0], "AWSCURRENT");
  EXPECT_TRUE(j["CreatedDate"].is_string());
  EXPECT_TRUE(j["SecretBinary"].is_null());
}

// Recorded answers of the real AWS Parameters and Secrets Lambda Extension, as published in
// fedonev/lambda-params-secrets, data/test-responses.json (commit ed0211099fc8, captured from
// the extension in us-east-1; also quoted in that project's README). Our bodies for the same
// records must match them field by field: ISO 8601 dates with milliseconds, explicit nulls,
// the same field order.
std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

void expect_same_fields(const std::string& ours, const std::string& recorded) {
  auto a = nlohmann::ordered_json::parse(ours);
  auto b = nlohmann::ordered_json::parse(recorded);
  EXPECT_EQ(a, b) << "ours:     " << a.dump() << "\nrecorded: " << b.dump();
  for (const auto& [key, value] : b.items()) {
    ASSERT_TRUE(a.contains(key)) << key;
    EXPECT_EQ(a[key].type(), value.type()) << key;  // null stays null, string stays string
  }
}

TEST(ExtensionAnswerShape, ParameterMatchesRecordedExtensionResponse) {
  ParameterRecord r;
  r.arn = "arn:aws:ssm:us-east-1:123456789012:parameter/lambda-ext-test-param/dummy-string-list";
  r.data_type = "text";
  r.last_modified = at_ms(1668586960089);  // 2022-11-16T08:22:40.089Z
  r.name = "/lambda-ext-test-param/dummy-string-list";
  r.type = "StringList";
  r.value = "listval-0,listval-1,listval-2";
  r.version = 1;
  expect_same_fields(get_parameter_body(r), R"({"Parameter": {
      "ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/lambda-ext-test-param/dummy-string-list",
      "DataType": "text", "LastModifiedDate": "2022-11-16T08:22:40.089Z",
      "Name": "/lambda-ext-test-param/dummy-string-list", "Selector": null,
      "SourceResult": null, "Type": "StringList", "Value": "listval-0,listval-1,listval-2",
      "Version": 1}, "ResultMetadata": {}})");
  r.selector = ":1";
  EXPECT_EQ(json::parse(get_parameter_body(r))["Parameter"]["Selector"], ":1");
}

TEST(ExtensionAnswerShape, SecretsMatchRecordedExtensionResponses) {
  SecretValue s;
  s.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dummy-string-secret-MFUBmH";
  s.created_date = at_ms(1668586960499);  // 2022-11-16T08:22:40.499Z
  s.name = "dummy-string-secret";
  s.secret_string = "an-insecure-string-secret-value";
  s.version_id = "b1c367b9-7f53-4a47-82c4-be51a054b953";
  s.version_stages = {"AWSCURRENT"};
  const std::string body = get_secret_value_body(s);
  expect_same_fields(body, R"({
      "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dummy-string-secret-MFUBmH",
      "CreatedDate": "2022-11-16T08:22:40.499Z", "Name": "dummy-string-secret",
      "SecretBinary": null, "SecretString": "an-insecure-string-secret-value",
      "VersionId": "b1c367b9-7f53-4a47-82c4-be51a054b953", "VersionStages": ["AWSCURRENT"],
      "ResultMetadata": {}})");
  // Same order as the extension writes (ResultMetadata last, not sorted).
  EXPECT_LT(body.find("\"VersionStages\""), body.find("\"ResultMetadata\""));

  SecretValue b;
  b.arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dummy-binary-secret-yTDWrV";
  b.created_date = at_ms(1668587047032);  // 2022-11-16T08:24:07.032Z
  b.name = "dummy-binary-secret";
  const std::string raw = "a string secret value to be saved as binary";
  b.secret_binary = raw;
  b.version_id = "fdfc9fe2-e172-498e-b306-ad660c887b7a";
  b.version_stages = {"AWSPREVIOUS"};
  expect_same_fields(get_secret_value_body(b), R"({
      "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dummy-binary-secret-yTDWrV",
      "CreatedDate": "2022-11-16T08:24:07.032Z", "Name": "dummy-binary-secret",
      "SecretBinary": "YSBzdHJpbmcgc2VjcmV0IHZhbHVlIHRvIGJlIHNhdmVkIGFzIGJpbmFyeQ==",
      "SecretString": null, "VersionId": "fdfc9fe2-e172-498e-b306-ad660c887b7a",
      "VersionStages": ["AWSPREVIOUS"], "ResultMetadata": {}})");
}

TEST_F(SidecarServiceTest, TrailingSlashPathsAndUnknownParameters) {
  auto s = make();
  auto r = get(*s, "/systemsmanager/parameters/get/", {{"name", "/app/db"}, {"extra", "1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  r = get(*s, "/secretsmanager/get/", {{"secretId", "prod/db"}, {"unknown", "x"}});
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST_F(SidecarServiceTest, TokenChecked401AndNothingFetched) {
  auto s = make();
  for (auto tokens :
       std::vector<std::vector<std::string>>{{}, {"wrong"}, {"tok", "tok"}, {"to"}, {"tokk"}}) {
    auto r = get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}}, tokens);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json::parse(r.body)["__type"], "Unauthorized");
  }
  EXPECT_EQ(get(*s, "/metrics", {}, {}).status, 401);
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(SidecarServiceTest, RoutingMethodAndValidation) {
  auto s = make();
  auto r = get(*s, "/nope", {});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["__type"], "NotFound");
  r = s->handle("POST", "/systemsmanager/parameters/get", {{"name", "/app/db"}}, {"tok"});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.allow, "GET");
  r = get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}, {"name", "/x"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("name"), std::string::npos);
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(SidecarServiceTest, UpstreamErrorsKeepStatusAndCode) {
  auto s = make();
  auto r = get(*s, "/systemsmanager/parameters/get", {{"name", "/missing"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["__type"], "ParameterNotFound");
  fake->fail_with(AwsError("x", "ThrottlingException", "Rate exceeded", 400, "r"));
  r = get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["__type"], "ThrottlingException");
  fake->fail_with_transport();
  fake->fail_with(AwsError("x", "ThrottlingException", "Rate exceeded", 429, "r"));
  r = get(*s, "/secretsmanager/get", {{"secretId", "prod/db"}});
  EXPECT_EQ(r.status, 429);
  fake->clear_error();
  fake->fail_with_transport();
  r = get(*s, "/systemsmanager/parameters/get", {{"name", "/app/v"}});
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(json::parse(r.body)["__type"], "ConnectionError");
}

TEST_F(SidecarServiceTest, MetricsPrometheusText) {
  auto s = make();
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  get(*s, "/systemsmanager/parameters/get", {{"name", "/missing"}});
  get(*s, "/secretsmanager/get", {{"secretId", "prod/db"}});
  auto r = get(*s, "/metrics", {});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u);
  for (const char* line :
       {"ssm_cache_sidecar_cache_hits_total 1\n", "ssm_cache_sidecar_cache_misses_total 3\n",
        "ssm_cache_sidecar_upstream_calls_total{action=\"GetParameter\"} 2\n",
        "ssm_cache_sidecar_upstream_calls_total{action=\"GetSecretValue\"} 1\n",
        "ssm_cache_sidecar_upstream_errors_total{action=\"GetParameter\","
        "code=\"ParameterNotFound\"} 1\n",
        "ssm_cache_sidecar_cache_entries 2\n", "ssm_cache_sidecar_cache_capacity 1000\n",
        "# TYPE ssm_cache_sidecar_cache_hits_total counter\n"}) {
    EXPECT_NE(r.body.find(line), std::string::npos) << line << "\n" << r.body;
  }
  EXPECT_EQ(r.body.find("postgres"), std::string::npos);
}

TEST_F(SidecarServiceTest, CacheDisabledOrTtlZeroFetchesEveryTime) {
  SidecarConfig c;
  c.cache_enabled = false;
  auto s = make(c);
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  EXPECT_EQ(fake->calls("GetParameter"), 2);
  SidecarConfig z;
  z.secrets_ttl = std::chrono::milliseconds{0};
  auto t = make(z);
  get(*t, "/secretsmanager/get", {{"secretId", "prod/db"}});
  get(*t, "/secretsmanager/get", {{"secretId", "prod/db"}});
  EXPECT_EQ(fake->calls("GetSecretValue"), 2);
  get(*t, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  get(*t, "/systemsmanager/parameters/get", {{"name", "/app/db"}});
  EXPECT_EQ(fake->calls("GetParameter"), 3);
}

TEST_F(SidecarServiceTest, PrefetchNamesPathsSecrets) {
  auto s = make();
  auto report = s->prefetch({"/app/db", "/app/key", "/tree", "secret:prod/db", "/nothing"});
  EXPECT_EQ(report.problems, std::vector<std::string>{"/nothing: ParameterNotFound"});
  const int before = fake->total_calls();
  EXPECT_EQ(get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}}).status, 200);
  EXPECT_EQ(
      get(*s, "/systemsmanager/parameters/get", {{"name", "/app/db"}, {"withDecryption", "true"}})
          .status,
      200);
  EXPECT_EQ(json::parse(get(*s, "/systemsmanager/parameters/get",
                            {{"name", "/app/key"}, {"withDecryption", "true"}})
                            .body)["Parameter"]["Value"],
            "s3cr3t");
  EXPECT_EQ(get(*s, "/systemsmanager/parameters/get", {{"name", "/tree/sub/b"}}).status, 200);
  EXPECT_EQ(get(*s, "/secretsmanager/get", {{"secretId", "prod/db"}}).status, 200);
  EXPECT_EQ(fake->total_calls(), before) << "prefetched entries must not call upstream";
  // A plain request for a SecureString was not prefetched (it would need the ciphertext).
  get(*s, "/systemsmanager/parameters/get", {{"name", "/app/key"}});
  EXPECT_EQ(fake->total_calls(), before + 1);
}

TEST_F(SidecarServiceTest, TryHandleAnswersWithoutUpstreamOrDefers) {
  auto s = make();
  const QueryParams q{{"name", "/app/db"}};
  // Refusals and /metrics need no waiting.
  auto refused = s->try_handle("GET", "/systemsmanager/parameters/get", q, {"bad"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  ASSERT_TRUE(s->try_handle("GET", "/metrics", {}, {"tok"}));
  // A miss is deferred, counting nothing: handle() then does it once.
  EXPECT_FALSE(s->try_handle("GET", "/systemsmanager/parameters/get", q, {"tok"}));
  EXPECT_EQ(fake->total_calls(), 0);
  EXPECT_EQ(s->metrics().misses(), 0u);
  EXPECT_EQ(get(*s, "/systemsmanager/parameters/get", q).status, 200);
  auto hit = s->try_handle("GET", "/systemsmanager/parameters/get", q, {"tok"});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, 200);
  EXPECT_EQ(json::parse(hit->body)["Parameter"]["Value"], "postgres://db");
  EXPECT_EQ(s->metrics().hits(), 1u);
  EXPECT_EQ(s->metrics().misses(), 1u);
  EXPECT_EQ(fake->calls("GetParameter"), 1);
  // refreshNow=true always goes upstream.
  EXPECT_FALSE(s->try_handle("GET", "/systemsmanager/parameters/get",
                             {{"name", "/app/db"}, {"refreshNow", "true"}}, {"tok"}));
}

}  // namespace
}  // namespace ssm_cache::cli
