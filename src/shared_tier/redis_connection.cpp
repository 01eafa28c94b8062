// shared_tier/redis_connection.cpp — see redis_connection.hpp. hiredis 0.14 (Debian 12) has
// no TLS, so hiredis only frames commands and parses replies; the bytes travel over our own
// non-blocking socket, through OpenSSL when the URL is rediss://.
#include "shared_tier/redis_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <hiredis/hiredis.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::shared_tier {

namespace {

using Clock = std::chrono::steady_clock;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Userinfo may percent-encode ':' '@' '/' in a password.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

int parse_int(std::string_view text, int lo, int hi, const char* what) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) {
    throw ConfigurationError("shared cache URL: " + std::string(what) + " '" + std::string(text) +
                             "' is not a number from " + std::to_string(lo) + " to " +
                             std::to_string(hi));
  }
  return v;
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

RedisReply copy_reply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(copy_reply(r->element[i]));
      break;
    default: out.type = RedisReply::Type::kNil;
  }
  return out;
}

/// OpenSSL writes to the socket with write(), which raises SIGPIPE when Redis has gone away
/// (plain sends use MSG_NOSIGNAL). Block it on this thread around TLS I/O and swallow one that
/// this I/O raised, so that a dead Redis never kills the program.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

/// The first word of an error reply, enough to say what failed without echoing the rest.
std::string error_code(const std::string& text) { return text.substr(0, text.find(' ')); }

}  // namespace

RedisEndpoint parse_redis_url(const std::string& url) {
  RedisEndpoint ep;
  std::string_view rest(url);
  if (rest.starts_with("redis://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("rediss://")) {
    ep.tls = true;
    rest.remove_prefix(9);
  } else {
    throw ConfigurationError(
        "shared cache URL must start with redis:// or rediss:// (got a URL with another scheme)");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) ep.db = parse_int(db, 0, 1 << 20, "database");
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      // redis://password@host is the legacy form (AUTH password, no user).
      ep.password = percent_decode(userinfo);
    } else {
      ep.user = percent_decode(userinfo.substr(0, colon));
      ep.password = percent_decode(userinfo.substr(colon + 1));
    }
  }
  if (authority.starts_with('[')) {  // [::1]:6379
    const auto close = authority.find(']');
    if (close == std::string_view::npos)
      throw ConfigurationError("shared cache URL: unclosed '[' in host");
    ep.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.starts_with(':')) ep.port = parse_int(authority.substr(1), 1, 65535, "port");
  } else {
    const auto colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      ep.port = parse_int(authority.substr(colon + 1), 1, 65535, "port");
    }
  }
  if (ep.host.empty()) throw ConfigurationError("shared cache URL has no host");
  return ep;
}

TlsContext::TlsContext(const std::string& ca_file) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw RedisError("TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  const int ok = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx_)
                                 : SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
  if (ok != 1) {
    SSL_CTX_free(ctx_);
    throw RedisError("TLS: cannot load the CA bundle" +
                     (ca_file.empty() ? std::string(" (system store)") : " '" + ca_file + "'") +
                     ": " + openssl_error());
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

void RedisConnection::ReaderDeleter::operator()(void* reader) const noexcept {
  redisReaderFree(static_cast<redisReader*>(reader));
}

RedisConnection::RedisConnection(const RedisEndpoint& endpoint, const TlsContext* tls,
                                 std::chrono::milliseconds connect_timeout)
    : reader_(redisReaderCreate()) {
  if (!reader_) throw RedisError("out of memory");
  const auto deadline = Clock::now() + connect_timeout;
  try {
    connect_socket(endpoint, deadline);
    if (endpoint.tls) {
      if (tls == nullptr) throw RedisError("TLS endpoint without a TLS context");
      handshake_tls(endpoint, *tls, deadline);
    }
    std::vector<std::vector<std::string>> hello;
    if (!endpoint.password.empty()) {
      hello.push_back(endpoint.user.empty()
                          ? std::vector<std::string>{"AUTH", endpoint.password}
                          : std::vector<std::string>{"AUTH", endpoint.user, endpoint.password});
    }
    if (endpoint.db != 0) hello.push_back({"SELECT", std::to_string(endpoint.db)});
    if (!hello.empty()) {
      const auto replies = pipeline(hello, std::chrono::milliseconds(remaining_ms(deadline) + 1));
      for (std::size_t i = 0; i < replies.size(); ++i) {
        if (replies[i].type == RedisReply::Type::kError) {
          throw RedisError(std::string(hello[i][0] == "AUTH" ? "AUTH" : "SELECT") +
                           " refused by Redis (" + error_code(replies[i].str) + ")");
        }
      }
    }
  } catch (...) {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    throw;
  }
}

RedisConnection::~RedisConnection() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);  // no close_notify: the peer may be gone, and a shutdown could block
  }
  if (fd_ >= 0) ::close(fd_);
}

void RedisConnection::connect_socket(const RedisEndpoint& endpoint, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    throw RedisError("cannot resolve Redis host '" + endpoint.host + "': " + gai_strerror(rc));
  }
  std::string last = "no address";
  for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = std::strerror(errno);
      ::close(fd);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    int err = 0;
    socklen_t len = sizeof err;
    if (ready == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
      fd_ = fd;
      break;
    }
    last = ready == 0 ? "connect timed out" : std::strerror(err != 0 ? err : errno);
    ::close(fd);
  }
  ::freeaddrinfo(list);
  if (fd_ < 0) {
    throw RedisError("cannot connect to Redis at " + endpoint.host + ":" + port + ": " + last);
  }
}

void RedisConnection::handshake_tls(const RedisEndpoint& endpoint, const TlsContext& tls,
                                    Deadline deadline) {
  ssl_ = SSL_new(tls.get());
  if (ssl_ == nullptr) throw RedisError("TLS: " + openssl_error());
  SSL_set_fd(ssl_, fd_);
  // SNI for names only; the certificate is checked against the name or the IP address.
  in6_addr scratch{};
  const bool is_ip = ::inet_pton(AF_INET, endpoint.host.c_str(), &scratch) == 1 ||
                     ::inet_pton(AF_INET6, endpoint.host.c_str(), &scratch) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(ssl_, endpoint.host.c_str());
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
  }
  for (;;) {
    SigpipeGuard guard;
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return;
    const int e = SSL_get_error(ssl_, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      wait_io(e == SSL_ERROR_WANT_WRITE, deadline);
      continue;
    }
    const long verify = SSL_get_verify_result(ssl_);
    throw RedisError(
        "TLS handshake with " + endpoint.host + " failed: " +
        (verify != X509_V_OK ? X509_verify_cert_error_string(verify) : openssl_error()));
  }
}

void RedisConnection::wait_io(bool for_write, Deadline deadline) {
  pollfd p{fd_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) throw RedisError("Redis operation timed out");
    const int ready = ::poll(&p, 1, ms);
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) throw RedisError(std::string("poll: ") + std::strerror(errno));
  }
}

void RedisConnection::write_all(const std::string& bytes, Deadline deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (ssl_ != nullptr) {
      SigpipeGuard guard;
      const int n = SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done));
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        throw RedisError("TLS write to Redis failed: " + openssl_error());
      }
      wait_io(e == SSL_ERROR_WANT_WRITE, deadline);
    } else {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        wait_io(true, deadline);
      } else {
        throw RedisError(std::string("write to Redis failed: ") + std::strerror(errno));
      }
    }
  }
}

void RedisConnection::read_some(Deadline deadline) {
  char buf[16384];
  for (;;) {
    if (ssl_ != nullptr) {
      SigpipeGuard guard;  // a TLS 1.3 read may write (key update)
      const int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        redisReaderFeed(static_cast<redisReader*>(reader_.get()), buf, static_cast<std::size_t>(n));
        return;
      }
      const int e = SSL_get_error(ssl_, n);
      if (e == SSL_ERROR_ZERO_RETURN) throw RedisError("Redis closed the connection");
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        throw RedisError("TLS read from Redis failed: " + openssl_error());
      }
      wait_io(e == SSL_ERROR_WANT_WRITE, deadline);
    } else {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        redisReaderFeed(static_cast<redisReader*>(reader_.get()), buf, static_cast<std::size_t>(n));
        return;
      }
      if (n == 0) throw RedisError("Redis closed the connection");
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        throw RedisError(std::string("read from Redis failed: ") + std::strerror(errno));
      }
      wait_io(false, deadline);
    }
  }
}

std::vector<RedisReply> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string wire;
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    char* cmd = nullptr;
    const int len =
        redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), argv.data(), lens.data());
    if (len < 0 || cmd == nullptr) throw RedisError("out of memory formatting a Redis command");
    wire.append(cmd, static_cast<std::size_t>(len));
    redisFreeCommand(cmd);
  }
  write_all(wire, deadline);
  std::vector<RedisReply> replies;
  auto* reader = static_cast<redisReader*>(reader_.get());
  while (replies.size() < commands.size()) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader, &raw) != REDIS_OK) {
      throw RedisError(std::string("malformed reply from Redis: ") + reader->errstr);
    }
    if (raw == nullptr) {
      read_some(deadline);
      continue;
    }
    RedisReply reply = copy_reply(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    if (reply.type == RedisReply::Type::kError &&
        (reply.str.starts_with("MOVED ") || reply.str.starts_with("ASK "))) {
      throw RedisError("Redis Cluster redirection is not supported (the server answered " +
                       error_code(reply.str) +
                       "): point the shared cache at a non-cluster endpoint or a cluster proxy");
    }
    replies.push_back(std::move(reply));
  }
  return replies;
}

RedisReply RedisConnection::command(const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout) {
  return std::move(pipeline({args}, timeout).front());
}

}  // namespace ssm_cache::shared_tier
