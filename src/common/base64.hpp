// common/base64.hpp — the one standard-alphabet base64 (RFC 4648 §4) of the library and both
// programs: SecretBinary from AWS, the CLI's output, the local server's store and ciphertext.
// Pure; thread-safe; linear in the input.
#pragma once

#include <string>
#include <string_view>

namespace ssm_cache::common {

/// Padded base64 of `bytes`.
std::string base64_encode(std::string_view bytes);

/// What the decoder asks of '=' padding. `optional` accepts "aGVsbG8" as well as "aGVsbG8=",
/// as botocore does for SecretBinary; `required` wants whole 4-character groups with padding
/// only at the end, as AWS validates SecretBinary on the way in.
enum class Base64Padding { optional, required };

/// Decodes `text` into `out`; false (with `out` unspecified) on a character outside the
/// alphabet, a dangling single character, or padding the mode does not allow.
bool base64_decode(std::string_view text, std::string& out,
                   Base64Padding padding = Base64Padding::optional);

}  // namespace ssm_cache::common
