// http/logging_transport.cpp — see logging_transport.hpp.
#include "http/logging_transport.hpp"

#include <chrono>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::http {
namespace {

// A query may carry a presigned credential or a token: never shown.
std::string without_query(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

class LoggingTransport final : public Transport {
 public:
  LoggingTransport(std::shared_ptr<Transport> inner, LogSink sink)
      : inner_(std::move(inner)), sink_(std::move(sink)) {}

  Response send(const Request& request) override {
    sink_(describe_request(request));
    const auto start = std::chrono::steady_clock::now();
    const auto took = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    };
    try {
      Response response = inner_->send(request);
      sink_(describe_response(request, response, took()));
      return response;
    } catch (const TransportError& e) {
      sink_("< no answer from " + without_query(request.url) + " after " +
            std::to_string(took().count()) + " ms (" + e.what() + ")");
      throw;
    }
  }

 private:
  std::shared_ptr<Transport> inner_;
  LogSink sink_;
};

}  // namespace

std::string describe_request(const Request& request) {
  std::string line = "> " + request.method + " " + without_query(request.url) + " (";
  const std::string target = header_value(request.headers, "X-Amz-Target");
  if (!target.empty()) line += target + ", ";
  return line + std::to_string(request.body.size()) + " bytes)";
}

std::string describe_response(const Request& request, const Response& response,
                              std::chrono::milliseconds took) {
  std::string line = "< HTTP " + std::to_string(response.status) + " from " +
                     without_query(request.url) + " (" + std::to_string(response.body.size()) +
                     " bytes";
  const std::string type = response.header("Content-Type");
  if (!type.empty()) line += ", " + type;
  std::string request_id = response.header("x-amzn-RequestId");
  if (request_id.empty()) request_id = response.header("x-amz-request-id");
  if (!request_id.empty()) line += ", request id " + request_id;
  return line + ", " + std::to_string(took.count()) + " ms)";
}

std::shared_ptr<Transport> make_logging_transport(std::shared_ptr<Transport> inner, LogSink sink) {
  return std::make_shared<LoggingTransport>(std::move(inner), std::move(sink));
}

}  // namespace ssm_cache::http
