// A ParameterClient whose one parameter changes at every call, without keeping old values
// (the fake keeps every version, which would hide the cache's own memory use).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ssm_cache/client.hpp"

namespace ssm_cache::test {

class RotatingClient : public ParameterClient {
 public:
  explicit RotatingClient(std::size_t value_size) : value_size_(value_size) {}

  /// The value of version v: v's digits, then one letter repeated (a torn or zeroed value
  /// does not pass consistent()).
  static std::string value_of(std::int64_t v, std::size_t size) {
    std::string out = std::to_string(v) + ":";
    out.resize(std::max(size, out.size()), static_cast<char>('a' + v % 26));
    return out;
  }
  static bool consistent(std::string_view value, std::size_t size) {
    const auto colon = value.find(':');
    if (colon == std::string_view::npos || value.size() != std::max(size, colon + 1)) return false;
    const std::int64_t v = std::stoll(std::string(value.substr(0, colon)));
    return value == value_of(v, size);
  }

  GetParametersResult get_parameters(const std::vector<std::string>& names, bool) override {
    GetParametersResult out;
    const std::int64_t v = ++version_;
    for (const auto& n : names) {
      ParameterRecord r;
      r.name = n;
      r.type = "SecureString";
      r.value = value_of(v, value_size_);
      r.version = v;
      out.parameters.push_back(std::move(r));
    }
    return out;
  }
  std::vector<ParameterRecord> get_parameters_by_path(const std::string&, bool,
                                                      const std::vector<Filter>&, bool) override {
    return {};
  }

 private:
  const std::size_t value_size_;
  std::atomic<std::int64_t> version_{0};
};

}  // namespace ssm_cache::test
