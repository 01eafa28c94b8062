// shared_cache_options_from_environment(): the SSM_CACHE_SHARED_CACHE_* variables through the
// one Environment (process), with bad values refused by name instead of read as "no".
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "ssm_cache/errors.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache {
namespace {

// Sets one variable for a test's lifetime (this test binary runs single-threaded here).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    ::setenv(name, value, 1);  // NOLINT(concurrency-mt-unsafe): no other thread runs
  }
  ~ScopedEnv() { ::unsetenv(name_); }  // NOLINT(concurrency-mt-unsafe)
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST(SharedCacheEnvironment, ReadsTheVariables) {
  const ScopedEnv url("SSM_CACHE_SHARED_CACHE_URL", "redis://127.0.0.1:6399");
  const ScopedEnv ca("SSM_CACHE_SHARED_CACHE_CA_FILE", " /etc/ca.pem ");
  const ScopedEnv ttl("SSM_CACHE_SHARED_CACHE_TTL", "60");
  const auto o = shared_cache_options_from_environment();
  EXPECT_EQ(o.url, "redis://127.0.0.1:6399");
  EXPECT_EQ(o.ca_file, "/etc/ca.pem");  // surrounding whitespace is not part of a path
  EXPECT_EQ(o.ttl, std::chrono::seconds(60));
  EXPECT_FALSE(o.allow_plaintext);
}

TEST(SharedCacheEnvironment, AllowPlaintextTakesOneZeroTrueFalse) {
  for (const auto& [text, expected] :
       {std::pair{"1", true}, std::pair{"true", true}, std::pair{"TRUE", true},
        std::pair{"0", false}, std::pair{"false", false}}) {
    const ScopedEnv plain("SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT", text);
    EXPECT_EQ(shared_cache_options_from_environment().allow_plaintext, expected) << text;
  }
}

TEST(SharedCacheEnvironment, AllowPlaintextRefusesOtherWords) {
  const ScopedEnv plain("SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT", "yes please");
  try {
    (void)shared_cache_options_from_environment();
    FAIL() << "expected a ConfigurationError";
  } catch (const ConfigurationError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT"), std::string::npos) << m;
    EXPECT_NE(m.find("'yes please'"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace ssm_cache
