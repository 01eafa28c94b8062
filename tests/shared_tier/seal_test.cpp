// Sealing of shared entries: round trip, tamper, moved entry, rotation, key forms.
#include <gtest/gtest.h>

#include <fstream>

#include "shared_tier/seal.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::shared_tier {
namespace {

SealKey key_of(char c) {
  SealKey k;
  k.fill(static_cast<unsigned char>(c));
  return k;
}

const EntryIdentity kId{"param\n/app/db", "parameter", true};

TEST(Seal, RoundTripHidesThePlaintext) {
  Sealer s(key_of('a'), std::nullopt);
  const std::string entry = s.seal(kId, "postgres://secret-password@db");
  EXPECT_EQ(entry.find("secret-password"), std::string::npos);
  EXPECT_EQ(s.open(kId, entry), "postgres://secret-password@db");
  // A fresh nonce per seal: the same value never gives the same entry.
  EXPECT_NE(s.seal(kId, "postgres://secret-password@db"), entry);
}

TEST(Seal, AnyFlippedByteIsAMiss) {
  Sealer s(key_of('a'), std::nullopt);
  const std::string entry = s.seal(kId, "value");
  for (std::size_t i = 0; i < entry.size(); ++i) {
    std::string bad = entry;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(s.open(kId, bad)) << "byte " << i;
  }
  EXPECT_FALSE(s.open(kId, entry.substr(0, entry.size() - 1)));
  EXPECT_FALSE(s.open(kId, ""));
}

TEST(Seal, AnEntryMovedToAnotherIdentityDoesNotOpen) {
  Sealer s(key_of('a'), std::nullopt);
  const std::string entry = s.seal(kId, "value");
  EXPECT_FALSE(s.open({"param\n/app/other", "parameter", true}, entry));
  EXPECT_FALSE(s.open({"param\n/app/db", "path", true}, entry));
  EXPECT_FALSE(s.open({"param\n/app/db", "parameter", false}, entry));
}

TEST(Seal, RotationReadsThePreviousKeyAndWritesTheNew) {
  Sealer old_only(key_of('o'), std::nullopt);
  Sealer rotated(key_of('n'), key_of('o'));
  Sealer new_only(key_of('n'), std::nullopt);
  const std::string old_entry = old_only.seal(kId, "v1");
  EXPECT_EQ(rotated.open(kId, old_entry), "v1");
  EXPECT_FALSE(new_only.open(kId, old_entry));
  const std::string new_entry = rotated.seal(kId, "v2");
  EXPECT_EQ(new_only.open(kId, new_entry), "v2");
  EXPECT_FALSE(old_only.open(kId, new_entry));
}

TEST(Seal, PlainAndSealedEntriesAreNeverConfused) {
  Sealer keyed(key_of('a'), std::nullopt);
  Sealer plain(std::nullopt, std::nullopt);
  const std::string p = plain.seal(kId, "value");
  EXPECT_EQ(plain.open(kId, p), "value");
  // Anyone who can write Redis can write a plain entry: a keyed tier must not accept it.
  EXPECT_FALSE(keyed.open(kId, p));
  EXPECT_FALSE(plain.open(kId, keyed.seal(kId, "value")));
}

TEST(SealKey, AcceptsRawHexAndBase64) {
  const SealKey expected = key_of('A');
  EXPECT_EQ(parse_seal_key(std::string(32, 'A'), "test"), expected);
  EXPECT_EQ(parse_seal_key(std::string(32, 'A') + "\n", "test"), expected);
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "41";
  EXPECT_EQ(parse_seal_key(hex + "\n", "test"), expected);
  EXPECT_EQ(parse_seal_key("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "test"), expected);
  // Hex in either case (0x4a = 'J').
  std::string mixed;
  for (int i = 0; i < 16; ++i) mixed += "4a4A";
  EXPECT_EQ(parse_seal_key(mixed, "test"), key_of('J'));
}

TEST(SealKey, RejectsNearMisses) {
  // 64 characters that are not all hex, 44 that are not base64 of 32 bytes: neither form, so
  // (not being 32 raw bytes either) a configuration error.
  std::string almost_hex(64, 'a');
  almost_hex[10] = 'g';
  EXPECT_THROW((void)parse_seal_key(almost_hex, "test"), ConfigurationError);
  EXPECT_THROW((void)parse_seal_key("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU==", "test"),
               ConfigurationError);
  EXPECT_THROW((void)parse_seal_key("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQ!E=", "test"),
               ConfigurationError);
}

TEST(SealKey, RejectsOtherSizesWithoutEchoingTheKey) {
  try {
    (void)parse_seal_key("short-key-material", "file 'k'");
    FAIL() << "accepted a short key";
  } catch (const ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("file 'k'"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("short-key-material"), std::string::npos);
  }
  EXPECT_THROW((void)read_seal_key_file("/nonexistent/key"), ConfigurationError);
}

}  // namespace
}  // namespace ssm_cache::shared_tier
