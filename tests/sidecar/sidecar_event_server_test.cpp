// Tests of the sidecar's libevent front (SidecarEventServer on 127.0.0.1:0) over a fake AWS
// client: many requests on one kept-alive connection, clients spread over several loops,
// oversized requests (413 / 414 / 431 with JSON bodies) and non-GET (405) while the server
// keeps serving, malformed requests, query decoding and repeated keys, stop before run; and
// with one loop, that a request waiting for AWS holds neither the loop's cached answers nor
// anything once its client has gone or the server stops.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "sidecar_event_server.hpp"

namespace ssm_cache::cli {
namespace {

using nlohmann::json;

class SidecarEventServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake->put("/app/db", "postgres://db");
    fake->put("/app/a b+c", "spaced");
    SidecarConfig c;
    c.token = "tok";
    c.threads = loop_count;
    service = std::make_unique<SidecarService>(c, fake, fake, nullptr);
    server = std::make_unique<SidecarEventServer>(*service);
    port = server->bind(0);
    thread = std::thread([this] { ran_ok = server->run(); });
  }
  void TearDown() override {
    server->stop();
    thread.join();
    EXPECT_TRUE(ran_ok.load());
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", port);
    c.set_default_headers({{"X-Aws-Parameters-Secrets-Token", "tok"}});
    c.set_keep_alive(true);
    c.set_read_timeout(10, 0);
    return c;
  }
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
      auto end = out.find("\r\n\r\n");
      if (end != std::string::npos && !out.empty() && (out.back() == '}' || out.back() == '>'))
        break;
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
  std::unique_ptr<SidecarEventServer> server;
  std::thread thread;
  std::atomic<bool> ran_ok{false};
  int port = 0;
  std::size_t loop_count = 3;
};

// One loop: every connection shares it, so anything that blocked the loop would show.
class SidecarEventServerOneLoopTest : public SidecarEventServerTest {
 protected:
  SidecarEventServerOneLoopTest() { loop_count = 1; }
  // Waits (bounded) until the fake has seen `n` GetParameter calls.
  void wait_for_calls(int n) {
    for (int i = 0; i < 10000 && fake->calls("GetParameter") < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(fake->calls("GetParameter"), n);
  }
};

TEST_F(SidecarEventServerTest, UsesTheConfiguredNumberOfLoops) { EXPECT_EQ(server->loops(), 3u); }

TEST_F(SidecarEventServerTest, ManyRequestsOnOneKeptAliveConnection) {
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

TEST_F(SidecarEventServerTest, ManyClientsAtOnce) {
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 16; ++t) {
    clients.emplace_back([&] {
      auto c = client();
      for (int i = 0; i < 20; ++i) {
        auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
        if (r && r->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 16 * 20);
}

TEST_F(SidecarEventServerTest, DecodesQueryAndRejectsRepeatedKeys) {
  // Raw bytes: httplib's client would escape the literal '+' itself.
  auto out =
      raw("GET /systemsmanager/parameters/get?name=%2Fapp%2Fa+b%2Bc HTTP/1.1\r\nHost: x\r\n"
          "X-Aws-Parameters-Secrets-Token: tok\r\n\r\n");
  EXPECT_NE(out.find(" 200 "), std::string::npos) << out;
  EXPECT_NE(out.find("\"spaced\""), std::string::npos) << out;
  auto c = client();
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb&name=%2Fapp%2Fdb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(json::parse(r->body).contains("__type"));
}

TEST_F(SidecarEventServerTest, MissingTokenIs401) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["__type"], "Unauthorized");
  EXPECT_EQ(fake->total_calls(), 0);
}

TEST_F(SidecarEventServerTest, OversizedHeadersAre431) {
  auto c = client();
  httplib::Headers h;
  for (int i = 0; i < 4; ++i) h.emplace("X-Pad-" + std::to_string(i), std::string(3000, 'x'));
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb", h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(json::parse(r->body)["__type"], "RequestHeaderFieldsTooLarge");
  expect_still_serving();
}

TEST_F(SidecarEventServerTest, LongUriIs414) {
  auto c = client();
  auto r = c.Get("/systemsmanager/parameters/get?name=" + std::string(9000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  EXPECT_EQ(json::parse(r->body)["__type"], "URITooLong");
  r = c.Get("/systemsmanager/parameters/get?name=" + std::string(8500, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 414);
  expect_still_serving();
}

TEST_F(SidecarEventServerTest, LargeBodyIs413AndNonGetIs405) {
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
  r = c2.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(fake->calls("GetParameter"), 1);
}

TEST_F(SidecarEventServerTest, MalformedRequestIs400AndUnknownPathIs404) {
  // libevent 2.1 answers a request it cannot parse itself (status 400, its own body).
  auto out = raw("GARBAGE\r\n\r\n");
  EXPECT_NE(out.find(" 400 "), std::string::npos) << out;
  out = raw("GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Aws-Parameters-Secrets-Token: tok\r\n\r\n");
  EXPECT_NE(out.find(" 404 "), std::string::npos) << out;
  EXPECT_NE(out.find("\"__type\""), std::string::npos) << out;
  expect_still_serving();
}

TEST(SidecarEventServer, StopBeforeRunReturnsAtOnce) {
  auto fake = std::make_shared<testing::FakeAwsClient>();
  SidecarConfig c;
  SidecarService service(c, fake, fake, nullptr);
  SidecarEventServer server(service);
  EXPECT_GE(server.loops(), 2u);
  EXPECT_GT(server.bind(0), 0);
  server.stop();
  EXPECT_TRUE(server.run());
}

TEST(SidecarEventServer, RunWithoutBindFailsAndBusyPortThrows) {
  auto fake = std::make_shared<testing::FakeAwsClient>();
  SidecarConfig c;
  SidecarService service(c, fake, fake, nullptr);
  SidecarEventServer a(service);
  EXPECT_FALSE(a.run());
  int port = a.bind(0);
  // A plain listener (no SO_REUSEPORT) on the port: a second server cannot join it.
  SidecarEventServer b(service);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  EXPECT_THROW(b.bind(ntohs(addr.sin_port)), std::runtime_error);
  ::close(fd);
  EXPECT_GT(port, 0);
}

TEST_F(SidecarEventServerOneLoopTest, AMissWaitingForAwsDoesNotHoldCachedAnswers) {
  ASSERT_EQ(server->loops(), 1u);
  fake->put("/app/slow", "later");
  expect_still_serving();  // /app/db cached
  fake->close_gate();  // AWS calls now block until open_gate()
  std::atomic<bool> slow_answered{false};
  std::atomic<int> slow_status{0};
  std::thread slow([&] {
    auto c = client();
    auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fslow");
    slow_status = r ? r->status : -1;
    slow_answered = true;
  });
  wait_for_calls(2);
  // The only loop serves cached answers, on new and kept-alive connections, while the miss
  // waits for AWS.
  auto c = client();
  for (int i = 0; i < 20; ++i) {
    auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fdb");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  expect_still_serving();
  EXPECT_FALSE(slow_answered.load());
  fake->open_gate();
  slow.join();
  EXPECT_EQ(slow_status.load(), 200);
  // And it is cached now.
  auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fslow");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["Parameter"]["Value"], "later");
  EXPECT_EQ(fake->calls("GetParameter"), 2);
}

TEST_F(SidecarEventServerOneLoopTest, ManyRequestsWaitingForOneFetchAllGetIt) {
  fake->put("/app/slow", "later");
  fake->close_gate();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      auto c = client();
      auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fslow");
      if (r && r->status == 200 && json::parse(r->body)["Parameter"]["Value"] == "later") ++ok;
    });
  }
  wait_for_calls(1);
  fake->open_gate();
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(fake->calls("GetParameter"), 1);  // single flight across the workers
}

TEST_F(SidecarEventServerOneLoopTest, ClientGoneBeforeItsAnswerLeavesTheServerServing) {
  for (int i = 0; i < 3; ++i) fake->put("/app/slow" + std::to_string(i), "later");
  fake->close_gate();
  for (int i = 0; i < 3; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string request = "GET /systemsmanager/parameters/get?name=%2Fapp%2Fslow" +
                                std::to_string(i) +
                                " HTTP/1.1\r\nHost: x\r\n"
                                "X-Aws-Parameters-Secrets-Token: tok\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    wait_for_calls(i + 1);
    ::close(fd);  // gone while its request waits for AWS
  }
  fake->open_gate();
  // The answers go to closed connections; the loop keeps serving (and ASan sees no misuse of
  // the freed requests).
  for (int i = 0; i < 5; ++i) expect_still_serving();
}

TEST_F(SidecarEventServerOneLoopTest, StopWhileARequestWaitsForAwsEndsCleanly) {
  fake->put("/app/slow", "later");
  fake->close_gate();
  std::atomic<int> slow_status{0};
  std::thread slow([&] {
    auto c = client();
    auto r = c.Get("/systemsmanager/parameters/get?name=%2Fapp%2Fslow");
    slow_status = r ? r->status : -1;
  });
  wait_for_calls(1);
  server->stop();
  // run() waits for the worker, whose AWS call ends (here: when the gate opens), and sends
  // its answer before returning.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  fake->open_gate();
  thread.join();
  EXPECT_TRUE(ran_ok.load());
  slow.join();
  EXPECT_EQ(slow_status.load(), 200);
  thread = std::thread([] {});  // TearDown joins it
}

}  // namespace
}  // namespace ssm_cache::cli
