// Single flight for Secret: many threads reading an expired secret make one fetch.
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

}  // namespace
}  // namespace ssm_cache::test
