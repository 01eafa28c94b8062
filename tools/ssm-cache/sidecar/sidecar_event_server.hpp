// sidecar_event_server.hpp — the HTTP front of `ssm-cache serve`: N libevent loops (evhttp),
// two per CPU, each with its own SO_REUSEPORT listening socket on 127.0.0.1 so the kernel
// spreads connections over the loops; epoll changelists (one epoll_ctl per direction switch),
// keep-alive, TCP_NODELAY, a listen backlog of 1024, size limits (414 / 431 / 413) and a JSON
// body on every error it produces.
//
// A loop answers what needs no waiting itself (cache hits, stale values, refusals, /metrics:
// microseconds). A request that needs an upstream call, or waits for one in flight, goes to a
// worker thread (started on demand, at most kMaxWorkers), whose answer the loop then sends:
// a slow or throttled AWS call holds its own request only, never the loop's other connections.
//
// Thread-safe: stop() may be called from any thread, also before run().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "sidecar_service.hpp"
#include "task_pool.hpp"

struct evhttp_request;  // <event2/http.h>, kept out of this header

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

  /// Event loops: SidecarConfig::threads when set (at most kMaxLoops), else two per CPU of
  /// the process's affinity mask.
  [[nodiscard]] std::size_t loops() const noexcept;
  static constexpr std::size_t kMaxLoops = 64;

  /// Threads answering requests that wait for AWS; a request beyond them queues.
  static constexpr std::size_t kMaxWorkers = 128;

  struct Loop;  // one event_base + evhttp + listening socket; defined in the .cpp
  struct Job;  // a request handed to a worker

 private:
  static void on_request(evhttp_request* req, void* arg);
  static void on_done(int fd, short what, void* arg);
  void submit(const std::shared_ptr<Job>& job);
  void answer(const std::shared_ptr<Job>& job);
  void send_done();

  SidecarService& service_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<bool> stopped_{false};
  bool bound_ = false;

  TaskPool workers_{kMaxWorkers};  // requests that wait for AWS
};

}  // namespace ssm_cache::cli
