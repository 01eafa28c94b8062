// lambda_extension.cpp — see lambda_extension.hpp.
#include "lambda_extension.hpp"

#include <chrono>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::cli {

namespace {

std::string describe(const http::Response& r) {
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 512);
}

// "host:port" with a non-empty host and a numeric port: what Lambda sets.
bool is_host_port(const std::string& api) {
  const auto colon = api.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == api.size()) return false;
  if (api.find_first_of("/?#@ ") != std::string::npos) return false;
  return api.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}

}  // namespace

LambdaExtensionClient::LambdaExtensionClient(const std::string& runtime_api, std::string name,
                                             std::shared_ptr<http::Transport> transport)
    : http_(transport ? std::move(transport) : http::make_curl_transport()),
      base_url_("http://" + runtime_api),
      name_(std::move(name)) {
  if (!is_host_port(runtime_api)) {
    throw std::runtime_error("AWS_LAMBDA_RUNTIME_API '" + runtime_api + "' is not host:port");
  }
}

LambdaExtensionClient::~LambdaExtensionClient() = default;

http::Response LambdaExtensionClient::exchange(const std::string& method, const std::string& path,
                                               http::Headers headers, std::string body,
                                               const char* doing) {
  http::Request request;
  request.method = method;
  request.url = base_url_ + path;
  request.headers = std::move(headers);
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  request.connect_timeout = std::chrono::seconds(5);
  // event/next blocks until the next invoke, which may be hours away; stop() ends it.
  request.timeout = std::chrono::hours(24);
  request.cancel = &stopped_;
  try {
    return http_->send(request);
  } catch (const TransportError& e) {
    throw std::runtime_error(std::string("Lambda extension ") + doing + " failed: no response (" +
                             e.what() + ")");
  }
}

void LambdaExtensionClient::register_extension() {
  auto r = exchange("POST", "/2020-01-01/extension/register", {{"Lambda-Extension-Name", name_}},
                    R"({"events":["INVOKE","SHUTDOWN"]})", "registration");
  if (r.status != 200) {
    throw std::runtime_error("Lambda extension registration failed: " + describe(r));
  }
  identifier_ = r.header("Lambda-Extension-Identifier");
  if (identifier_.empty()) {
    throw std::runtime_error(
        "Lambda extension registration answered without a Lambda-Extension-Identifier header");
  }
}

ExtensionEvent LambdaExtensionClient::next_event() {
  auto r = exchange("GET", "/2020-01-01/extension/event/next",
                    {{"Lambda-Extension-Identifier", identifier_}}, {}, "event/next");
  if (r.status != 200) {
    throw std::runtime_error("Lambda extension event/next failed: " + describe(r));
  }
  auto json = nlohmann::json::parse(r.body, nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("eventType") ||
      !json["eventType"].is_string()) {
    throw std::runtime_error("Lambda extension event/next answered an event without eventType");
  }
  ExtensionEvent event;
  const auto type = json["eventType"].get<std::string>();
  if (type == "SHUTDOWN") {
    event.type = ExtensionEvent::Type::kShutdown;
    if (json.contains("shutdownReason") && json["shutdownReason"].is_string()) {
      event.shutdown_reason = json["shutdownReason"].get<std::string>();
    }
  } else {
    event.type = ExtensionEvent::Type::kInvoke;
  }
  return event;
}

void LambdaExtensionClient::init_error(const std::string& error_type, const std::string& message) {
  nlohmann::json body = {{"errorMessage", message}, {"errorType", error_type}};
  try {
    (void)exchange("POST", "/2020-01-01/extension/init/error",
                   {{"Lambda-Extension-Identifier", identifier_},
                    {"Lambda-Extension-Function-Error-Type", error_type}},
                   body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                   "init/error");
  } catch (const std::runtime_error&) {
    // Best effort: the caller is already failing and says why in its own log.
  }
}

void LambdaExtensionClient::stop() { stopped_.store(true); }

}  // namespace ssm_cache::cli
