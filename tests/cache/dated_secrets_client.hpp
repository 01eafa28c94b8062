// DatedSecretsClient: a SecretsClient in front of the in-memory fake that stamps every answer
// with one CreatedDate (the fake leaves it unset), for tests that follow the date through a
// cache.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ssm_cache/secrets.hpp"
#include "ssm_cache/testing/fake_secrets_client.hpp"

namespace ssm_cache::test {

class DatedSecretsClient final : public SecretsClient {
 public:
  /// A CreatedDate with milliseconds, as AWS reports them.
  static constexpr std::chrono::system_clock::time_point kCreated{
      std::chrono::milliseconds(1668586960499)};

  explicit DatedSecretsClient(std::shared_ptr<testing::FakeSecretsClient> inner)
      : inner_(std::move(inner)) {}

  SecretValue get_secret_value(const std::string& id, const std::string& version_id,
                               const std::string& version_stage) override {
    return dated(inner_->get_secret_value(id, version_id, version_stage));
  }
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    BatchSecretsResult out = inner_->batch_get_secret_value(ids);
    for (auto& v : out.secrets) v = dated(std::move(v));
    return out;
  }
  SecretDescription describe_secret(const std::string& id) override {
    return inner_->describe_secret(id);
  }

 private:
  static SecretValue dated(SecretValue v) {
    v.created_date = kCreated;
    return v;
  }
  std::shared_ptr<testing::FakeSecretsClient> inner_;
};

}  // namespace ssm_cache::test
