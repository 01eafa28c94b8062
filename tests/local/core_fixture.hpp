// tests/local/core_fixture.hpp — drives LocalServer::handle (the whole server minus sockets)
// with requests signed exactly as the AWS SDKs sign them. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "aws/sigv4.hpp"
#include "local_server.hpp"

namespace local_test {

struct CoreReply {
  int status = 0;
  nlohmann::json json;
  ssm_cache::local::HttpResponse raw;
  [[nodiscard]] std::string code() const {
    return json.is_object() && json.contains("__type") ? json["__type"].get<std::string>() : "";
  }
  [[nodiscard]] std::string message() const {
    if (!json.is_object()) return "";
    if (json.contains("message")) return json["message"].get<std::string>();
    if (json.contains("Message")) return json["Message"].get<std::string>();
    return "";
  }
};

struct SignSpec {
  std::string access_key = "test";
  std::string secret = "test";
  std::string session_token{};
  std::string region = "us-east-1";
  std::string service{};  ///< empty: from the target
  std::chrono::system_clock::time_point when{};  ///< empty: now
  std::string content_type = "application/x-amz-json-1.1";
};

inline ssm_cache::local::HttpRequest signed_request(const std::string& target,
                                                    const std::string& body,
                                                    const SignSpec& spec = {}) {
  ssm_cache::aws::SignableRequest req;
  req.method = "POST";
  req.target = "/";
  req.headers = {{"Host", "127.0.0.1:4583"}, {"X-Amz-Target", target}};
  if (!spec.content_type.empty()) req.headers.emplace_back("Content-Type", spec.content_type);
  req.body = body;
  ssm_cache::aws::SigningOptions options;
  options.region = spec.region;
  options.service = !spec.service.empty()                ? spec.service
                    : target.rfind("AmazonSSM.", 0) == 0 ? "ssm"
                                                         : "secretsmanager";
  const auto when = spec.when == std::chrono::system_clock::time_point{}
                        ? std::chrono::system_clock::now()
                        : spec.when;
  const auto result = ssm_cache::aws::sign_request(
      req, {spec.access_key, spec.secret, spec.session_token}, options, when);
  ssm_cache::local::HttpRequest out{req.method, req.target, req.headers, req.body};
  for (const auto& h : result.added) out.headers.push_back(h);
  return out;
}

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reset({}); }

  /// A new server; without data it loads options.data_file, as the program does.
  void reset(ssm_cache::local::ServerOptions options,
             std::optional<ssm_cache::local::StoreData> data = std::nullopt) {
    server_ =
        data ? std::make_unique<ssm_cache::local::LocalServer>(std::move(options), std::move(*data))
             : std::make_unique<ssm_cache::local::LocalServer>(std::move(options));
  }

  CoreReply send(const ssm_cache::local::HttpRequest& request) {
    CoreReply r;
    r.raw = server_->handle(request);
    r.status = r.raw.status;
    r.json = nlohmann::json::parse(r.raw.body, nullptr, false);
    return r;
  }

  CoreReply call(const std::string& target, const nlohmann::json& body, const SignSpec& spec = {}) {
    return send(signed_request(target, body.dump(), spec));
  }

  CoreReply ssm(const std::string& action, const nlohmann::json& body) {
    return call("AmazonSSM." + action, body);
  }
  CoreReply sm(const std::string& action, const nlohmann::json& body) {
    return call("secretsmanager." + action, body);
  }

  /// PutParameter that must succeed.
  void put(const std::string& name, const std::string& value, const std::string& type = "String",
           nlohmann::json extra = nlohmann::json::object()) {
    extra["Name"] = name;
    extra["Value"] = value;
    extra["Type"] = type;
    const auto r = ssm("PutParameter", extra);
    ASSERT_EQ(r.status, 200) << r.raw.body;
  }

  /// The current value of a parameter (decrypted), or the error code.
  std::string value_of(const std::string& name) {
    const auto r = ssm("GetParameter", {{"Name", name}, {"WithDecryption", true}});
    if (r.status != 200) return "<" + r.code() + ">";
    return r.json["Parameter"]["Value"].get<std::string>();
  }

  std::unique_ptr<ssm_cache::local::LocalServer> server_;
};

}  // namespace local_test
