// tests/faults/faults_test.cpp — fault injection against the real AWS client and cache: the
// ssm-cache-local program with its fault controls (throttling storms, 500s, dropped
// connections, truncated bodies, a server killed mid-run and restarted) and a raw loopback
// server (malformed and mistyped bodies, a server that accepts and never answers).
// For each fault: no crash, no hang past the configured deadline (waits are bounded
// generously; nothing asserts how fast), retries within the configured attempts (counted on
// the server side), a cached value never replaced by a broken one, and an error that names
// the AWS code or the transport failure (and never a value).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "faults/raw_server.hpp"
#include "local/server_process.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/ssm_cache.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace {

using namespace std::chrono_literals;
using faults_test::RawServer;
using local_test::ServerProcess;
using local_test::SignedClient;
using nlohmann::json;

constexpr int kAttempts = 3;
// Generous bound for a call whose configured deadline is a few seconds: a hang, not slowness.
constexpr auto kHangBound = 90s;

// Distinctive values, so that a test can check none leaks into an error message.
const std::string kOld = "old-s3cr3t-value";
const std::string kNew = "new-s3cr3t-value";

std::shared_ptr<ssm_cache::AwsClient> make_client(
    const std::string& url, std::chrono::milliseconds attempt_timeout = 2000ms,
    std::chrono::milliseconds deadline = 15000ms) {
  ssm_cache::AwsClientOptions o;
  o.region = "us-east-1";
  o.ssm_endpoint_url = url;
  o.credentials =
      ssm_cache::make_static_credentials_provider({.credentials = {.access_key_id = "test",
                                                                   .secret_access_key = "test",
                                                                   .session_token = {},
                                                                   .expiration = {},
                                                                   .provider = "static"}});
  o.connect_timeout = 1000ms;
  o.attempt_timeout = attempt_timeout;
  o.call_deadline = deadline;
  o.max_attempts = kAttempts;
  return ssm_cache::make_aws_client(o);
}

// Runs fn on its own thread and waits at most `limit`. A call still running then is a hang:
// the test fails, `unblock` frees it (e.g. by closing the server) and the thread is joined.
template <class Fn>
auto within(std::chrono::seconds limit, Fn fn, const std::function<void()>& unblock = {}) {
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto future = task.get_future();
  std::thread worker(std::move(task));
  if (future.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "call still running after " << limit.count() << " s: a hang";
    if (unblock) unblock();
  }
  worker.join();
  return future.get();  // rethrows what fn threw
}

void expect_no_value_in(const std::string& message) {
  EXPECT_EQ(message.find(kOld), std::string::npos) << message;
  EXPECT_EQ(message.find(kNew), std::string::npos) << message;
  EXPECT_FALSE(message.empty());
}

// ssm-cache-local with --admin; helpers to store values, set faults and read call counts.
class LocalFaults : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(std::vector<std::string> extra) {
    std::vector<std::string> args{"--admin-token", local_test::kAdminToken, "--quiet", "--seed",
                                  "7"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(args);
    admin_ = std::make_unique<SignedClient>(server_->port());
  }

  void put(const std::string& name, const std::string& value) {
    const auto r = admin_->call(
        "AmazonSSM.PutParameter",
        json{{"Name", name}, {"Value", value}, {"Type", "SecureString"}, {"Overwrite", true}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Faults apply to the read actions only, so that put() keeps working.
  void faults(json spec) {
    spec["targets"] = {"AmazonSSM.GetParameters", "AmazonSSM.GetParameter",
                       "AmazonSSM.GetParametersByPath"};
    const auto r = admin_->admin("POST", "/_local/faults", spec.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void no_faults() {
    faults({{"latency_ms", 0},
            {"throttle_tps", 0},
            {"error_rate", 0},
            {"drop_rate", 0},
            {"truncate_rate", 0},
            {"max_faults", -1}});
  }

  std::int64_t calls() {
    const auto r = admin_->admin("GET", "/_local/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    std::int64_t n = 0;
    for (const auto& [target, count] : r.json["calls"].items()) {
      if (target.rfind("AmazonSSM.Get", 0) == 0) n += count.get<std::int64_t>();
    }
    return n;
  }

  // A parameter cached with kOld, then kNew stored on the server, max age 60 s on a manual
  // clock: advancing the clock expires it without waiting.
  ssm_cache::SSMParameter cached_parameter(const std::string& name) {
    put(name, kOld);
    ssm_cache::SSMParameter p(
        name, {.max_age = 60s, .client = make_client(server_->url()), .clock = clock_});
    EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);
    put(name, kNew);
    return p;
  }

  std::shared_ptr<ssm_cache::testing::ManualClock> clock_ =
      std::make_shared<ssm_cache::testing::ManualClock>();
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<SignedClient> admin_;
};

TEST_F(LocalFaults, ThrottlingStormServesCachedValueAndRetriesWithinAttempts) {
  auto p = cached_parameter("/f/throttle");
  // A bucket smaller than one token: every read call is throttled.
  faults({{"throttle_tps", 1}, {"throttle_burst", 0.5}});
  clock_->advance(61s);
  const auto before = calls();

  // A storm of readers on the expired value: each gets the last good value; one refresh
  // round runs, with at most kAttempts calls, and the entry backs off instead of retrying
  // on every read (the manual clock does not move).
  std::vector<std::thread> readers;
  std::atomic<int> stale{0}, other{0};
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        try {
          (p.value() == kOld ? stale : other)++;
        } catch (const std::exception&) {
          other++;
        }
      }
    });
  }
  within(kHangBound, [&] {
    for (auto& r : readers) r.join();
    return 0;
  });
  EXPECT_EQ(stale.load(), 8 * 200);
  EXPECT_EQ(other.load(), 0);
  const auto storm_calls = calls() - before;
  EXPECT_GE(storm_calls, 1);
  EXPECT_LE(storm_calls, kAttempts);

  // An explicit refresh throws the AWS code, after at most kAttempts calls, keeping the value.
  const auto before_refresh = calls();
  try {
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    ADD_FAILURE() << "refresh() succeeded while every call is throttled";
  } catch (const ssm_cache::AwsError& e) {
    EXPECT_EQ(e.code(), "ThrottlingException");
    EXPECT_TRUE(e.transient());
    EXPECT_NE(std::string(e.what()).find("ThrottlingException"), std::string::npos) << e.what();
    expect_no_value_in(e.what());
  }
  EXPECT_LE(calls() - before_refresh, kAttempts);
  EXPECT_GE(calls() - before_refresh, 1);
  EXPECT_EQ(p.value(), kOld);

  // The storm ends: the next refresh brings the new value.
  no_faults();
  within(kHangBound, [&] {
    p.refresh();
    return 0;
  });
  EXPECT_EQ(p.value(), kNew);
}

TEST_F(LocalFaults, ServerErrorsAreRetriedThenReported) {
  auto p = cached_parameter("/f/errors");
  faults({{"error_rate", 1}});
  const auto before = calls();
  try {
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    ADD_FAILURE() << "refresh() succeeded while every call answers 500";
  } catch (const ssm_cache::AwsError& e) {
    EXPECT_EQ(e.http_status(), 500);
    EXPECT_EQ(e.code(), "InternalServerError");
    EXPECT_TRUE(e.transient());
    expect_no_value_in(e.what());
  }
  EXPECT_EQ(calls() - before, kAttempts);  // retried, but not beyond the configured attempts
  clock_->advance(61s);
  EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);  // stale-if-error

  // One 500 then success: the retry hides it from the caller.
  faults({{"error_rate", 1}, {"max_faults", 1}});
  const auto before_retry = calls();
  within(kHangBound, [&] {
    p.refresh();
    return 0;
  });
  EXPECT_EQ(p.value(), kNew);
  EXPECT_EQ(calls() - before_retry, 2);
}

TEST_F(LocalFaults, DroppedConnectionsAreTransportErrors) {
  auto p = cached_parameter("/f/drop");
  faults({{"drop_rate", 1}});
  const auto before = calls();
  try {
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    ADD_FAILURE() << "refresh() succeeded while every connection is dropped";
  } catch (const ssm_cache::TransportError& e) {
    EXPECT_TRUE(e.transient());
    expect_no_value_in(e.what());
  }
  // libcurl replays a request once when a REUSED kept-alive connection closes without an
  // answer (it cannot tell a stale pooled connection from a server that dropped the request),
  // so the first attempt, on the connection kept from the first fetch, may reach the server
  // twice: at most one call beyond the configured attempts.
  EXPECT_GE(calls() - before, 1);
  EXPECT_LE(calls() - before, kAttempts + 1);
  EXPECT_EQ(p.value(), kOld);
  clock_->advance(61s);
  EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);

  no_faults();
  within(kHangBound, [&] {
    p.refresh();
    return 0;
  });
  EXPECT_EQ(p.value(), kNew);
}

TEST_F(LocalFaults, TruncatedBodiesNeverReplaceTheCachedValue) {
  auto p = cached_parameter("/f/truncate");
  faults({{"truncate_rate", 1}});
  const auto before = calls();
  try {
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    ADD_FAILURE() << "refresh() succeeded while every body is truncated";
  } catch (const ssm_cache::Error& e) {
    // A body cut short is a transport failure (the Content-Length was not honoured).
    EXPECT_NE(dynamic_cast<const ssm_cache::TransportError*>(&e), nullptr)
        << "expected a TransportError, got: " << e.what();
    expect_no_value_in(e.what());
  }
  EXPECT_GE(calls() - before, 1);
  EXPECT_LE(calls() - before, kAttempts);
  EXPECT_EQ(p.value(), kOld);

  no_faults();
  within(kHangBound, [&] {
    p.refresh();
    return 0;
  });
  EXPECT_EQ(p.value(), kNew);
}

TEST_F(LocalFaults, GroupRefreshIsAllOrNothingUnderIntermittentFaults) {
  // 30 names: three GetParameters chunks; half the calls fail. A refresh either brings every
  // new value or keeps every old one, never a mix.
  ssm_cache::SSMParameterGroup group(
      {.max_age = 60s, .client = make_client(server_->url()), .clock = clock_});
  std::vector<ssm_cache::SSMParameter> params;
  for (int i = 0; i < 30; ++i) {
    const std::string name = "/f/group/p" + std::to_string(i);
    put(name, kOld);
    params.push_back(group.parameter(name));
  }
  for (const auto& p : params) EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);
  for (int i = 0; i < 30; ++i) put("/f/group/p" + std::to_string(i), kNew);

  faults({{"error_rate", 0.5}});
  for (int round = 0; round < 5; ++round) {
    try {
      within(kHangBound, [&] {
        group.refresh();
        return 0;
      });
    } catch (const ssm_cache::Error& e) {
      EXPECT_TRUE(e.transient()) << e.what();
      expect_no_value_in(e.what());
    }
    const std::string first = params.front().value();
    for (const auto& p : params) EXPECT_EQ(p.value(), first) << "a group refresh was partial";
  }
}

TEST_F(LocalFaults, ServerKilledMidRunAndRestarted) {
  local_test::TempDir dir;
  const std::string data = dir.file("store.json");
  server_.reset();
  start({"--data", data});
  const int port = server_->port();
  auto p = cached_parameter("/f/restart");

  server_->kill(SIGKILL);
  clock_->advance(61s);
  // Connection refused: the last good value is served, and an explicit refresh says why.
  EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);
  try {
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    ADD_FAILURE() << "refresh() succeeded with the server down";
  } catch (const ssm_cache::TransportError& e) {
    EXPECT_TRUE(e.transient());
    expect_no_value_in(e.what());
  }
  EXPECT_EQ(p.value(), kOld);

  // Back on the same port with the same data: the next refresh gets the new value.
  start({"--data", data, "--port", std::to_string(port)});
  within(kHangBound, [&] {
    p.refresh();
    return 0;
  });
  EXPECT_EQ(p.value(), kNew);
}

// ---- the raw server: bodies ssm-cache-local never sends, and silence ----------------------

class RawFaults : public ::testing::Test {
 protected:
  ssm_cache::SSMParameter cached_parameter(std::chrono::milliseconds attempt_timeout = 2000ms,
                                           std::chrono::milliseconds deadline = 15000ms) {
    server_.set_value(kOld);
    ssm_cache::SSMParameter p("/f/a",
                              {.max_age = 60s,
                               .client = make_client(server_.url(), attempt_timeout, deadline),
                               .clock = clock_});
    EXPECT_EQ(within(kHangBound, [&] { return p.value(); }), kOld);
    server_.set_value(kNew);
    return p;
  }

  void expect_response_error_keeps_value(RawServer::Mode mode) {
    auto p = cached_parameter();
    server_.set_mode(mode);
    const int before = server_.requests();
    try {
      within(
          kHangBound,
          [&] {
            p.refresh();
            return 0;
          },
          [&] { server_.stop(); });
      ADD_FAILURE() << "refresh() accepted a broken body";
    } catch (const ssm_cache::ResponseError& e) {
      EXPECT_FALSE(e.transient());
      expect_no_value_in(e.what());
    }
    // Garbage is not retried: asking again would get the same garbage.
    EXPECT_EQ(server_.requests() - before, 1);
    EXPECT_EQ(p.value(), kOld);  // still fresh on the manual clock: no call, old value

    server_.set_mode(RawServer::Mode::kGood);
    within(kHangBound, [&] {
      p.refresh();
      return 0;
    });
    EXPECT_EQ(p.value(), kNew);
  }

  std::shared_ptr<ssm_cache::testing::ManualClock> clock_ =
      std::make_shared<ssm_cache::testing::ManualClock>();
  RawServer server_;
};

TEST_F(RawFaults, MalformedJsonIsAResponseErrorAndKeepsTheValue) {
  expect_response_error_keeps_value(RawServer::Mode::kMalformed);
}

TEST_F(RawFaults, MistypedFieldIsAResponseErrorAndKeepsTheValue) {
  expect_response_error_keeps_value(RawServer::Mode::kWrongType);
}

TEST_F(RawFaults, HtmlBodyIsAResponseErrorAndKeepsTheValue) {
  expect_response_error_keeps_value(RawServer::Mode::kHtml);
}

TEST_F(RawFaults, ServerThatNeverAnswersTimesOutWithinTheDeadline) {
  // Short per-attempt timeout and deadline; the wait is bounded far above them.
  server_.set_mode(RawServer::Mode::kSilent);
  ssm_cache::SSMParameter p(
      "/f/silent",
      {.max_age = 60s, .client = make_client(server_.url(), 300ms, 3000ms), .clock = clock_});
  try {
    within(
        kHangBound, [&] { return p.value(); }, [&] { server_.stop(); });
    ADD_FAILURE() << "value() succeeded from a server that never answers";
  } catch (const ssm_cache::TransportError& e) {
    EXPECT_TRUE(e.timeout()) << e.what();
    EXPECT_TRUE(e.transient());
    expect_no_value_in(e.what());
  }
  EXPECT_GE(server_.requests(), 1);
  EXPECT_LE(server_.requests(), kAttempts);
}

TEST_F(RawFaults, ServerThatStopsAnsweringServesTheCachedValue) {
  auto p = cached_parameter(300ms, 3000ms);
  server_.set_mode(RawServer::Mode::kSilent);
  clock_->advance(61s);
  const int before = server_.requests();
  EXPECT_EQ(within(
                kHangBound, [&] { return p.value(); }, [&] { server_.stop(); }),
            kOld);
  EXPECT_LE(server_.requests() - before, kAttempts);
}

}  // namespace
