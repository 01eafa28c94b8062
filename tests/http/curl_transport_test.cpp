// Integration tests of the libcurl transport against loopback cpp-httplib servers: methods,
// headers, status codes, kept-alive connection reuse, timeouts, refused and dropped
// connections, the response size limit, bad URLs, and TLS verification with a self-signed
// certificate (refused unless its CA bundle is given).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "http/loopback_server.hpp"
#include "http/transport.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::http {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing_http::LoopbackServer;
using testing_http::SelfSignedCert;

void echo_routes(httplib::Server& s) {
  s.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Seen-Target", req.get_header_value("X-Amz-Target"));
    res.set_header("X-Seen-Content-Type", req.get_header_value("Content-Type"));
    res.set_header("X-Seen-Expect", req.get_header_value("Expect"));
    res.set_content(req.body, "application/x-amz-json-1.1");
  });
  s.Put("/put", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content("put:" + req.body, "text/plain");
  });
  s.Get("/get", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("got", "text/plain");
  });
  s.Post("/status", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("x-amzn-ErrorType", "ServiceUnavailable");
    res.set_content("{}", "application/json");
  });
}

Request post(const LoopbackServer& s, const std::string& path, std::string body = "{}") {
  Request r;
  r.url = s.url() + path;
  r.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "AmazonSSM.X"}};
  r.body = std::move(body);
  return r;
}

TEST(CurlTransport, PostGetPutAndHeaders) {
  LoopbackServer s;
  echo_routes(s.server());
  s.start();
  auto t = make_curl_transport();
  Response r = t->send(post(s, "/echo", R"({"Names":["a"]})"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"Names":["a"]})");
  EXPECT_EQ(r.header("x-seen-target"), "AmazonSSM.X");
  EXPECT_EQ(r.header("X-SEEN-CONTENT-TYPE"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.header("X-Seen-Expect"), "");  // no 100-continue round trip
  EXPECT_EQ(r.header("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.header("absent"), "");

  Request get;
  get.method = "GET";
  get.url = s.url() + "/get";
  EXPECT_EQ(t->send(get).body, "got");
  Request put;
  put.method = "PUT";
  put.url = s.url() + "/put";
  put.body = "x";
  EXPECT_EQ(t->send(put).body, "put:x");
}

TEST(CurlTransport, AnyHttpStatusIsAResponse) {
  LoopbackServer s;
  echo_routes(s.server());
  s.start();
  Response r = make_curl_transport()->send(post(s, "/status"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("x-amzn-errortype"), "ServiceUnavailable");
  EXPECT_EQ(make_curl_transport()->send(post(s, "/nowhere")).status, 404);
}

TEST(CurlTransport, ReusesKeptAliveConnections) {
  LoopbackServer s;
  echo_routes(s.server());
  s.start();
  auto t = make_curl_transport();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(t->send(post(s, "/echo")).status, 200);
  EXPECT_EQ(s.requests(), 20);
  EXPECT_LT(s.connections(), 20u);
  EXPECT_LE(s.connections(), 2u);
}

TEST(CurlTransport, SlowServerTimesOutWithinABoundedWait) {
  // The server answers only when the test lets it (or after 10 s): the client must give up
  // long before. The bound is generous (the machine is shared); the point is "not 10 s".
  std::atomic<bool> release{false};
  LoopbackServer s;
  s.server().Post("/slow", [&](const httplib::Request&, httplib::Response& res) {
    for (int i = 0; i < 1000 && !release.load(); ++i) std::this_thread::sleep_for(10ms);
    res.set_content("{}", "application/json");
  });
  s.start();
  Request r = post(s, "/slow");
  r.timeout = 100ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    make_curl_transport()->send(r);
    ADD_FAILURE() << "no timeout";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timeout());
    EXPECT_TRUE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr(r.url));
    EXPECT_THAT(e.what(), HasSubstr("timeout"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  release = true;
}

TEST(CurlTransport, CancelEndsALongPollFromAnotherThread) {
  // A long poll (the Lambda Extensions API's event/next) that another thread ends: the server
  // holds the answer for a minute; setting the flag must end the call long before.
  std::atomic<bool> release{false};
  LoopbackServer s;
  s.server().Get("/next", [&](const httplib::Request&, httplib::Response& res) {
    for (int i = 0; i < 6000 && !release.load(); ++i) std::this_thread::sleep_for(10ms);
    res.set_content("{}", "application/json");
  });
  s.start();
  std::atomic<bool> cancel{false};
  Request r;
  r.method = "GET";
  r.url = s.url() + "/next";
  r.timeout = 10min;
  r.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    make_curl_transport()->send(r);
    ADD_FAILURE() << "the call was not cancelled";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_FALSE(e.timeout());
    EXPECT_THAT(e.what(), HasSubstr("cancelled"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  canceller.join();
  release = true;
}

TEST(CurlTransport, RefusedConnectionIsTransient) {
  std::string url;
  {
    LoopbackServer s;
    s.start();
    url = s.url() + "/";
  }
  Request r;
  r.url = url;
  try {
    make_curl_transport()->send(r);
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_FALSE(e.timeout());
    EXPECT_THAT(e.what(), HasSubstr(url));
  }
}

TEST(CurlTransport, DroppedConnectionIsTransient) {
  LoopbackServer s;
  s.server().Post("/drop", [](const httplib::Request&, httplib::Response& res) {
    // Promises 100 bytes, sends none, and the server closes the connection.
    res.set_content_provider(100, "application/json",
                             [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
  });
  s.start();
  try {
    make_curl_transport()->send(post(s, "/drop"));
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("/drop"));
  }
}

TEST(CurlTransport, ResponseSizeLimit) {
  LoopbackServer s;
  s.server().Post("/big", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(5000, 'x'), "text/plain");
  });
  s.server().Post("/chunked", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
      const std::string block(1000, 'y');
      for (int i = 0; i < 5; ++i) sink.write(block.data(), block.size());
      sink.done();
      return true;
    });
  });
  s.start();
  auto t = make_curl_transport();
  for (const char* path : {"/big", "/chunked"}) {
    Request r = post(s, path);
    r.max_response_bytes = 1000;
    try {
      t->send(r);
      FAIL() << path;
    } catch (const TransportError& e) {
      EXPECT_FALSE(e.transient());
      EXPECT_THAT(e.what(), HasSubstr("larger than the limit of 1000 bytes"));
    }
    r.max_response_bytes = 5000;
    EXPECT_EQ(t->send(r).body.size(), 5000u) << path;
  }
}

TEST(CurlTransport, MalformedOrUnsupportedUrlsAreDefinitive) {
  auto t = make_curl_transport();
  for (const char* url : {"http://[::1", "ftp://127.0.0.1/x", "not a url"}) {
    Request r;
    r.url = url;
    try {
      t->send(r);
      ADD_FAILURE() << url;
    } catch (const TransportError& e) {
      EXPECT_FALSE(e.transient()) << url << ": " << e.what();
      EXPECT_THAT(e.what(), HasSubstr(url));
    }
  }
}

TEST(CurlTransport, TlsUntrustedCertificateIsRefusedUnlessItsCaIsGiven) {
  SelfSignedCert cert;
  LoopbackServer s(cert.cert(), cert.key());
  s.server().Post("/tls", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secure", "text/plain");
  });
  s.start();
  Request r;
  r.url = s.url("https") + "/tls";
  try {
    make_curl_transport()->send(r);
    FAIL() << "an untrusted certificate was accepted";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("AWS_CA_BUNDLE"));
    EXPECT_THAT(e.what(), HasSubstr(r.url));
  }
  auto trusting = make_curl_transport({.ca_bundle = cert.cert()});
  Response ok = trusting->send(r);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "secure");

  // A CA bundle that does not hold the server's CA does not make it trusted.
  SelfSignedCert other;
  EXPECT_THROW(make_curl_transport({.ca_bundle = other.cert()})->send(r), TransportError);
  // A bundle that cannot be read is an error, not a silent fallback.
  EXPECT_THROW(make_curl_transport({.ca_bundle = cert.dir() + "/missing.pem"})->send(r),
               TransportError);
}

}  // namespace
}  // namespace ssm_cache::http
