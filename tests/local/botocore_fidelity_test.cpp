// tests/local/botocore_fidelity_test.cpp — the real program answered through botocore (the
// AWS SDK for Python's core, Debian python3-botocore) for the behaviours issue 13 found
// different from AWS: each check of tests/local/aws_fidelity.py must answer "ok".
#include <gtest/gtest.h>

#include "python_script.hpp"
#include "server_process.hpp"

namespace local_test {
namespace {

TEST(LocalBotocore, AnswersAsAws) {
  ServerProcess server({"--quiet"});
  const auto results = ssm_cache::testing_python::run_json("tests/local/aws_fidelity.py",
                                                           {{"endpoint", server.url()}});
  ASSERT_TRUE(results.has_value()) << "tests/local/aws_fidelity.py failed to run";
  ASSERT_GE(results->size(), 9u);
  for (const auto& [check, outcome] : results->items()) {
    EXPECT_EQ(outcome, "ok") << check;
  }
}

}  // namespace
}  // namespace local_test
