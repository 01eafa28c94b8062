// shared_tier/seal.hpp — sealing of shared entries: AES-256-GCM (OpenSSL EVP), a random
// 96-bit nonce per entry, the entry's identity (format version, cache key, value kind,
// decryption flag) as associated data, so an entry moved to another key fails to open.
//
// Sealed entry: 'S' | version(1) | nonce(12) | ciphertext | tag(16). Plain entry (only
// without a key, allow_plaintext): 'P' | version(1) | plaintext. A sealer with a key never
// accepts a plain entry (anyone able to write Redis could forge one), and the reverse.
// Thread-safe (const, no shared state); costs one EVP context per call.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ssm_cache::shared_tier {

using SealKey = std::array<unsigned char, 32>;

inline constexpr unsigned char kFormatVersion = 1;

/// A key from text: exactly 32 raw bytes, 64 hex digits, or base64 of 32 bytes; surrounding
/// whitespace ignored. Throws ConfigurationError naming `where` (never the key).
SealKey parse_seal_key(std::string_view text, const std::string& where);
/// The key held in a file (same forms). Throws ConfigurationError.
SealKey read_seal_key_file(const std::string& path);

/// What an entry is bound to.
struct EntryIdentity {
  std::string_view cache_key;  ///< the logical key ("param\0name", "path\0...", ...)
  std::string_view kind;  ///< "parameter", "path", "secret"
  bool decrypted = false;  ///< fetched WithDecryption
};

class Sealer {
 public:
  /// No current key: plain entries (the caller has checked allow_plaintext).
  Sealer(std::optional<SealKey> current, std::optional<SealKey> previous);
  [[nodiscard]] bool has_key() const noexcept { return current_.has_value(); }
  [[nodiscard]] std::string seal(const EntryIdentity& id, std::string_view plaintext) const;
  /// The plaintext, or nullopt when the entry is forged, corrupt, moved, or sealed under a key
  /// we do not hold.
  [[nodiscard]] std::optional<std::string> open(const EntryIdentity& id,
                                                std::string_view entry) const;

 private:
  std::optional<SealKey> current_;
  std::optional<SealKey> previous_;
};

}  // namespace ssm_cache::shared_tier
