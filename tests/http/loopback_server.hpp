// loopback_server.hpp — a cpp-httplib server on 127.0.0.1, port 0, for tests: started by the
// constructor, stopped by the destructor (also when a test fails). Counts requests and the
// distinct client connections they came on. Thread-safe counters.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace ssm_cache::testing_http {

class LoopbackServer {
 public:
  /// Plain HTTP.
  LoopbackServer() : server_(std::make_unique<httplib::Server>()) { init(); }
  /// HTTPS with the given PEM certificate and key.
  LoopbackServer(const std::string& cert, const std::string& key)
      : server_(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str())) {
    if (!server_->is_valid()) throw std::runtime_error("SSLServer: bad certificate or key");
    init();
  }

  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  /// Registers handlers, then call start().
  httplib::Server& server() { return *server_; }

  void start() {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("LoopbackServer: cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // Connections queue on the bound socket; wait until the accept loop runs so that stop()
    // cannot race with its start.
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void stop() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }

  int port() const { return port_; }
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
  }
  int requests() const { return requests_.load(); }
  std::size_t connections() const {
    std::lock_guard lock(mutex_);
    return client_ports_.size();
  }

 private:
  void init() {
    server_->set_keep_alive_max_count(1000);
    server_->set_tcp_nodelay(true);
    // A kept-alive connection holds a server thread while idle: enough threads that clients
    // with many pooled connections never queue behind idle ones.
    server_->new_task_queue = [] {
      return new httplib::ThreadPool(32);
    };  // else Nagle + delayed ACK add 40 ms per exchange
    server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      ++requests_;
      std::lock_guard lock(mutex_);
      client_ports_.insert(req.remote_port);
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::set<int> client_ports_;
};

/// A self-signed certificate for 127.0.0.1 made with the openssl CLI in a fresh temp dir
/// (removed by the destructor).
class SelfSignedCert {
 public:
  SelfSignedCert() {
    char tmpl[] = "/tmp/ssm-cache-tls-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  }
  ~SelfSignedCert() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SelfSignedCert(const SelfSignedCert&) = delete;
  SelfSignedCert& operator=(const SelfSignedCert&) = delete;

  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string cert_;
  std::string key_;
};

}  // namespace ssm_cache::testing_http
