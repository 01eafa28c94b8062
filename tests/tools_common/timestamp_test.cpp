// Tests of the programs' UTC timestamp (tools/common/timestamp).
#include "timestamp.hpp"

#include <gtest/gtest.h>

namespace ssm_cache::tools {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

TEST(Timestamp, Iso8601WithMilliseconds) {
  EXPECT_EQ(iso8601(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(system_clock::time_point(milliseconds(1700000000123))),
            "2023-11-14T22:13:20.123Z");
  // Before 1970: the second rounds down, the milliseconds stay positive.
  EXPECT_EQ(iso8601(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace ssm_cache::tools
