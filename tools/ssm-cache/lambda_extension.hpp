// lambda_extension.hpp — a client of the Lambda Extensions API (2020-01-01): register as an
// external extension, wait for events, report init errors. Used by `ssm-cache serve` when
// AWS_LAMBDA_RUNTIME_API is set. Not thread-safe except stop(), which may be called from any
// thread to unblock next_event().
#pragma once

#include <memory>
#include <string>

namespace httplib {
class Client;
}

namespace ssm_cache::cli {

struct ExtensionEvent {
  enum class Type { kInvoke, kShutdown };
  Type type = Type::kInvoke;
  std::string shutdown_reason{};  ///< "spindown", "timeout", "failure" for SHUTDOWN
};

class LambdaExtensionClient {
 public:
  /// `runtime_api` is AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001"); `name` the extension's file
  /// name in /opt/extensions (Lambda checks it).
  LambdaExtensionClient(const std::string& runtime_api, std::string name);
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
  std::unique_ptr<httplib::Client> http_;
  std::string name_;
  std::string identifier_;
};

}  // namespace ssm_cache::cli
