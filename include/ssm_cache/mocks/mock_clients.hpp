// ssm_cache/mocks/mock_clients.hpp — gmock mocks of the client interfaces, for users' tests
// that want expectations (EXPECT_CALL) rather than the scripted fakes of ssm_cache/testing/.
// Link the ssm_cache::mocks target (it brings GTest::gmock):
//
//   ssm_cache::mocks::MockParameterClient client;
//   EXPECT_CALL(client, get_parameters(ElementsAre("/app/db"), true)).WillOnce(Return(result));
//
// Hand them to the library as std::shared_ptr (std::make_shared<MockParameterClient>()).
#pragma once

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/client.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::mocks {

class MockParameterClient : public ParameterClient {
 public:
  MOCK_METHOD(GetParametersResult, get_parameters,
              (const std::vector<std::string>& names, bool with_decryption), (override));
  MOCK_METHOD(std::vector<ParameterRecord>, get_parameters_by_path,
              (const std::string& path, bool recursive, const std::vector<Filter>& filters,
               bool with_decryption),
              (override));
};

class MockSecretsClient : public SecretsClient {
 public:
  MOCK_METHOD(SecretValue, get_secret_value,
              (const std::string& secret_id, const std::string& version_id,
               const std::string& version_stage),
              (override));
  MOCK_METHOD(BatchSecretsResult, batch_get_secret_value, (const std::vector<std::string>& ids),
              (override));
  MOCK_METHOD(SecretDescription, describe_secret, (const std::string& secret_id), (override));
};

/// Both interfaces and GetParameter, as make_aws_client returns them.
class MockAwsClient : public AwsClient {
 public:
  MOCK_METHOD(GetParametersResult, get_parameters,
              (const std::vector<std::string>& names, bool with_decryption), (override));
  MOCK_METHOD(std::vector<ParameterRecord>, get_parameters_by_path,
              (const std::string& path, bool recursive, const std::vector<Filter>& filters,
               bool with_decryption),
              (override));
  MOCK_METHOD(ParameterRecord, get_parameter, (const std::string& name, bool with_decryption),
              (override));
  MOCK_METHOD(SecretValue, get_secret_value,
              (const std::string& secret_id, const std::string& version_id,
               const std::string& version_stage),
              (override));
  MOCK_METHOD(BatchSecretsResult, batch_get_secret_value, (const std::vector<std::string>& ids),
              (override));
  MOCK_METHOD(SecretDescription, describe_secret, (const std::string& secret_id), (override));
};

}  // namespace ssm_cache::mocks
