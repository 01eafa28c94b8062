// ssm_cache/types.hpp — plain value types exchanged with a ParameterClient. Copyable, no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ssm_cache {

/// One parameter as Parameter Store returns it.
struct ParameterRecord {
  std::string name{};  ///< plain name, never with a selector ("/app/db")
  std::string type{};  ///< "String", "StringList" or "SecureString"
  std::string value{};  ///< the value (ciphertext for SecureString without decryption)
  std::int64_t version = 0;  ///< 1, 2, ...
  std::string selector{};  ///< ":3" or ":label" when fetched with a selector, else empty
  std::string arn{};
  std::chrono::system_clock::time_point last_modified{};
  std::string data_type{};  ///< "text", "aws:ec2:image", ...
  std::string source_result{};  ///< for /aws/reference/secretsmanager/ names: the secret's JSON
  friend bool operator==(const ParameterRecord&, const ParameterRecord&) = default;
};

/// The answer to a GetParameters request: found records and the names AWS did not find
/// (as asked, selector included).
struct GetParametersResult {
  std::vector<ParameterRecord> parameters{};
  std::vector<std::string> invalid_parameters{};
};

/// Options of a PutParameter (ParameterClient::put_parameter, ssm_cache::put_parameter).
struct PutParameterOptions {
  std::string type = "String";  ///< "String", "StringList" or "SecureString"
  bool overwrite = false;  ///< false: ParameterAlreadyExists when the name exists
  std::string tier{};  ///< "Standard", "Advanced", "Intelligent-Tiering"; empty: AWS's
  std::string key_id{};  ///< SecureString KMS key; empty: alias/aws/ssm
  std::string description{};
};

/// PutParameter's answer.
struct PutParameterResult {
  std::int64_t version = 0;  ///< the version the write created
  std::string tier{};
};

/// A GetParametersByPath filter: {Key, Option, Values}. Validated before any call
/// (keys Type, KeyId, Label; options Equals / BeginsWith; at most 50 values).
struct Filter {
  std::string key{};
  std::string option = "Equals";
  std::vector<std::string> values{};
  friend bool operator==(const Filter&, const Filter&) = default;
};

}  // namespace ssm_cache
