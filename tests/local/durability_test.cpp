// tests/local/durability_test.cpp — the --data database under the real program (issue 13):
// SIGKILL at any instant loses no acknowledged write (50 kills in a row, each in the middle
// of a stream of writes), and a second server on the same file is refused with a clear error.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "server_process.hpp"

namespace local_test {
namespace {

using nlohmann::json;

/// Names under `path` the server holds (all pages of GetParametersByPath).
std::set<std::string> names_under(SignedClient& client, const std::string& path) {
  std::set<std::string> names;
  json request = {{"Path", path}, {"Recursive", true}, {"MaxResults", 10}};
  for (int page = 0; page < 1000; ++page) {
    const Reply r = client.call("AmazonSSM.GetParametersByPath", request);
    if (r.status != 200) throw std::runtime_error("GetParametersByPath: " + r.body);
    for (const auto& p : r.json["Parameters"]) names.insert(p["Name"].get<std::string>());
    if (!r.json.contains("NextToken")) break;
    request["NextToken"] = r.json["NextToken"];
  }
  return names;
}

TEST(LocalDurability, FiftySigkillsLoseNoAcknowledgedWrite) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  std::mt19937 dice(13);
  std::set<std::string> acknowledged;
  for (int run = 0; run < 50; ++run) {
    ServerProcess server({"--data", file, "--quiet"});
    SignedClient check(server.port());
    // Everything acknowledged by the servers killed so far is there.
    const auto held = names_under(check, "/kill");
    for (const auto& name : acknowledged) {
      ASSERT_TRUE(held.contains(name)) << "run " << run << ": lost " << name;
    }
    std::atomic<bool> done{false};
    std::vector<std::string> acked_now;
    std::thread writer([&] {
      SignedClient client(server.port());
      for (int n = 0; !done; ++n) {
        const std::string name = "/kill/" + std::to_string(run) + "/" + std::to_string(n);
        const Reply r =
            client.call("AmazonSSM.PutParameter",
                        json{{"Name", name}, {"Value", std::string(512, 'v')}, {"Type", "String"}});
        if (r.status != 200) break;  // killed under us: not acknowledged
        acked_now.push_back(name);
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + dice() % 60));
    server.kill(SIGKILL);
    done = true;
    writer.join();
    acknowledged.insert(acked_now.begin(), acked_now.end());
  }
  ServerProcess last({"--data", file, "--quiet"});
  SignedClient check(last.port());
  const auto held = names_under(check, "/kill");
  std::size_t lost = 0;
  for (const auto& name : acknowledged) lost += held.contains(name) ? 0 : 1;
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged writes";
  EXPECT_GT(acknowledged.size(), 50u);  // the loop did write under the kills
}

TEST(LocalDurability, SecondServerOnTheSameFileIsRefused) {
  TempDir dir;
  const std::string file = dir.file("store.db");
  ServerProcess first({"--data", file, "--quiet"});
  ServerProcess second({"--data", file, "--quiet"}, /*expect_listening=*/false);
  const int status = second.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(second.stderr_text().find("in use by another ssm-cache-local"), std::string::npos)
      << second.stderr_text();
  SignedClient client(first.port());
  EXPECT_EQ(client
                .call("AmazonSSM.PutParameter",
                      json{{"Name", "/still"}, {"Value", "ok"}, {"Type", "String"}})
                .status,
            200);
}

}  // namespace
}  // namespace local_test
