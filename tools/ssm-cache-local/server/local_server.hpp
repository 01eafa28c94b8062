// ssm-cache-local/server/local_server.hpp — the whole server minus sockets: one HTTP request in,
// one HTTP response out (plus how to deliver it when a fault asks for a dropped connection or a
// truncated body). JSON 1.1 framing, SigV4 verification, X-Amz-Target dispatch, AWS error bodies,
// faults, statistics and the /_local/ admin endpoints all live here, so that tests and the fuzzer
// drive exactly what the program serves.
//
// Thread-safe: handle() may run on many threads at once. Cost: one SigV4 verification (two
// SHA-256 and five HMACs) and one JSON parse per call, plus the action itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actions.hpp"
#include "common/thread_annotations.hpp"
#include "faults.hpp"
#include "ssm_cache/clock.hpp"
#include "store.hpp"
#include "util.hpp"

namespace ssm_cache::local {

struct CallErrors;  // local_server.cpp: the error answers of one call

class Database;

inline constexpr std::size_t kMaxRequestBody = 1u << 20;  // 1 MiB

struct HttpRequest {
  std::string method;
  std::string target;  ///< path plus optional "?query", as received
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in any case
  std::string body;
};

struct HttpResponse {
  enum class Delivery { kNormal, kDrop, kTruncate };
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Delivery delivery = Delivery::kNormal;
  std::chrono::milliseconds delay{0};  ///< latency fault: wait this long before answering
  std::string target;  ///< X-Amz-Target, for the log line
  std::string error_code;  ///< AWS error code when status != 200, for the log line
};

struct ServerOptions {
  /// access key id -> secret access key accepted in signatures.
  std::map<std::string, std::string> credentials{{"test", "test"}};
  /// Empty: any region in the credential scope is accepted (and used in ARNs).
  std::string region{};
  std::string account_id = "000000000000";
  bool admin = false;  ///< serve /_local/faults and /_local/stats
  /// Required on /_local/ as "Authorization: Bearer TOKEN". Empty with admin: a random one is
  /// made (see LocalServer::admin_token), so that a web page cannot drive the admin endpoints.
  std::string admin_token{};
  /// Host header names served besides loopback ones (localhost, 127.0.0.0/8, ::1): a
  /// rebinding DNS name pointing a browser at this server is refused.
  std::vector<std::string> allowed_hosts{};
  std::string data_file{};  ///< empty: memory only
  FaultConfig faults{};
  std::optional<std::uint64_t> seed{};  ///< fault dice and ids; empty: random
  std::chrono::seconds max_clock_skew{15 * 60};
  /// wall_now() is used for signature freshness and dates; tests may pin it. Null: the real
  /// clock.
  std::shared_ptr<const Clock> clock{};
};

class LocalServer {
 public:
  /// Loads options.data_file when set (a missing file is an empty store). Throws LoadError
  /// for a corrupt file, which is never overwritten.
  explicit LocalServer(ServerOptions options);
  ~LocalServer();
  /// With given initial data (tests, fuzzing); data_file, if set, receives every write.
  LocalServer(ServerOptions options, StoreData initial);

  HttpResponse handle(const HttpRequest& request);

  /// The answer to a body over kMaxRequestBody that the HTTP layer refused to read.
  HttpResponse too_large(std::size_t content_length);

  [[nodiscard]] Stats& stats() noexcept { return stats_; }
  [[nodiscard]] FaultInjector& faults() noexcept { return faults_; }
  [[nodiscard]] const ServerOptions& options() const noexcept { return options_; }
  /// The token the admin endpoints require (given or made at construction).
  [[nodiscard]] const std::string& admin_token() const noexcept { return options_.admin_token; }
  /// Number of parameters and secrets held, for the start-up log line.
  [[nodiscard]] std::pair<std::size_t, std::size_t> sizes() const;

 private:
  HttpResponse handle_admin(const HttpRequest& request);
  [[nodiscard]] bool host_allowed(const HttpRequest& request) const;
  HttpResponse handle_api(const HttpRequest& request);
  /// Verifies the signature; returns the signing region and access key, or throws ApiError.
  std::pair<std::string, std::string> authenticate(const HttpRequest& request,
                                                   std::string_view target,
                                                   std::chrono::system_clock::time_point now);
  HttpResponse handle_call(const HttpRequest& request, const CallErrors& fail);
  std::chrono::system_clock::time_point now() const;

  ServerOptions options_;
  Random random_;
  /// The store of a region (from the credential scope), made on first use.
  Store& store_for(const std::string& region);
  [[nodiscard]] std::string default_region() const;
  /// From the constructors only, before another thread can see the server: no lock.
  void open_stores(std::optional<StoreData> initial) SSM_CACHE_NO_THREAD_SAFETY_ANALYSIS;

  std::unique_ptr<Database> db_;  // null: memory only
  mutable detail::Mutex stores_mu_;
  // by region
  std::map<std::string, std::unique_ptr<Store>> stores_ SSM_CACHE_GUARDED_BY(stores_mu_);
  FaultInjector faults_;
  Stats stats_;
};

}  // namespace ssm_cache::local
