// fake_transport.hpp — a scripted http::Transport for unit tests of the AWS client: answers
// from a queue (or a handler), records every request. Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "aws/aws_client_impl.hpp"
#include "http/transport.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::testing_client {

inline std::string header_of(const http::Request& r, std::string_view name) {
  http::Response probe;
  probe.headers = r.headers;
  return probe.header(name);
}

inline http::Response json_response(int status, std::string body, http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.emplace_back("x-amzn-RequestId", "req-" + std::to_string(status));
  return r;
}

inline http::Response aws_error(int status, const std::string& code,
                                const std::string& message = "m", http::Headers headers = {}) {
  return json_response(
      status, R"({"__type":"com.amazonaws.ssm#)" + code + R"(","message":")" + message + R"("})",
      std::move(headers));
}

class FakeTransport : public http::Transport {
 public:
  using Step = std::variant<http::Response, TransportError>;
  using Handler = std::function<http::Response(const http::Request&)>;

  void push(Step s) {
    std::lock_guard lock(mutex_);
    steps_.push_back(std::move(s));
  }
  void set_handler(Handler h) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(h);
  }
  std::vector<http::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

  http::Response send(const http::Request& request) override {
    Handler h;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (!steps_.empty()) {
        Step s = std::move(steps_.front());
        steps_.pop_front();
        if (auto* e = std::get_if<TransportError>(&s)) throw *e;
        return std::get<http::Response>(std::move(s));
      }
      h = handler_;
    }
    if (h) return h(request);
    throw TransportError("FakeTransport: no scripted response left", false);
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Step> steps_;
  Handler handler_;
  std::vector<http::Request> requests_;
};

/// Fake clock (the project's one clock seam), sleeper and jitter for the retry seams.
struct FakeTime {
  std::mutex mutex;
  std::shared_ptr<ssm_cache::testing::ManualClock> clock = [] {
    auto c = std::make_shared<ssm_cache::testing::ManualClock>();
    c->set(std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)));
    return c;
  }();
  std::vector<std::chrono::milliseconds> sleeps;
  double random = 1.0;

  [[nodiscard]] std::chrono::system_clock::time_point now() const { return clock->wall_now(); }

  aws::RetrySeams seams() {
    aws::RetrySeams s;
    s.clock = clock;
    s.sleep = [this](std::chrono::milliseconds d) {
      std::lock_guard lock(mutex);
      sleeps.push_back(d);
      clock->advance(d);
    };
    s.random = [this] {
      std::lock_guard lock(mutex);
      return random;
    };
    return s;
  }
};

inline Credentials test_credentials() {
  return Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt,
                     "test"};
}

inline aws::ClientSettings settings_for(std::shared_ptr<http::Transport> transport,
                                        FakeTime* time = nullptr,
                                        const std::string& endpoint = "https://ssm.example") {
  aws::ClientSettings s;
  s.region = "us-east-1";
  s.ssm_endpoint = endpoint;
  s.secrets_manager_endpoint = endpoint;
  s.credentials = aws::make_fixed_credentials(test_credentials());
  s.transport = std::move(transport);
  if (time != nullptr) s.seams = time->seams();
  return s;
}

}  // namespace ssm_cache::testing_client
