// http/transport.hpp — the HTTP seam: one request in, one complete response out; and its
// libcurl implementation.
//
// Internal (never installed): the AWS client, the credentials providers (through the
// transport overloads of aws/credentials_transport.hpp) and the Lambda Extensions client send
// through a Transport, so that `http_log` sees every call and tests can record or script them.
// Users reach loopback stand-ins through endpoints and the environment instead.
// Implementations must be thread-safe. The libcurl one keeps connections alive and reuses
// them across calls and threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssm_cache::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The first header with this name (case-insensitive), or empty.
[[nodiscard]] std::string header_value(const Headers& headers, std::string_view name);

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
  [[nodiscard]] std::string header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one request. Any HTTP status is a Response; no response at all (refused, reset,
  /// timeout, TLS failure, truncated or oversized body) throws ssm_cache::TransportError.
  virtual Response send(const Request& request) = 0;
};

struct CurlTransportOptions {
  std::string ca_bundle{};  ///< PEM file; empty: the system store
  std::size_t max_idle_connections = 16;
};

std::shared_ptr<Transport> make_curl_transport(CurlTransportOptions options = {});

}  // namespace ssm_cache::http
