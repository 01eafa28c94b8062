// Unit tests of the single-flight primitive (common/single_flight.hpp): the result set once,
// waiters counted, waits bounded by a deadline, a stop condition and a cut-off, and the slot
// an entry keeps its running flight in. Waits are bounded generously; no timing is asserted.
#include "common/single_flight.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace ssm_cache::common {
namespace {

using namespace std::chrono_literals;
using Clock = Flight<int>::Clock;

TEST(SingleFlight, TheFirstResultIsKeptAndServedToEveryWaiter) {
  Flight<std::string> flight;
  EXPECT_FALSE(flight.done());
  EXPECT_TRUE(flight.finish("first"));
  EXPECT_FALSE(flight.finish("second"));
  EXPECT_TRUE(flight.done());
  flight.join();
  EXPECT_EQ(flight.wait(), "first");
  flight.join();
  EXPECT_EQ(flight.wait_until(Clock::now()), "first") << "a finished flight beats its deadline";
}

TEST(SingleFlight, WaitersAreCountedUntilTheirWaitReturns) {
  Flight<int> flight;
  EXPECT_FALSE(flight.wanted());
  flight.join();
  flight.join();
  EXPECT_TRUE(flight.wanted());
  EXPECT_EQ(flight.wait_until(Clock::now() + 1ms), std::nullopt);  // timed out: left
  EXPECT_TRUE(flight.wanted());
  EXPECT_EQ(flight.wait_until(
                Clock::now(), [] { return true; }, 1ms),
            std::nullopt);  // stopped
  EXPECT_FALSE(flight.wanted()) << "nobody waits any more: the refresh may be dropped";
}

TEST(SingleFlight, AWaiterIsWokenByTheResult) {
  Flight<int> flight;
  flight.join();
  std::thread leader([&] {
    std::this_thread::sleep_for(10ms);
    flight.finish(42);
  });
  EXPECT_EQ(flight.wait_until(Clock::now() + 60s), 42);
  leader.join();
}

TEST(SingleFlight, AStopConditionIsPolledAndEndsTheWait) {
  Flight<int> flight;
  std::atomic<bool> gone{false};
  std::atomic<int> polls{0};
  std::thread client([&] {
    std::this_thread::sleep_for(20ms);
    gone = true;
  });
  const auto t0 = Clock::now();
  flight.join();
  const auto r = flight.wait_until(
      t0 + 60s,
      [&] {
        ++polls;
        return gone.load();
      },
      2ms);
  client.join();
  EXPECT_EQ(r, std::nullopt);
  EXPECT_LT(Clock::now() - t0, 30s) << "not the deadline";
  EXPECT_GE(polls.load(), 2) << "checked before the first sleep and again after";
  EXPECT_FALSE(flight.wanted());
}

TEST(SingleFlight, ACutOffEndsRunningAndLaterWaits) {
  Flight<int> flight;
  std::optional<int> got{7};
  flight.join();
  std::thread waiter([&] { got = flight.wait_until(Clock::now() + 60s); });
  std::this_thread::sleep_for(10ms);
  const auto t0 = Clock::now();
  flight.cut_off(t0 + 5ms);
  waiter.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_LT(Clock::now() - t0, 30s);
  flight.cut_off(Clock::now() + 60s);  // a later cut-off does not extend the earlier one
  flight.join();
  EXPECT_EQ(flight.wait_until(Clock::now() + 60s), std::nullopt);
  flight.finish(1);
  flight.join();
  EXPECT_EQ(flight.wait_until(Clock::now() + 60s), 1) << "the result still reaches waiters";
}

TEST(FlightSlot, TheFirstCallerLeadsAndLaterOnesJoin) {
  FlightSlot<int> slot;
  EXPECT_FALSE(slot.running());
  EXPECT_EQ(slot.join(), nullptr) << "nothing to join: lead";
  const auto led = slot.lead();
  EXPECT_TRUE(slot.running());
  EXPECT_TRUE(slot.holds(led));
  EXPECT_FALSE(led->wanted()) << "the leader does not count unless it joins";
  const auto joined = slot.join();
  EXPECT_EQ(joined, led);
  EXPECT_TRUE(led->wanted());
  EXPECT_FALSE(slot.release(std::make_shared<Flight<int>>())) << "not the slot's flight";
  EXPECT_TRUE(slot.release(led));
  EXPECT_FALSE(slot.running());
  EXPECT_FALSE(slot.release(led)) << "already released";
  led->finish(3);
  EXPECT_EQ(joined->wait(), 3);
}

TEST(FlightSlot, ANewFlightReplacesAReleasedOne) {
  FlightSlot<int> slot;
  const auto first = slot.lead();
  ASSERT_TRUE(slot.release(first));
  const auto second = slot.lead();
  EXPECT_NE(first, second);
  EXPECT_FALSE(slot.holds(first));
  EXPECT_FALSE(slot.release(first)) << "the first leader must not end the second flight";
  EXPECT_TRUE(slot.holds(second));
}

}  // namespace
}  // namespace ssm_cache::common
