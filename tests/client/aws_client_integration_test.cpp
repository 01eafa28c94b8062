// Integration tests of the AWS client over real HTTP (libcurl) against a loopback server that
// verifies SigV4 and answers canned JSON 1.1: every operation, pagination with an empty page,
// throttling / 500 / dropped connection then success, a server slower than the timeout, a
// malformed body (also through SSMParameter: the cached value is kept), TLS with a CA bundle,
// bounded concurrency of GetParameters chunks, and connection reuse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "client/canned_aws.hpp"
#include "common/names.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_client::CannedAws;
using testing_client::FakeTime;
using testing_client::Fault;
using testing_client::settings_for;

// Parameters "/app/<i>" with value "v<i>", version 1; "name:sel" echoes its selector.
json get_parameters(const json& req) {
  json out = {{"Parameters", json::array()}, {"InvalidParameters", json::array()}};
  for (const auto& n : req["Names"]) {
    const auto ref = common::split_name_ref(n.get<std::string>());
    const std::string plain = ref.name;
    const std::string sel = ref.selector_field();
    if (plain.rfind("/missing", 0) == 0) {
      out["InvalidParameters"].push_back(n);
      continue;
    }
    json p = {{"Name", plain},
              {"Type", "String"},
              {"Value", "v:" + plain + sel},
              {"Version", 1},
              {"LastModifiedDate", 1.7e9},
              {"ARN", "arn:aws:ssm:us-east-1:1:parameter" + plain}};
    if (!sel.empty()) p["Selector"] = sel;
    out["Parameters"].push_back(p);
  }
  return out;
}

struct Fixture : ::testing::Test {
  void SetUp() override {
    aws.on("AmazonSSM.GetParameters", get_parameters);
    aws.start();
  }
  std::shared_ptr<AwsClient> client(aws::ClientSettings s) { return aws::make_aws_client(s); }
  aws::ClientSettings settings() {
    auto s = settings_for(nullptr, &time, aws.url());
    s.attempt_timeout = 5s;
    return s;
  }
  CannedAws aws;
  FakeTime time;
};

TEST_F(Fixture, GetParametersInChunksWithInvalidNames) {
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back("/app/" + std::to_string(i));
  names.push_back("/missing/x");
  names.push_back("/app/3:2");
  auto r = client(settings())->get_parameters(names, true);
  EXPECT_EQ(aws.bad_signatures(), 0);
  EXPECT_EQ(r.parameters.size(), 26u);
  EXPECT_EQ(r.invalid_parameters, std::vector<std::string>{"/missing/x"});
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 3);
  std::set<std::string> got;
  for (const auto& p : r.parameters) got.insert(p.name + p.selector + "=" + p.value);
  EXPECT_TRUE(got.count("/app/3=v:/app/3"));
  EXPECT_TRUE(got.count("/app/3:2=v:/app/3:2"));
}

TEST_F(Fixture, GetParametersByPathFollowsTokensThroughAnEmptyPage) {
  std::vector<json> seen;
  std::mutex m;
  aws.on("AmazonSSM.GetParametersByPath", [&](const json& req) {
    std::lock_guard lock(m);
    seen.push_back(req);
    const std::string token = req.value("NextToken", "");
    if (token.empty()) {
      json page = {{"Parameters", json::array()}, {"NextToken", "p2"}};
      for (int i = 0; i < 10; ++i) {
        page["Parameters"].push_back({{"Name", "/a/" + std::to_string(i)}, {"Value", "x"}});
      }
      return page;
    }
    if (token == "p2") return json{{"Parameters", json::array()}, {"NextToken", "p3"}};
    return json{{"Parameters", {{{"Name", "/a/last"}, {"Value", "y"}, {"Type", "String"}}}}};
  });
  auto r = client(settings())
               ->get_parameters_by_path("/a", false, {Filter{"Type", "Equals", {"String"}}}, false);
  EXPECT_EQ(r.size(), 11u);
  EXPECT_EQ(r.back().name, "/a/last");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0]["MaxResults"], 10);
  EXPECT_EQ(seen[0]["Recursive"], false);
  EXPECT_EQ(seen[0]["WithDecryption"], false);
  EXPECT_EQ(seen[0]["ParameterFilters"][0]["Key"], "Type");
  EXPECT_EQ(seen[2]["NextToken"], "p3");
}

TEST_F(Fixture, GetParameterAndItsErrors) {
  aws.on("AmazonSSM.GetParameter", [](const json& req) {
    const std::string name = req["Name"];
    if (name == "/nope") {
      return json{{"__type", "com.amazonaws.ssm#ParameterNotFound"}, {"message", "no /nope"}};
    }
    return json{
        {"Parameter", {{"Name", "/x"}, {"Value", "1"}, {"Version", 4}, {"Type", "String"}}}};
  });
  auto c = client(settings());
  auto p = c->get_parameter("/x:4", true);
  EXPECT_EQ(p.value, "1");
  EXPECT_EQ(p.selector, ":4");
  try {
    c->get_parameter("/nope", true);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ParameterNotFound");
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_THAT(e.request_id(), HasSubstr("rid-"));
    EXPECT_THAT(e.what(), HasSubstr("name '/nope'"));
  }
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameter"), 2);  // not retried
}

TEST_F(Fixture, SecretsManagerOperations) {
  aws.on("secretsmanager.GetSecretValue", [](const json& req) {
    const std::string id = req["SecretId"];
    if (id == "bin") return json{{"Name", "bin"}, {"SecretBinary", "3q2+7w=="}};
    return json{{"Name", id},
                {"ARN", "arn:aws:secretsmanager:us-east-1:1:secret:" + id},
                {"VersionId", req.value("VersionId", "v-current")},
                {"VersionStages", {req.value("VersionStage", "AWSCURRENT")}},
                {"SecretString", "s3cr3t"},
                {"CreatedDate", 1.7e9}};
  });
  aws.on("secretsmanager.BatchGetSecretValue", [](const json& req) {
    json out = {{"SecretValues", json::array()}, {"Errors", json::array()}};
    for (const auto& id : req["SecretIdList"]) {
      if (id == "gone") {
        out["Errors"].push_back({{"SecretId", id},
                                 {"ErrorCode", "ResourceNotFoundException"},
                                 {"ErrorMessage", "not found"}});
      } else {
        out["SecretValues"].push_back({{"Name", id}, {"SecretString", "s"}});
      }
    }
    return out;
  });
  auto c = client(settings());
  auto s = c->get_secret_value("db");
  EXPECT_EQ(s.secret_string.value_or(""), "s3cr3t");
  EXPECT_EQ(s.version_id, "v-current");
  auto v = c->get_secret_value("db", "v-7", "AWSPREVIOUS");
  EXPECT_EQ(v.version_id, "v-7");
  EXPECT_EQ(v.version_stages, std::vector<std::string>{"AWSPREVIOUS"});
  auto b = c->get_secret_value("bin");
  EXPECT_EQ(b.secret_binary.value_or(""), "\xde\xad\xbe\xef");

  std::vector<std::string> ids;
  for (int i = 0; i < 24; ++i) ids.push_back("s" + std::to_string(i));
  ids.push_back("gone");
  auto batch = c->batch_get_secret_value(ids);
  EXPECT_EQ(batch.secrets.size(), 24u);
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0].secret_id, "gone");
  EXPECT_EQ(aws.calls("secretsmanager.BatchGetSecretValue"), 2);  // 20 ids per call
  EXPECT_EQ(aws.bad_signatures(), 0);
}

TEST_F(Fixture, TransientFailuresThenSuccess) {
  auto c = client(settings());
  for (Fault f : {Fault::Throttle, Fault::ServerError, Fault::Drop}) {
    const int before = aws.calls("AmazonSSM.GetParameters");
    aws.fault(f);
    auto r = c->get_parameters({"/app/1"}, true);
    ASSERT_EQ(r.parameters.size(), 1u) << static_cast<int>(f);
    EXPECT_EQ(r.parameters[0].value, "v:/app/1");
    EXPECT_EQ(aws.calls("AmazonSSM.GetParameters") - before, 2) << static_cast<int>(f);
  }
  EXPECT_EQ(time.sleeps.size(), 3u);  // one backoff each, on the fake sleeper
}

TEST_F(Fixture, ServerSlowerThanTheTimeout) {
  auto s = settings();
  s.attempt_timeout = 100ms;
  s.retry.max_attempts = 2;
  aws.fault(Fault::Slow);
  aws.fault(Fault::Slow);
  const auto start = std::chrono::steady_clock::now();
  try {
    client(s)->get_parameters({"/app/1"}, true);
    ADD_FAILURE() << "no timeout";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timeout());
    EXPECT_THAT(e.what(), HasSubstr("after 2 attempts"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);  // bounded, not the server's 10 s
  aws.release_slow();
}

TEST_F(Fixture, MalformedBodyIsAResponseErrorAndTheCacheKeepsItsValue) {
  auto c = client(settings());
  aws.fault(Fault::Garbage);
  try {
    c->get_parameters({"/app/1"}, true);
    FAIL();
  } catch (const ResponseError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GetParameters"));
    EXPECT_THAT(e.what(), HasSubstr("'/app/1'"));
    EXPECT_THAT(e.what(), HasSubstr("not valid JSON"));
    EXPECT_THAT(e.what(), Not(HasSubstr("SECRETVALUE")));
  }
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 1);  // garbage is not retried

  SSMParameter param("/app/7", {.client = c});
  EXPECT_EQ(param.value(), "v:/app/7");
  aws.fault(Fault::Garbage);
  EXPECT_THROW(param.refresh(), ResponseError);
  EXPECT_EQ(param.value(), "v:/app/7");
}

TEST_F(Fixture, ChunksRunConcurrentlyButBounded) {
  // 20 ms per call: chunks overlap, and the server sees at most the configured number at once.
  aws.set_latency(20ms);
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back("/app/" + std::to_string(i));
  auto s = settings();
  s.max_concurrent_requests = 3;
  EXPECT_EQ(client(s)->get_parameters(names, true).parameters.size(), 100u);
  EXPECT_LE(aws.max_in_flight(), 3);
  EXPECT_EQ(aws.calls("AmazonSSM.GetParameters"), 10);

  CannedAws serial;
  serial.on("AmazonSSM.GetParameters", get_parameters);
  serial.start();
  auto s1 = settings_for(nullptr, &time, serial.url());
  s1.max_concurrent_requests = 1;
  EXPECT_EQ(aws::make_aws_client(s1)->get_parameters(names, true).parameters.size(), 100u);
  EXPECT_EQ(serial.max_in_flight(), 1);
}

TEST_F(Fixture, ReusesConnections) {
  auto c = client(settings());
  for (int i = 0; i < 10; ++i) c->get_parameters({"/app/1"}, true);
  EXPECT_LT(aws.connections(), 10u);
}

TEST(AwsClientTls, SelfSignedEndpointNeedsItsCaBundle) {
  testing_http::SelfSignedCert cert;
  testing_http::LoopbackServer server(cert.cert(), cert.key());
  server.server().Post("/", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(get_parameters(json::parse(req.body)).dump(), "application/x-amz-json-1.1");
  });
  server.start();
  FakeTime time;
  auto s = settings_for(nullptr, &time, server.url("https"));
  try {
    aws::make_aws_client(s)->get_parameters({"/a"}, true);
    FAIL() << "untrusted certificate accepted";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.transient());
    EXPECT_THAT(e.what(), HasSubstr("AWS_CA_BUNDLE"));
  }
  EXPECT_EQ(server.requests(), 0);
  EXPECT_TRUE(time.sleeps.empty());  // a TLS verification failure is not retried

  s.ca_bundle = cert.cert();
  auto r = aws::make_aws_client(s)->get_parameters({"/a"}, true);
  ASSERT_EQ(r.parameters.size(), 1u);
  EXPECT_EQ(r.parameters[0].value, "v:/a");
}

}  // namespace
}  // namespace ssm_cache
