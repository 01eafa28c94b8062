// ssm_cache/http.hpp — the HTTP seam: one request in, one complete response out.
//
// The credential providers' configs (ssm_cache/credentials.hpp) take a Transport so that a
// program can route their calls (STS, SSO, container, IMDS) its own way or record them in a
// test; null means the library's libcurl transport, which keeps connections alive and reuses
// them across calls and threads. Implementations must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ssm_cache/export.hpp"

namespace ssm_cache::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "POST";
  std::string url;  ///< "https://ssm.us-east-1.amazonaws.com/"
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{10000};  ///< whole attempt
  std::size_t max_response_bytes = 16u << 20;
  /// When set, the exchange is abandoned once this becomes true (checked about once a second
  /// while waiting, so another thread can end a long poll) and send throws a TransportError.
  const std::atomic<bool>* cancel = nullptr;
};

struct Response {
  int status = 0;
  Headers headers;  ///< names as received
  std::string body;
  /// First header with this name (case-insensitive), or empty.
  [[nodiscard]] SSM_CACHE_EXPORT std::string header(std::string_view name) const;
};

class SSM_CACHE_EXPORT Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one request. Any HTTP status is a Response; no response at all (refused, reset,
  /// timeout, TLS failure, truncated or oversized body) throws ssm_cache::TransportError.
  virtual Response send(const Request& request) = 0;
};

}  // namespace ssm_cache::http
