// lambda_extension.hpp — a client of the Lambda Extensions API (2020-01-01): register as an
// external extension, wait for events, report init errors. Used by `ssm-cache serve` when
// AWS_LAMBDA_RUNTIME_API is set. Speaks plain HTTP over the library's transport (libcurl), so
// that the program needs no other HTTP client. Not thread-safe except stop(), which may be
// called from any thread to unblock next_event() (within about a second).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "http/transport.hpp"

namespace ssm_cache::cli {

struct ExtensionEvent {
  enum class Type { kInvoke, kShutdown };
  Type type = Type::kInvoke;
  std::string shutdown_reason{};  ///< "spindown", "timeout", "failure" for SHUTDOWN
};

class LambdaExtensionClient {
 public:
  /// `runtime_api` is AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001"); `name` the extension's file
  /// name in /opt/extensions (Lambda checks it). `transport`: the library's libcurl transport
  /// unless a test passes its own. Throws std::runtime_error when `runtime_api` is not
  /// host:port.
  LambdaExtensionClient(const std::string& runtime_api, std::string name,
                        std::shared_ptr<http::Transport> transport = {});
  ~LambdaExtensionClient();

  /// POST /2020-01-01/extension/register for INVOKE and SHUTDOWN; keeps the identifier.
  /// Throws std::runtime_error with the status and body.
  void register_extension();
  /// GET /2020-01-01/extension/event/next; blocks until Lambda sends an event. Throws
  /// std::runtime_error on failure (including after stop()).
  ExtensionEvent next_event();
  /// POST /2020-01-01/extension/init/error, so that Lambda reports why the extension failed.
  void init_error(const std::string& error_type, const std::string& message);
  void stop();

  [[nodiscard]] const std::string& identifier() const noexcept { return identifier_; }

 private:
  http::Response exchange(const std::string& method, const std::string& path, http::Headers headers,
                          std::string body, const char* doing);

  std::shared_ptr<http::Transport> http_;
  std::string base_url_;  // "http://127.0.0.1:9001"
  std::string name_;
  std::atomic<bool> stopped_{false};
  std::string identifier_;
};

}  // namespace ssm_cache::cli
