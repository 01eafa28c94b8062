// sidecar_fixture.hpp — test helper: the real `ssm-cache serve` started against an
// ssm-cache-local server (LocalServer), on a free port, with a fixed token; killed on
// destruction. Not thread-safe except get(), which opens its own connection.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/local_fixture.hpp"

namespace ssm_cache::testing {

inline constexpr const char* kToken = "integration-token";
inline constexpr const char* kGetParameter = "AmazonSSM.GetParameter";

class Sidecar {
 public:
  Sidecar(LocalServer& local, std::vector<std::string> args,
          std::map<std::string, std::string> extra_env = {})
      : process_(make_args(local, std::move(args)), merge(local.client_env(), extra_env)) {
    auto url = process_.wait_for_url();
    port_ = std::stoi(url.substr(url.rfind(':') + 1));
  }
  httplib::Result get(const std::string& target, bool with_token = true,
                      std::chrono::milliseconds read_timeout = std::chrono::seconds(30)) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(read_timeout);
    httplib::Headers h;
    if (with_token) h.emplace("X-Aws-Parameters-Secrets-Token", kToken);
    return c.Get(target, h);
  }
  std::string parameter_value(const std::string& name) {
    auto r = get("/systemsmanager/parameters/get?name=" + name);
    if (!r || r->status != 200)
      return "<error " +
             (r ? std::to_string(r->status) + " " + r->body : std::string("no response")) + ">";
    return nlohmann::json::parse(r->body)["Parameter"]["Value"].get<std::string>();
  }
  std::string metrics() {
    auto r = get("/metrics");
    return r ? r->body : "";
  }
  int port() const { return port_; }
  ServerProcess& process() { return process_; }

 private:
  static std::vector<std::string> make_args(LocalServer& local, std::vector<std::string> args) {
    std::vector<std::string> all = {env_or_die("SSM_CACHE_BIN"),
                                    "--endpoint-url",
                                    local.url(),
                                    "serve",
                                    "--port",
                                    "0",
                                    "--token",
                                    kToken};
    all.insert(all.end(), args.begin(), args.end());
    return all;
  }
  static std::map<std::string, std::string> merge(std::map<std::string, std::string> a,
                                                  const std::map<std::string, std::string>& b) {
    for (const auto& [k, v] : b) a[k] = v;
    return a;
  }
  ServerProcess process_;
  int port_ = 0;
};

}  // namespace ssm_cache::testing
