// common/crypto.hpp — SHA-256, HMAC-SHA256 and lowercase hex (OpenSSL): SigV4 signing and
// verifying, and the local server's opaque SecureString ciphertext. Pure; thread-safe; each
// call is one OpenSSL one-shot digest.
#pragma once

#include <string>
#include <string_view>

namespace ssm_cache::common {

/// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// Raw (32-byte) HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
/// Lowercase hex of `bytes`.
std::string to_hex(std::string_view bytes);

}  // namespace ssm_cache::common
