// Fixture of the Secret / SecretGroup tests: the in-memory Secrets Manager and a manual clock.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "ssm_cache/secrets.hpp"
#include "ssm_cache/testing/fake_secrets_client.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace ssm_cache::test {

using namespace std::chrono_literals;
using testing::FakeSecretsClient;
using testing::ManualClock;

class SecretTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeSecretsClient> fake = std::make_shared<FakeSecretsClient>();
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();

  SecretOptions sopts(std::chrono::milliseconds max_age = 0ms) const {
    SecretOptions o;
    o.max_age = max_age;
    o.client = fake;
    o.clock = clock;
    return o;
  }
  std::size_t gets() const { return fake->call_count("GetSecretValue"); }
  std::size_t batches() const { return fake->call_count("BatchGetSecretValue"); }
  std::size_t describes() const { return fake->call_count("DescribeSecret"); }
};

inline AwsError throttled() {
  return AwsError("GetSecretValue failed: ThrottlingException (HTTP 400)", "ThrottlingException",
                  "Rate exceeded", 400, "fake-request-id");
}

}  // namespace ssm_cache::test
