// http/logging_transport.hpp — a Transport decorator that describes each exchange in one line
// before and one after it (for `ssm-cache --debug`). Thread-safe when the sink is; costs two
// string formats per request.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/transport.hpp"

namespace ssm_cache::http {

using LogSink = std::function<void(std::string_view)>;

/// "> POST https://host/path (AmazonSSM.GetParameters, 58 bytes)" before, "< HTTP 200 from
/// https://host/path (312 bytes, request id X, 12 ms)" or "< no answer from ... (why)" after.
/// The URL loses its query; header values other than X-Amz-Target and bodies are never shown.
std::string describe_request(const Request& request);
std::string describe_response(const Request& request, const Response& response,
                              std::chrono::milliseconds took);

std::shared_ptr<Transport> make_logging_transport(std::shared_ptr<Transport> inner, LogSink sink);

}  // namespace ssm_cache::http
