// End-to-end test of `ssm-cache` as a Lambda extension (issue 10, point 3): the program is
// started as Lambda starts /opt/extensions/<file> — no arguments, `env -i` with only what the
// Lambda sandbox sets, an empty HOME — against an Extensions API stand-in written here and
// ssm-cache-local as AWS. The stand-in checks the Lambda-Extension-Name (the file's base
// name), that the HTTP port answers before the extension registers (function init code runs
// once every extension has registered), that a parameter is served, and that SHUTDOWN ends the
// process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cli/local_fixture.hpp"

namespace ssm_cache::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kSessionToken = "lambda-session-token";

// A free loopback port (bound then released): the sidecar's port is fixed by the environment
// as under Lambda (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).
int free_port() {
  // A plain socket, closed before returning (not an httplib::Server: its destructor leaves the
  // listening socket open, and with SO_REUSEPORT the kernel would share connections with it).
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The Lambda Extensions API (2020-01-01) as an extension sees it, on loopback.
class ExtensionsApiStandIn {
 public:
  explicit ExtensionsApiStandIn(int sidecar_port) : sidecar_port_(sidecar_port) {
    server_.Post(
        "/2020-01-01/extension/register",
        [this](const httplib::Request& req, httplib::Response& res) { on_register(req, res); });
    server_.Get("/2020-01-01/extension/event/next",
                [this](const httplib::Request& req, httplib::Response& res) { on_next(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ExtensionsApiStandIn() {
    send_shutdown();
    server_.stop();
    thread_.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  bool wait_registered(std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return registered_; });
  }
  void send_shutdown() {
    {
      std::lock_guard lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
  }

  // What the stand-in saw (read after wait_registered).
  std::string name;
  std::string events;
  int status_served_at_register = 0;  // the sidecar's answer to a request made then
  std::atomic<int> next_calls{0};
  std::atomic<int> next_with_right_identifier{0};

 private:
  void on_register(const httplib::Request& req, httplib::Response& res) {
    // Before answering: the extension's port must already serve (the function's init code
    // may call it as soon as registration completes).
    httplib::Client sidecar("127.0.0.1", sidecar_port_);
    sidecar.set_connection_timeout(2);
    sidecar.set_read_timeout(10);
    auto r = sidecar.Get("/systemsmanager/parameters/get?name=/app/prod/port",
                         {{"X-Aws-Parameters-Secrets-Token", kSessionToken}});
    {
      std::lock_guard lock(mu_);
      name = req.get_header_value("Lambda-Extension-Name");
      events = req.body;
      status_served_at_register = r ? r->status : -1;
      registered_ = true;
    }
    cv_.notify_all();
    res.set_header("Lambda-Extension-Identifier", "ext-identifier-1");
    res.set_content(R"({"functionName":"f","functionVersion":"$LATEST","handler":"h"})",
                    "application/json");
  }
  void on_next(const httplib::Request& req, httplib::Response& res) {
    const int n = ++next_calls;
    if (req.get_header_value("Lambda-Extension-Identifier") == "ext-identifier-1") {
      ++next_with_right_identifier;
    }
    if (n == 1) {
      res.set_content(R"({"eventType":"INVOKE","deadlineMs":1,"requestId":"r1"})",
                      "application/json");
      return;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 60s, [&] { return shutdown_; });
    res.set_content(R"({"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":1})",
                    "application/json");
  }

  int sidecar_port_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool registered_ = false;
  bool shutdown_ = false;
};

class LambdaExtension : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ssm_cache_lambda_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "home");  // empty HOME: no ~/.aws anywhere
    fs::create_directories(root_ / "opt" / "extensions");
  }
  void TearDown() override { fs::remove_all(root_); }

  // `env -i` + the variables the Lambda sandbox sets (and the endpoint of the AWS stand-in).
  std::vector<std::string> lambda_command(const std::string& runtime_api, int port,
                                          const fs::path& file) {
    return {"/usr/bin/env",
            "-i",
            "HOME=" + (root_ / "home").string(),
            "AWS_LAMBDA_RUNTIME_API=" + runtime_api,
            "AWS_ACCESS_KEY_ID=test",
            "AWS_SECRET_ACCESS_KEY=test",
            std::string("AWS_SESSION_TOKEN=") + kSessionToken,
            "AWS_REGION=us-east-1",
            "AWS_LAMBDA_FUNCTION_NAME=f",
            "AWS_ENDPOINT_URL=" + local_.url(),
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT=" + std::to_string(port),
            file.string()};
  }

  // Runs the extension file as Lambda would and checks the whole life cycle.
  void run_life_cycle(const fs::path& file, const std::string& expected_name) {
    const int port = free_port();
    ExtensionsApiStandIn api(port);
    ServerProcess ext(lambda_command(api.address(), port, file));
    ASSERT_TRUE(api.wait_registered(30s)) << ext.stderr_text();
    EXPECT_EQ(api.name, expected_name);
    EXPECT_EQ(nlohmann::json::parse(api.events),
              nlohmann::json::parse(R"({"events":["INVOKE","SHUTDOWN"]})"));
    EXPECT_EQ(api.status_served_at_register, 200) << "the port must serve before registering";

    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10);
    auto r = c.Get("/systemsmanager/parameters/get?name=/app/prod/db-url",
                   {{"X-Aws-Parameters-Secrets-Token", kSessionToken}});
    ASSERT_TRUE(r) << httplib::to_string(r.error()) << "\n" << ext.stderr_text();
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(nlohmann::json::parse(r->body)["Parameter"]["Value"], "postgres://db.internal/app");

    api.send_shutdown();
    EXPECT_EQ(ext.wait(10s), 0) << ext.stderr_text();
    EXPECT_GE(api.next_calls.load(), 2);
    EXPECT_EQ(api.next_with_right_identifier.load(), api.next_calls.load());
    EXPECT_EQ(ext.stderr_text().find(kSessionToken), std::string::npos);
  }

  fs::path root_;
  LocalServer local_;
};

// The layer holds the binary itself at /opt/extensions/<name>; Lambda runs it bare.
TEST_F(LambdaExtension, BinaryStartedWithoutArgumentsRegistersUnderItsFileName) {
  const fs::path file = root_ / "opt" / "extensions" / "my-params-ext";
  fs::copy_file(env_or_die("SSM_CACHE_BIN"), file);
  fs::permissions(file, fs::perms::owner_all);
  run_life_cycle(file, "my-params-ext");
}

// A launcher script: its own file name is what Lambda checks, passed with --extension-name.
TEST_F(LambdaExtension, LauncherScriptPassesItsNameWithExtensionName) {
  const fs::path file = root_ / "opt" / "extensions" / "launcher.sh";
  {
    std::ofstream script(file);
    script << "#!/bin/sh\nexec '" << env_or_die("SSM_CACHE_BIN")
           << "' serve --extension-name \"${0##*/}\"\n";
  }
  fs::permissions(file, fs::perms::owner_all);
  run_life_cycle(file, "launcher.sh");
}

}  // namespace
}  // namespace ssm_cache::testing
