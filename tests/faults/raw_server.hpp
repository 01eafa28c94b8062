// tests/faults/raw_server.hpp — a loopback HTTP/1.1 server on a raw socket, for the faults
// ssm-cache-local cannot play: 200 answers with malformed or mistyped bodies, and a server
// that accepts and reads but never writes. Answers AmazonSSM.GetParameters like AWS in the
// "good" mode. Counts connections and complete requests. Thread-safe; one thread per
// connection; the destructor unblocks and joins every thread.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace faults_test {

class RawServer {
 public:
  enum class Mode {
    kGood,  ///< a valid GetParameters answer with value() for every name asked
    kMalformed,  ///< 200 with a body cut in the middle of the JSON (Content-Length matches)
    kWrongType,  ///< 200 with valid JSON whose Value is a number
    kHtml,  ///< 200 with an HTML page
    kSilent,  ///< reads the request, never answers
  };

  RawServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~RawServer() { stop(); }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  /// Closes every socket (unblocking any client waiting on us) and joins the threads.
  void stop() {
    if (stopping_.exchange(true)) return;
    ::shutdown(fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    ::close(fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      for (int c : clients_) ::shutdown(c, SHUT_RDWR);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set_mode(Mode m) { mode_ = m; }
  void set_value(std::string v) {
    std::lock_guard lock(mu_);
    value_ = std::move(v);
  }
  [[nodiscard]] int requests() const { return requests_; }
  [[nodiscard]] int connections() const { return connections_; }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      std::lock_guard lock(mu_);
      clients_.push_back(c);
      threads_.emplace_back([this, c] { serve(c); });
    }
  }

  // Reads one request (headers + Content-Length body); false when the peer closed or we stop.
  bool read_request(int c, std::string& buffer, std::string& body) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_some(c, buffer)) return false;
    }
    std::size_t length = 0;
    std::string headers = buffer.substr(0, header_end);
    for (auto& ch : headers) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto pos = headers.find("content-length:"); pos != std::string::npos) {
      length = std::stoul(headers.substr(pos + 15));
    }
    while (buffer.size() < header_end + 4 + length) {
      if (!read_some(c, buffer)) return false;
    }
    body = buffer.substr(header_end + 4, length);
    buffer.erase(0, header_end + 4 + length);
    return true;
  }

  bool read_some(int c, std::string& buffer) {
    while (!stopping_) {
      pollfd p{c, POLLIN, 0};
      const int r = ::poll(&p, 1, 50);
      if (r < 0) return false;
      if (r == 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  std::string answer(const std::string& request_body) {
    std::string value;
    {
      std::lock_guard lock(mu_);
      value = value_;
    }
    std::string body;
    switch (mode_.load()) {
      case Mode::kGood: {
        nlohmann::json params = nlohmann::json::array();
        const auto req = nlohmann::json::parse(request_body, nullptr, false);
        if (req.is_object() && req.contains("Names") && req["Names"].is_array()) {
          for (const auto& n : req["Names"]) {
            params.push_back({{"Name", n},
                              {"Type", "String"},
                              {"Value", value},
                              {"Version", 1},
                              {"ARN", "arn:aws:ssm:us-east-1:000000000000:parameter"},
                              {"DataType", "text"},
                              {"LastModifiedDate", 1700000000.0}});
          }
        }
        body =
            nlohmann::json{{"Parameters", params}, {"InvalidParameters", nlohmann::json::array()}}
                .dump();
        break;
      }
      case Mode::kMalformed:
        body = R"({"InvalidParameters":[],"Parameters":[{"Name":"/f/a","Type":"String","Val)";
        break;
      case Mode::kWrongType:
        body =
            R"({"InvalidParameters":[],"Parameters":[{"Name":"/f/a","Type":"String","Value":5,"Version":1}]})";
        break;
      case Mode::kHtml: body = "<html><body>Service Unavailable</body></html>"; break;
      case Mode::kSilent: break;
    }
    return "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
           "x-amzn-RequestId: raw-1\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  void serve(int c) {
    std::string buffer, body;
    while (!stopping_ && read_request(c, buffer, body)) {
      ++requests_;
      if (mode_ == Mode::kSilent) {
        // Keep reading whatever comes, never write: the client must give up on its own.
        while (!stopping_ && read_some(c, buffer)) {
        }
        break;
      }
      const std::string reply = answer(body);
      if (::send(c, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) break;
    }
    std::lock_guard lock(mu_);
    ::close(c);
    std::erase(clients_, c);
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<Mode> mode_{Mode::kGood};
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::string value_ = "value";
  std::vector<int> clients_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace faults_test
