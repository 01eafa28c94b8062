// group_refresh_bench.cpp — wall time of refreshing an SSMParameterGroup of 100 parameters
// through the real AWS client (SigV4, libcurl, JSON 1.1) against a loopback server that adds
// 20 ms of latency per call. 100 names are 10 GetParameters chunks: with 4 in flight they
// should cost ceil(10/4) = 3 round trips, not 10. The baseline (1 in flight, i.e. sequential)
// runs in the same program. The server is a minimal keep-alive HTTP/1.1 responder on raw
// sockets, one thread per connection, so the bench needs no library beyond ssm_cache.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_client_impl.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace {

using namespace std::chrono_literals;

class SlowSsmServer {
 public:
  explicit SlowSsmServer(std::chrono::milliseconds latency) : latency_(latency) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 64) != 0) {
      throw std::runtime_error("bench server: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~SlowSsmServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (int c : clients_) ::shutdown(c, SHUT_RDWR);
    for (auto& t : workers_) t.join();
    for (int c : clients_) ::close(c);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() const { return calls_.load(); }

 private:
  void accept_loop() {
    while (!stopping_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard lock(mutex_);
      clients_.push_back(c);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }

  void serve(int c) {
    std::string buf;
    char chunk[8192];
    for (;;) {
      std::size_t header_end;
      while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      std::size_t length = 0;
      const auto cl = buf.find("Content-Length:");
      if (cl != std::string::npos && cl < header_end) length = std::stoul(buf.substr(cl + 15));
      while (buf.size() < header_end + 4 + length) {
        const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      const std::string body = buf.substr(header_end + 4, length);
      buf.erase(0, header_end + 4 + length);
      ++calls_;
      std::this_thread::sleep_for(latency_);
      const std::string out = answer(body);
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
          "x-amzn-RequestId: bench\r\nContent-Length: " + std::to_string(out.size()) +
          "\r\n\r\n" + out;
      if (::send(c, response.data(), response.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  static std::string answer(const std::string& body) {
    const auto req = nlohmann::json::parse(body, nullptr, false);
    nlohmann::json out = {{"Parameters", nlohmann::json::array()},
                          {"InvalidParameters", nlohmann::json::array()}};
    if (req.is_object() && req.contains("Names")) {
      for (const auto& n : req["Names"]) {
        out["Parameters"].push_back(
            {{"Name", n}, {"Type", "String"}, {"Value", "value"}, {"Version", 1}});
      }
    }
    return out.dump();
  }

  std::chrono::milliseconds latency_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> calls_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> clients_;
  std::vector<std::thread> workers_;
};

void BM_GroupRefresh100(benchmark::State& state) {
  SlowSsmServer server(20ms);
  ssm_cache::aws::ClientSettings s;
  s.region = "us-east-1";
  s.ssm_endpoint = s.secrets_manager_endpoint = server.url();
  s.credentials = ssm_cache::aws::make_fixed_credentials(
      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "bench"});
  s.max_concurrent_requests = static_cast<std::size_t>(state.range(0));
  auto client = ssm_cache::aws::make_aws_client(s);

  ssm_cache::SSMParameterGroup group({.client = client});
  std::vector<ssm_cache::SSMParameter> params;
  for (int i = 0; i < 100; ++i) params.push_back(group.parameter("/bench/p" + std::to_string(i)));
  group.refresh();  // warm: connections open, so each iteration measures round trips only

  const int before = server.calls();
  std::chrono::steady_clock::duration wall{};
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    group.refresh();
    wall += std::chrono::steady_clock::now() - start;
    benchmark::DoNotOptimize(params[99].value());
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["calls_per_refresh"] = (server.calls() - before) / iterations;
  // Wall time of one refresh in units of the server's 20 ms latency.
  state.counters["round_trips"] =
      std::chrono::duration<double>(wall).count() / iterations / 0.020;
}

// range(0): GetParameters chunks in flight. 1 is the sequential baseline; 4 the default.
BENCHMARK(BM_GroupRefresh100)
    ->ArgName("in_flight")
    ->Arg(1)
    ->Arg(4)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
