// ssm_cache/shared_cache_options.hpp — SharedCacheOptions, the settings of the fleet-shared
// cache tier (shared_cache.hpp), apart so that the handles' option structs (options.hpp,
// secrets.hpp) can carry them without the client interfaces.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace ssm_cache {

/// Options of the shared tier. Designated initializers may name any subset.
struct SharedCacheOptions {
  /// redis://[user:password@]host:port[/db] or rediss://... (TLS, certificate verified).
  std::string url{};
  /// The 32-byte sealing key: raw bytes (exactly 32), 64 hex digits or base64 of 32 bytes.
  /// Either this or key_file; without a key the tier refuses to start (ConfigurationError)
  /// unless allow_plaintext is set.
  std::string key{};
  /// A file holding the key in one of the forms above (surrounding whitespace ignored).
  std::string key_file{};
  /// A previous key (same forms), accepted for reading during a key rotation.
  std::string previous_key{};
  std::string previous_key_file{};
  /// Without a key: store non-secret parameters (String, StringList) in plain text. Secure
  /// strings, secret references and Secrets Manager values are then never stored.
  bool allow_plaintext = false;
  /// Lifetime of a shared entry (also the Redis expiry).
  std::chrono::milliseconds ttl{std::chrono::seconds(300)};
  /// Fraction of ttl after which a reader refreshes the entry ahead of its expiry.
  double refresh_ahead = 0.8;
  /// Bound of one Redis operation (connect and TLS handshake: connect_timeout).
  std::chrono::milliseconds operation_timeout{50};
  std::chrono::milliseconds connect_timeout{500};
  /// How long the fetching instance holds its lease, and how long the others wait on the
  /// entry before fetching themselves.
  std::chrono::milliseconds lease_time{std::chrono::seconds(10)};
  std::chrono::milliseconds wait_bound{std::chrono::seconds(5)};
  /// Circuit breaker: open after this many consecutive Redis failures; while open, reads go
  /// to the wrapped client without touching Redis; one probe after the cool-down.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{std::chrono::seconds(5)};
  /// CA bundle (PEM) for rediss://; empty: SSM_CACHE_SHARED_CACHE_CA_FILE, else the system
  /// store.
  std::string ca_file{};
  /// Prefix of every Redis key this tier writes.
  std::string key_prefix = "ssm-cache";
  /// Where the tier reports problems (one line, never a value or a key); empty: stderr.
  /// Each kind of problem is reported once per tier (handles with equal options share one:
  /// the first one's log is used).
  std::function<void(std::string_view)> log{};
};

}  // namespace ssm_cache
