// Concurrency test of the libcurl transport: many threads share one transport (its handle
// pool and connection cache); every response matches its request. Run under TSan.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "http/loopback_server.hpp"
#include "http/transport.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::http {
namespace {

TEST(CurlTransportConcurrency, ManyThreadsShareOneTransport) {
  testing_http::LoopbackServer s;
  s.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  s.start();
  auto t = make_curl_transport({.max_idle_connections = 4});
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::atomic<int> mismatches{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        Request r;
        r.url = s.url() + "/echo";
        r.headers = {{"Content-Type", "text/plain"}};
        r.body = std::to_string(i) + ":" + std::to_string(j);
        try {
          if (t->send(r).body != r.body) ++mismatches;
        } catch (const TransportError&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(s.requests(), kThreads * kPerThread);
  EXPECT_LT(s.connections(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace ssm_cache::http
