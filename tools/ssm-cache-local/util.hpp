// ssm-cache-local/util.hpp — small helpers of the local server: a locked random source (UUIDs, ARN
// suffixes, fault dice) and the opaque SecureString "ciphertext". Pure functions are thread-safe;
// Random locks internally. All cheap.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "common/thread_annotations.hpp"

namespace ssm_cache::local {

/// The opaque value a SecureString shows without decryption: base64 of a header, a nonce
/// derived from (name, version) and the value XORed with an HMAC-SHA256 key stream keyed by
/// the KMS key id. Stable across reads of one version, reveals nothing but the length.
std::string opaque_ciphertext(std::string_view key_id, std::string_view name, std::int64_t version,
                              std::string_view value);

/// True for loopback names: "localhost", 127.0.0.0/8 literals, "::1" (with or without
/// brackets).
bool is_loopback_name(std::string_view host);
/// The host part of a Host header value: "[::1]:80" -> "::1", "a:80" -> "a", lower case.
std::string host_of_header(std::string_view value);
/// n random bytes from the system's CSPRNG as hex; never derived from a seed.
std::string random_hex_token(std::size_t n);
/// A uniform number in [0, n) from the system's CSPRNG (n > 0); never derived from a seed.
std::uint32_t secure_random_below(std::uint32_t n);

/// A seeded or random generator shared by request handlers. Thread-safe.
class Random {
 public:
  /// seed empty: seeded from std::random_device.
  explicit Random(std::optional<std::uint64_t> seed = {});
  std::string uuid4();
  std::string alnum(std::size_t n);
  double uniform01();

 private:
  detail::Mutex mu_;
  std::mt19937_64 gen_ SSM_CACHE_GUARDED_BY(mu_);
};

}  // namespace ssm_cache::local
