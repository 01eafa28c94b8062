// redis_server.hpp — test helper: a real redis-server (Debian package) on a free loopback
// port, plain or TLS (a CA and server certificate made by openssl for the test), optionally
// with an ACL user; killed on destruction, also when a test fails. Plus a raw RESP client for
// the tests' own inspection of the store (KEYS, GET, SET) through the library's connection.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/process.hpp"
#include "shared_tier/redis_connection.hpp"

namespace ssm_cache::testing {

/// A loopback port that was free a moment ago (redis-server cannot take port 0).
inline int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

/// A temporary directory removed on destruction.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ssm_cache_redis_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// A test CA and a server certificate for 127.0.0.1 / localhost, made with the openssl CLI.
inline void make_test_pki(const std::string& dir) {
  const std::string script =
      "set -e; cd '" + dir +
      "'; "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=ssm-cache-test-ca -keyout ca.key -out ca.crt 2>/dev/null; "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null; "
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext; "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
      "-extfile san.ext -out server.crt 2>/dev/null; "
      // A second CA that did not sign the server: verification must fail with it.
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=other-ca -keyout other.key -out other.crt 2>/dev/null";
  if (std::system(("sh -c \"" + script + "\"").c_str()) != 0) {
    throw std::runtime_error("openssl could not make the test certificates");
  }
}

struct RedisServerOptions {
  bool tls = false;
  std::string acl_user{};  ///< with acl_password: an ACL user; the default user is then off
  std::string acl_password{};
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {}) : options_(options) {
    if (options_.tls) make_test_pki(dir_.path);
    // A port found free can be taken by another test before redis binds it: try a few.
    for (int attempt = 0;; ++attempt) {
      port_ = free_loopback_port();
      std::vector<std::string> argv = {"/usr/bin/redis-server",
                                       "--bind",
                                       "127.0.0.1",
                                       "--save",
                                       "",
                                       "--appendonly",
                                       "no",
                                       "--dir",
                                       dir_.path,
                                       "--loglevel",
                                       "notice"};
      if (options_.tls) {
        for (const char* a : {"--port", "0", "--tls-port"}) argv.emplace_back(a);
        argv.push_back(std::to_string(port_));
        for (auto [k, v] : {std::pair{"--tls-cert-file", "server.crt"},
                            {"--tls-key-file", "server.key"},
                            {"--tls-ca-cert-file", "ca.crt"}}) {
          argv.emplace_back(k);
          argv.push_back(dir_.path + "/" + v);
        }
        argv.insert(argv.end(), {"--tls-auth-clients", "no"});
      } else {
        argv.insert(argv.end(), {"--port", std::to_string(port_)});
      }
      if (!options_.acl_user.empty()) {
        argv.insert(argv.end(), {"--user", options_.acl_user, "on", ">" + options_.acl_password,
                                 "~*", "+@all"});
        argv.insert(argv.end(), {"--user", "default", "off"});
      }
      process_ = std::make_unique<ServerProcess>(argv);
      try {
        process_->wait_for_line("Ready to accept connections", std::chrono::seconds(20));
        return;
      } catch (const std::exception&) {
        if (attempt >= 3) throw;
        process_.reset();
      }
    }
  }

  int port() const { return port_; }
  std::string ca_file() const { return dir_.path + "/ca.crt"; }
  std::string other_ca_file() const { return dir_.path + "/other.crt"; }
  /// The URL for the library (credentials included when there is an ACL user).
  std::string url() const {
    std::string auth;
    if (!options_.acl_user.empty()) auth = options_.acl_user + ":" + options_.acl_password + "@";
    return std::string(options_.tls ? "rediss://" : "redis://") + auth +
           "127.0.0.1:" + std::to_string(port_);
  }
  void kill() { process_.reset(); }

  /// A connection of the tests' own, to look at and tamper with what the tier stored.
  std::unique_ptr<shared_tier::RedisConnection> connect() const {
    auto endpoint = shared_tier::parse_redis_url(url());
    if (options_.tls) tls_ = std::make_unique<shared_tier::TlsContext>(ca_file());
    return std::make_unique<shared_tier::RedisConnection>(endpoint, tls_.get(),
                                                          std::chrono::seconds(5));
  }
  shared_tier::RedisReply command(const std::vector<std::string>& args) const {
    return connect()->command(args, std::chrono::seconds(5));
  }
  /// Every key and its value (strings only).
  std::vector<std::pair<std::string, std::string>> dump() const {
    auto conn = connect();
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& k : conn->command({"KEYS", "*"}, std::chrono::seconds(5)).elements) {
      out.emplace_back(k.str, conn->command({"GET", k.str}, std::chrono::seconds(5)).str);
    }
    return out;
  }

 private:
  RedisServerOptions options_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ServerProcess> process_;
  mutable std::unique_ptr<shared_tier::TlsContext> tls_;
};

}  // namespace ssm_cache::testing
