// Issue 14, point 5: the reads the AWS extension does not offer — by path, names= batches,
// jsonKey, /ping, secret prefetch through BatchGetSecretValue — over a fake AWS client:
// answers, caching (one upstream call for repeats) and call counts.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "sidecar_service.hpp"

namespace ssm_cache::cli {
namespace {

using nlohmann::json;

class SidecarReadsTest : public ::testing::Test {
 protected:
  SidecarReadsTest() {
    fake->put("/app/db", "postgres://db");
    fake->put("/app/key", "s3cr3t", "SecureString");
    fake->put("/app/sub/deep", "D");
    fake->put("/other/x", "X");
    fake->put_secret("prod/db", R"({"username":"admin","password":"pw","port":5432})");
    fake->put_secret("plain", "not json");
    SidecarConfig c;
    c.token = "tok";
    service = std::make_unique<SidecarService>(c, fake, fake, nullptr);
  }
  ServiceResponse get(std::string_view path, QueryParams q,
                      std::vector<std::string> tokens = {"tok"}) {
    return service->handle("GET", path, q, tokens);
  }
  std::shared_ptr<testing::FakeAwsClient> fake = std::make_shared<testing::FakeAwsClient>();
  std::unique_ptr<SidecarService> service;
};

TEST_F(SidecarReadsTest, PathAnswersOneEntryRefreshedAsOne) {
  auto r = get("/systemsmanager/parameters/path",
               {{"path", "/app/"}, {"recursive", "true"}, {"withDecryption", "true"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["Parameters"].size(), 3u);
  std::set<std::string> names;
  for (const auto& p : j["Parameters"]) names.insert(p["Name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"/app/db", "/app/key", "/app/sub/deep"}));
  for (const auto& p : j["Parameters"]) {
    if (p["Name"] == "/app/key") {
      EXPECT_EQ(p["Value"], "s3cr3t");
    }
  }
  get("/systemsmanager/parameters/path",
      {{"path", "/app"}, {"recursive", "true"}, {"withDecryption", "true"}});
  EXPECT_EQ(fake->calls("GetParametersByPath"), 1) << "cached as one entry";
  // Not recursive: another entry, without the nested parameter.
  auto flat = json::parse(get("/systemsmanager/parameters/path", {{"path", "/app/"}}).body);
  EXPECT_EQ(flat["Parameters"].size(), 2u);
  EXPECT_EQ(fake->calls("GetParametersByPath"), 2);
  EXPECT_EQ(get("/systemsmanager/parameters/path", {}).status, 400);
  EXPECT_EQ(get("/systemsmanager/parameters/path", {{"path", "app"}}).status, 400);
  EXPECT_EQ(get("/systemsmanager/parameters/path", {{"path", "/app"}}, {"bad"}).status, 401);
}

TEST_F(SidecarReadsTest, NamesIsOneBatch) {
  auto r = get("/systemsmanager/parameters/get", {{"names", "/app/db,/nope,/other/x"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["Parameters"].size(), 2u);
  EXPECT_EQ(j["InvalidParameters"], json::array({"/nope"}));
  get("/systemsmanager/parameters/get", {{"names", "/app/db,/nope,/other/x"}});
  EXPECT_EQ(fake->calls("GetParameters"), 1);
  EXPECT_EQ(fake->calls("GetParameter"), 0);
  EXPECT_EQ(get("/systemsmanager/parameters/get", {{"names", "/a,,/b"}}).status, 400);
  EXPECT_EQ(get("/systemsmanager/parameters/get", {{"names", "/a"}, {"name", "/b"}}).status, 400);
}

TEST_F(SidecarReadsTest, JsonKeyReturnsOneFieldOfTheCachedSecret) {
  auto r = get("/secretsmanager/get", {{"secretId", "prod/db"}, {"jsonKey", "password"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["SecretString"], "pw");
  EXPECT_EQ(j["Name"], "prod/db");
  EXPECT_EQ(json::parse(get("/secretsmanager/get", {{"secretId", "prod/db"}, {"jsonKey", "port"}})
                            .body)["SecretString"],
            "5432");
  auto whole = json::parse(get("/secretsmanager/get", {{"secretId", "prod/db"}}).body);
  EXPECT_EQ(whole["SecretString"], R"({"username":"admin","password":"pw","port":5432})");
  EXPECT_EQ(fake->calls("GetSecretValue"), 1) << "one cached secret serves every key";
  auto missing = get("/secretsmanager/get", {{"secretId", "prod/db"}, {"jsonKey", "nope"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json::parse(missing.body)["__type"], "JsonKeyNotFound");
  EXPECT_EQ(missing.body.find("pw"), std::string::npos) << "no value in the error";
  EXPECT_EQ(get("/secretsmanager/get", {{"secretId", "plain"}, {"jsonKey", "a"}}).status, 400);
}

TEST_F(SidecarReadsTest, PingNeedsNoTokenAndCallsNothing) {
  auto r = get("/ping", {}, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["status"], "ok");
  EXPECT_EQ(service->handle("POST", "/ping", {}, {}).status, 405);
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(SidecarReadsTest, SecretPrefetchIsOneBatchGetSecretValue) {
  auto report = service->prefetch({"secret:prod/db", "secret:plain", "secret:missing"});
  EXPECT_EQ(report.loaded, 2u);
  EXPECT_EQ(report.problems, std::vector<std::string>{"secret:missing: ResourceNotFoundException"});
  EXPECT_EQ(fake->calls("BatchGetSecretValue"), 1);
  EXPECT_EQ(get("/secretsmanager/get", {{"secretId", "prod/db"}}).status, 200);
  EXPECT_EQ(get("/secretsmanager/get", {{"secretId", "plain"}}).status, 200);
  EXPECT_EQ(fake->calls("GetSecretValue"), 0);
}

}  // namespace
}  // namespace ssm_cache::cli
