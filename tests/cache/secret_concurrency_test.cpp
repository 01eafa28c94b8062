// Single flight for Secret: many threads reading an expired secret make one fetch. A record
// read while refreshes publish new versions is one whole version (value and metadata).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "secret_fixture.hpp"

namespace ssm_cache::test {
namespace {

TEST_F(SecretTest, SingleFlightOnFirstReadAndOnExpiry) {
  fake->put_secret_string("db", "pw1");
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  fake->set_hook([&](const auto&) {
    const int now = ++in_flight;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(5ms);  // widen the window where others could join
    --in_flight;
  });
  SecretOptions o = sopts(10s);
  o.version_aware_refresh = false;
  Secret s("db", o);
  auto read_all = [&](const std::string& expected) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          auto view = s.value_view();
          EXPECT_EQ(view, expected);
        }
      });
    }
    for (auto& th : threads) th.join();
  };
  read_all("pw1");
  EXPECT_EQ(gets(), 1u);
  fake->put_secret_string("db", "pw2");
  clock->advance(11s);
  read_all("pw2");
  EXPECT_EQ(gets(), 2u);
  EXPECT_EQ(max_in_flight.load(), 1);
}

TEST_F(SecretTest, RecordsReadDuringRefreshesAreWholeVersions) {
  // The fake numbers versions in order: the nth write of "db" is "v<n>-db", with value "<n>".
  fake->put_secret_string("db", "1");
  Secret s("db", sopts());
  ASSERT_EQ(s.record().version_id, "v1-db");
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      do {
        const SecretValue r = s.record();
        ASSERT_TRUE(r.secret_string.has_value());
        EXPECT_EQ(r.version_id, "v" + *r.secret_string + "-db");
        EXPECT_EQ(r.name, "db");
        EXPECT_EQ(r.version_stages, std::vector<std::string>{"AWSCURRENT"});
      } while (!done.load());
    });
  }
  for (int n = 2; n <= 40; ++n) {
    fake->put_secret_string("db", std::to_string(n));
    s.refresh();
  }
  done.store(true);
  for (auto& th : readers) th.join();
  EXPECT_EQ(s.version_id(), "v40-db");
}

}  // namespace
}  // namespace ssm_cache::test
