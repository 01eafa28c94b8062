// aws/credentials_process.hpp — running credential_process: POSIX word splitting (no shell)
// and a bounded, time-limited child process. Thread-safe (pipes are close-on-exec).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ssm_cache::aws {

/// Splits a command line into words the way a POSIX shell would, without expanding anything:
/// '...' is literal, "..." honours \" \\ \$ \`, a backslash escapes the next character.
/// Throws std::invalid_argument on an unterminated quote.
std::vector<std::string> split_command_line(std::string_view command);

struct ProcessResult {
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
  bool output_too_large = false;
  std::string stdout_text;
  std::string stderr_text;  ///< first ~2 KiB
};

/// Runs argv (argv[0] searched in PATH) with stdin from /dev/null; kills it on timeout or
/// when stdout exceeds max_stdout. Throws std::system_error when it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          std::size_t max_stdout);

}  // namespace ssm_cache::aws
