// Tests of the programs' listening socket (tools/common/loopback): loopback only, port 0
// picks a free port, SO_REUSEPORT lets several sockets share one.
#include "loopback.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace ssm_cache::tools {
namespace {

TEST(Loopback, ListensOnAFreePort) {
  const int fd = listen_loopback({});
  ASSERT_GE(fd, 0);
  const int port = bound_port(fd);
  EXPECT_GT(port, 0);
  // Someone can connect to it.
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(client);
  ::close(fd);
}

TEST(Loopback, RefusesOtherAddresses) {
  for (const std::string host : {"0.0.0.0", "10.1.2.3", "::", "localhost", "example.com"}) {
    try {
      const int fd = listen_loopback({host, 0});
      ::close(fd);
      ADD_FAILURE() << host << " was bound";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(host), std::string::npos) << e.what();
    }
  }
}

TEST(Loopback, ReusePortSharesOnePortAndItsAbsenceRefuses) {
  const int first = listen_loopback({"127.0.0.1", 0, /*reuse_port=*/true});
  const int port = bound_port(first);
  const int second = listen_loopback({"127.0.0.1", port, /*reuse_port=*/true});
  EXPECT_EQ(bound_port(second), port);
  ::close(second);
  try {
    const int third = listen_loopback({"127.0.0.1", port, /*reuse_port=*/false});
    ::close(third);
    ADD_FAILURE() << "a second socket without SO_REUSEPORT was bound to " << port;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
  ::close(first);
}

}  // namespace
}  // namespace ssm_cache::tools
