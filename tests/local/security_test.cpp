// tests/local/security_test.cpp — what issue 13 measured an attacker could do to
// ssm-cache-local, on the core: read secrets through error messages, replay a captured request
// as another action, reach the server through a rebinding DNS name, drive the admin endpoints.
#include <gtest/gtest.h>

#include "core_fixture.hpp"
#include "persistence.hpp"

namespace local_test {
namespace {

using nlohmann::json;
using ssm_cache::local::HttpRequest;

class SecurityTest : public CoreTest {};

constexpr char kSecret[] = "s3cr3t-Value-4242";

TEST_F(SecurityTest, MalformedJsonErrorDoesNotQuoteTheBody) {
  const std::string body = std::string(R"({"Name":"/x","Type":"SecureString","Value":")") +
                           kSecret + "\"";  // no closing brace
  const auto r = send(signed_request("AmazonSSM.PutParameter", body));
  EXPECT_EQ(r.code(), "SerializationException");
  EXPECT_EQ(r.raw.body.find(kSecret), std::string::npos) << r.raw.body;
  const auto sm = send(signed_request(
      "secretsmanager.CreateSecret",
      std::string(R"({"Name":"s","SecretString":")") + kSecret + "\\x\"}"));  // invalid escape
  EXPECT_EQ(sm.code(), "SerializationException");
  EXPECT_EQ(sm.raw.body.find(kSecret), std::string::npos) << sm.raw.body;
}

TEST(SecurityLoadTest, CorruptDataFileErrorDoesNotQuoteTheFile) {
  ssm_cache::local::Random random(1);
  try {
    (void)ssm_cache::local::parse_store(
        std::string(R"({"secrets":[{"Name":"s","SecretString":")") + kSecret + "\"!", {}, random);
    FAIL() << "a corrupt file was accepted";
  } catch (const ssm_cache::local::LoadError& e) {
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
  }
}

// Measured: X-Amz-Target was not required among SignedHeaders, so a captured GetParameter
// replayed with "X-Amz-Target: AmazonSSM.DeleteParameter" deleted the parameter.
TEST_F(SecurityTest, ReplayedRequestWithAnotherTargetIsRefused) {
  put("/app/keep", "v");
  // The "captured" request: signed without X-Amz-Target, which is added afterwards.
  auto request = signed_request("AmazonSSM.GetParameter", json{{"Name", "/app/keep"}}.dump());
  std::erase_if(request.headers, [](const auto& h) { return h.first == "X-Amz-Target"; });
  ssm_cache::aws::SignableRequest unsigned_target{request.method, request.target, {}, request.body};
  for (const auto& h : request.headers) {
    if (h.first != "Authorization" && h.first != "X-Amz-Date") unsigned_target.headers.push_back(h);
  }
  ssm_cache::aws::SigningOptions options;
  options.region = "us-east-1";
  options.service = "ssm";
  const auto signed_ = ssm_cache::aws::sign_request(unsigned_target, {"test", "test", ""}, options,
                                                    std::chrono::system_clock::now());
  HttpRequest replay{"POST", "/", unsigned_target.headers, request.body};
  for (const auto& h : signed_.added) replay.headers.push_back(h);
  replay.headers.emplace_back("X-Amz-Target", "AmazonSSM.DeleteParameter");
  const auto r = send(replay);
  EXPECT_EQ(r.code(), "IncompleteSignatureException");
  EXPECT_NE(r.message().find("X-Amz-Target"), std::string::npos) << r.message();
  EXPECT_EQ(value_of("/app/keep"), "v");
}

// Measured: any Host was served, so a page on a DNS name rebound to 127.0.0.1 could call it.
TEST_F(SecurityTest, RebindingHostIsRefused) {
  put("/app/keep", "v");
  auto request = signed_request("AmazonSSM.DeleteParameter", json{{"Name", "/app/keep"}}.dump());
  for (auto& [k, v] : request.headers) {
    if (k == "Host") v = "rebind.attacker.example:4583";
  }
  const auto r = send(request);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(value_of("/app/keep"), "v");
  std::erase_if(request.headers, [](const auto& h) { return h.first == "Host"; });
  EXPECT_EQ(send(request).status, 403);  // no Host at all
}

TEST_F(SecurityTest, LoopbackNamesAndAllowedHostsAreServed) {
  for (const char* host :
       {"localhost:4583", "127.0.0.1", "127.1.2.3:80", "[::1]:4583", "LOCALHOST"}) {
    auto request = signed_request("AmazonSSM.GetParameter", json{{"Name", "/none"}}.dump());
    for (auto& [k, v] : request.headers) {
      if (k == "Host") v = host;
    }
    // The Host changed after signing: the signature fails, but the Host itself was served.
    EXPECT_EQ(send(request).code(), "InvalidSignatureException") << host;
  }
  reset({.allowed_hosts = {"ssm.internal"}});
  auto request = signed_request("AmazonSSM.GetParameter", json{{"Name", "/none"}}.dump());
  for (auto& [k, v] : request.headers) {
    if (k == "Host") v = "ssm.internal:4583";
  }
  EXPECT_EQ(send(request).code(), "InvalidSignatureException");
}

TEST_F(SecurityTest, AdminEndpointsNeedTheToken) {
  reset({.admin = true, .admin_token = "right-token"});
  auto admin = [&](const std::string& authorization) {
    HttpRequest r{"GET", "/_local/stats", {{"Host", "localhost"}}, ""};
    if (!authorization.empty()) r.headers.emplace_back("Authorization", authorization);
    return send(r).status;
  };
  EXPECT_EQ(admin(""), 401);
  EXPECT_EQ(admin("Bearer wrong-token"), 401);
  EXPECT_EQ(admin("Bearer right-token"), 200);
  HttpRequest rebound{
      "GET",
      "/_local/stats",
      {{"Host", "rebind.attacker.example"}, {"Authorization", "Bearer right-token"}},
      ""};
  EXPECT_EQ(send(rebound).status, 403);
}

TEST_F(SecurityTest, AdminWithoutTokenMakesAnUnguessableOne) {
  reset({.admin = true, .seed = 1});
  const std::string first = server_->admin_token();
  reset({.admin = true, .seed = 1});
  EXPECT_GE(first.size(), 32u);
  EXPECT_NE(first, server_->admin_token());  // not derived from --seed
}

}  // namespace
}  // namespace local_test
