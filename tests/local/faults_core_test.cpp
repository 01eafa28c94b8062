// Faults, statistics and the /_local/ admin endpoints on the local server's core.
#include <gtest/gtest.h>

#include "core_fixture.hpp"

namespace {

using local_test::CoreTest;
using nlohmann::json;
using ssm_cache::local::FaultConfig;
using ssm_cache::local::HttpRequest;
using ssm_cache::local::HttpResponse;

class FaultsTest : public CoreTest {
 protected:
  local_test::CoreReply admin(const std::string& method, const std::string& path,
                              const std::string& body = {}) {
    return send(HttpRequest{
        method,
        path,
        {{"Host", "127.0.0.1:4583"}, {"Authorization", "Bearer " + server_->admin_token()}},
        body});
  }
};

TEST_F(FaultsTest, EverythingIsOffByDefault) {
  for (int i = 0; i < 50; ++i) put("/app/p" + std::to_string(i), "v");
  EXPECT_EQ(server_->faults().get(), FaultConfig{});
}

TEST_F(FaultsTest, ThrottlingBeyondTheBucket) {
  // A bucket of 3 refilled at one token per ~17 minutes: the fourth call is throttled
  // whatever the speed of the machine.
  reset({.faults = {.throttle_tps = 0.001, .throttle_burst = 3}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ssm("GetParameters", {{"Names", {"/a"}}}).status, 200);
  const auto r = ssm("GetParameters", {{"Names", {"/a"}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "ThrottlingException");
  EXPECT_EQ(server_->stats().to_json()["faults"]["throttled"], 1);
  EXPECT_EQ(server_->stats().calls("AmazonSSM.GetParameters"), 4u);
}

TEST_F(FaultsTest, ErrorsAtARateWithABudget) {
  reset({.faults = {.error_rate = 1.0, .max_faults = 2}});
  EXPECT_EQ(ssm("GetParameters", {{"Names", {"/a"}}}).status, 500);
  const auto r = sm("GetSecretValue", {{"SecretId", "x"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.code(), "InternalServiceError");
  EXPECT_EQ(ssm("GetParameters", {{"Names", {"/a"}}}).status, 200);  // budget spent
}

TEST_F(FaultsTest, ErrorFaultDoesNotApplyTheWrite) {
  reset({.faults = {.error_rate = 1.0, .max_faults = 1}});
  const auto r = ssm("PutParameter", {{"Name", "/a"}, {"Value", "v"}, {"Type", "String"}});
  EXPECT_EQ(r.code(), "InternalServerError");
  EXPECT_EQ(value_of("/a"), "<ParameterNotFound>");
}

TEST_F(FaultsTest, DropHappensBeforeTheActionTruncateAfter) {
  reset({.faults = {.drop_rate = 1.0, .max_faults = 1}});
  auto r = ssm("PutParameter", {{"Name", "/a"}, {"Value", "v"}, {"Type", "String"}});
  EXPECT_EQ(r.raw.delivery, HttpResponse::Delivery::kDrop);
  EXPECT_EQ(value_of("/a"), "<ParameterNotFound>");
  reset({.faults = {.truncate_rate = 1.0, .max_faults = 1}});
  r = ssm("PutParameter", {{"Name", "/a"}, {"Value", "v"}, {"Type", "String"}});
  EXPECT_EQ(r.raw.delivery, HttpResponse::Delivery::kTruncate);
  EXPECT_EQ(value_of("/a"), "v");
}

TEST_F(FaultsTest, LatencyAndTargets) {
  reset({.faults = {
             .latency_ms = 250, .error_rate = 1.0, .targets = {"AmazonSSM.GetParametersByPath"}}});
  auto r = ssm("GetParameters", {{"Names", {"/a"}}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.raw.delay.count(), 0);
  r = ssm("GetParametersByPath", {{"Path", "/a"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.raw.delay.count(), 250);
}

TEST_F(FaultsTest, EmptyFirstPageCarriesAToken) {
  reset({.faults = {.empty_pages = true}});
  put("/app/a", "1");
  auto r = ssm("GetParametersByPath", {{"Path", "/app"}});
  EXPECT_EQ(r.json["Parameters"].size(), 0u);
  ASSERT_TRUE(r.json.contains("NextToken"));
  r = ssm("GetParametersByPath", {{"Path", "/app"}, {"NextToken", r.json["NextToken"]}});
  ASSERT_EQ(r.json["Parameters"].size(), 1u);
  EXPECT_FALSE(r.json.contains("NextToken"));
}

TEST_F(FaultsTest, AdminEndpointsAreOffUnlessAsked) {
  EXPECT_EQ(admin("GET", "/_local/stats").status, 404);
  EXPECT_EQ(admin("PUT", "/_local/faults", R"({"error_rate":1})").status, 404);
  EXPECT_EQ(server_->faults().get(), FaultConfig{});
}

TEST_F(FaultsTest, AdminFaultsEndpoint) {
  reset({.admin = true});
  auto r =
      admin("PUT", "/_local/faults", R"({"error_rate": 1, "targets": ["AmazonSSM.GetParameter"]})");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.json["error_rate"], 1.0);
  EXPECT_EQ(ssm("GetParameter", {{"Name", "/a"}}).status, 500);
  r = admin("POST", "/_local/faults", R"({"latency_ms": 5})");  // merge
  EXPECT_EQ(r.json["error_rate"], 1.0);
  EXPECT_EQ(r.json["latency_ms"], 5);
  r = admin("PUT", "/_local/faults", R"({"latency_ms": 5})");  // replace
  EXPECT_EQ(r.json["error_rate"], 0.0);
  EXPECT_EQ(admin("PUT", "/_local/faults", R"({"error_rate": 2})").status, 400);
  EXPECT_EQ(admin("PUT", "/_local/faults", R"({"eror_rate": 1})").status, 400);
  EXPECT_EQ(admin("PUT", "/_local/faults", "{").status, 400);
  EXPECT_EQ(admin("DELETE", "/_local/faults").status, 200);
  EXPECT_EQ(server_->faults().get(), FaultConfig{});
  EXPECT_EQ(admin("GET", "/_local/faults").json["latency_ms"], 0);
  EXPECT_EQ(admin("GET", "/_local/nothing").status, 404);
}

TEST_F(FaultsTest, StatsCountCallsByTarget) {
  reset({.admin = true});
  for (int i = 0; i < 3; ++i) ssm("GetParameters", {{"Names", {"/a"}}});
  sm("GetSecretValue", {{"SecretId", "x"}});
  call("AmazonSSM.GetParameter", {{"Name", "/a"}}, {.secret = "wrong"});  // still a call
  call("AmazonSSM.Nope", json::object());  // unknown targets are not counted
  auto r = admin("GET", "/_local/stats");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["calls"], json({{"AmazonSSM.GetParameters", 3},
                                   {"secretsmanager.GetSecretValue", 1},
                                   {"AmazonSSM.GetParameter", 1}}));
  EXPECT_EQ(r.json["total"], 5);
  EXPECT_EQ(admin("DELETE", "/_local/stats").status, 200);
  EXPECT_EQ(admin("GET", "/_local/stats").json["calls"], json::object());
}

}  // namespace
