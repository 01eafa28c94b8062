// local_fixture.hpp — test helper: an ssm-cache-local server (admin endpoints on) loaded with
// a fixed data set, its call counters (/_local/stats), fault switches (/_local/faults), and the
// environment under which the ssm-cache program talks to it. Stopped on destruction.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/process.hpp"
#include "common/env.hpp"

namespace ssm_cache::testing {

inline const char* kLocalData = R"JSON({"format": "ssm-cache-local", "version": 1,
 "parameters": [
  {"Name": "/app/prod/db-url", "Type": "String", "Value": "postgres://db.internal/app"},
  {"Name": "/app/prod/port", "Type": "String", "Value": "5432"},
  {"Name": "/app/prod/api-key", "Type": "SecureString", "Value": "s3cr3t-'quoted' $(x)"},
  {"Name": "/app/prod/nested/level", "Type": "String", "Value": "deep"},
  {"Name": "/app/common/port", "Type": "String", "Value": "80"},
  {"Name": "/app/list", "Type": "StringList", "Value": "a,b,c"},
  {"Name": "/app/v", "Versions": [{"Version": 1, "Value": "one"},
                                  {"Version": 2, "Value": "two", "Labels": ["live"]}]},
  {"Name": "/lru/a", "Type": "String", "Value": "A"},
  {"Name": "/lru/b", "Type": "String", "Value": "B"},
  {"Name": "/lru/c", "Type": "String", "Value": "C"}
 ],
 "secrets": [{"Name": "prod/db-password", "SecretString": "pa'ss"}]})JSON";

class LocalServer {
 public:
  static constexpr char kAdminToken[] = "cli-test-admin-token";
  LocalServer()
      : data_(write_temp_file(kLocalData)),
        process_({env_or_die("SSM_CACHE_LOCAL_BIN"), "--port", "0", "--admin-token", kAdminToken,
                  "--quiet", "--data", data_}) {
    url_ = process_.wait_for_url();
    auto colon = url_.rfind(':');
    port_ = std::stoi(url_.substr(colon + 1));
  }
  ~LocalServer() {
    // ssm-cache-local imports the JSON file into DATA.sqlite (with its WAL files).
    for (const char* suffix : {"", ".sqlite", ".sqlite-wal", ".sqlite-shm"}) {
      std::remove((data_ + suffix).c_str());
    }
  }

  const std::string& url() const { return url_; }

  /// Calls of one action so far ("AmazonSSM.GetParameter", "secretsmanager.GetSecretValue").
  int calls(const std::string& target) {
    auto j = admin("GET", "/_local/stats", "");
    if (!j.contains("calls") || !j["calls"].contains(target)) return 0;
    return j["calls"][target].get<int>();
  }
  int total_calls() { return admin("GET", "/_local/stats", "").value("total", 0); }
  void set_faults(const std::string& json_body) { admin("PUT", "/_local/faults", json_body); }
  void clear_faults() { admin("DELETE", "/_local/faults", ""); }

  /// common::Environment for ssm-cache: test credentials, region, no profile files.
  std::map<std::string, std::string> client_env() const {
    return {{"AWS_ACCESS_KEY_ID", "test"},
            {"AWS_SECRET_ACCESS_KEY", "test"},
            {"AWS_SESSION_TOKEN", ""},
            {"AWS_REGION", "us-east-1"},
            {"AWS_CONFIG_FILE", "/nonexistent"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
            {"AWS_PROFILE", ""},
            {"AWS_MAX_ATTEMPTS", "2"}};
  }

 private:
  nlohmann::json admin(const std::string& method, const std::string& path,
                       const std::string& body) {
    httplib::Client c("127.0.0.1", port_);
    const httplib::Headers h = {{"Authorization", std::string("Bearer ") + kAdminToken}};
    httplib::Result r = method == "GET"   ? c.Get(path, h)
                        : method == "PUT" ? c.Put(path, h, body, "application/json")
                                          : c.Delete(path, h);
    if (!r || r->status != 200) {
      throw std::runtime_error("admin " + method + " " + path + " failed");
    }
    return nlohmann::json::parse(r->body);
  }

  std::string data_;
  ServerProcess process_;
  std::string url_;
  int port_ = 0;
};

}  // namespace ssm_cache::testing
