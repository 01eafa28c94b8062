// http/transport.hpp — the libcurl implementation of the HTTP seam (ssm_cache/http.hpp).
//
// It keeps connections alive and reuses them across calls and threads; tests substitute their
// own Transport.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "ssm_cache/http.hpp"

namespace ssm_cache::http {

struct CurlTransportOptions {
  std::string ca_bundle{};  ///< PEM file; empty: the system store
  std::size_t max_idle_connections = 16;
};

std::shared_ptr<Transport> make_curl_transport(CurlTransportOptions options = {});

}  // namespace ssm_cache::http
