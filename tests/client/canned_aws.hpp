// canned_aws.hpp — a tiny stand-in for SSM / Secrets Manager on loopback: POST / dispatched
// on X-Amz-Target to per-test handlers, SigV4 verified with the test secret key, faults queued
// ahead of the handlers. Kept small on purpose: these tests move onto ssm-cache-local later.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "aws/sigv4.hpp"
#include "client/fake_transport.hpp"
#include "http/loopback_server.hpp"

namespace ssm_cache::testing_client {

enum class Fault { Throttle, ServerError, Drop, Garbage, Slow };

class CannedAws {
 public:
  using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

  CannedAws() {
    server_.server().Post(
        "/", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
  }

  // Stops the server before the members its handlers use are destroyed.
  ~CannedAws() {
    release_ = true;
    server_.stop();
  }
  CannedAws(const CannedAws&) = delete;
  CannedAws& operator=(const CannedAws&) = delete;

  void on(const std::string& target, Handler h) {
    std::lock_guard lock(mutex_);
    handlers_[target] = std::move(h);
  }
  void fault(Fault f) {
    std::lock_guard lock(mutex_);
    faults_.push_back(f);
  }
  /// The test's own handler delay (to simulate latency), applied to every call.
  void set_latency(std::chrono::milliseconds d) { latency_ms_ = d.count(); }

  void start() { server_.start(); }
  std::string url() const { return server_.url(); }
  int calls(const std::string& target) const {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(target);
    return it == calls_.end() ? 0 : it->second;
  }
  int bad_signatures() const { return bad_signatures_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  std::size_t connections() const { return server_.connections(); }
  /// Lets a Slow fault answer (it waits at most 10 s otherwise).
  void release_slow() { release_ = true; }

 private:
  void serve(const httplib::Request& req, httplib::Response& res) {
    const int now = ++in_flight_;
    for (int seen = max_in_flight_.load();
         now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
    }
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { --n; }
    } leave{in_flight_};

    const std::string target = req.get_header_value("X-Amz-Target");
    std::optional<Fault> f;
    Handler h;
    {
      std::lock_guard lock(mutex_);
      ++calls_[target];
      if (!faults_.empty()) {
        f = faults_.front();
        faults_.pop_front();
      }
      auto it = handlers_.find(target);
      if (it != handlers_.end()) h = it->second;
    }
    if (latency_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency_ms_.load()));
    res.set_header("x-amzn-RequestId", "rid-" + std::to_string(now));

    if (!verify(req)) {
      ++bad_signatures_;
      return error(res, 403, "InvalidSignatureException", "signature mismatch");
    }
    if (f) {
      switch (*f) {
        case Fault::Throttle: return error(res, 400, "ThrottlingException", "Rate exceeded");
        case Fault::ServerError: return error(res, 500, "InternalServerError", "oops");
        case Fault::Garbage:
          return res.set_content(R"({"Parameters":[{"Name":"a","Value":"SECRETVALUE")",
                                 "application/x-amz-json-1.1");
        case Fault::Drop:
          return res.set_content_provider(
              100, "application/x-amz-json-1.1",
              [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        case Fault::Slow:
          for (int i = 0; i < 1000 && !release_.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          break;
      }
    }
    if (!h) return error(res, 400, "UnknownOperationException", "no handler for " + target);
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return error(res, 400, "SerializationException", "bad json");
    nlohmann::json out = h(body);
    if (out.contains("__type")) {
      res.status = out.value("__status", 400);
      out.erase("__status");
    }
    res.set_content(out.dump(), "application/x-amz-json-1.1");
  }

  static void error(httplib::Response& res, int status, const std::string& code,
                    const std::string& message) {
    res.status = status;
    res.set_header("x-amzn-ErrorType", code);
    res.set_content(
        nlohmann::json{{"__type", "com.amazonaws.ssm#" + code}, {"message", message}}.dump(),
        "application/x-amz-json-1.1");
  }

  // Checks the request's SigV4 signature as AWS would (proves what curl sent is what we signed).
  static bool verify(const httplib::Request& req) {
    aws::SignableRequest sr;
    sr.method = req.method;
    sr.target = req.target.empty() ? req.path : req.target;
    for (const auto& [k, v] : req.headers) {
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") {
        continue;
      }
      sr.headers.emplace_back(k, v);
    }
    sr.body = req.body;
    const std::string expected = aws::expected_signature(sr, test_credentials().secret_access_key);
    aws::ParsedAuthorization auth;
    if (expected.empty() ||
        !aws::parse_authorization(req.get_header_value("Authorization"), auth)) {
      return false;
    }
    return aws::constant_time_equals(expected, auth.signature);
  }

  testing_http::LoopbackServer server_;
  mutable std::mutex mutex_;
  std::map<std::string, Handler> handlers_;
  std::map<std::string, int> calls_;
  std::deque<Fault> faults_;
  std::atomic<long long> latency_ms_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  std::atomic<int> bad_signatures_{0};
  std::atomic<bool> release_{false};
};

}  // namespace ssm_cache::testing_client
