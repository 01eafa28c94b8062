// Tests of common/crypto: SHA-256 and HMAC-SHA256 against published vectors (moved from the
// signer's tests; the local server's ciphertext uses the same functions).
#include "common/crypto.hpp"

#include <gtest/gtest.h>

namespace ssm_cache::common {
namespace {

TEST(Crypto, Sha256AndHmacVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, HexIsLowercaseAndCoversEveryByte) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
}

}  // namespace
}  // namespace ssm_cache::common
