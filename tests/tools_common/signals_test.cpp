// Tests of the programs' stop signals (tools/common/signals): a SIGTERM or SIGINT sent to the
// process reaches the watcher's callback on its thread, and the watcher stops when destroyed.
#include "signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

namespace ssm_cache::tools {
namespace {

TEST(Signals, WatcherTakesTermAndInt) {
  block_stop_signals();  // this test's only thread, before the watcher starts
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> seen;
  {
    StopSignalWatcher watcher([&](int sig) {
      std::lock_guard lock(mu);
      seen.push_back(sig);
      cv.notify_all();
    });
    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    {
      std::unique_lock lock(mu);
      ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return seen.size() == 1; }));
    }
    ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return seen.size() == 2; }));
  }  // destroyed: joins
  EXPECT_EQ(seen, (std::vector<int>{SIGTERM, SIGINT}));
  EXPECT_STREQ(stop_signal_name(SIGTERM), "SIGTERM");
  EXPECT_STREQ(stop_signal_name(SIGINT), "SIGINT");
}

TEST(Signals, SigpipeIsBlocked) {
  block_stop_signals();
  sigset_t now;
  pthread_sigmask(SIG_BLOCK, nullptr, &now);
  EXPECT_EQ(sigismember(&now, SIGPIPE), 1);
  EXPECT_EQ(sigismember(&now, SIGTERM), 1);
}

}  // namespace
}  // namespace ssm_cache::tools
