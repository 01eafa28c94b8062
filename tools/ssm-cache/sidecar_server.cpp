// sidecar_server.cpp — see sidecar_server.hpp.
#include "sidecar_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <stdexcept>

#include <httplib.h>

namespace ssm_cache::cli {

namespace {

const char* status_code_name(int status) {
  switch (status) {
    case 400: return "BadRequest";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 413: return "PayloadTooLarge";
    case 414: return "URITooLong";
    case 431: return "RequestHeaderFieldsTooLarge";
    default: return "HttpError";
  }
}

const char* status_message(int status) {
  switch (status) {
    case 400: return "malformed request (or a header line longer than 8192 bytes)";
    case 404: return "unknown path";
    case 405: return "only GET is supported";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    default: return "request refused";
  }
}

void send(httplib::Response& res, const ServiceResponse& r) {
  res.status = r.status;
  if (!r.allow.empty()) res.set_header("Allow", r.allow);
  res.set_content(r.body, r.content_type.c_str());
}

}  // namespace

SidecarServer::SidecarServer(SidecarService& service)
    : service_(service), server_(std::make_unique<httplib::Server>()) {
  const auto& cfg = service_.config();
  const std::size_t threads = cfg.threads == 0 ? kDefaultThreads : cfg.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_keep_alive_max_count(cfg.keep_alive_max_requests);
  server_->set_keep_alive_timeout(5);
  server_->set_tcp_nodelay(true);
  // A GET needs no body; anything larger than the request limit is refused with 413.
  server_->set_payload_max_length(cfg.max_request_bytes);
  server_->set_socket_options([this](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_.store(fd);
  });

  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    QueryParams query;
    query.reserve(req.params.size());
    for (const auto& [k, v] : req.params) query.emplace_back(k, v);
    std::vector<std::string> tokens;
    for (const auto& [name, value] : req.headers) {
      if (is_token_header(name)) tokens.push_back(value);
    }
    send(res, service_.handle(req.method, req.path, query, tokens));
  };

  const std::size_t limit = cfg.max_request_bytes;
  server_->set_pre_routing_handler(
      [this, handle, limit](const httplib::Request& req, httplib::Response& res) {
        if (req.target.size() > limit) {
          send(res, service_.refuse(414, "URITooLong",
                                    "request URI longer than " + std::to_string(limit) + " bytes"));
          return httplib::Server::HandlerResponse::Handled;
        }
        std::size_t header_bytes = 0;
        for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
        if (header_bytes > limit) {
          send(res, service_.refuse(431, "RequestHeaderFieldsTooLarge",
                                    "request headers longer than " + std::to_string(limit) +
                                        " bytes"));
          return httplib::Server::HandlerResponse::Handled;
        }
        // A request with a body goes through the routes below, so that httplib reads (and
        // bounds) the body before answering and the kept-alive stream stays in sync.
        if (req.method == "GET" && !req.has_header("Content-Length") &&
            !req.has_header("Transfer-Encoding")) {
          handle(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });
  server_->Get(".*", handle);
  server_->Post(".*", handle);
  server_->Put(".*", handle);
  server_->Patch(".*", handle);
  server_->Delete(".*", handle);
  server_->Options(".*", handle);

  // Errors produced by httplib itself (parse failures, 413, 414) get the same JSON shape.
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    auto r = service_.refuse(res.status, status_code_name(res.status),
                             status_message(res.status));
    res.set_content(r.body, r.content_type.c_str());
    return httplib::Server::HandlerResponse::Handled;
  }));
}

SidecarServer::~SidecarServer() = default;

int SidecarServer::bind(int port) {
  int bound = -1;
  if (port == 0) {
    bound = server_->bind_to_any_port("127.0.0.1");
  } else if (server_->bind_to_port("127.0.0.1", port)) {
    bound = port;
  }
  if (bound <= 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) +
                             " (port in use or not allowed)");
  }
  // httplib listens with a backlog of 5, which drops connections when many clients start at
  // once; listen() again on the bound socket raises it.
  if (int fd = listen_fd_.load(); fd >= 0) ::listen(fd, 1024);
  return bound;
}

bool SidecarServer::run() { return server_->listen_after_bind(); }

void SidecarServer::stop() { server_->stop(); }

}  // namespace ssm_cache::cli
