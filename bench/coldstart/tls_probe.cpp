// bench/coldstart/tls_probe.cpp — one https request (GET URL) through the library's libcurl
// transport with the default trust (no CA bundle configured), then prints "status N" or the
// error. With "twice", a second request on the same transport. Used by tls_check.sh to show
// which CA files a cold https request opens and what it costs.
#include <cstdio>
#include <exception>
#include <string>

#include "http/transport.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs("usage: coldstart_tls_probe URL [twice]\n", stderr);
    return 2;
  }
  ssm_cache::http::Request r;
  r.method = "GET";
  r.url = argv[1];
  auto transport = ssm_cache::http::make_curl_transport();
  int failures = 0;
  for (int i = 0; i < (argc > 2 ? 2 : 1); ++i) {
    try {
      std::printf("status %d\n", transport->send(r).status);
    } catch (const std::exception& e) {
      std::printf("error: %s\n", e.what());
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}
