// Issue 14: `ssm-cache serve` with its upstream made to hang (ssm-cache-local's latency
// fault): a cached value is answered at once however long ago it expired, an uncached one
// gets 504 at the request timeout, SIGTERM with hundreds of waiting requests exits within the
// shutdown grace, and requests whose clients left never reach upstream (counted at
// ssm-cache-local). Time bounds here bound hangs; they are generous, never speed checks.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sidecar/sidecar_fixture.hpp"

namespace ssm_cache::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SidecarHungUpstream : public ::testing::Test {
 protected:
  // Every AWS answer takes this long (far beyond every bound below).
  void hang_upstream(int ms = 20000) {
    local.set_faults(R"({"latency_ms": )" + std::to_string(ms) + "}");
  }
  LocalServer local;
};

TEST_F(SidecarHungUpstream, ExpiredValueAnsweredAtOnce) {
  Sidecar s(local, {"--ssm-ttl", "1s", "--request-timeout", "5s"});
  ASSERT_EQ(s.parameter_value("/app/prod/db-url"), "postgres://db.internal/app");
  hang_upstream();
  std::this_thread::sleep_for(2500ms);  // expired 1.5 s ago, beyond one more TTL
  const auto t0 = Clock::now();
  auto r = s.get("/systemsmanager/parameters/get?name=/app/prod/db-url");
  const auto took = Clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["Parameter"]["Value"], "postgres://db.internal/app");
  // Not the 5 s request timeout, not the 20 s upstream hang.
  EXPECT_LT(took, 1000ms);
  // One background refresh, started by that request (it reaches upstream just after).
  for (int i = 0; i < 100 && local.calls(kGetParameter) < 2; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(local.calls(kGetParameter), 2);
}

TEST_F(SidecarHungUpstream, UncachedGets504AtTheRequestTimeout) {
  Sidecar s(local, {"--request-timeout", "1500ms"});
  hang_upstream();
  const auto t0 = Clock::now();
  auto r = s.get("/systemsmanager/parameters/get?name=/app/prod/port");
  const auto took = Clock::now() - t0;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  auto body = json::parse(r->body);
  EXPECT_EQ(body["__type"], "RequestTimeout");
  EXPECT_TRUE(body["message"].is_string());
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 3000ms);
}

TEST_F(SidecarHungUpstream, SigtermWith300WaitingRequestsExitsWithinTheGrace) {
  Sidecar s(local, {"--request-timeout", "30s"});
  hang_upstream();
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 300; ++i) {
    clients.emplace_back([&, i] {
      auto r =
          s.get("/systemsmanager/parameters/get?name=/missing/" + std::to_string(i), true, 20s);
      if (r) ++answered;
    });
  }
  std::this_thread::sleep_for(1000ms);  // all sent, 3 upstream calls hung, the rest queued
  const auto t0 = Clock::now();
  s.process().signal(SIGTERM);
  const int code = s.process().wait(10s);
  const auto took = Clock::now() - t0;
  for (auto& t : clients) t.join();
  EXPECT_EQ(code, 0);
  EXPECT_LT(took, 3000ms) << "the default shutdown grace is 2 s";
  EXPECT_LE(local.calls(kGetParameter), 3) << "queued requests must not start upstream calls";
}

TEST_F(SidecarHungUpstream, RequestsWhoseClientLeftMakeNoUpstreamCall) {
  Sidecar s(local, {"--max-connections", "1", "--request-timeout", "30s"});
  hang_upstream(3000);
  // Holds the only upstream slot for 3 s.
  std::thread holder([&] { s.get("/systemsmanager/parameters/get?name=/app/prod/port"); });
  std::this_thread::sleep_for(300ms);
  std::vector<std::thread> leavers;
  for (int i = 0; i < 10; ++i) {
    leavers.emplace_back([&, i] {
      auto r = s.get("/systemsmanager/parameters/get?name=/gone/" + std::to_string(i), true, 300ms);
      EXPECT_FALSE(r) << "the client gives up before any answer";
    });
  }
  for (auto& t : leavers) t.join();
  holder.join();
  std::this_thread::sleep_for(1000ms);  // time for any queued call to start
  EXPECT_EQ(local.calls(kGetParameter), 1);
}

// 2,000 requests with a wrong token: a bounded number of log lines (the first refusal, then a
// count at most every 10 s), not one each.
TEST(SidecarLogs, BadTokenFloodWritesFewLines) {
  LocalServer local;
  Sidecar s(local, {});
  httplib::Client c("127.0.0.1", s.port());
  c.set_keep_alive(true);
  for (int i = 0; i < 2000; ++i) {
    auto r = c.Get("/systemsmanager/parameters/get?name=/app/prod/port",
                   {{"X-Aws-Parameters-Secrets-Token", "wrong"}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 401);
  }
  const std::string log = s.process().stderr_text();
  const auto lines = std::count(log.begin(), log.end(), '\n');
  EXPECT_LT(lines, 10) << log;
  EXPECT_NE(log.find("refused a request"), std::string::npos) << log;
  EXPECT_EQ(log.find("wrong"), std::string::npos) << "never the token sent";
}

// An upstream that reflects the signed request in its error message (as a misconfigured proxy
// or gateway may): the session token and the signature reach neither the answer nor the log.
TEST(SidecarScrub, ReflectedCredentialsNeverAnsweredNorLogged) {
  httplib::Server upstream;
  std::mutex mu;
  std::string authorization;
  upstream.Post(".*", [&](const httplib::Request& req, httplib::Response& res) {
    std::string echo;
    for (const auto& [k, v] : req.headers) echo += k + ": " + v + "\n";
    {
      std::lock_guard lock(mu);
      authorization = req.get_header_value("Authorization");
    }
    res.status = 400;
    res.set_content(
        json{{"__type", "ValidationException"}, {"message", "bad request: " + echo}}.dump(),
        "application/x-amz-json-1.1");
  });
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { upstream.listen_after_bind(); });
  struct Stop {
    httplib::Server& s;
    std::thread& t;
    ~Stop() {
      s.stop();
      t.join();
    }
  } stop{upstream, serving};

  const std::string session_token = "IQoJb3JpZ2luX2VjEreflectedSessionToken0123456789";
  ServerProcess p(
      {env_or_die("SSM_CACHE_BIN"), "--endpoint-url", "http://127.0.0.1:" + std::to_string(port),
       "serve", "--port", "0", "--token", kToken, "--log-level", "debug"},
      {{"AWS_ACCESS_KEY_ID", "AKIDREFLECTED"},
       {"AWS_SECRET_ACCESS_KEY", "reflected-secret-key"},
       {"AWS_SESSION_TOKEN", session_token},
       {"AWS_REGION", "us-east-1"},
       {"AWS_CONFIG_FILE", "/nonexistent"},
       {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
       {"AWS_MAX_ATTEMPTS", "1"}});
  const auto url = p.wait_for_url();
  httplib::Client c("127.0.0.1", std::stoi(url.substr(url.rfind(':') + 1)));
  auto r = c.Get("/systemsmanager/parameters/get?name=/app/x",
                 {{"X-Aws-Parameters-Secrets-Token", kToken}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  std::string signature;
  {
    std::lock_guard lock(mu);
    ASSERT_NE(authorization.find("Signature="), std::string::npos) << authorization;
    signature = authorization.substr(authorization.find("Signature=") + 10);
  }
  ASSERT_EQ(signature.size(), 64u);
  const std::string answer = r->body;
  EXPECT_NE(answer.find("ValidationException"), std::string::npos) << answer;
  EXPECT_NE(answer.find("bad request"), std::string::npos) << answer;  // the text, scrubbed
  p.signal(SIGTERM);
  p.wait();
  const std::string log = p.stderr_text();
  for (const std::string& secret : {session_token, signature, std::string("AKIDREFLECTED")}) {
    EXPECT_EQ(answer.find(secret), std::string::npos) << answer;
    EXPECT_EQ(log.find(secret), std::string::npos) << log;
  }
}

}  // namespace
}  // namespace ssm_cache::testing
