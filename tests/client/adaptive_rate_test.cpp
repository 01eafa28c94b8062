// Tests of the adaptive retry mode's client-side rate limiter: its rate arithmetic against
// botocore's own implementation (run by /usr/bin/python3 from Debian's python3-botocore) over a
// scripted sequence of answers; token waits at the send rate; giving up before a deadline; and
// the AWS client pacing its calls after a throttle (fake clock and sleeper: nothing waits).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "aws/adaptive_rate.hpp"
#include "aws/aws_client_impl.hpp"
#include "client/fake_transport.hpp"
#include "python_script.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache {
namespace {

using namespace std::chrono_literals;
using testing_client::aws_error;
using testing_client::FakeTime;
using testing_client::FakeTransport;
using testing_client::json_response;
using testing_client::settings_for;

// Seconds on a ManualClock's steady scale.
double seconds(const ssm_cache::testing::ManualClock& clock) {
  return std::chrono::duration<double>(clock.now().time_since_epoch()).count();
}

std::shared_ptr<ssm_cache::testing::ManualClock> clock_at(double s) {
  return std::make_shared<ssm_cache::testing::ManualClock>(
      ssm_cache::testing::ManualClock::time_point(std::chrono::nanoseconds(std::llround(s * 1e9))));
}

// A clock the test moves; the sleeper moves it too and records each wait.
struct ManualSeconds {
  std::shared_ptr<ssm_cache::testing::ManualClock> clock = clock_at(1700000000.25);
  std::vector<std::chrono::milliseconds> waits;
  [[nodiscard]] double now() const { return seconds(*clock); }
  aws::ClientRateLimiter limiter() {
    return aws::ClientRateLimiter(clock, [this](std::chrono::milliseconds d) {
      waits.push_back(d);
      clock->advance(d);
    });
  }
};

// Responses at `rate` per second for `seconds`, then `throttles` throttles in a row, ...
std::vector<std::pair<double, bool>> scripted_events(double start) {
  std::vector<std::pair<double, bool>> events;
  double t = start;
  auto run = [&](double rate, double seconds, int throttle_every) {
    const int n = static_cast<int>(rate * seconds);
    for (int i = 1; i <= n; ++i) {
      t += 1.0 / rate;
      events.emplace_back(t, throttle_every > 0 && i % throttle_every == 0);
    }
  };
  run(20, 3, 0);  // ramp: successes only
  run(40, 2, 7);  // pushing past the limit: every 7th answer a throttle
  run(10, 4, 0);  // backed off: recovery along the cubic
  run(30, 1.5, 3);  // throttled hard
  run(5, 6, 0);  // long recovery
  run(60, 1, 20);
  return events;
}

TEST(AdaptiveRate, MatchesBotocoreOverAScriptedSequence) {
  // The limiter reads a ManualClock in whole nanoseconds: botocore is given the same times,
  // each rounded to the nanosecond and read back as the limiter reads it.
  auto clock = clock_at(1700000000.3);
  const double start = seconds(*clock);
  auto events = scripted_events(start);
  std::vector<std::int64_t> at_ns;
  for (auto& [t, throttled] : events) {
    at_ns.push_back(std::llround(t * 1e9));
    t = std::chrono::duration<double>(std::chrono::nanoseconds(at_ns.back())).count();
  }
  nlohmann::json input{{"start", start}, {"events", nlohmann::json::array()}};
  for (const auto& [t, throttled] : events) input["events"].push_back({t, throttled});
  const auto result = testing_python::run_json("tests/client/botocore_adaptive.py", input);
  ASSERT_TRUE(result) << "botocore script failed (is python3-botocore installed?)";
  const nlohmann::json& expected = *result;
  ASSERT_EQ(expected.size(), events.size());

  aws::ClientRateLimiter limiter(clock, [](std::chrono::milliseconds) {});
  int throttles = 0;
  double lowest = 1e9;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const double now = events[i].first;
    clock->set(ssm_cache::testing::ManualClock::time_point(std::chrono::nanoseconds(at_ns[i])));
    limiter.on_response(events[i].second);
    throttles += events[i].second ? 1 : 0;
    const double want_rate = expected[i].at("send_rate").get<double>();
    const double want_measured = expected[i].at("measured_rate").get<double>();
    ASSERT_NEAR(limiter.send_rate(), want_rate, 1e-9 * std::max(1.0, std::abs(want_rate)))
        << "event " << i << " at t=" << now;
    ASSERT_NEAR(limiter.measured_rate(), want_measured, 1e-9 * std::max(1.0, want_measured))
        << "event " << i;
    ASSERT_EQ(limiter.enabled(), expected[i].at("enabled").get<bool>()) << "event " << i;
    lowest = std::min(lowest, limiter.send_rate());
  }
  // The sequence really exercised both directions.
  EXPECT_GT(throttles, 10);
  EXPECT_LT(lowest, 5.0);
  EXPECT_GT(limiter.send_rate(), lowest);
}

TEST(AdaptiveRate, DisabledUntilTheFirstThrottle) {
  ManualSeconds clock;
  auto limiter = clock.limiter();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.acquire(0ms));
    limiter.on_response(false);
  }
  EXPECT_FALSE(limiter.enabled());
  EXPECT_TRUE(clock.waits.empty());
}

TEST(AdaptiveRate, AfterAThrottleCallsWaitForTokensAtTheSendRate) {
  ManualSeconds clock;
  auto limiter = clock.limiter();
  // 20 answers per second for 2 s, then a throttle.
  for (int i = 0; i < 40; ++i) {
    clock.clock->advance(50ms);
    limiter.on_response(false);
  }
  clock.clock->advance(50ms);
  limiter.on_response(true);
  ASSERT_TRUE(limiter.enabled());
  const double rate = limiter.send_rate();
  // Cut to 70% of the measured rate (the measured rate lags: it is smoothed per half second).
  EXPECT_GT(rate, 0.5);
  EXPECT_LT(rate, 20 * 0.7 + 1e-9);
  // The bucket first spends what it holds (at most a second's worth), then hands out one
  // token per 1/rate seconds, its waiters sleeping in slices of at most 100 ms.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.acquire(60000ms));
  ASSERT_FALSE(clock.waits.empty());
  const double before = clock.now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.acquire(60000ms));
  EXPECT_NEAR(clock.now() - before, 10 / rate, 0.011);  // each wait rounded up to 1 ms
  for (auto w : clock.waits) EXPECT_LE(w, aws::ClientRateLimiter::kMaxSleepSlice);
}

TEST(AdaptiveRate, WaitersAreServedAsTheRateRecovers) {
  // Eight callers queued right after a throttle that found no measured rate (the send rate
  // is at its 0.5/s floor: 16 s for eight tokens at that rate). While they wait, answers to
  // the client's other calls keep arriving (one per 100 ms slice, played by the sleeper), so
  // the rate climbs along the cubic and the waiters, looking again after each slice, are
  // served by it.
  auto clock = clock_at(1700000000.25);
  std::vector<std::chrono::milliseconds> waits;
  aws::ClientRateLimiter* self = nullptr;
  aws::ClientRateLimiter limiter(clock, [&](std::chrono::milliseconds d) {
    waits.push_back(d);
    clock->advance(d);
    self->on_response(false);
  });
  self = &limiter;
  limiter.on_response(true);
  ASSERT_DOUBLE_EQ(limiter.send_rate(), aws::ClientRateLimiter::kMinFillRate);
  const double start = seconds(*clock);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(limiter.acquire(60000ms)) << i;
  EXPECT_LT(seconds(*clock) - start, 5.0);
  EXPECT_GT(limiter.send_rate(), 2 * aws::ClientRateLimiter::kMinFillRate);
  for (auto w : waits) EXPECT_LE(w, aws::ClientRateLimiter::kMaxSleepSlice);
}

TEST(AdaptiveRate, GivesUpWithoutWaitingOrTakingWhenTheDeadlineIsTooClose) {
  // Two limiters through the same answers; only the first is refused once.
  ManualSeconds a;
  ManualSeconds b;
  auto refused = a.limiter();
  auto twin = b.limiter();
  for (auto* c : {&a, &b}) c->clock->advance(600ms);
  refused.on_response(true);
  twin.on_response(true);
  ASSERT_TRUE(refused.enabled());
  EXPECT_FALSE(refused.acquire(10ms));  // the next token is further away than that
  EXPECT_TRUE(a.waits.empty());
  ASSERT_TRUE(refused.acquire(60000ms));
  ASSERT_TRUE(twin.acquire(60000ms));
  ASSERT_FALSE(a.waits.empty());
  EXPECT_EQ(a.waits, b.waits);  // the refusal took nothing
  EXPECT_DOUBLE_EQ(a.now(), b.now());
}

const char* kOne =
    R"({"Parameters":[{"Name":"a","Type":"String","Value":"1","Version":1}],"InvalidParameters":[]})";

// The same script of answers through the client, standard vs adaptive: only adaptive waits
// besides its backoff, and its waits follow the limiter.
std::vector<std::chrono::milliseconds> waits_for(bool adaptive) {
  auto t = std::make_shared<FakeTransport>();
  FakeTime time;
  time.random = 0.0;  // no backoff jitter: every recorded sleep is a limiter wait
  for (int i = 0; i < 3; ++i) t->push(json_response(200, kOne));
  t->push(aws_error(400, "ThrottlingException", "Rate exceeded"));
  for (int i = 0; i < 6; ++i) t->push(json_response(200, kOne));
  auto s = settings_for(t, &time);
  s.adaptive_retry = adaptive;
  auto client = aws::make_aws_client(std::move(s));
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(client->get_parameters({"a"}, true).parameters.size(), 1u);
  }
  EXPECT_EQ(t->requests().size(), 9u);
  std::vector<std::chrono::milliseconds> waits;
  for (auto d : time.sleeps) {
    if (d.count() > 0) waits.push_back(d);
  }
  return waits;
}

TEST(AdaptiveRetry, TheClientPacesItsCallsAfterAThrottle) {
  EXPECT_TRUE(waits_for(false).empty());
  const auto waits = waits_for(true);
  // Attempts after the throttle (its retry and four more calls) wait for tokens. The fake
  // clock moves only when the client sleeps, so the measured rate starts at 0 and the send
  // rate at the 0.5/s floor; as the clock moves, the rate recovers.
  // Sleeps come in slices of at most 100 ms: at the 0.5/s floor, the first token after the
  // throttle costs 2 s of them.
  ASSERT_GE(waits.size(), 20u);
  std::chrono::milliseconds total{0};
  for (auto w : waits) {
    EXPECT_LE(w, aws::ClientRateLimiter::kMaxSleepSlice);
    total += w;
  }
  EXPECT_GE(total, 2000ms);
}

}  // namespace
}  // namespace ssm_cache
