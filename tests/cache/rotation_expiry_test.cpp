// Rotation-aware expiry (issue 12): a secret is never served past its NextRotationDate.
#include <gtest/gtest.h>

#include "secret_fixture.hpp"

namespace ssm_cache::test {
namespace {

SecretOptions rotation_aware(SecretOptions o) {
  o.rotation_aware_expiry = true;
  return o;
}

TEST_F(SecretTest, RotationAwareExpiryEndsAtNextRotationDate) {
  fake->put_secret_string("db", "pw1");
  // A date on the wall clock; the cache turns it into a deadline on its own (manual) clock
  // by the time left until it, about 30 s.
  fake->set_next_rotation_date("db", std::chrono::system_clock::now() + 30s);
  Secret s("db", rotation_aware(sopts(0ms)));  // max_age 0: would be cached forever
  Secret plain("db", sopts(0ms));
  EXPECT_EQ(s.value(), "pw1");
  EXPECT_EQ(plain.value(), "pw1");
  EXPECT_EQ(describes(), 1u);  // the first fetch learns the rotation date

  fake->put_secret_string("db", "pw2");  // the rotation
  fake->set_next_rotation_date("db", std::chrono::system_clock::now() + 3600s);
  clock->advance(20s);
  EXPECT_EQ(s.value(), "pw1");  // before the date: cached
  clock->advance(60s);
  EXPECT_EQ(s.value(), "pw2");  // past it: refreshed though max_age is 0
  EXPECT_EQ(plain.value(), "pw1");
  EXPECT_EQ(gets(), 3u);
  clock->advance(60s);
  EXPECT_EQ(s.value(), "pw2");  // the next date is an hour away
  EXPECT_EQ(gets(), 3u);
}

TEST_F(SecretTest, RotationDateCapsMaxAgeAndPastDatesCapNothing) {
  fake->put_secret_string("db", "pw1");
  fake->set_next_rotation_date("db", std::chrono::system_clock::now() - 1s);  // overdue
  Secret s("db", rotation_aware(sopts(100s)));
  EXPECT_EQ(s.value(), "pw1");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.value(), "pw1");
  EXPECT_EQ(gets() + describes(), 2u);  // no refresh on every read
  fake->set_next_rotation_date("db", std::chrono::system_clock::now() + 10s);
  clock->advance(101s);
  EXPECT_EQ(s.value(), "pw1");  // refreshed by max_age: unchanged, now knows the date
  fake->put_secret_string("db", "pw2");
  clock->advance(20s);  // past the date, well before max_age
  EXPECT_EQ(s.value(), "pw2");
}

}  // namespace
}  // namespace ssm_cache::test
