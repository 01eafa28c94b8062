// tests/local/server_process.hpp — runs the real ssm-cache-local program for a test: starts it
// with --port 0, reads the port from its first line, and kills it when the test ends (also
// when it fails). Also a small signed HTTP client over cpp-httplib, and a runner for other
// programs (the AWS CLI). Not thread-safe; one per test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "aws/sigv4.hpp"

namespace local_test {

inline std::string server_binary() {
  if (const char* env = std::getenv("SSM_CACHE_LOCAL_BIN")) return env;
  return SSM_CACHE_LOCAL_BIN;
}

/// A fresh temporary directory, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ssm-local-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

/// The program under test. The destructor sends SIGKILL if it still runs.
class ServerProcess {
 public:
  /// Starts the server with args (plus --port 0 unless a --port is given). When
  /// expect_listening is false the caller examines the exit instead (wait_exit()).
  explicit ServerProcess(std::vector<std::string> args, bool expect_listening = true)
      : stderr_path_(tmp_.file("stderr.txt")) {
    bool has_port = false;
    for (const auto& a : args) has_port = has_port || a == "--port";
    if (!has_port) {
      args.push_back("--port");
      args.push_back("0");
    }
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const std::string binary = server_binary();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(err, 2);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_fd_ = out[0];
    if (expect_listening) {
      first_line_ = read_line(std::chrono::seconds(30));
      const std::string prefix = "listening on http://127.0.0.1:";
      if (first_line_.rfind(prefix, 0) != 0) {
        kill(SIGKILL);
        throw std::runtime_error("ssm-cache-local did not print its listening line; got '" +
                                 first_line_ + "', stderr: " + stderr_text());
      }
      port_ = std::stoi(first_line_.substr(prefix.size()));
    }
  }

  ~ServerProcess() {
    if (running()) kill(SIGKILL);
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] const std::string& first_line() const { return first_line_; }
  [[nodiscard]] std::string stderr_text() const { return read_file(stderr_path_); }

  [[nodiscard]] bool running() {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      status_ = status;
      return false;
    }
    return true;
  }

  /// Sends sig and waits for the exit (bounded); returns the wait status.
  int kill(int sig) {
    if (!running()) return status_;
    ::kill(pid_, sig);
    return wait_exit(std::chrono::seconds(30));
  }

  /// Waits for the program to exit by itself; SIGKILL after the timeout. Returns the status.
  int wait_exit(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
        exited_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
  }

  /// The next line on stdout (empty after the timeout or at the end).
  std::string next_line(std::chrono::seconds timeout = std::chrono::seconds(10)) {
    return read_line(timeout);
  }

  /// Everything still unread on stdout (after exit).
  std::string rest_of_stdout() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(stdout_fd_, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  std::string read_line(std::chrono::seconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char c;
      const ssize_t n = ::read(stdout_fd_, &c, 1);
      if (n <= 0) break;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  TempDir tmp_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  bool exited_ = false;
  int status_ = 0;
  std::string first_line_;
};

struct Reply {
  int status = 0;  ///< 0: no HTTP response (connection dropped, truncated, refused)
  std::string body;
  nlohmann::json json;  ///< parsed body when it is JSON
  std::string error_code() const {
    return json.is_object() && json.contains("__type") ? json["__type"].get<std::string>() : "";
  }
};

/// The admin token tests start the server with ("--admin-token", kAdminToken); SignedClient
/// sends it on /_local/ calls.
inline constexpr char kAdminToken[] = "local-test-admin-token";

/// Posts JSON 1.1 requests signed with SigV4 (as the AWS SDKs do).
class SignedClient {
 public:
  explicit SignedClient(int port, std::string access_key = "test", std::string secret = "test",
                        std::string region = "us-east-1")
      : port_(port),
        access_key_(std::move(access_key)),
        secret_(std::move(secret)),
        region_(std::move(region)),
        http_("127.0.0.1", port) {
    http_.set_read_timeout(30, 0);
    http_.set_connection_timeout(10, 0);
  }

  Reply call(const std::string& target, const std::string& body,
             const std::string& session_token = {}) {
    const std::string service = target.rfind("AmazonSSM.", 0) == 0 ? "ssm" : "secretsmanager";
    ssm_cache::aws::SignableRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "127.0.0.1:" + std::to_string(port_)},
                   {"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", target}};
    req.body = body;
    ssm_cache::aws::SigningOptions options;
    options.region = region_;
    options.service = service;
    const auto signed_ = ssm_cache::aws::sign_request(req, {access_key_, secret_, session_token},
                                                      options, std::chrono::system_clock::now());
    httplib::Headers headers = {{"X-Amz-Target", target}};
    for (const auto& [k, v] : signed_.added) headers.emplace(k, v);
    return to_reply(http_.Post("/", headers, body, "application/x-amz-json-1.1"));
  }

  Reply call(const std::string& target, const nlohmann::json& body) {
    return call(target, body.dump());
  }

  Reply admin(const std::string& method, const std::string& path, const std::string& body = {},
              const std::string& token = kAdminToken) {
    const httplib::Headers h = {{"Authorization", "Bearer " + token}};
    httplib::Result r = method == "GET"      ? http_.Get(path.c_str(), h)
                        : method == "DELETE" ? http_.Delete(path.c_str(), h)
                        : method == "PUT"    ? http_.Put(path.c_str(), h, body, "application/json")
                                          : http_.Post(path.c_str(), h, body, "application/json");
    return to_reply(std::move(r));
  }

  httplib::Client& http() { return http_; }

 private:
  static Reply to_reply(httplib::Result r) {
    Reply reply;
    if (!r) return reply;
    reply.status = r->status;
    reply.body = r->body;
    reply.json = nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
    return reply;
  }

  int port_;
  std::string access_key_;
  std::string secret_;
  std::string region_;
  httplib::Client http_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs argv in a clean environment (PATH, HOME=a temporary directory, LANG, plus env),
/// capturing stdout and stderr (via files).
inline CommandResult run_command(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& env) {
  TempDir tmp;
  const std::string out_path = tmp.file("out");
  const std::string err_path = tmp.file("err");
  std::map<std::string, std::string> full = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", tmp.path().string()}, {"LANG", "C.UTF-8"}};
  for (const auto& [k, v] : env) full[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : full) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

}  // namespace local_test
