// Issue 11, point 4: counters per handle, per group and process-wide, and a listener called
// once per change, outside every lock (a listener that reads or refreshes the same parameter
// does not deadlock).
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

class RecordingListener : public CacheListener {
 public:
  void on_refresh(std::size_t parameters) override {
    std::lock_guard lock(mutex);
    refreshes.push_back(parameters);
  }
  void on_change(const std::string& name, std::int64_t old_version,
                 std::int64_t new_version) override {
    std::lock_guard lock(mutex);
    changes.push_back(name + ":" + std::to_string(old_version) + "->" +
                      std::to_string(new_version));
  }
  void on_error(const Error& error) override {
    std::lock_guard lock(mutex);
    errors.push_back(error.what());
  }
  std::mutex mutex;
  std::vector<std::size_t> refreshes;
  std::vector<std::string> changes;
  std::vector<std::string> errors;
};

TEST_F(CacheTest, HandleAndGroupCounters) {
  fake->put("a", "a1");
  fake->put("b", "b1");
  SSMParameterGroup group(gopts(60s));
  auto a = group.parameter("a");
  auto b = group.parameter("b");
  auto missing = group.parameter("nope");
  for (int i = 0; i < 10; ++i) (void)a.value();
  (void)b.value();
  EXPECT_THROW((void)missing.value(), InvalidParameterError);
  const CacheStats sa = a.stats();
  EXPECT_EQ(sa.misses, 1u);
  EXPECT_EQ(sa.hits, 9u);
  EXPECT_EQ(sa.refreshes, 1u);
  EXPECT_EQ(sa.aws_calls, 1u);
  EXPECT_EQ(missing.stats().errors_not_found, 1u);
  const CacheStats g = group.stats();
  EXPECT_EQ(g.hits, 10u);
  EXPECT_EQ(g.misses, 2u);  // a's first read and missing's (within its backoff after)
  EXPECT_EQ(g.errors_not_found, 1u);

  clock->advance(61s);
  fake->fail_next_with(1, FakeParameterClient::throttling());
  EXPECT_EQ(a.value(), "a1");  // stale-if-error
  EXPECT_EQ(a.stats().stale_serves, 1u);
  EXPECT_EQ(a.stats().errors_transient, 1u);
  EXPECT_EQ(get_calls(), fake->call_count());
  EXPECT_EQ(group.stats().aws_calls, get_calls());
}

TEST_F(CacheTest, ProcessWideCountersGrow) {
  fake->put("x", "x1");
  const CacheStats before = cache_stats();
  SSMParameter x("x", opts());
  for (int i = 0; i < 5; ++i) (void)x.value();
  const CacheStats after = cache_stats();
  EXPECT_EQ(after.hits - before.hits, 4u);
  EXPECT_EQ(after.misses - before.misses, 1u);
  EXPECT_EQ(after.aws_calls - before.aws_calls, 1u);
  EXPECT_EQ(after.refreshes - before.refreshes, 1u);
}

TEST_F(CacheTest, ListenerCalledOncePerChange) {
  auto listener = std::make_shared<RecordingListener>();
  fake->put("/l/a", "a1");
  fake->put("/l/b", "b1");
  auto o = gopts(60s);
  o.listener = listener;
  SSMParameterGroup group(o);
  auto a = group.parameter("/l/a");
  auto b = group.parameter("/l/b");
  EXPECT_EQ(a.value(), "a1");
  EXPECT_TRUE(listener->changes.empty());  // a first fetch is not a change
  fake->put("/l/a", "a2");
  clock->advance(61s);
  EXPECT_EQ(b.value(), "b1");
  for (int i = 0; i < 5; ++i) (void)a.value();
  group.refresh();  // nothing changed: no change event
  EXPECT_EQ(listener->changes, std::vector<std::string>{"/l/a:1->2"});
  EXPECT_EQ(listener->refreshes, (std::vector<std::size_t>{2, 2, 2}));
  fake->remove("/l/b");
  EXPECT_THROW(group.refresh(), InvalidParameterError);
  ASSERT_EQ(listener->errors.size(), 1u);
  EXPECT_NE(listener->errors[0].find("/l/b"), std::string::npos);
}

// Reads (and refreshes) the parameter it is told about: deadlocks if called under a lock.
class ReentrantListener : public CacheListener {
 public:
  explicit ReentrantListener(std::function<void()> action) : action_(std::move(action)) {}
  void on_refresh(std::size_t) override { action_(); }
  void on_change(const std::string&, std::int64_t, std::int64_t) override {
    action_();
    ++changes;
  }
  void on_error(const Error&) override { action_(); }
  std::atomic<int> changes{0};

 private:
  std::function<void()> action_;
};

TEST_F(CacheTest, ListenerThatReadsTheSameParameterDoesNotDeadlock) {
  fake->put("/l/p", "v1");
  std::optional<SSMParameter> p;
  std::atomic<int> seen{0};
  auto listener = std::make_shared<ReentrantListener>([&] {
    if (!p) return;
    (void)p->value();  // the same parameter, fresh by now
    (void)p->stats();
    // Refreshing takes the refresh lock: this would self-deadlock if called under it.
    static thread_local bool inside = false;
    if (!inside) {
      inside = true;
      try {
        p->refresh();
      } catch (const Error&) {
      }
      inside = false;
    }
    ++seen;
  });
  auto o = opts(60s);
  o.listener = listener;
  p.emplace("/l/p", o);
  auto done = std::async(std::launch::async, [&] {
    EXPECT_EQ(p->value(), "v1");
    fake->put("/l/p", "v2");
    p->refresh();
    fake->put("/l/p", "v3");
    clock->advance(61s);
    EXPECT_EQ(p->value(), "v3");
    fake->remove("/l/p");
    EXPECT_THROW(p->refresh(), InvalidParameterError);
    return true;
  });
  // A generous bound on a hang, not a speed assertion.
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "deadlock";
  EXPECT_TRUE(done.get());
  EXPECT_GE(listener->changes.load(), 2);
  EXPECT_GE(seen.load(), 5);
}

TEST_F(CacheTest, ListenerThatThrowsDoesNotBreakTheRead) {
  struct Throwing : CacheListener {
    void on_refresh(std::size_t) override { throw std::runtime_error("listener bug"); }
  };
  fake->put("/l/t", "v");
  auto o = opts();
  o.listener = std::make_shared<Throwing>();
  SSMParameter p("/l/t", o);
  EXPECT_EQ(p.value(), "v");
}

}  // namespace
}  // namespace ssm_cache::test
