// Tests of libevent's command names as the fronts pass them on (tools/common/http_method).
#include "http_method.hpp"

#include <string>

#include <gtest/gtest.h>

namespace ssm_cache::tools {
namespace {

TEST(HttpMethod, Names) {
  EXPECT_EQ(std::string(method_name(EVHTTP_REQ_GET)), "GET");
  EXPECT_EQ(std::string(method_name(EVHTTP_REQ_POST)), "POST");
  EXPECT_EQ(std::string(method_name(EVHTTP_REQ_HEAD)), "HEAD");
  EXPECT_EQ(std::string(method_name(EVHTTP_REQ_PATCH)), "PATCH");
  EXPECT_EQ(std::string(method_name(static_cast<evhttp_cmd_type>(1 << 20))), "UNKNOWN");
}

}  // namespace
}  // namespace ssm_cache::tools
