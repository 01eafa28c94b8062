// sidecar_event_server.cpp — see sidecar_event_server.hpp.
#include "sidecar_event_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "common/thread_annotations.hpp"
#include "http_method.hpp"
#include "loopback.hpp"

namespace ssm_cache::cli {

// A request that needs an upstream call (or waits for one in flight): taken off its loop,
// answered by a worker thread, sent back to the loop that owns the evhttp_request.
struct SidecarEventServer::Job {
  Loop* loop = nullptr;
  evhttp_request* req = nullptr;  // touched on `loop`'s thread only
  std::string method;
  std::string path;
  QueryParams query;
  std::vector<std::string> tokens;
  ServiceResponse response;
  int fd = -1;  // the connection's socket: open until the answer is sent (on the loop)

  // Whether the client has closed its end. evhttp stops reading a connection while its
  // request is answered, so it would notice only when writing the answer; the socket itself
  // says so at once (POLLRDHUP: the peer's FIN). A worker drops a request whose client left
  // before calling upstream for it, and stops waiting for one.
  bool client_gone() const {
    if (fd < 0) return false;
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }
};

struct SidecarEventServer::Loop {
  SidecarEventServer* server = nullptr;
  SidecarService* service = nullptr;
  std::size_t limit = 0;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  event* stop_event = nullptr;  // activated by stop() from any thread: breaks the loop
  event* done_event = nullptr;  // activated by workers: sends the answers in `done`
  detail::Mutex done_mu;
  // answered by a worker, not yet sent
  std::vector<std::shared_ptr<Job>> done SSM_CACHE_GUARDED_BY(done_mu);
  int result = 0;  // event_base_dispatch's
};

namespace {

using tools::method_name;

// libevent 2.1's phrase table lacks some codes (431); an explicit phrase keeps the status
// line meaningful.
const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status < 400 ? "OK" : "Error";
  }
}

// The Date header, as evhttp writes it (RFC 1123), formatted once a second per loop thread:
// evhttp would format it for every answer (gmtime_r + snprintf, about 3,500 instructions, a
// twelfth of the sidecar's user-space work per cached answer; bench/sidecar/instructions.sh).
const char* http_date() {
  thread_local std::time_t second = -1;
  thread_local char text[32];
  const std::time_t now = std::time(nullptr);
  if (now != second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    std::snprintf(text, sizeof text, "%s, %02d %s %4d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    second = now;
  }
  return text;
}

void send(evhttp_request* req, const ServiceResponse& r) {
  evkeyvalq* out = evhttp_request_get_output_headers(req);
  evhttp_add_header(out, "Content-Type", r.content_type.c_str());
  if (!r.allow.empty()) evhttp_add_header(out, "Allow", r.allow.c_str());
  // Set here, evhttp leaves them alone: the date from the per-second cache, the length with
  // to_chars instead of evhttp's snprintf. A HEAD answer has no body, so evhttp sends no length.
  evhttp_add_header(out, "Date", http_date());
  if (evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
    char length[24];
    *std::to_chars(length, length + sizeof length - 1, r.body.size()).ptr = '\0';
    evhttp_add_header(out, "Content-Length", length);
  }
  evbuffer_add(evhttp_request_get_output_buffer(req), r.body.data(), r.body.size());
  // Null when the client has gone (evhttp then frees the request in evhttp_send_reply).
  evhttp_connection* conn = evhttp_request_get_connection(req);
  evhttp_send_reply(req, r.status, reason_phrase(r.status), nullptr);
  if (conn == nullptr) return;
  // evhttp only queues the reply: the socket is written at the loop's next iteration, after
  // every other ready connection has been read and answered. Writing it now sends each answer
  // as soon as it is made. When that empties the output buffer, the write-done callback is
  // run (deferred, in this iteration) as bufferevent would after its own write; then evhttp's
  // switch to writing and back to reading cancel out in the changelist, with no epoll_ctl.
  // A partial write or an error leaves the rest to the bufferevent, which reports it as usual.
  bufferevent* bev = evhttp_connection_get_bufferevent(conn);
  evbuffer* pending = bufferevent_get_output(bev);
  if (evbuffer_write(pending, bufferevent_getfd(bev)) > 0 && evbuffer_get_length(pending) == 0) {
    bufferevent_trigger(bev, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
  }
}

// The request's parts as the service takes them, or an early refusal (size limits).
struct ParsedRequest {
  std::optional<ServiceResponse> refused;
  std::string path;
  QueryParams query;
  std::vector<std::string> tokens;
};

ParsedRequest parse(SidecarEventServer::Loop& loop, evhttp_request* req) {
  SidecarService& service = *loop.service;
  ParsedRequest parsed;
  const std::size_t limit = loop.limit;
  const char* uri = evhttp_request_get_uri(req);
  const std::string_view target = uri != nullptr ? uri : "";
  if (target.size() > limit) {
    parsed.refused = service.refuse(414, "URITooLong",
                                    "request URI longer than " + std::to_string(limit) + " bytes");
    return parsed;
  }
  std::size_t header_bytes = 0;
  const evkeyvalq* in = evhttp_request_get_input_headers(req);
  for (const evkeyval* h = in->tqh_first; h != nullptr; h = h->next.tqe_next) {
    header_bytes += std::strlen(h->key) + std::strlen(h->value) + 4;
    if (is_token_header(h->key)) parsed.tokens.emplace_back(h->value);
  }
  if (header_bytes > limit) {
    parsed.refused =
        service.refuse(431, "RequestHeaderFieldsTooLarge",
                       "request headers longer than " + std::to_string(limit) + " bytes");
    return parsed;
  }
  // evhttp has read the whole body (bounded by evhttp_set_max_body_size), so the kept-alive
  // stream stays in sync after this answer.
  if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) > limit) {
    parsed.refused = service.refuse(413, "PayloadTooLarge",
                                    "request body longer than " + std::to_string(limit) + " bytes");
    return parsed;
  }
  RequestTarget split = parse_request_target(target);
  parsed.path = std::move(split.path);
  parsed.query = std::move(split.query);
  return parsed;
}

void on_stop(evutil_socket_t, short, void* arg) {
  event_base_loopbreak(static_cast<event_base*>(arg));
}

void use_pthreads_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Makes event_active() from other threads safe and wakes a loop blocked in epoll.
    if (evthread_use_pthreads() != 0) throw std::runtime_error("libevent: no pthreads support");
  });
}

}  // namespace

// Runs on the loop thread. A request answerable without waiting (a cache hit, a stale value,
// a refusal, /metrics) is answered here; anything else goes to a worker so that the loop's
// other connections keep being served while AWS is slow.
void SidecarEventServer::on_request(evhttp_request* req, void* arg) {
  auto& loop = *static_cast<Loop*>(arg);
  // Never let an exception unwind through libevent's C frames.
  try {
    ParsedRequest parsed = parse(loop, req);
    if (parsed.refused) {
      send(req, *parsed.refused);
      return;
    }
    const char* method = method_name(evhttp_request_get_command(req));
    if (auto r = loop.service->try_handle(method, parsed.path, parsed.query, parsed.tokens)) {
      send(req, *r);
      return;
    }
    auto job = std::make_shared<Job>();
    job->loop = &loop;
    job->req = req;
    job->method = method;
    job->path = std::move(parsed.path);
    job->query = std::move(parsed.query);
    job->tokens = std::move(parsed.tokens);
    if (evhttp_connection* conn = evhttp_request_get_connection(req)) {
      job->fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
    }
    loop.server->submit(job);
  } catch (const std::exception&) {
    send(req, loop.service->refuse(500, "InternalServerError", "internal error"));
  }
}

// Runs on the loop thread: sends what workers answered. evhttp keeps a request whose
// connection closed meanwhile until its reply is sent (and then frees it), so every job's
// request is still valid here.
void SidecarEventServer::on_done(evutil_socket_t, short, void* arg) {
  auto& loop = *static_cast<Loop*>(arg);
  std::vector<std::shared_ptr<Job>> done;
  {
    detail::MutexLock lock(loop.done_mu);
    done.swap(loop.done);
  }
  for (auto& job : done) send(job->req, job->response);
}

void SidecarEventServer::submit(const std::shared_ptr<Job>& job) {
  // Workers start on demand: a sidecar that only serves its cache never starts one.
  const bool queued = workers_.submit([this, job] { answer(job); });
  if (!queued) {
    send(job->req, service_.refuse(503, "ServiceUnavailable", "the server is shutting down"));
  }
}

// On a worker: the answer, then back to the loop that owns the request.
void SidecarEventServer::answer(const std::shared_ptr<Job>& job) {
  try {
    if (job->client_gone()) {
      // Nobody to answer: evhttp frees the request when this reply is "sent".
      job->response = ServiceResponse{499, {}, "application/json", {}};
    } else {
      job->response = service_.handle(job->method, job->path, job->query, job->tokens,
                                      [&job] { return job->client_gone(); });
    }
  } catch (const std::exception&) {
    job->response = service_.refuse(500, "InternalServerError", "internal error");
  }
  Loop& loop = *job->loop;
  {
    detail::MutexLock done_lock(loop.done_mu);
    loop.done.push_back(job);
  }
  event_active(loop.done_event, EV_TIMEOUT, 0);
}

// With every loop stopped: sends what the workers answered after the loops ended (a write
// attempt now, the connection closed by evhttp_free later).
void SidecarEventServer::send_done() {
  for (auto& loop : loops_) on_done(-1, 0, loop.get());
}

SidecarEventServer::SidecarEventServer(SidecarService& service) : service_(service) {
  use_pthreads_once();
  const auto& cfg = service_.config();
  // evhttp refuses on its own (with an HTML body and a closed connection) only beyond these
  // generous bounds; up to them, answer() applies the configured limit with a JSON body.
  const std::size_t limit = cfg.max_request_bytes;
  const auto max_headers =
      static_cast<ev_ssize_t>(std::max<std::size_t>(limit * 8, std::size_t{64} * 1024));
  const auto max_body = static_cast<ev_ssize_t>(std::max<std::size_t>(limit * 128, 1 << 20));
  for (std::size_t i = 0; i < loops(); ++i) {
    auto loop = std::make_unique<Loop>();
    loop->service = &service_;
    loop->limit = limit;
    // evhttp switches a connection's socket between reading and writing on every request;
    // with the changelist, the switches made in one loop iteration become one epoll_ctl
    // (2 per request instead of 4). Safe here: no socket is dup()ed.
    event_config* base_cfg = event_config_new();
    if (base_cfg == nullptr) throw std::runtime_error("libevent: cannot create an event loop");
    event_config_set_flag(base_cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    loop->base = event_base_new_with_config(base_cfg);
    event_config_free(base_cfg);
    if (loop->base == nullptr) throw std::runtime_error("libevent: cannot create an event loop");
    loop->server = this;
    loop->http = evhttp_new(loop->base);
    loop->stop_event = event_new(loop->base, -1, 0, on_stop, loop->base);
    loop->done_event = event_new(loop->base, -1, 0, on_done, loop.get());
    if (loop->http == nullptr || loop->stop_event == nullptr || loop->done_event == nullptr) {
      if (loop->http != nullptr) evhttp_free(loop->http);
      if (loop->stop_event != nullptr) event_free(loop->stop_event);
      if (loop->done_event != nullptr) event_free(loop->done_event);
      event_base_free(loop->base);
      throw std::runtime_error("libevent: cannot create the HTTP server");
    }
    // Every method reaches the service, which answers 405 with Allow: GET.
    evhttp_set_allowed_methods(loop->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                               EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                               EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                               EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_max_headers_size(loop->http, max_headers);
    evhttp_set_max_body_size(loop->http, max_body);
    // Idle kept-alive connections close after 5 s, as with the httplib front.
    evhttp_set_timeout(loop->http, 5);
    evhttp_set_gencb(loop->http, &SidecarEventServer::on_request, loop.get());
    loops_.push_back(std::move(loop));
  }
}

SidecarEventServer::~SidecarEventServer() {
  workers_.stop();
  send_done();
  for (auto& loop : loops_) {
    evhttp_free(loop->http);  // closes the listening socket and open connections
    event_free(loop->stop_event);
    event_free(loop->done_event);
    event_base_free(loop->base);
  }
}

std::size_t SidecarEventServer::loops() const noexcept {
  const std::size_t configured = service_.config().threads;
  if (configured != 0) return std::min(configured, kMaxLoops);
  // Two loops per CPU this process may run on (its affinity mask, as taskset or a container
  // set it): when the scheduler takes a core from a loop (to the client, or to another
  // program), the loop's connections wait a time slice; with two loops per core they are half
  // as many, and the sidecar's share of a contended core is larger. Measured in
  // docs/bench/sidecar.md: at 64 connections, p99 went from 2.2-3.3 ms with one loop per core
  // to under 1 ms with two.
  std::size_t cpus = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    cpus = static_cast<std::size_t>(CPU_COUNT(&set));
  }
  if (cpus == 0) cpus = std::thread::hardware_concurrency();
  return std::clamp<std::size_t>(2 * cpus, 2, kMaxLoops);
}

int SidecarEventServer::bind(int port) {
  if (bound_) throw std::runtime_error("the sidecar server is already bound");
  int bound = port;
  // One socket per loop on the same port (SO_REUSEPORT): the kernel spreads new connections
  // over the loops, and no loop wakes for a connection another one takes.
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    const int fd = tools::listen_loopback({"127.0.0.1", bound, /*reuse_port=*/true, 1024});
    if (i == 0) bound = tools::bound_port(fd);
    // evhttp owns the socket from here and closes it in evhttp_free.
    if (evhttp_accept_socket(loops_[i]->http, fd) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) +
                               " (evhttp_accept_socket failed)");
    }
  }
  bound_ = true;
  return bound;
}

bool SidecarEventServer::run() {
  if (!bound_) return false;
  if (stopped_.load()) return true;
  // libevent writes with write(2), not send(MSG_NOSIGNAL): a client that went away must give
  // EPIPE, not kill the process. SIGPIPE is thread-directed, so blocking it here (and in the
  // loop threads, which inherit the mask) is enough.
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);

  std::vector<std::thread> threads;
  threads.reserve(loops_.size() - 1);
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    threads.emplace_back(
        [loop = loops_[i].get()] { loop->result = event_base_dispatch(loop->base); });
  }
  loops_[0]->result = event_base_dispatch(loops_[0]->base);
  stop();  // if loop 0 ended on its own, the others must end too
  for (auto& t : threads) t.join();
  // Requests already with a worker finish (bounded by the upstream timeouts) and get their
  // answer; evhttp frees a request only once its reply is sent or its connection is freed.
  workers_.stop();
  send_done();
  // One more non-blocking pass per loop writes those answers out (a request arriving in it
  // gets 503 from submit()).
  for (auto& loop : loops_) {
    event_del(loop->stop_event);  // still active from stop(): it would end the pass at once
    event_base_loop(loop->base, EVLOOP_NONBLOCK);
  }
  // A SIGPIPE left pending on this thread would be delivered by unblocking it: take it first.
  timespec no_wait{0, 0};
  while (sigtimedwait(&pipe_set, nullptr, &no_wait) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return std::all_of(loops_.begin(), loops_.end(),
                     [](const auto& loop) { return loop->result == 0; });
}

void SidecarEventServer::stop() {
  stopped_.store(true);
  // An activated event runs at the loop's next iteration, also if the loop has not started
  // yet (event_base_loopbreak before dispatch would be forgotten).
  for (auto& loop : loops_) event_active(loop->stop_event, EV_TIMEOUT, 0);
}

}  // namespace ssm_cache::cli
