// Tests of TaskPool: tasks run, threads start only as needed and never beyond the maximum,
// stop() runs what is queued and refuses what comes after; a thread is started outside the
// pool's lock, and a stop() during a start joins that thread too.
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

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

TEST(TaskPool, StartsThreadsOutsideItsLock) {
  using namespace std::chrono_literals;
  TaskPool* pool_seen = nullptr;
  int starts = 0;
  int lock_free_during_start = 0;
  // Kept past the starts: a future's destructor waits for its thread, which would hang the
  // test instead of failing it if the lock were held.
  std::vector<std::future<void>> others;
  TaskPool pool(2, [&](std::function<void()> body) {
    ++starts;
    // Another thread takes the pool's lock (wait_idle_for does); if submit held it across
    // the start this would only finish after the start (bounded wait, not a timing).
    others.push_back(std::async(std::launch::async, [&] { pool_seen->wait_idle_for(0ms); }));
    if (others.back().wait_for(30s) == std::future_status::ready) ++lock_free_during_start;
    return std::thread(std::move(body));
  });
  pool_seen = &pool;
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool.submit([&] {
      while (!release) std::this_thread::yield();
      ++ran;
    }));
  }
  release = true;
  pool.wait_idle();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(starts, 2);  // the maximum, though three tasks found every thread busy
  EXPECT_EQ(lock_free_during_start, starts);
}

TEST(TaskPool, StopDuringAThreadStartJoinsThatThread) {
  std::promise<void> in_start;
  std::promise<void> finish_start;
  auto finish = finish_start.get_future().share();
  TaskPool pool(1, [&](std::function<void()> body) {
    in_start.set_value();
    finish.wait();
    return std::thread(std::move(body));
  });
  std::atomic<int> ran{0};
  std::thread submitter([&] { EXPECT_TRUE(pool.submit([&] { ++ran; })); });
  in_start.get_future().wait();
  std::thread stopper([&] { pool.stop(); });
  // stop() has begun once tasks are refused (bounded wait); the thread is still starting.
  bool refused = false;
  for (int i = 0; i < 10000 && !refused; ++i) {
    refused = !pool.submit([] {});
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(refused);
  finish_start.set_value();
  submitter.join();
  stopper.join();  // returns only once the started thread ran the task and was joined
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace ssm_cache::cli
