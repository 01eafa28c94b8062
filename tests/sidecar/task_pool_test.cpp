// Tests of TaskPool: tasks run, threads start only as needed and never beyond the maximum,
// stop() runs what is queued and refuses what comes after.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "task_pool.hpp"

namespace ssm_cache::cli {
namespace {

TEST(TaskPool, RunsTasksOnAtMostMaxThreads) {
  TaskPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.submit([&] {
      {
        std::lock_guard lock(mu);
        threads.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      ++ran;
    }));
  }
  pool.wait_idle();
  EXPECT_EQ(ran.load(), 50);
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(TaskPool, StopRunsWhatIsQueuedAndRefusesTheRest) {
  std::atomic<int> ran{0};
  std::atomic<bool> release{false};
  TaskPool pool(1);
  ASSERT_TRUE(pool.submit([&] {
    while (!release) std::this_thread::yield();
    ++ran;
  }));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.submit([&] { ++ran; }));
  std::thread stopper([&] { pool.stop(); });
  // Once stop() has begun, tasks are refused (empty ones offered until then, bounded wait).
  bool refused = false;
  for (int i = 0; i < 10000 && !refused; ++i) {
    refused = !pool.submit([] {});
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(refused);
  // stop() waits for the blocked task; the five behind it run too.
  release = true;
  stopper.join();
  EXPECT_EQ(ran.load(), 6);
  pool.stop();  // idempotent
}

TEST(TaskPool, AnUnusedPoolStartsNoThread) {
  TaskPool pool(4);
  pool.wait_idle();
  pool.stop();
  EXPECT_FALSE(pool.submit([] {}));
}

}  // namespace
}  // namespace ssm_cache::cli
