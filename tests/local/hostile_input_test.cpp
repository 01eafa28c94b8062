// tests/local/hostile_input_test.cpp — inputs measured to crash or stall ssm-cache-local
// (issue 13), replayed against LocalServer::handle. Labelled "concurrency": the ReDoS test
// reads while a write checks its pattern, so the TSan preset runs it too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "core_fixture.hpp"
#include "pattern.hpp"

namespace local_test {
namespace {

using nlohmann::json;
using std::chrono::steady_clock;

class HostileInputTest : public CoreTest {};

// Measured: std::regex recursed once per repetition and overflowed the stack (SIGSEGV).
TEST_F(HostileInputTest, NestedAlternationOverLongValueDoesNotCrash) {
  const auto r = ssm("PutParameter", {{"Name", "/crash"},
                                      {"Type", "String"},
                                      {"AllowedPattern", "(((((a)|b)|c)|d)|e)*"},
                                      {"Value", std::string(4096, 'a')}});
  EXPECT_EQ(r.status, 200) << r.raw.body;
  const auto bad = ssm("PutParameter", {{"Name", "/crash"},
                                        {"Type", "String"},
                                        {"Overwrite", true},
                                        {"Value", std::string(4095, 'a') + "z"}});
  EXPECT_EQ(bad.code(), "ParameterPatternMismatchException");
}

// AWS: "AllowedPattern ... Length Constraints: Maximum length of 1024" (PutParameter API ref).
TEST_F(HostileInputTest, AllowedPatternOverAwsLimitIsValidationException) {
  const auto r = ssm("PutParameter", {{"Name", "/long"},
                                      {"Type", "String"},
                                      {"AllowedPattern", std::string(1025, 'a')},
                                      {"Value", "a"}});
  EXPECT_EQ(r.code(), "ValidationException");
  EXPECT_EQ(value_of("/long"), "<ParameterNotFound>");
}

TEST_F(HostileInputTest, PatternRe2CannotCompileIsInvalidAllowedPattern) {
  // A backreference is not regular; RE2 refuses it instead of backtracking.
  const auto r = ssm(
      "PutParameter",
      {{"Name", "/backref"}, {"Type", "String"}, {"AllowedPattern", "(a)\\1"}, {"Value", "aa"}});
  EXPECT_EQ(r.code(), "InvalidAllowedPatternException");
  EXPECT_THROW((void)ssm_cache::local::full_match("a{1000}{1000}", "a"),
               ssm_cache::local::BadPattern);
}

// Measured: '^(a+)+$' against "a"*30+"!" ran ~65 s holding the store's write lock. Now the
// check is linear and outside the lock: a concurrent read is answered promptly. The 100 ms
// bound is the issue's; the whole test is bounded by the 10 s wait for a hang.
TEST_F(HostileInputTest, CatastrophicBacktrackingPatternDoesNotStallReads) {
  put("/other", "v");
  std::atomic<bool> writing{true};
  auto writer = std::async(std::launch::async, [&] {
    int mismatches = 0;
    for (int i = 0; i < 20; ++i) {
      const auto r = ssm("PutParameter", {{"Name", "/redos"},
                                          {"Type", "String"},
                                          {"Overwrite", true},
                                          {"AllowedPattern", "^(a+)+$"},
                                          {"Value", std::string(30, 'a') + "!"}});
      if (r.code() == "ParameterPatternMismatchException") ++mismatches;
    }
    writing = false;
    return mismatches;
  });
  std::chrono::nanoseconds slowest{0};
  do {
    const auto start = steady_clock::now();
    EXPECT_EQ(value_of("/other"), "v");
    slowest = std::max(slowest, steady_clock::now() - start);
  } while (writing);
  ASSERT_EQ(writer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(writer.get(), 20);
  EXPECT_LT(slowest, std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace local_test
