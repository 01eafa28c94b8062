// loopback.hpp — the listening socket both programs serve on, bound to a loopback address
// only (the sidecar holds secrets; ssm-cache-local accepts test credentials): 127.0.0.1 or
// ::1, refused otherwise before anything is bound.
#pragma once

#include <string>

namespace ssm_cache::tools {

struct ListenOptions {
  std::string host = "127.0.0.1";  ///< a numeric loopback address: 127.x.y.z or ::1
  int port = 0;  ///< 0: any free port
  /// SO_REUSEPORT: several sockets on one port, one per event loop, so that the kernel spreads
  /// new connections over the loops.
  bool reuse_port = false;
  int backlog = 1024;
};

/// A non-blocking, close-on-exec listening socket (SO_REUSEADDR, TCP_NODELAY, which accepted
/// sockets inherit) bound to `options`. The caller owns the descriptor. Throws
/// std::runtime_error saying which address and why ("cannot listen on 127.0.0.1:80 (bind:
/// Permission denied)"), or std::invalid_argument for an address that is not loopback.
int listen_loopback(const ListenOptions& options);

/// The port a bound socket listens on.
int bound_port(int fd);

}  // namespace ssm_cache::tools
