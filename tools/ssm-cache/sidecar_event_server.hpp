// sidecar_event_server.hpp — the event-driven HTTP front of `ssm-cache serve`: N libevent loops
// (evhttp), one per core and at least 2, each with its own SO_REUSEPORT listening socket on
// 127.0.0.1 so the kernel spreads connections over the loops; keep-alive, TCP_NODELAY, a
// listen backlog of 1024, size limits (414 / 431 / 413) and a JSON body on every error it
// produces. Every request goes to SidecarService, on the loop thread that read it: a cached
// answer costs microseconds, but a cache miss holds that loop for the upstream call, so the
// loops' other connections wait for it (bounded by the upstream timeouts).
//
// Same surface as SidecarServer. Thread-safe: stop() may be called from any thread, also
// before run().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "sidecar_service.hpp"

namespace ssm_cache::cli {

class SidecarEventServer {
 public:
  explicit SidecarEventServer(SidecarService& service);
  ~SidecarEventServer();
  SidecarEventServer(const SidecarEventServer&) = delete;
  SidecarEventServer& operator=(const SidecarEventServer&) = delete;

  /// Binds 127.0.0.1:port (0: any free port) and returns the port. Throws std::runtime_error.
  int bind(int port);
  /// Serves until stop(), on the calling thread and loops()-1 more. Returns false if a loop
  /// failed (or bind() was not called).
  bool run();
  void stop();

  /// Event loops: SidecarConfig::threads when set (at most kMaxLoops), else one per core
  /// and at least 2.
  [[nodiscard]] std::size_t loops() const noexcept;
  static constexpr std::size_t kMaxLoops = 64;

  struct Loop;  // one event_base + evhttp + listening socket; defined in the .cpp

 private:
  SidecarService& service_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<bool> stopped_{false};
  bool bound_ = false;
};

}  // namespace ssm_cache::cli
