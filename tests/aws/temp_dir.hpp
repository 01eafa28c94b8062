// tests/aws/temp_dir.hpp — a fresh temporary directory for a test's files, removed afterwards.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ssm_cache::testing_aws {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ssm-cache-aws-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes a file (mode 0755 when executable) and returns its path.
  std::string write(const std::string& name, const std::string& text,
                    bool executable = false) const {
    const std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    {
      std::ofstream out(p, std::ios::binary);
      out << text;
    }
    if (executable) ::chmod(p.c_str(), 0755);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ssm_cache::testing_aws
