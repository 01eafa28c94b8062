// Shared test fixture: a fake Parameter Store, a manual clock and options that use both.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "ssm_cache/ssm_cache.hpp"
#include "ssm_cache/testing/fake_client.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::test {

using namespace std::chrono_literals;
using testing::FakeParameterClient;
using testing::ManualClock;

inline constexpr const char* kValue = "abc123";
inline constexpr const char* kValueV2 = "789xyz";

class CacheTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeParameterClient> fake = std::make_shared<FakeParameterClient>();
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();

  ParameterOptions opts(std::chrono::milliseconds max_age = 0ms) const {
    ParameterOptions o;
    o.max_age = max_age;
    o.client = fake;
    o.clock = clock;
    return o;
  }
  GroupOptions gopts(std::chrono::milliseconds max_age = 0ms, std::string base_path = {}) const {
    GroupOptions o;
    o.max_age = max_age;
    o.client = fake;
    o.clock = clock;
    o.base_path = std::move(base_path);
    return o;
  }
  std::size_t get_calls() const { return fake->call_count("GetParameters"); }
  std::size_t path_calls() const { return fake->call_count("GetParametersByPath"); }
};

}  // namespace ssm_cache::test
