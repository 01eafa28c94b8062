// loopback_ssm_server.hpp — a minimal SSM endpoint for the benchmarks: keep-alive HTTP/1.1
// on raw sockets (127.0.0.1, any free port), one thread per connection, answering GetParameters
// and GetParameter with "value" after an optional latency, and, with a throttle rate set,
// answering ThrottlingException to calls beyond a token bucket of that many calls per second
// (as the real 40 TPS quota does). No library beyond the standard one and nlohmann-json.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ssm_cache_bench {

class LoopbackSsmServer {
 public:
  /// `throttle_tps` > 0: a bucket of that many tokens, refilled at that rate per second.
  explicit LoopbackSsmServer(std::chrono::milliseconds latency, double throttle_tps = 0)
      : latency_(latency), throttle_tps_(throttle_tps), tokens_(throttle_tps) {
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

  ~LoopbackSsmServer() {
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
  int throttled() const { return throttled_.load(); }

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
      const bool throttle = !take_token();
      if (throttle) ++throttled_;
      const std::string out =
          throttle ? R"({"__type":"ThrottlingException","message":"Rate exceeded"})" : answer(body);
      const std::string response =
          std::string(throttle ? "HTTP/1.1 400 Bad Request" : "HTTP/1.1 200 OK") +
          "\r\nContent-Type: application/x-amz-json-1.1\r\n"
          "x-amzn-RequestId: bench\r\nContent-Length: " +
          std::to_string(out.size()) + "\r\n\r\n" + out;
      if (::send(c, response.data(), response.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  bool take_token() {
    if (throttle_tps_ <= 0) return true;
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (last_refill_ != std::chrono::steady_clock::time_point{}) {
      tokens_ = std::min(
          throttle_tps_,
          tokens_ + std::chrono::duration<double>(now - last_refill_).count() * throttle_tps_);
    }
    last_refill_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  static std::string answer(const std::string& body) {
    const auto req = nlohmann::json::parse(body, nullptr, false);
    if (req.is_object() && req.contains("Name")) {
      return nlohmann::json{
          {"Parameter",
           {{"Name", req["Name"]}, {"Type", "String"}, {"Value", "value"}, {"Version", 1}}}}
          .dump();
    }
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
  double throttle_tps_;
  double tokens_;  // guarded by mutex_
  std::chrono::steady_clock::time_point last_refill_{};  // guarded by mutex_
  std::atomic<int> throttled_{0};
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> calls_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<int> clients_;
  std::vector<std::thread> workers_;
};

}  // namespace ssm_cache_bench
