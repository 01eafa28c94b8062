// demo — the main job of ssm-cache, end to end against ssm-cache-local (scripts/demo.sh runs
// it): read parameters, a group loaded by path, a StringList and a secret through the library
// many times; show the values (secrets masked), how few AWS calls that cost (from the local
// server's /_local/stats) and what a cached read costs.
//
// Usage: example_demo http://127.0.0.1:PORT   (a server started with --admin and the sample
// data of examples/data/)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ssm_cache/ssm_cache.hpp"

using namespace std::chrono_literals;

namespace {

/// "******** (28 chars)": shows that a secret was read, never what it is.
std::string mask(const std::string& secret) {
  return std::string(8, '*') + " (" + std::to_string(secret.size()) + " chars)";
}

/// The server's per-action call counters. Plumbing for the demo only: curl is at hand.
/// The admin endpoints need the server's admin token: SSM_CACHE_LOCAL_ADMIN_TOKEN (scripts/demo.sh
/// sets it); without it there are no counts to show.
std::map<std::string, long> server_calls(const std::string& endpoint) {
  std::map<std::string, long> calls;
  const char* token = std::getenv("SSM_CACHE_LOCAL_ADMIN_TOKEN");
  if (token == nullptr || *token == '\0') return calls;
  const std::string command = "curl -fsS -H 'Authorization: Bearer " + std::string(token) + "' '" +
                              endpoint + "/_local/stats' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return calls;
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  ::pclose(pipe);
  const auto stats = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (stats.is_object() && stats.contains("calls")) {
    for (const auto& [target, count] : stats["calls"].items()) calls[target] = count.get<long>();
  }
  return calls;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " http://127.0.0.1:PORT  (ssm-cache-local --admin)\n";
    return 2;
  }
  const std::string endpoint = argv[1];

  // One client for everything, pointed at the local server. In production: nothing to
  // configure, the default client reads the region and credentials from the environment.
  ssm_cache::Credentials credentials;
  credentials.access_key_id = "test";
  credentials.secret_access_key = "test";
  auto client = ssm_cache::make_aws_client(
      {.region = "us-east-1",
       .ssm_endpoint_url = endpoint,
       .secrets_manager_endpoint_url = endpoint,
       .credentials = ssm_cache::make_static_credentials_provider({.credentials = credentials})});
  ssm_cache::SSMParameter::set_ssm_client(client);

  const auto before = server_calls(endpoint);

  // Single parameters, each cached for 5 minutes.
  ssm_cache::SSMParameter app_name("/demo/app/name", {.max_age = 300s});
  ssm_cache::SSMParameter api_stable("/demo/api/url:stable");  // a label selector
  // A StringList.
  ssm_cache::SSMParameter features("/demo/app/features", {.max_age = 300s});
  // A group: everything under /demo/db, fetched and refreshed together.
  ssm_cache::SSMParameterGroup shop({.max_age = 300s, .base_path = "/demo"});
  std::vector<ssm_cache::SSMParameter> db = shop.parameters("/db");
  ssm_cache::SSMParameter log_level = shop.parameter("/app/log_level");
  // A Secrets Manager secret, through Parameter Store's /aws/reference/secretsmanager/.
  ssm_cache::SecretsManagerParameter db_credentials("demo/db-credentials", {.max_age = 300s});
  auto payment_key = shop.secret("demo/payment-api-key");

  std::cout << "== values\n";
  std::cout << "  " << app_name.name() << " = " << app_name.value() << "\n";
  std::cout << "  " << api_stable.full_name() << " = " << api_stable.value() << " (version "
            << api_stable.version() << ")\n";
  std::cout << "  " << features.name() << " = [";
  const auto items = features.values();
  for (std::size_t i = 0; i < items.size(); ++i) std::cout << (i ? ", " : "") << items[i];
  std::cout << "]\n";
  std::cout << "  " << log_level.name() << " = " << log_level.value() << "\n";
  for (const auto& p : db) {
    const auto record = p.record();
    std::cout << "  " << p.name() << " = "
              << (record.type == "SecureString" ? mask(record.value) : record.value) << "  ["
              << record.type << "]\n";
  }
  std::cout << "  secret " << db_credentials.secret_name() << " = " << mask(db_credentials.value())
            << "\n";
  std::cout << "  secret " << payment_key.secret_name() << " = " << mask(payment_key.value())
            << "\n";

  // The main job: the application reads its configuration all the time.
  constexpr long kRounds = 200'000;
  std::size_t checksum = 0;
  long reads = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < kRounds; ++i) {
    checksum += app_name.value().size() + api_stable.value().size() + features.value().size() +
                log_level.value().size() + db_credentials.value().size() +
                payment_key.value().size();
    reads += 6;
    for (const auto& p : db) {
      checksum += p.value().size();
      ++reads;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns_per_read =
      std::chrono::duration<double, std::nano>(elapsed).count() / static_cast<double>(reads);

  const auto after = server_calls(endpoint);
  long calls = 0;
  std::cout << "\n== AWS calls (from ssm-cache-local /_local/stats)\n";
  if (after.empty()) {
    std::cout << "  unavailable: start ssm-cache-local with --admin\n";
  }
  for (const auto& [target, count] : after) {
    const long delta = count - (before.count(target) ? before.at(target) : 0);
    if (delta == 0) continue;
    calls += delta;
    std::cout << "  " << target << ": " << delta << "\n";
  }
  if (!after.empty()) {
    std::cout << "  " << reads << " reads of " << (6 + db.size()) << " values cost " << calls
              << " AWS calls" << (calls > 0 ? " (one per cache fill, none per read)" : "") << "\n";
  }
  std::cout << "\n== cached reads\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %.1f ns per value() (%ld reads in %.1f ms; checksum %zu)\n",
                ns_per_read, reads, std::chrono::duration<double, std::milli>(elapsed).count(),
                checksum);
  std::cout << line;
  return 0;
}
