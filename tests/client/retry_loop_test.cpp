// Unit tests of aws::RetryLoop, the one retry loop of the client, STS and the metadata
// credential providers: attempts, the token bucket, the deadline, non-retryable errors, free
// retries and the final error. A recording sleeper stands in for time (no real waits).
#include "aws/retry_loop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace ssm_cache::aws {
namespace {

using namespace std::chrono_literals;

struct Harness {
  RetryTokenBucket bucket{500};
  std::vector<std::chrono::milliseconds> sleeps;

  RetryLoop loop(int max_attempts, std::chrono::milliseconds deadline = 30s) {
    RetryOptions options;
    options.max_attempts = max_attempts;
    RetrySeams seams;
    seams.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    seams.random = [] { return 1.0; };  // the full backoff ceiling, so delays are predictable
    return RetryLoop(RetryLoopSettings{options, deadline, &bucket, nullptr, seams, "Op /x at url"});
  }
};

TransportError transient_failure() { return TransportError("connection refused", true, false); }

TEST(RetryLoop, RetriesTransientErrorsWithBackoffUntilSuccess) {
  Harness h;
  int calls = 0;
  const int value = h.loop(3).run([&](const AttemptContext& ctx) {
    EXPECT_EQ(ctx.attempt, calls + 1);
    EXPECT_GT(ctx.remaining.count(), 0);
    if (++calls < 3) throw transient_failure();
    return 42;
  });
  EXPECT_EQ(value, 42);
  EXPECT_EQ(calls, 3);
  // Capped exponential backoff (base 100 ms), jitter drawn at its maximum.
  EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{100ms, 200ms}));
  // Two retries withdrew 5 each; the success refunded the latest withdrawal.
  EXPECT_EQ(h.bucket.available(), 500 - 10 + 5);
}

TEST(RetryLoop, StopsAtMaxAttemptsAndRethrowsTheLastError) {
  Harness h;
  int calls = 0;
  EXPECT_THROW(h.loop(3).run([&](const AttemptContext&) -> int {
    ++calls;
    throw transient_failure();
  }),
               TransportError);
  EXPECT_EQ(calls, 3);
}

TEST(RetryLoop, NonRetryableErrorsAreNotRetried) {
  Harness h;
  int calls = 0;
  EXPECT_THROW(h.loop(5).run([&](const AttemptContext&) -> int {
    ++calls;
    throw AwsError("denied", "AccessDeniedException", "no", 400, "req-1");
  }),
               AwsError);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(h.sleeps.empty());
  EXPECT_EQ(h.bucket.available(), 500);
}

TEST(RetryLoop, AnEmptyBucketStopsRetries) {
  Harness h;
  ASSERT_TRUE(h.bucket.try_acquire(497));  // 3 left: less than one retry's cost of 5
  int calls = 0;
  EXPECT_THROW(h.loop(5).run([&](const AttemptContext&) -> int {
    ++calls;
    throw transient_failure();
  }),
               TransportError);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(RetryLoop, TheDeadlineStopsRetriesWhoseBackoffWouldPassIt) {
  Harness h;
  int calls = 0;
  // 150 ms: the first backoff (100 ms) fits, the second (200 ms) would end past the deadline.
  EXPECT_THROW(h.loop(10, 150ms).run([&](const AttemptContext& ctx) -> int {
    ++calls;
    EXPECT_LE(ctx.remaining, 150ms);
    throw transient_failure();
  }),
               TransportError);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{100ms}));
}

TEST(RetryLoop, FreeRetriesAreNotCountedAndDoNotSleep) {
  Harness h;
  RetryHooks hooks;
  int calls = 0;
  hooks.decide = [&](const Error&) {
    return calls == 1 ? RetryDecision::retry_now : RetryDecision::retry;
  };
  EXPECT_THROW(h.loop(2).run(
                   [&](const AttemptContext&) -> int {
                     ++calls;
                     throw transient_failure();
                   },
                   hooks),
               TransportError);
  // One free retry, then the two counted attempts max_attempts allows.
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(h.sleeps.size(), 1u);
}

TEST(RetryLoop, GiveUpHookShapesTheFinalErrorWithTheAttemptCount) {
  Harness h;
  RetryHooks hooks;
  hooks.give_up = [](const Error& e, int attempts) {
    throw CredentialsError(
        std::string(e.what()) + " after " + std::to_string(attempts) + " attempts", true);
  };
  try {
    h.loop(3).run([&](const AttemptContext&) -> int { throw transient_failure(); }, hooks);
    FAIL() << "no error";
  } catch (const CredentialsError& e) {
    EXPECT_EQ(std::string(e.what()), "connection refused after 3 attempts");
  }
}

TEST(RetryLoop, ThrottlingUsesTheLongerBase) {
  Harness h;
  int calls = 0;
  const int value = h.loop(2).run([&](const AttemptContext&) {
    if (++calls == 1) throw AwsError("slow down", "ThrottlingException", "Rate exceeded", 400, "r");
    return 1;
  });
  EXPECT_EQ(value, 1);
  EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{500ms}));
}

}  // namespace
}  // namespace ssm_cache::aws
