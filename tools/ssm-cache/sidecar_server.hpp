// sidecar_server.hpp — the fallback HTTP front of `ssm-cache serve`, selected by
// SSM_CACHE_SERVE_FRONT=httplib (the default is SidecarEventServer): cpp-httplib bound to
// 127.0.0.1 only, with a thread pool and keep-alive limits sized for many kept-alive clients
// (the library's defaults, 8 threads and 5 requests per connection, serialise clients and
// reopen connections), TCP_NODELAY, a listen backlog of 1024, size limits (414 / 431 / 413) and a
// JSON body on every error. Every request goes to SidecarService.
//
// Thread-safe: stop() may be called from any thread (a signal thread, the Lambda loop).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "sidecar_service.hpp"

namespace httplib {
class Server;
}

namespace ssm_cache::cli {

class SidecarServer {
 public:
  explicit SidecarServer(SidecarService& service);
  ~SidecarServer();
  SidecarServer(const SidecarServer&) = delete;
  SidecarServer& operator=(const SidecarServer&) = delete;

  /// Binds 127.0.0.1:port (0: any free port) and returns the port. Throws std::runtime_error.
  int bind(int port);
  /// Serves until stop(). Returns false if the server failed.
  bool run();
  void stop();

  /// Worker threads used when SidecarConfig::threads is 0.
  static constexpr std::size_t kDefaultThreads = 256;

 private:
  SidecarService& service_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<int> listen_fd_{-1};
};

}  // namespace ssm_cache::cli
