// shared_tier/seal.cpp — see seal.hpp.
#include "shared_tier/seal.hpp"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/base64.hpp"
#include "common/strings.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::shared_tier {

namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;
constexpr char kSealed = 'S';
constexpr char kPlain = 'P';

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::optional<SealKey> from_hex(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  SealKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) {
    const int high = common::hex_value(s[i * 2]);
    const int low = common::hex_value(s[i * 2 + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    k[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return k;
}

std::optional<SealKey> from_base64(std::string_view s) {
  // 32 bytes are 44 characters with one '=' of padding.
  if (s.size() != 44) return std::nullopt;
  std::string bytes;
  std::optional<SealKey> k;
  if (common::base64_decode(s, bytes, common::Base64Padding::required) && bytes.size() == 32) {
    k.emplace();
    std::copy(bytes.begin(), bytes.end(), k->begin());
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());  // key material: no copy left behind
  return k;
}

/// Associated data: format version, kind, decryption flag and key, length-prefixed so that no
/// two identities share an encoding.
std::string associated_data(const EntryIdentity& id) {
  std::string ad = "ssm-cache-shared/";
  ad += std::to_string(kFormatVersion);
  for (std::string_view part :
       {id.kind, std::string_view(id.decrypted ? "1" : "0"), id.cache_key}) {
    ad += '\n';
    ad += std::to_string(part.size());
    ad += ':';
    ad += part;
  }
  return ad;
}

std::optional<std::string> open_with(const SealKey& key, const std::string& ad,
                                     std::string_view entry) {
  const auto* nonce = reinterpret_cast<const unsigned char*>(entry.data() + 2);
  const auto* body = nonce + kNonce;
  const std::size_t body_len = entry.size() - 2 - kNonce - kTag;
  const auto* tag = body + body_len;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(body_len, '\0');
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                        static_cast<int>(ad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, body,
                        static_cast<int>(body_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag),
                          const_cast<unsigned char*>(tag)) != 1) {
    return std::nullopt;
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len,
                          &final_len) != 1) {
    return std::nullopt;  // tag mismatch: forged, corrupt, moved, or another key
  }
  return out;
}

}  // namespace

SealKey parse_seal_key(std::string_view text, const std::string& where) {
  if (text.size() == 32) {  // raw bytes, taken as they are (whitespace bytes included)
    SealKey k{};
    std::copy(text.begin(), text.end(), k.begin());
    return k;
  }
  const std::string_view t = common::trim(text);
  if (auto k = from_hex(t)) return *k;
  if (auto k = from_base64(t)) return *k;
  if (t.size() == 32) {
    SealKey k{};
    std::copy(t.begin(), t.end(), k.begin());
    return k;
  }
  throw ConfigurationError("shared cache key from " + where + " is not a 32-byte key (" +
                           std::to_string(t.size()) +
                           " bytes; expected 32 raw bytes, 64 hex digits or 44 base64 characters)");
}

SealKey read_seal_key_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigurationError("cannot read the shared cache key file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_seal_key(text.str(), "file '" + path + "'");
}

Sealer::Sealer(std::optional<SealKey> current, std::optional<SealKey> previous)
    : current_(current), previous_(previous) {}

std::string Sealer::seal(const EntryIdentity& id, std::string_view plaintext) const {
  std::string out;
  if (!current_) {
    out.reserve(2 + plaintext.size());
    out += kPlain;
    out += static_cast<char>(kFormatVersion);
    out += plaintext;
    return out;
  }
  const std::string ad = associated_data(id);
  out.resize(2 + kNonce + plaintext.size() + kTag);
  out[0] = kSealed;
  out[1] = static_cast<char>(kFormatVersion);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + 2);
  auto* body = nonce + kNonce;
  if (RAND_bytes(nonce, static_cast<int>(kNonce)) != 1)
    throw Error("shared cache: no random nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0, final_len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, current_->data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(ad.data()),
                        static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag),
                          body + plaintext.size()) != 1) {
    throw Error("shared cache: AES-256-GCM sealing failed");
  }
  return out;
}

std::optional<std::string> Sealer::open(const EntryIdentity& id, std::string_view entry) const {
  if (entry.size() < 2 || static_cast<unsigned char>(entry[1]) != kFormatVersion)
    return std::nullopt;
  if (!current_) {
    if (entry[0] != kPlain) return std::nullopt;
    return std::string(entry.substr(2));
  }
  if (entry[0] != kSealed || entry.size() < 2 + kNonce + kTag) return std::nullopt;
  const std::string ad = associated_data(id);
  if (auto plain = open_with(*current_, ad, entry)) return plain;
  if (previous_) return open_with(*previous_, ad, entry);
  return std::nullopt;
}

}  // namespace ssm_cache::shared_tier
