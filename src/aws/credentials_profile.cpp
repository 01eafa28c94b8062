// aws/credentials_profile.cpp — credentials from the shared config/credentials files: static
// keys of a profile, or its credential_process (run without a shell). Thread-safe; each call
// reads the two files and may run the process, so the default chain caches the result.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "aws/config.hpp"
#include "aws/credentials_process.hpp"
#include "aws/credentials_util.hpp"
#include "aws/sts_protocol.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

extern char** environ;  // NOLINT: POSIX

namespace ssm_cache {
namespace aws {

std::vector<std::string> split_command_line(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const std::size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos)
        throw std::invalid_argument("an unterminated single quote");
      word.append(command.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '"') {
      in_word = true;
      std::size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        // Inside double quotes a backslash only escapes these, as in POSIX sh.
        if (command[j] == '\\' && j + 1 < command.size() &&
            (command[j + 1] == '"' || command[j + 1] == '\\' || command[j + 1] == '$' ||
             command[j + 1] == '`')) {
          ++j;
        }
        word.push_back(command[j]);
      }
      if (j >= command.size()) throw std::invalid_argument("an unterminated double quote");
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= command.size()) throw std::invalid_argument("a trailing backslash");
      word.push_back(command[++i]);
      in_word = true;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

namespace {

/// Reads the child's stdout and stderr until both close, the deadline passes or stdout
/// exceeds `max_stdout`; closes both descriptors.
void collect_output(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
                    std::size_t max_stdout, ProcessResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (auto& fd : fds) {
      if (fd.fd < 0 || (fd.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fd.fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        --open_fds;
        continue;
      }
      if (fd.fd == out_fd) {
        result.stdout_text.append(buffer, static_cast<std::size_t>(got));
        if (result.stdout_text.size() > max_stdout) result.output_too_large = true;
      } else if (result.stderr_text.size() < 2048) {
        result.stderr_text.append(buffer, static_cast<std::size_t>(got));
      }
    }
    if (result.output_too_large) break;
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          std::size_t max_stdout) {
  if (argv.empty()) throw std::invalid_argument("an empty command");
  ProcessResult result;
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    const int e = errno;
    ::close(out[0]);
    ::close(out[1]);
    throw std::system_error(e, std::generic_category(), "pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    throw std::system_error(rc, std::generic_category(), "cannot start '" + argv[0] + "'");
  }

  collect_output(out[0], err[0], std::chrono::steady_clock::now() + timeout, max_stdout, result);
  if (result.timed_out || result.output_too_large) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace aws

namespace {

/// Printable, single-line, bounded: stderr goes into an error message.
std::string sanitize(std::string_view text, std::size_t limit) {
  std::string out = aws::scrub_message(text, {}, limit);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class ProfileProvider final : public CredentialsProvider {
 public:
  explicit ProfileProvider(ProfileCredentialsConfig config)
      : config_(std::move(config)), env_(common::or_process(config_.environment)) {
    // A profile the caller names may need STS (web identity, a role): served as the SDKs do.
    if (!config_.sts_resolver) {
      config_.sts_resolver =
          make_default_sts_profile_resolver({.environment = config_.environment});
    }
  }

  Credentials get_credentials() override {
    aws::Profile profile;
    try {
      profile = aws::load_profile(env_, config_.profile);
    } catch (const ConfigurationError& e) {
      throw CredentialsError(std::string("profile: ") + e.what());
    }
    const std::string where = "profile '" + profile.name + "'" +
                              (profile.source.empty() ? "" : " (" + profile.source + ")");
    const auto value = [&](const char* key) -> std::string {
      const auto it = profile.values.find(key);
      return it == profile.values.end() ? std::string{} : it->second;
    };

    // Profiles that need STS come first, as in the SDKs' chains.
    for (const char* key :
         {"role_arn", "web_identity_token_file", "sso_session", "sso_start_url"}) {
      if (!value(key).empty()) return sts_provider(profile)->get_credentials();
    }

    const std::string key = value("aws_access_key_id");
    const std::string secret = value("aws_secret_access_key");
    if (!key.empty() || !secret.empty()) {
      if (key.empty())
        throw CredentialsError(where +
                               ": aws_secret_access_key is set but aws_access_key_id is not");
      if (secret.empty())
        throw CredentialsError(where +
                               ": aws_access_key_id is set but aws_secret_access_key is not");
      Credentials c;
      c.access_key_id = key;
      c.secret_access_key = secret;
      c.session_token = value("aws_session_token");
      c.provider = "profile";
      return c;
    }

    const std::string process = value("credential_process");
    if (!process.empty()) return run_credential_process(process, where);

    if (profile.source.empty()) {
      throw CredentialsNotConfigured("profile: no profile '" + profile.name + "' in " +
                                     describe(aws::config_file_path(env_)) + " or " +
                                     describe(aws::credentials_file_path(env_)));
    }
    throw CredentialsNotConfigured("profile: " + where +
                                   " has no aws_access_key_id, credential_process or role");
  }

 private:
  static std::string describe(const std::string& path) {
    return path.empty() ? "(no file: HOME is not set)" : path;
  }

  std::shared_ptr<CredentialsProvider> sts_provider(const aws::Profile& profile) {
    detail::MutexLock lock(mutex_);
    auto& slot = sts_providers_[profile.name];
    if (!slot) slot = config_.sts_resolver(profile.name, profile.values);
    if (!slot)
      throw CredentialsError("profile '" + profile.name +
                             "': the STS resolver returned no provider");
    return slot;
  }

  Credentials run_credential_process(const std::string& command, const std::string& where) const {
    std::vector<std::string> argv;
    try {
      argv = aws::split_command_line(command);
    } catch (const std::invalid_argument& e) {
      throw CredentialsError(where + ": credential_process cannot be parsed: " + e.what());
    }
    if (argv.empty()) throw CredentialsError(where + ": credential_process is empty");
    const std::string name = "credential_process '" + argv[0] + "' of " + where;
    aws::ProcessResult result;
    try {
      result = aws::run_process(argv, config_.process_timeout, std::size_t{64} * 1024);
    } catch (const std::system_error& e) {
      throw CredentialsError(name + " could not be started: " + e.code().message());
    }
    if (result.timed_out) {
      throw CredentialsError(name + " did not finish within " +
                                 std::to_string(config_.process_timeout.count()) +
                                 " ms and was killed",
                             true);
    }
    if (result.output_too_large)
      throw CredentialsError(name + " wrote more than 64 KiB to its standard output");
    const std::string err = sanitize(result.stderr_text, 300);
    if (result.signal != 0) {
      throw CredentialsError(name + " was killed by signal " + std::to_string(result.signal) +
                             (err.empty() ? "" : ": " + err));
    }
    if (result.exit_code != 0) {
      throw CredentialsError(name + " exited with status " + std::to_string(result.exit_code) +
                             (err.empty() ? "" : ": " + err));
    }
    Credentials c = aws::parse_credentials_json(result.stdout_text, aws::CredentialsJson::process,
                                                "profile", name);
    return c;
  }

  ProfileCredentialsConfig config_;
  common::Environment env_;
  detail::Mutex mutex_;
  std::map<std::string, std::shared_ptr<CredentialsProvider>> sts_providers_
      SSM_CACHE_GUARDED_BY(mutex_);
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_profile_credentials_provider(
    ProfileCredentialsConfig config) {
  return std::make_shared<ProfileProvider>(std::move(config));
}

}  // namespace ssm_cache
