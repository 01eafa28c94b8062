// Concurrency test of the sidecar cache (cheap enough for TSan): many threads reading a small
// key set with short TTLs, background refreshes, evictions and forced refreshes at once. Every
// answer must be a value, and fetches must stay far below the number of reads. And the libevent
// front under the same churn: loops answering hits while workers fetch misses and hand their
// answers back to the loops. And the task pool both run on: submits from many threads while it
// grows and stops.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/fake_aws_client.hpp"
#include "sidecar_cache.hpp"
#include "sidecar_event_server.hpp"
#include "task_pool.hpp"

namespace ssm_cache::cli {
namespace {

using namespace std::chrono_literals;

TEST(TaskPoolConcurrency, SubmitsWhileGrowingAndStopping) {
  std::atomic<int> starts{0};
  std::atomic<int> accepted{0};
  std::atomic<int> ran{0};
  TaskPool pool(6, [&](std::function<void()> body) {
    ++starts;
    return std::thread(std::move(body));
  });
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!pool.submit([&] {
              std::this_thread::yield();
              ++ran;
            })) {
          return;  // stopped
        }
        ++accepted;
      }
    });
  }
  // Stop while the submitters are still going: every accepted task runs, no thread is left.
  while (accepted.load() < 200) std::this_thread::yield();
  pool.stop();
  for (auto& t : submitters) t.join();
  EXPECT_EQ(ran.load(), accepted.load());
  EXPECT_GE(starts.load(), 1);
  EXPECT_LE(starts.load(), 6);
}

TEST(SidecarCacheConcurrency, ManyThreadsFewFetches) {
  SidecarCacheOptions o;
  o.capacity = 6;  // fewer than the 8 keys: evictions happen too
  SidecarCache cache(o);
  std::atomic<int> fetches{0};
  std::atomic<int> reads{0};
  std::atomic<int> bad{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      int i = 0;
      while (!stop.load()) {
        std::string key = "k" + std::to_string((t + i) % 8);
        auto r = cache.get(key, 20ms, i % 97 == 0, [&fetches, key] {
          ++fetches;
          return Outcome{200, "value of " + key, {}, false};
        });
        if (!r.outcome || r.outcome->body != "value of " + key) ++bad;
        ++reads;
        ++i;
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& th : threads) th.join();
  cache.wait_idle();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(reads.load(), 100);
  EXPECT_LT(fetches.load(), reads.load());
  EXPECT_LE(cache.size(), 6u);
}

// Issue 14's paths under contention: fetches slower than the wait budget (timeouts, stale
// answers, queued fetches dropped because their waiters left), clients leaving, and shutdown
// ending every wait, all at once. Every answer is the value, a stale value, a 504 or a 503.
TEST(SidecarCacheConcurrency, BoundedWaitsClientsLeavingAndShutdown) {
  SidecarCacheOptions o;
  o.capacity = 16;
  o.refresh_threads = 2;
  o.wait_budget = 5ms;
  o.max_stale_if_error = 10s;
  SidecarCache cache(o);
  std::atomic<int> bad{0};
  std::atomic<int> reads{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      int i = 0;
      while (!stop.load()) {
        const std::string key = "k" + std::to_string((t * 7 + i) % 12);
        const bool leaves = i % 5 == 0;
        auto r = cache.get(
            key, 2ms, i % 31 == 0,
            [key] {
              std::this_thread::sleep_for(3ms);  // about the budget: some wait, some time out
              return Outcome{200, "value of " + key, {}, false};
            },
            [leaves] { return leaves; });
        const int status = r.outcome ? r.outcome->status : 0;
        if (!(status == 504 || status == 503 ||
              (status == 200 && r.outcome->body == "value of " + key))) {
          ++bad;
        }
        ++reads;
        ++i;
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  cache.shutdown(SidecarCache::Clock::now() + 20ms);
  std::this_thread::sleep_for(100ms);
  stop = true;
  for (auto& th : threads) th.join();
  EXPECT_TRUE(cache.wait_idle_for(10s));
  EXPECT_EQ(bad, 0);
  EXPECT_GT(reads.load(), 100);
}

TEST(SidecarEventServerConcurrency, LoopsAndWorkersServeEveryRequest) {
  auto fake = std::make_shared<testing::FakeAwsClient>();
  for (int k = 0; k < 12; ++k) fake->put("/k/" + std::to_string(k), "value " + std::to_string(k));
  SidecarConfig c;
  c.token = "tok";
  c.threads = 2;
  c.cache_size = 6;  // fewer than the 12 keys: misses keep going to the workers
  c.ssm_ttl = 20ms;  // and expiries to background refreshes
  SidecarService service(c, fake, fake, nullptr);
  SidecarEventServer server(service);
  const int port = server.bind(0);
  std::atomic<bool> ran_ok{false};
  std::thread loop([&] { ran_ok = server.run(); });

  std::atomic<int> ok{0};
  std::atomic<int> bad{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_read_timeout(10, 0);
      client.set_default_headers({{"X-Aws-Parameters-Secrets-Token", "tok"}});
      for (int i = 0; !stop.load(); ++i) {
        const int k = (t * 5 + i) % 12;
        auto r = client.Get("/systemsmanager/parameters/get?name=%2Fk%2F" + std::to_string(k));
        if (r && r->status == 200 &&
            nlohmann::json::parse(r->body)["Parameter"]["Value"] == "value " + std::to_string(k)) {
          ++ok;
        } else {
          ++bad;
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& th : clients) th.join();
  server.stop();
  loop.join();
  service.cache().wait_idle();
  EXPECT_TRUE(ran_ok.load());
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(ok.load(), 8);
  EXPECT_GT(fake->calls("GetParameter"), 12);  // the worker path was exercised
  EXPECT_LT(fake->calls("GetParameter"), ok.load());
}

// Secrets read through library Secret handles (sidecar_secrets.hpp) from many threads, with
// fewer handles than secrets (LRU eviction), expiries, forced refreshes and rotations at once.
TEST(SidecarSecretsConcurrency, HandlesUnderEvictionRefreshAndRotation) {
  auto fake = std::make_shared<testing::FakeAwsClient>();
  for (int k = 0; k < 6; ++k)
    fake->put_secret("s" + std::to_string(k), "value " + std::to_string(k));
  SidecarConfig c;
  c.token = "tok";
  c.cache_size = 3;
  c.secrets_ttl = 5ms;
  SidecarService service(c, fake, fake, nullptr);
  std::atomic<int> bad{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        const std::string id = "s" + std::to_string((t + i) % 6);
        QueryParams q{{"secretId", id}};
        if (i % 7 == 0) q.emplace_back("refreshNow", "true");
        auto r = service.handle("GET", "/secretsmanager/get", q, {"tok"});
        const auto j = nlohmann::json::parse(r.body);
        if (r.status != 200 || j["Name"] != id ||
            j["SecretString"].get<std::string>().rfind("value", 0) != 0) {
          ++bad;
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; !stop.load(); ++i) {
      fake->put_secret("s" + std::to_string(i % 6), "value rotated " + std::to_string(i));
      std::this_thread::sleep_for(2ms);
    }
  });
  std::this_thread::sleep_for(300ms);
  stop = true;
  for (auto& th : threads) th.join();
  service.cache().wait_idle();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(fake->calls("DescribeSecret"), 0);
}

}  // namespace
}  // namespace ssm_cache::cli
