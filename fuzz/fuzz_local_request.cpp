// fuzz/fuzz_local_request.cpp — libFuzzer target for ssm-cache-local's request handling
// (tools/ssm-cache-local LocalServer::handle): JSON 1.1 framing, X-Amz-Target dispatch and
// every action's input validation, plus the admin endpoints and raw unsigned requests.
// The first byte picks the mode; in "signed" mode the request is signed with the server's
// credentials (test:test) so the fuzzed body reaches the action parsers.
// Contracts checked: handle() never throws, answers every request with a status in 200..599,
// and an error answer carries an AWS error body.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "actions.hpp"
#include "aws/sigv4.hpp"
#include "local_server.hpp"
#include "ssm_cache/testing/manual_clock.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant is a finding
}

std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
}

ssm_cache::local::LocalServer make_server() {
  ssm_cache::local::ServerOptions options;
  options.admin = true;
  options.admin_token = "fuzz";
  options.seed = 1;
  auto clock = std::make_shared<ssm_cache::testing::ManualClock>();
  clock->set(fixed_now());  // requests are signed at fixed_now(), so the clock must agree
  options.clock = std::move(clock);
  return ssm_cache::local::LocalServer(std::move(options));
}

ssm_cache::local::HttpRequest signed_request(const std::string& target, std::string body) {
  namespace aws = ssm_cache::aws;
  const bool ssm = target.rfind("AmazonSSM.", 0) == 0;
  aws::SignableRequest signable;
  signable.method = "POST";
  signable.target = "/";
  signable.headers = {{"Host", "127.0.0.1"},
                      {"Content-Type", "application/x-amz-json-1.1"},
                      {"X-Amz-Target", target}};
  signable.body = std::move(body);
  aws::sign_in_place(signable, {"test", "test", ""},
                     aws::sdk_signing_options("us-east-1", ssm ? "ssm" : "secretsmanager"),
                     fixed_now());
  ssm_cache::local::HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = std::move(signable.headers);
  request.body = std::move(signable.body);
  return request;
}

// Something to find: two versions of a labelled parameter, a StringList and a secret.
void populate(ssm_cache::local::LocalServer& server) {
  const char* calls[][2] = {
      {"AmazonSSM.PutParameter", R"({"Name":"/a","Value":"1","Type":"String"})"},
      {"AmazonSSM.PutParameter", R"({"Name":"/a","Value":"2","Type":"String","Overwrite":true})"},
      {"AmazonSSM.LabelParameterVersion",
       R"({"Name":"/a","Labels":["prod"],"ParameterVersion":1})"},
      {"AmazonSSM.PutParameter", R"({"Name":"/p/l","Value":"x,y","Type":"StringList"})"},
      {"secretsmanager.CreateSecret", R"({"Name":"s","SecretString":"v"})"},
  };
  for (const auto& c : calls) {
    const auto response = server.handle(signed_request(c[0], c[1]));
    check(response.status == 200);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  namespace local = ssm_cache::local;
  const std::uint8_t mode = data[0];
  const std::uint8_t which = data[1];
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);

  // A fresh server per input: faults and writes must not leak into the next input.
  local::LocalServer server = make_server();
  local::HttpRequest request;
  request.method = "POST";
  request.target = "/";

  switch (mode % 3) {
    case 0: {
      // A signed API call: the target picked among the served ones, the body fuzzed.
      populate(server);
      const auto& targets = local::Actions::targets();
      request = signed_request(targets[which % targets.size()], std::string(rest));
      break;
    }
    case 1: {
      // The admin endpoints with a fuzzed body.
      request.target = (which & 1) ? "/_local/faults" : "/_local/stats";
      request.method = (which & 2) ? "GET" : "POST";
      request.headers = {{"Host", "127.0.0.1"},
                         {"Authorization", "Bearer fuzz"},
                         {"Content-Type", "application/json"}};
      request.body = std::string(rest);
      break;
    }
    default: {
      // Raw: target line and headers from the input, "Name: value" per line, then the body.
      const auto blank = rest.find("\n\n");
      const std::string_view head = rest.substr(0, blank);
      request.body = blank == std::string_view::npos ? "" : std::string(rest.substr(blank + 2));
      std::size_t start = 0;
      bool first = true;
      while (start <= head.size()) {
        const auto nl = head.find('\n', start);
        const std::string_view line = head.substr(start, nl - start);
        if (first) {
          request.target = std::string(line);
          first = false;
        } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        }
        if (nl == std::string_view::npos) break;
        start = nl + 1;
      }
      request.method = (which & 1) ? "POST" : "GET";
      break;
    }
  }

  const local::HttpResponse response = server.handle(request);
  // FUZZ_VERBOSE=1 when replaying an input: what the server answered.
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s %s -> %d %s\n", request.method.c_str(), request.target.c_str(),
                 response.status, response.error_code.c_str());
  }
  check(response.status >= 200 && response.status <= 599);
  if (response.status >= 400 && response.delivery == local::HttpResponse::Delivery::kNormal &&
      request.target == "/") {
    check(!response.error_code.empty());
  }
  return 0;
}
