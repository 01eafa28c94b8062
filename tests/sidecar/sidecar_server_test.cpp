// Tests of the sidecar's HTTP front (cpp-httplib on 127.0.0.1:0) over a fake AWS client: keep-
// alive beyond httplib's default 5 requests, oversized requests (413 / 414 / 431), non-GET,
// malformed requests — each with a JSON body while the server keeps serving — and the Lambda
// Extensions API loop (register, event/next, SHUTDOWN) against a loopback fake of the API.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "serve_command.hpp"
#include "sidecar_server.hpp"

namespace ssm_cache::cli {
namespace {

using nlohmann::json;

class SidecarServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake->put("/app/db", "postgres://db");
    SidecarConfig c;
    c.token = "tok";
    c.threads = 8;
    service = std::make_unique<SidecarService>(c, fake, fake, nullptr);
    server = std::make_unique<SidecarServer>(*service);
    port = server->bind(0);
    thread = std::thread([this] { server->run(); });
  }
  void TearDown() override {
    server->stop();
    thread.join();
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port);
    c.set_default_headers({{"X-Aws-Parameters-Secrets-Token", "tok"}});
    c.set_keep_alive(true);
    return c;
  }
  // Sends raw bytes on a new connection and returns everything read until close or timeout.
  std::string raw(const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      if (out.find("\r\n\r\n") != std::string::npos && out.back() == '}') break;
    }
    ::close(fd);
    return out;
  }
  void expect_still_serving() {
    auto c = client();
    auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }

  std::shared_ptr<testing::FakeAwsClient> fake = std::make_shared<testing::FakeAwsClient>();
  std::unique_ptr<SidecarService> service;
  std::unique_ptr<SidecarServer> server;
  std::thread thread;
  int port = 0;
};

TEST_F(SidecarServerTest, ManyRequestsOnOneKeptAliveConnection) {
  auto c = client();
  for (int i = 0; i < 50; ++i) {
    auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
    ASSERT_TRUE(r) << i;
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(json::parse(r->body)["Parameter"]["Value"], "postgres://db");
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
    EXPECT_NE(r->get_header_value("Connection"), "close") << "request " << i;
  }
  EXPECT_EQ(fake->calls("GetParameter"), 1);
}

TEST_F(SidecarServerTest, MissingTokenIs401) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["__type"], "Unauthorized");
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(SidecarServerTest, OversizedHeadersAre431) {
  auto c = client();
  httplib::Headers h;
  for (int i = 0; i < 4; ++i) h.emplace("X-Pad-" + std::to_string(i), std::string(3000, 'x'));
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb", h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(json::parse(r->body)["__type"], "RequestHeaderFieldsTooLarge");
  expect_still_serving();
}

TEST_F(SidecarServerTest, LongUriIs414) {
  auto c = client();
  auto r = c.Get("/systemsmanager/parameters/get?name=" + std::string(9000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  EXPECT_TRUE(json::parse(r->body).contains("__type"));
  r = c.Get("/systemsmanager/parameters/get?name=" + std::string(8500, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  expect_still_serving();
}

TEST_F(SidecarServerTest, LargeBodyIs413AndNonGetIs405) {
  auto c = client();
  auto r = c.Post("/systemsmanager/parameters/get", std::string(100000, 'x'), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["__type"], "PayloadTooLarge");
  auto c2 = client();
  r = c2.Post("/systemsmanager/parameters/get?name=%2Fapp%2Fdb", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET");
  // The same connection still parses the next request correctly.
  r = c2.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(fake->calls("GetParameter"), 1);
}

TEST_F(SidecarServerTest, MalformedRequestGetsJson400) {
  auto out = raw("GARBAGE\r\n\r\n");
  EXPECT_NE(out.find(" 400 "), std::string::npos) << out;
  EXPECT_NE(out.find("\"__type\""), std::string::npos) << out;
  out = raw("GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Aws-Parameters-Secrets-Token: tok\r\n\r\n");
  EXPECT_NE(out.find(" 404 "), std::string::npos) << out;
  expect_still_serving();
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(LambdaExtension, RegistersServesAndExitsOnShutdown) {
  // A loopback server playing the Lambda Extensions API.
  httplib::Server api;
  std::mutex mu;
  std::string registered_name, register_body;
  std::vector<std::string> next_ids;
  std::atomic<bool> shutdown_now{false};
  std::atomic<int> served_during_invoke{0};
  int sidecar_port = free_port();
  api.Post("/2020-01-01/extension/register", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    registered_name = req.get_header_value("Lambda-Extension-Name");
    register_body = req.body;
    res.set_header("Lambda-Extension-Identifier", "ext-id-123");
    res.set_content(R"({"functionName":"f","functionVersion":"$LATEST","handler":"h"})",
                    "application/json");
  });
  api.Get("/2020-01-01/extension/event/next", [&](const httplib::Request& req, httplib::Response& res) {
    int n;
    {
      std::lock_guard lock(mu);
      next_ids.push_back(req.get_header_value("Lambda-Extension-Identifier"));
      n = static_cast<int>(next_ids.size());
    }
    if (n == 1) {
      // Init is over: the sidecar must be serving now, as the function's first invoke expects.
      httplib::Client c("127.0.0.1", sidecar_port);
      auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb",
                     {{"X-Aws-Parameters-Secrets-Token", "tok"}});
      if (r && r->status == 200) ++served_during_invoke;
      res.set_content(R"({"eventType":"INVOKE","requestId":"r1","deadlineMs":1})",
                      "application/json");
      return;
    }
    res.set_content(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":1})",
                    "application/json");
  });
  int api_port = api.bind_to_any_port("127.0.0.1");
  std::thread api_thread([&] { api.listen_after_bind(); });

  auto fake = std::make_shared<testing::FakeAwsClient>();
  fake->put("/app/db", "postgres://db");
  ::setenv("AWS_LAMBDA_RUNTIME_API", ("127.0.0.1:" + std::to_string(api_port)).c_str(), 1);
  ServeOptions o;
  o.port = sidecar_port;
  o.token = "tok";
  o.log_level = "none";
  o.extension_name = "ssm-cache";
  std::ostringstream out, err;
  int code = run_serve(o, {}, [&](const AwsClientOptions&) { return fake; }, out, err);
  ::unsetenv("AWS_LAMBDA_RUNTIME_API");
  api.stop();
  api_thread.join();

  EXPECT_EQ(code, 0) << err.str();
  EXPECT_EQ(registered_name, "ssm-cache");
  auto body = json::parse(register_body);
  EXPECT_NE(std::find(body["events"].begin(), body["events"].end(), "SHUTDOWN"),
            body["events"].end());
  ASSERT_EQ(next_ids.size(), 2u);
  EXPECT_EQ(next_ids[0], "ext-id-123");
  EXPECT_EQ(served_during_invoke, 1);
  EXPECT_NE(out.str().find("listening on http://127.0.0.1:" + std::to_string(sidecar_port)),
            std::string::npos);
}

TEST(LambdaExtension, RegistrationFailureExitsNonZero) {
  httplib::Server api;
  api.Post("/2020-01-01/extension/register", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"errorMessage":"nope"})", "application/json");
  });
  int api_port = api.bind_to_any_port("127.0.0.1");
  std::thread api_thread([&] { api.listen_after_bind(); });
  ::setenv("AWS_LAMBDA_RUNTIME_API", ("127.0.0.1:" + std::to_string(api_port)).c_str(), 1);
  ServeOptions o;
  o.port = 0;
  o.token = "tok";
  o.log_level = "none";
  std::ostringstream out, err;
  auto fake = std::make_shared<testing::FakeAwsClient>();
  int code = run_serve(o, {}, [&](const AwsClientOptions&) { return fake; }, out, err);
  ::unsetenv("AWS_LAMBDA_RUNTIME_API");
  api.stop();
  api_thread.join();
  EXPECT_EQ(code, 1);
}

TEST(ServeFront, AnUnknownFrontIsAUsageError) {
  ::setenv("SSM_CACHE_SERVE_FRONT", "bogus", 1);
  ServeOptions o;
  o.port = 0;
  o.token = "tok";
  o.log_level = "error";
  std::ostringstream out, err;
  auto fake = std::make_shared<testing::FakeAwsClient>();
  int code = run_serve(o, {}, [&](const AwsClientOptions&) { return fake; }, out, err);
  ::unsetenv("SSM_CACHE_SERVE_FRONT");
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.str().find("SSM_CACHE_SERVE_FRONT must be event or httplib"), std::string::npos)
      << err.str();
  EXPECT_EQ(out.str().find("listening"), std::string::npos);
}

}  // namespace
}  // namespace ssm_cache::cli
