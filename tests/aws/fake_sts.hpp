// tests/aws/fake_sts.hpp — STS for the credentials tests: canned Query protocol answers, a
// loopback cpp-httplib server playing STS from a script, a transport that answers without any
// network, and a runner for botocore_sts.py (botocore's view of the same requests and answers).
// The server and the transport are thread-safe.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/loopback_server.hpp"
#include "http/transport.hpp"
#include "python_script.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::testing_aws {

/// A clock stopped at the wall-clock time `when` (signing times, generated session names).
inline std::shared_ptr<testing::ManualClock> clock_at(std::chrono::system_clock::time_point when) {
  auto clock = std::make_shared<testing::ManualClock>();
  clock->set(when);
  return clock;
}

inline std::string sts_success_xml(const std::string& action = "AssumeRoleWithWebIdentity",
                                   const std::string& key = "ASIASTSLOOP",
                                   const std::string& expiration = "2030-01-02T03:04:05Z",
                                   const std::string& token = "sts-session-token&amp;more") {
  const bool web = action == "AssumeRoleWithWebIdentity";
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <" +
         action + "Result>\n" +
         (web ? "    "
                "<SubjectFromWebIdentityToken>system:serviceaccount:default:app</"
                "SubjectFromWebIdentityToken>\n"
                "    <Audience>sts.amazonaws.com</Audience>\n"
              : "") +
         "    <AssumedRoleUser>\n"
         "      <Arn>arn:aws:sts::123456789012:assumed-role/eks-app/s</Arn>\n"
         "      <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n"
         "    </AssumedRoleUser>\n"
         "    <Credentials>\n"
         "      <SessionToken>" +
         token +
         "</SessionToken>\n"
         "      <SecretAccessKey>sts-secret-key</SecretAccessKey>\n"
         "      <Expiration>" +
         expiration +
         "</Expiration>\n"
         "      <AccessKeyId>" +
         key +
         "</AccessKeyId>\n"
         "    </Credentials>\n" +
         (web ? "    "
                "<Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.example</Provider>\n"
              : "") +
         "  </" + action +
         "Result>\n"
         "  <ResponseMetadata>\n    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
         "  </ResponseMetadata>\n"
         "</" +
         action + "Response>\n";
}

inline std::string sts_error_xml(const std::string& code, const std::string& message,
                                 const std::string& type = "Sender") {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    "
         "<Type>" +
         type + "</Type>\n    <Code>" + code + "</Code>\n    <Message>" + message +
         "</Message>\n  </Error>\n  <RequestId>req-" + code + "</RequestId>\n</ErrorResponse>\n";
}

/// A loopback STS: answers from a script (the last answer repeats), records each request.
class FakeSts {
 public:
  struct Seen {
    std::string path, content_type, authorization, body;
    std::map<std::string, std::string> params;
    std::vector<std::pair<std::string, std::string>> headers;  ///< as received
    std::string header(const std::string& name) const {
      for (const auto& [k, v] : headers) {
        if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
      }
      return {};
    }
  };

  explicit FakeSts(std::string first = sts_success_xml()) {
    answers_.emplace_back(200, std::move(first));
    server_.server().Post("/", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      Seen s{req.path,
             req.get_header_value("Content-Type"),
             req.get_header_value("Authorization"),
             req.body,
             {},
             {}};
      for (const auto& [k, v] : req.params) s.params[k] = v;
      for (const auto& [k, v] : req.headers) s.headers.emplace_back(k, v);
      seen_.push_back(std::move(s));
      const auto [status, body] = answers_.size() > 1 ? pop() : answers_.front();
      res.status = status;
      res.set_content(body, "text/xml");
    });
    server_.start();
  }

  void answer(std::vector<std::pair<int, std::string>> answers) {
    std::lock_guard lock(mutex_);
    answers_.assign(answers.begin(), answers.end());
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::string url() const { return server_.url(); }

 private:
  std::pair<int, std::string> pop() {
    auto a = answers_.front();
    answers_.pop_front();
    return a;
  }

  testing_http::LoopbackServer server_;
  mutable std::mutex mutex_;
  std::deque<std::pair<int, std::string>> answers_;
  std::vector<Seen> seen_;
};

/// Records the request and answers from a canned body: no network at all.
class CannedTransport final : public http::Transport {
 public:
  CannedTransport(int status, std::string body) : status_(status), body_(std::move(body)) {}
  http::Response send(const http::Request& request) override {
    std::lock_guard lock(mutex_);
    last_ = request;
    http::Response r;
    r.status = status_;
    r.body = body_;
    return r;
  }
  http::Request last() {
    std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  int status_;
  std::string body_;
  std::mutex mutex_;
  http::Request last_;
};

/// First header with this name in a request we built, or empty.
inline std::string header_of(const http::Request& request, const std::string& name) {
  for (const auto& [k, v] : request.headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return {};
}

/// Runs `f`, expects a CredentialsError (a CredentialsNotConfigured comes back as
/// "not configured: " + its message) and returns its message after checking that it holds none
/// of `secrets`.
template <typename F>
std::string credentials_error_of(F&& f, std::initializer_list<const char*> secrets) {
  try {
    f();
  } catch (const CredentialsNotConfigured& e) {
    return std::string("not configured: ") + e.what();
  } catch (const CredentialsError& e) {
    const std::string m = e.what();
    for (const char* secret : secrets) EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr(secret)));
    return m;
  }
  ADD_FAILURE() << "no CredentialsError";
  return {};
}

/// Runs tests/aws/botocore_sts.py on `cases`: one result per case, or an empty array when the
/// script failed.
inline nlohmann::json run_botocore_sts(const nlohmann::json& cases) {
  return testing_python::run_json("tests/aws/botocore_sts.py", cases)
      .value_or(nlohmann::json::array());
}

/// Expects `provider` (sending through `transport`) to read the canned answer as botocore did
/// (`b`, one result of run_botocore_sts) and to have sent the same URL, body and Content-Type.
inline void expect_like_botocore(CredentialsProvider& provider, CannedTransport& transport,
                                 const nlohmann::json& b,
                                 std::initializer_list<const char*> secrets) {
  if (b.contains("credentials")) {
    const Credentials mine = provider.get_credentials();
    EXPECT_EQ(mine.access_key_id, b["credentials"]["AccessKeyId"].get<std::string>());
    EXPECT_EQ(mine.secret_access_key, b["credentials"]["SecretAccessKey"].get<std::string>());
    EXPECT_EQ(mine.session_token, b["credentials"]["SessionToken"].get<std::string>());
    ASSERT_TRUE(mine.expiration);
    const std::time_t t = std::chrono::system_clock::to_time_t(*mine.expiration);
    char iso[32];
    std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    EXPECT_EQ(iso, b["credentials"]["Expiration"].get<std::string>());
  } else {
    const std::string m = credentials_error_of([&] { provider.get_credentials(); }, secrets);
    const auto& e = b["error"];
    EXPECT_THAT(m, ::testing::HasSubstr(e["Code"].get<std::string>() + ": " +
                                        e["Message"].get<std::string>()));
    EXPECT_THAT(m, ::testing::HasSubstr("request id " + e["RequestId"].get<std::string>()));
    EXPECT_EQ(e["Type"].get<std::string>(), "Sender");
  }
  const http::Request sent = transport.last();
  EXPECT_EQ(sent.url, b["url"].get<std::string>());
  EXPECT_EQ(sent.body, b["body"].get<std::string>());  // byte for byte, field order included
  EXPECT_EQ(header_of(sent, "Content-Type"), b["content_type"].get<std::string>());
}

}  // namespace ssm_cache::testing_aws
