// tests/python_script.hpp — runs a Python script of this source tree with Debian's
// /usr/bin/python3 (which has python3-botocore; pyenv's python3 does not) on a JSON input,
// for the tests that check our output against botocore's own code.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ssm_cache::testing_python {

/// Runs `script` (a path below the source tree) with the path of a temporary file holding
/// `input` as its argument; returns what it printed, parsed as JSON, or nullopt when it
/// failed (non-zero exit, e.g. python3-botocore missing).
inline std::optional<nlohmann::json> run_json(const std::string& script,
                                              const nlohmann::json& input) {
  static int calls = 0;
  const auto path =
      std::filesystem::temp_directory_path() /
      ("ssm_cache_python_" + std::to_string(::getpid()) + "_" + std::to_string(++calls) + ".json");
  {
    std::ofstream out(path, std::ios::binary);
    out << input.dump();
  }
  const std::string command = "/usr/bin/python3 '" + std::string(SSM_CACHE_SOURCE_DIR) + "/" +
                              script + "' '" + path.string() + "'";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::filesystem::remove(path);
    return std::nullopt;
  }
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = ::pclose(pipe);
  std::filesystem::remove(path);
  if (status != 0) return std::nullopt;
  return nlohmann::json::parse(output);
}

}  // namespace ssm_cache::testing_python
