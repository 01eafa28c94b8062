// fake_aws.hpp — test helper: an AwsClient over the shipped in-memory fakes (Parameter Store
// and Secrets Manager), so the shared tier can wrap "AWS" and the tests count its calls.
#pragma once

#include <memory>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/fake_client.hpp"
#include "ssm_cache/testing/fake_secrets_client.hpp"

namespace ssm_cache::testing {

class FakeAws : public AwsClient {
 public:
  FakeParameterClient params;
  FakeSecretsClient secrets;

  GetParametersResult get_parameters(const std::vector<std::string>& names, bool d) override {
    return params.get_parameters(names, d);
  }
  std::vector<ParameterRecord> get_parameters_by_path(const std::string& p, bool r,
                                                      const std::vector<Filter>& f,
                                                      bool d) override {
    return params.get_parameters_by_path(p, r, f, d);
  }
  ParameterRecord get_parameter(const std::string& name, bool d) override {
    auto res = params.get_parameters({name}, d);
    if (res.parameters.empty()) {
      throw AwsError("GetParameter " + name, "ParameterNotFound", "not found", 400, "req");
    }
    return res.parameters.front();
  }
  SecretValue get_secret_value(const std::string& id, const std::string& vid,
                               const std::string& stage) override {
    return secrets.get_secret_value(id, vid, stage);
  }
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    return secrets.batch_get_secret_value(ids);
  }
  SecretDescription describe_secret(const std::string& id) override {
    return secrets.describe_secret(id);
  }
  /// AWS calls of every kind so far.
  std::size_t calls() const { return params.call_count() + secrets.call_count(); }
};

/// A 32-byte key as 64 hex digits, every byte `b`.
inline std::string hex_key(unsigned char b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace ssm_cache::testing
