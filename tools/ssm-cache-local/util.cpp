// ssm-cache-local/util.cpp — see util.hpp.
#include "util.hpp"
#include "common/base64.hpp"
#include "common/crypto.hpp"
#include "common/strings.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace ssm_cache::local {

std::string opaque_ciphertext(std::string_view key_id, std::string_view name, std::int64_t version,
                              std::string_view value) {
  const std::string key = common::hmac_sha256("ssm-cache-local kms", key_id);
  const std::string nonce =
      common::hmac_sha256(key, std::string(name) + '\n' + std::to_string(version)).substr(0, 12);
  // The four bytes a KMS ciphertext blob starts with (base64 "AQICA"); from a literal, the
  // string would stop at the NUL.
  std::string blob("\x01\x02\x02\x00", 4);
  blob += nonce;
  std::string block;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (i % 32 == 0) block = common::hmac_sha256(key, nonce + std::to_string(i / 32));
    blob += static_cast<char>(value[i] ^ block[i % 32]);
  }
  return common::base64_encode(blob);
}

Random::Random(std::optional<std::uint64_t> seed)
    : gen_(seed ? *seed
                : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                      std::random_device{}()) {}

std::string Random::uuid4() {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  {
    detail::MutexLock lock(mu_);
    hi = gen_();
    lo = gen_();
  }
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string Random::alnum(std::size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  detail::MutexLock lock(mu_);
  std::uniform_int_distribution<std::size_t> dist(0, sizeof kChars - 2);
  for (std::size_t i = 0; i < n; ++i) out += kChars[dist(gen_)];
  return out;
}

double Random::uniform01() {
  detail::MutexLock lock(mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen_);
}

bool is_loopback_name(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost" || host == "::1") return true;
  const std::string text(host);
  in_addr addr{};
  if (::inet_pton(AF_INET, text.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

std::string host_of_header(std::string_view value) {
  std::string_view host = value;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    host = close == std::string_view::npos ? host : host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return common::lower(host);
}

std::string random_hex_token(std::size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("no randomness for the admin token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::uint32_t secure_random_below(std::uint32_t n) {
  // Rejection sampling: values past the last whole multiple of n would favour small results.
  const std::uint32_t limit = UINT32_MAX - UINT32_MAX % n;
  for (;;) {
    std::uint32_t x = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&x), sizeof x) != 1) {
      throw std::runtime_error("no randomness available");
    }
    if (x < limit) return x % n;
  }
}

}  // namespace ssm_cache::local
