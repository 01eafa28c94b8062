// process.hpp — test helper: runs a program (fork/execve) with extra environment variables,
// either to completion with its output captured (run_program) or as a server whose stdout
// lines can be awaited (ServerProcess, killed on destruction, also when a test fails).
// Not thread-safe; one object per process.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ssm_cache::testing {

/// A program path: the environment variable `name` if set, else the path CMake compiled in
/// (SSM_CACHE_BIN / SSM_CACHE_LOCAL_BIN definitions), else throws.
inline std::string env_or_die(const char* name) {
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return v;
#ifdef SSM_CACHE_BIN
  if (std::string(name) == "SSM_CACHE_BIN") return SSM_CACHE_BIN;
#endif
#ifdef SSM_CACHE_LOCAL_BIN
  if (std::string(name) == "SSM_CACHE_LOCAL_BIN") return SSM_CACHE_LOCAL_BIN;
#endif
  throw std::runtime_error(std::string(name) + " is not set");
}

struct ProgramResult {
  int code = -1;
  std::string out;
  std::string err;
};

namespace detail {
inline pid_t spawn(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env, int out_fd, int err_fd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}
}  // namespace detail

/// Runs argv[0] (a path) to completion; kills it after `timeout`.
inline ProgramResult run_program(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& env = {},
                                 std::chrono::seconds timeout = std::chrono::seconds(60)) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe");
  pid_t pid = detail::spawn(argv, env, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ProgramResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  if (open_fds > 0) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

/// A long-running program; stdout is read line by line, stderr goes to a temp file.
class ServerProcess {
 public:
  ServerProcess(const std::vector<std::string>& argv,
                const std::map<std::string, std::string>& env = {}) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) throw std::runtime_error("pipe");
    char tmpl[] = "/tmp/ssm_cache_test_stderr_XXXXXX";
    int err_fd = ::mkstemp(tmpl);
    stderr_path_ = tmpl;
    pid_ = detail::spawn(argv, env, out_pipe[1], err_fd);
    ::close(out_pipe[1]);
    ::close(err_fd);
    out_fd_ = out_pipe[0];
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    ::unlink(stderr_path_.c_str());
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Waits for a stdout line containing `needle`; returns it, or throws with stderr.
  std::string wait_for_line(const std::string& needle,
                            std::chrono::seconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto nl = buffer_.find('\n');
      while (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        if (line.find(needle) != std::string::npos) return line;
        nl = buffer_.find('\n');
      }
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char buf[1024];
        ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) break;
        buffer_.append(buf, static_cast<std::size_t>(n));
      }
    }
    throw std::runtime_error("no line with '" + needle + "' on stdout; stderr:\n" + stderr_text());
  }

  /// "listening on http://127.0.0.1:PORT" -> "http://127.0.0.1:PORT"
  std::string wait_for_url() {
    auto line = wait_for_line("listening on ");
    return line.substr(line.find("http://"));
  }

  void signal(int sig) { ::kill(pid_, sig); }

  /// Waits for exit; returns the exit code (128+signal if killed), or -1 on timeout.
  int wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      ::usleep(20000);
    }
    return -1;
  }

  std::string stderr_text() const {
    std::ifstream in(stderr_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
};

/// Writes `text` to a new temp file and returns its path (removed by the caller or at exit).
inline std::string write_temp_file(const std::string& text, const char* suffix = ".json") {
  std::string tmpl = std::string("/tmp/ssm_cache_test_XXXXXX") + suffix;
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemps(buf.data(), static_cast<int>(std::strlen(suffix)));
  if (fd < 0) throw std::runtime_error("mkstemps");
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    throw std::runtime_error("write");
  }
  ::close(fd);
  return buf.data();
}

}  // namespace ssm_cache::testing
