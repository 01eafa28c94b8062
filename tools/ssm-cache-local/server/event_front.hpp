// ssm-cache-local/server/event_front.hpp — the HTTP front of ssm-cache-local: one libevent (evhttp)
// loop reads every connection without blocking, so clients that trickle their headers (slowloris)
// or keep idle connections open hold no thread; complete requests go to a pool of worker threads
// running LocalServer::handle (writes may fsync, faults may sleep), whose answers the loop then
// sends.
//
// Limits: request headers at most kMaxHeaderBytes in all (a header flood is cut off there,
// whatever the number of headers), bodies over kMaxRequestBody refused with an AWS error
// (and not read at all beyond kMaxReadBody), idle connections closed after kIdleTimeout, a
// listen backlog of kListenBacklog, and a total request-read deadline: evhttp's timeout in
// libevent 2.1 is an idle timeout (reset by every byte), so a client trickling one header line
// every few seconds would keep its connection forever. Each connection must deliver a complete
// request within the deadline, counted from accept or from the previous answer; a connection
// past it is shut down (see RequestDeadlines in event_front.cpp).
//
// Thread-safe: stop() may be called from any thread, also before run().
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_annotations.hpp"
#include "local_server.hpp"

struct bufferevent;
struct event;
struct event_base;
struct evhttp;
struct evhttp_request;

namespace ssm_cache::local {

class EventFront {
 public:
  static constexpr std::size_t kMaxHeaderBytes = std::size_t{64} * 1024;
  static constexpr std::size_t kMaxReadBody = 2 * kMaxRequestBody;
  static constexpr int kIdleTimeoutSeconds = 10;
  static constexpr int kListenBacklog = 1024;
  static constexpr std::chrono::seconds kDefaultRequestReadTimeout{30};

  /// Called after each answer (on a worker): the request, the answer and how long it took.
  using LogFn = std::function<void(const HttpRequest&, const HttpResponse&,
                                   std::chrono::steady_clock::duration)>;

  EventFront(LocalServer& core, std::size_t workers, LogFn log,
             std::chrono::milliseconds request_read_timeout = kDefaultRequestReadTimeout);
  ~EventFront();
  EventFront(const EventFront&) = delete;
  EventFront& operator=(const EventFront&) = delete;

  /// Binds host (a numeric loopback address) and port (0: any free one); returns the port.
  /// Throws std::runtime_error.
  int bind(const std::string& host, int port);
  /// Serves until stop(); returns false when the loop failed.
  bool run();
  void stop();

  struct Job;  // one request on its way to a worker and back
  class RequestDeadlines;  // loop thread only

 private:
  static void on_request(evhttp_request* req, void* arg);
  static void on_done(int fd, short what, void* arg);
  static void on_stop(int fd, short what, void* arg);
  static bufferevent* on_new_connection(event_base* base, void* arg);
  static void on_connection_ready(int fd, short what, void* arg);
  static void on_sweep(int fd, short what, void* arg);
  void work();
  void send(Job& job);

  LocalServer& core_;
  LogFn log_;
  event_base* base_ = nullptr;
  evhttp* http_ = nullptr;
  event* stop_event_ = nullptr;
  event* done_event_ = nullptr;
  event* sweep_event_ = nullptr;
  std::unique_ptr<RequestDeadlines> deadlines_;

  detail::Mutex mu_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<Job>> queue_ SSM_CACHE_GUARDED_BY(mu_);  // waiting for a worker
  // answered, waiting for the loop
  std::vector<std::shared_ptr<Job>> done_ SSM_CACHE_GUARDED_BY(mu_);
  std::vector<bufferevent*> accepted_;  // loop thread: new connections, fd not yet set
  event* accepted_event_ = nullptr;
  bool stopping_ SSM_CACHE_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace ssm_cache::local
