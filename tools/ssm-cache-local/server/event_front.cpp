// ssm-cache-local/server/event_front.cpp — see event_front.hpp.
#include "event_front.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "http_method.hpp"
#include "loopback.hpp"

namespace ssm_cache::local {

struct EventFront::Job {
  evhttp_request* req = nullptr;  // touched on the loop thread only
  HttpRequest request;
  HttpResponse response;
  std::chrono::steady_clock::time_point received;
};

namespace {

using tools::method_name;

HttpRequest read_request(evhttp_request* req) {
  HttpRequest request;
  request.method = method_name(evhttp_request_get_command(req));
  const char* uri = evhttp_request_get_uri(req);
  request.target = uri != nullptr ? uri : "/";
  const evkeyvalq* in = evhttp_request_get_input_headers(req);
  for (const evkeyval* h = in->tqh_first; h != nullptr; h = h->next.tqe_next) {
    request.headers.emplace_back(h->key, h->value);
  }
  evbuffer* body = evhttp_request_get_input_buffer(req);
  request.body.resize(evbuffer_get_length(body));
  evbuffer_copyout(body, request.body.data(), request.body.size());
  return request;
}

int connection_fd(evhttp_request* req) {
  evhttp_connection* conn = evhttp_request_get_connection(req);
  return conn == nullptr ? -1 : bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
}

void use_pthreads_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Makes event_active() from the workers safe and wakes the loop blocked in epoll.
    if (evthread_use_pthreads() != 0) throw std::runtime_error("libevent: no pthreads support");
  });
}

}  // namespace

// The request-read deadline of each open connection, by socket. evhttp in libevent 2.1 says
// neither when it has read a request's headers (only the whole request) nor when it frees a
// connection, so an entry is checked before it is acted on: a socket is recognised by its inode
// (unique among open sockets), and an entry whose fd was closed or reused since is dropped
// instead of shutting down someone else's socket.
class EventFront::RequestDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestDeadlines(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  /// The connection on fd must deliver a complete request within the timeout from now.
  void arm(int fd) {
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return;
    entries_[fd] = Entry{st.st_ino, Clock::now() + timeout_};
  }
  /// fd delivered a complete request: no deadline until its answer is sent.
  void disarm(int fd) { entries_.erase(fd); }

  /// Shuts down (both ways) every connection past its deadline: evhttp then reads end of file
  /// and frees the connection itself. Forgets entries of sockets that are gone.
  void sweep() {
    const auto now = Clock::now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      struct stat st {};
      const bool same =
          ::fstat(it->first, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == it->second.inode;
      if (same && now < it->second.deadline) {
        ++it;
        continue;
      }
      if (same) ::shutdown(it->first, SHUT_RDWR);
      it = entries_.erase(it);
    }
  }

  /// How often sweep() runs: a fraction of the timeout, so a connection is closed at most
  /// about a quarter of the timeout late.
  timeval sweep_interval() const {
    const auto ms = std::clamp<std::int64_t>(timeout_.count() / 4, 20, 1000);
    return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>(ms % 1000 * 1000)};
  }

 private:
  struct Entry {
    ino_t inode;
    Clock::time_point deadline;
  };
  std::chrono::milliseconds timeout_;
  std::unordered_map<int, Entry> entries_;
};

EventFront::EventFront(LocalServer& core, std::size_t workers, LogFn log,
                       std::chrono::milliseconds request_read_timeout)
    : core_(core),
      log_(std::move(log)),
      deadlines_(std::make_unique<RequestDeadlines>(request_read_timeout)) {
  use_pthreads_once();
  base_ = event_base_new();
  if (base_ == nullptr) throw std::runtime_error("libevent: cannot create an event loop");
  http_ = evhttp_new(base_);
  stop_event_ = event_new(base_, -1, 0, &EventFront::on_stop, base_);
  done_event_ = event_new(base_, -1, 0, &EventFront::on_done, this);
  accepted_event_ = event_new(base_, -1, 0, &EventFront::on_connection_ready, this);
  sweep_event_ = event_new(base_, -1, EV_PERSIST, &EventFront::on_sweep, this);
  const timeval sweep_every = deadlines_->sweep_interval();
  if (http_ == nullptr || stop_event_ == nullptr || done_event_ == nullptr ||
      accepted_event_ == nullptr || sweep_event_ == nullptr ||
      event_add(sweep_event_, &sweep_every) != 0) {
    throw std::runtime_error("libevent: cannot create the HTTP server");
  }
  evhttp_set_bevcb(http_, &EventFront::on_new_connection, this);
  evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                        EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
                                        EVHTTP_REQ_OPTIONS);
  // The request line and all headers together: a flood of headers is cut off here (evhttp
  // answers 400 and closes), so its memory is bounded per connection.
  evhttp_set_max_headers_size(http_, static_cast<ev_ssize_t>(kMaxHeaderBytes));
  // Bodies up to kMaxReadBody are read so that the core answers the AWS 413 error; beyond,
  // evhttp refuses without reading them.
  evhttp_set_max_body_size(http_, static_cast<ev_ssize_t>(kMaxReadBody));
  // Closes a connection that sends or accepts nothing for this long (idle keep-alive, or a
  // client stalled in the middle of its headers).
  evhttp_set_timeout(http_, kIdleTimeoutSeconds);
  evhttp_set_gencb(http_, &EventFront::on_request, this);
  for (std::size_t i = 0; i < std::max<std::size_t>(workers, 1); ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

EventFront::~EventFront() {
  {
    detail::MutexLock lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  for (bufferevent* bev : accepted_) bufferevent_decref(bev);
  if (http_ != nullptr) evhttp_free(http_);
  if (stop_event_ != nullptr) event_free(stop_event_);
  if (done_event_ != nullptr) event_free(done_event_);
  if (accepted_event_ != nullptr) event_free(accepted_event_);
  if (sweep_event_ != nullptr) event_free(sweep_event_);
  if (base_ != nullptr) event_base_free(base_);
}

int EventFront::bind(const std::string& host, int port) {
  const int fd = tools::listen_loopback({host, port, /*reuse_port=*/false, kListenBacklog});
  int bound = 0;
  try {
    bound = tools::bound_port(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (evhttp_accept_socket(http_, fd) != 0) {  // evhttp owns fd from here
    ::close(fd);
    throw std::runtime_error("evhttp_accept_socket failed");
  }
  return bound;
}

bool EventFront::run() {
  const int result = event_base_dispatch(base_);
  {
    detail::MutexLock lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  // Requests already read are answered (the workers drain the queue), then written out.
  for (auto& w : workers_) w.join();
  on_done(-1, 0, this);
  event_del(stop_event_);
  event_del(sweep_event_);
  event_base_loop(base_, EVLOOP_NONBLOCK);
  return result == 0;
}

void EventFront::stop() { event_active(stop_event_, EV_TIMEOUT, 0); }

void EventFront::on_stop(int, short, void* arg) {
  event_base_loopbreak(static_cast<event_base*>(arg));
}

// On the loop thread, inside evhttp's accept: the bufferevent of a new connection. evhttp sets
// its fd only after this returns, so the deadline is armed by on_connection_ready, which runs
// in the same pass of the loop, before any I/O on the connection could free it (the extra
// reference covers evhttp failing to set the connection up).
bufferevent* EventFront::on_new_connection(event_base* base, void* arg) {
  auto& self = *static_cast<EventFront*>(arg);
  bufferevent* bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
  if (bev == nullptr) return nullptr;
  bufferevent_incref(bev);
  self.accepted_.push_back(bev);
  event_active(self.accepted_event_, EV_TIMEOUT, 0);
  return bev;
}

void EventFront::on_connection_ready(int, short, void* arg) {
  auto& self = *static_cast<EventFront*>(arg);
  for (bufferevent* bev : self.accepted_) {
    bufferevent_data_cb read_cb = nullptr;
    bufferevent_getcb(bev, &read_cb, nullptr, nullptr, nullptr);
    if (read_cb != nullptr) self.deadlines_->arm(bufferevent_getfd(bev));  // else: freed
    bufferevent_decref(bev);
  }
  self.accepted_.clear();
}

void EventFront::on_sweep(int, short, void* arg) {
  static_cast<EventFront*>(arg)->deadlines_->sweep();
}

// On the loop thread: a complete request; a worker answers it.
void EventFront::on_request(evhttp_request* req, void* arg) {
  auto& self = *static_cast<EventFront*>(arg);
  self.deadlines_->disarm(connection_fd(req));
  auto job = std::make_shared<Job>();
  job->req = req;
  job->received = std::chrono::steady_clock::now();
  try {
    job->request = read_request(req);
  } catch (const std::exception&) {
    evhttp_send_error(req, 500, nullptr);
    return;
  }
  {
    detail::MutexLock lock(self.mu_);
    self.queue_.push_back(std::move(job));
  }
  self.ready_.notify_one();
}

void EventFront::work() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      detail::UniqueLock lock(mu_);
      lock.wait(ready_, [&]() SSM_CACHE_REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job->response = core_.handle(job->request);
    } catch (const std::exception&) {
      job->response = HttpResponse{};
      job->response.status = 500;
      job->response.body = R"({"message":"internal error"})";
    }
    if (job->response.delay.count() > 0) std::this_thread::sleep_for(job->response.delay);
    if (log_) log_(job->request, job->response, std::chrono::steady_clock::now() - job->received);
    {
      detail::MutexLock lock(mu_);
      done_.push_back(std::move(job));
    }
    event_active(done_event_, EV_TIMEOUT, 0);
  }
}

// On the loop thread: sends what the workers answered. evhttp keeps a request whose client
// went away until its reply is sent (and frees it then), so every job's request is valid.
void EventFront::on_done(int, short, void* arg) {
  auto& self = *static_cast<EventFront*>(arg);
  std::vector<std::shared_ptr<Job>> done;
  {
    detail::MutexLock lock(self.mu_);
    done.swap(self.done_);
  }
  for (auto& job : done) self.send(*job);
}

void EventFront::send(Job& job) {
  evhttp_request* req = job.req;
  const HttpResponse& response = job.response;
  evkeyvalq* out = evhttp_request_get_output_headers(req);
  bool has_type = false;
  for (const auto& [k, v] : response.headers) {
    has_type = has_type || k == "Content-Type";
    evhttp_add_header(out, k.c_str(), v.c_str());
  }
  if (!has_type) evhttp_add_header(out, "Content-Type", "application/json");
  std::string_view body = response.body;
  switch (response.delivery) {
    case HttpResponse::Delivery::kDrop:
      // The connection is lost before any byte of the answer: the reply below cannot be
      // written, and evhttp frees the connection on that error.
      if (const int fd = connection_fd(req); fd >= 0) ::shutdown(fd, SHUT_RDWR);
      body = {};
      break;
    case HttpResponse::Delivery::kTruncate:
      // Announce the full length, send half, close: the client sees a short body.
      evhttp_add_header(out, "Content-Length", std::to_string(body.size()).c_str());
      evhttp_add_header(out, "Connection", "close");
      body = body.substr(0, body.size() / 2);
      break;
    case HttpResponse::Delivery::kNormal: break;
  }
  evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
  const int fd = connection_fd(req);
  evhttp_send_reply(req, response.status, nullptr, nullptr);
  // A kept-alive connection gets the same time for its next request (the idle timeout alone
  // would let a client trickle it forever).
  if (response.delivery == HttpResponse::Delivery::kNormal) deadlines_->arm(fd);
}

}  // namespace ssm_cache::local
