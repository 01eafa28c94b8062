// ssm_cache/writes.hpp — writes with write-through (Powertools' set_parameter / set_secret).
//
// put_parameter and put_secret_value write through the client, then hand the written value to
// every cached handle of that name in this process whose cache reads from the same client:
// their next read serves the new version at once, with no GetParameters / GetSecretValue.
// Thread-safe; a write waits for a refresh round of an affected group in progress.
//
// Which handles take the value: SSMParameter / group members of that exact name without a
// selector ("name:3" and "name:label" stay as they are), already holding a value (one not yet
// read fetches as usual), in a group that decrypts (one with with_decryption = false caches
// SecureString ciphertext, which a write does not give). Secret / SecretGroup members of that
// id at the AWSCURRENT stage (the stage PutSecretValue moves); other stages and version ids
// refresh after their max_age as usual. "The same client": the client given here and the
// cache's are the same object, or neither is given (both use the process default).
#pragma once

#include <memory>
#include <string_view>

#include "ssm_cache/client.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

/// PutParameter, then write-through. name: a plain name (no selector). Throws InvalidNameError
/// (before any call), or what the client throws (AwsError ParameterAlreadyExists when the
/// name exists and overwrite is false); on failure no cache changes.
PutParameterResult put_parameter(std::string_view name, std::string_view value,
                                 const PutParameterOptions& options = {},
                                 const std::shared_ptr<ParameterClient>& client = {});

/// PutSecretValue (a new SecretString version, staged AWSCURRENT), then write-through.
/// Throws InvalidNameError (empty id), or what the client throws (AwsError
/// ResourceNotFoundException for a secret that does not exist).
PutSecretResult put_secret_value(std::string_view secret_id, std::string_view value,
                                 const std::shared_ptr<SecretsClient>& client = {});

}  // namespace ssm_cache
