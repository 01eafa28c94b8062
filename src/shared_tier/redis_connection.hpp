// shared_tier/redis_connection.hpp — one connection to Redis / Valkey: TCP or TLS (OpenSSL)
// on a socket of our own, RESP framing and parsing by hiredis (redisFormatCommandArgv,
// redisReader), AUTH (ACL user) and SELECT at connect, a deadline on every operation.
//
// Not thread-safe: one thread uses a connection at a time (RedisPool hands them out).
// A connection that failed (timeout, I/O, protocol) is broken and must be dropped.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace ssm_cache::shared_tier {

/// A Redis operation failed: timeout, connection, TLS, protocol, or an error reply where one
/// was not expected. Never carries a value or a password.
class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// redis://[user:password@]host[:port][/db] or rediss:// (TLS). Port defaults to 6379.
struct RedisEndpoint {
  bool tls = false;
  std::string host{};
  int port = 6379;
  std::string user{};
  std::string password{};
  int db = 0;
};

/// Parses a URL; throws ConfigurationError naming what is wrong (never the password).
RedisEndpoint parse_redis_url(const std::string& url);

/// A reply, copied out of hiredis's.
struct RedisReply {
  enum class Type { kString, kArray, kInteger, kNil, kStatus, kError };
  Type type = Type::kNil;
  std::string str{};  ///< string, status or error text
  long long integer = 0;
  std::vector<RedisReply> elements{};
};

/// TLS settings shared by the connections of one client (the SSL_CTX: CA store, verify on).
class TlsContext {
 public:
  /// ca_file empty: the system default store. Throws RedisError.
  explicit TlsContext(const std::string& ca_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL_CTX* get() const noexcept { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

class RedisConnection {
 public:
  /// Connects (within connect_timeout), does TLS when the endpoint asks for it, then AUTH and
  /// SELECT. tls must be non-null for a TLS endpoint. Throws RedisError.
  RedisConnection(const RedisEndpoint& endpoint, const TlsContext* tls,
                  std::chrono::milliseconds connect_timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Sends the commands in one write and reads one reply each, all within `timeout`.
  /// Error replies come back as kError, except MOVED / ASK (Redis Cluster), which throw.
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands,
                                   std::chrono::milliseconds timeout);
  RedisReply command(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  void connect_socket(const RedisEndpoint& endpoint, Deadline deadline);
  void handshake_tls(const RedisEndpoint& endpoint, const TlsContext& tls, Deadline deadline);
  void write_all(const std::string& bytes, Deadline deadline);
  /// Reads some bytes into the hiredis reader; false at end of stream.
  void read_some(Deadline deadline);
  void wait_io(bool for_write, Deadline deadline);

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  struct ReaderDeleter {
    void operator()(void* reader) const noexcept;
  };
  std::unique_ptr<void, ReaderDeleter> reader_;
};

}  // namespace ssm_cache::shared_tier
