// lambda_extension.cpp — see lambda_extension.hpp.
#include "lambda_extension.hpp"

#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace ssm_cache::cli {

namespace {
std::string describe(const httplib::Result& r) {
  if (!r) return "no response (" + httplib::to_string(r.error()) + ")";
  return "HTTP " + std::to_string(r->status) + ": " + r->body.substr(0, 512);
}
}  // namespace

LambdaExtensionClient::LambdaExtensionClient(const std::string& runtime_api, std::string name)
    : http_(std::make_unique<httplib::Client>("http://" + runtime_api)), name_(std::move(name)) {
  if (!http_->is_valid()) {
    throw std::runtime_error("AWS_LAMBDA_RUNTIME_API '" + runtime_api + "' is not host:port");
  }
  http_->set_connection_timeout(5);
  // event/next blocks until the next invoke, which may be hours away.
  http_->set_read_timeout(24 * 3600);
  http_->set_keep_alive(true);
}

LambdaExtensionClient::~LambdaExtensionClient() = default;

void LambdaExtensionClient::register_extension() {
  httplib::Headers headers{{"Lambda-Extension-Name", name_}};
  const std::string body = R"({"events":["INVOKE","SHUTDOWN"]})";
  auto r = http_->Post("/2020-01-01/extension/register", headers, body, "application/json");
  if (!r || r->status != 200) {
    throw std::runtime_error("Lambda extension registration failed: " + describe(r));
  }
  identifier_ = r->get_header_value("Lambda-Extension-Identifier");
  if (identifier_.empty()) {
    throw std::runtime_error(
        "Lambda extension registration answered without a Lambda-Extension-Identifier header");
  }
}

ExtensionEvent LambdaExtensionClient::next_event() {
  httplib::Headers headers{{"Lambda-Extension-Identifier", identifier_}};
  auto r = http_->Get("/2020-01-01/extension/event/next", headers);
  if (!r || r->status != 200) {
    throw std::runtime_error("Lambda extension event/next failed: " + describe(r));
  }
  auto json = nlohmann::json::parse(r->body, nullptr, false);
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
  httplib::Headers headers{{"Lambda-Extension-Identifier", identifier_},
                           {"Lambda-Extension-Function-Error-Type", error_type}};
  nlohmann::json body = {{"errorMessage", message}, {"errorType", error_type}};
  (void)http_->Post("/2020-01-01/extension/init/error", headers, body.dump(), "application/json");
}

void LambdaExtensionClient::stop() { http_->stop(); }

}  // namespace ssm_cache::cli
