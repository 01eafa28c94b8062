// tests/local/app_test.cpp — run_local, the ssm-cache-local program as a function: options
// and start-up errors answered on the given streams with the documented exit statuses.
// (Serving is covered by the integration tests, which run the program.)
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "local_app.hpp"
#include "ssm_cache/version.hpp"

namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = ssm_cache::local::run_local(args, out, err);
  return {status, out.str(), err.str()};
}

TEST(LocalApp, VersionGoesToOut) {
  const auto r = run({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find(std::string("ssm-cache-local ") + ssm_cache::kVersion), std::string::npos)
      << r.out;
}

TEST(LocalApp, HelpListsTheRequestReadTimeout) {
  const auto r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--request-read-timeout"), std::string::npos) << r.out;
}

TEST(LocalApp, RefusesANonLoopbackHost) {
  const auto r = run({"--host", "0.0.0.0", "--port", "0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("refusing to bind '0.0.0.0'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(LocalApp, RefusesMalformedCredentialsWithoutEchoingThem) {
  const auto r = run({"--port", "0", "--credentials", "AKIDONLY-s3cr3t"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ACCESS_KEY:SECRET_KEY"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << r.err;
}

TEST(LocalApp, RefusesADataFileInAMissingDirectory) {
  const auto r = run({"--port", "0", "--data", "/nonexistent-dir-for-app-test/store.db"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("does not exist or is not writable"), std::string::npos) << r.err;
}

TEST(LocalApp, RejectsOutOfRangeAndUnknownOptions) {
  EXPECT_NE(run({"--request-read-timeout", "0"}).status, 0);
  const auto r = run({"--no-such-option"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
}

}  // namespace
