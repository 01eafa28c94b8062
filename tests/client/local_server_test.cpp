// Integration tests of the AWS client against the real ssm-cache-local program (a separate
// implementation of the JSON 1.1 protocol that verifies SigV4): every operation, selectors and
// labels in one GetParameters call, pagination through empty pages, a 500 and a dropped
// connection then success, and a group refresh through the cache.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/aws_client_impl.hpp"
#include "local/server_process.hpp"
#include "ssm_cache/ssm_cache.hpp"

namespace ssm_cache {
namespace {

using nlohmann::json;

std::shared_ptr<AwsClient> client_for(const local_test::ServerProcess& server) {
  AwsClientOptions o;
  o.region = "us-east-1";
  o.ssm_endpoint_url = server.url();
  o.secrets_manager_endpoint_url = server.url();
  o.credentials = aws::make_fixed_credentials({"test", "test", "", std::nullopt, "test"});
  return make_aws_client(o);
}

void put(local_test::SignedClient& c, const std::string& name, const std::string& value,
         const std::string& type = "String") {
  auto r = c.call("AmazonSSM.PutParameter",
                  json{{"Name", name}, {"Value", value}, {"Type", type}, {"Overwrite", true}});
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST(LocalServer, EveryOperation) {
  local_test::ServerProcess server({"--quiet", "--empty-pages"});
  local_test::SignedClient seed(server.port());
  for (int i = 0; i < 23; ++i) put(seed, "/app/p" + std::to_string(i), "v" + std::to_string(i));
  put(seed, "/app/list", "a,b,c", "StringList");
  put(seed, "/app/p0", "v0-second");  // version 2
  ASSERT_EQ(seed.call("AmazonSSM.LabelParameterVersion",
                      json{{"Name", "/app/p0"}, {"ParameterVersion", 1}, {"Labels", {"old"}}})
                .status,
            200);
  ASSERT_EQ(seed.call("secretsmanager.CreateSecret",
                      json{{"Name", "db"}, {"SecretString", "{\"password\":\"pw\"}"}})
                .status,
            200);

  auto client = client_for(server);

  std::vector<std::string> names = {"/app/p0", "/app/p0:1", "/app/p0:old", "/nope"};
  for (int i = 1; i < 23; ++i) names.push_back("/app/p" + std::to_string(i));
  auto r = client->get_parameters(names, true);
  EXPECT_EQ(r.invalid_parameters, std::vector<std::string>{"/nope"});
  std::map<std::string, std::string> by_request;
  for (const auto& p : r.parameters) by_request[p.name + p.selector] = p.value;
  EXPECT_EQ(by_request.size(), 25u);
  EXPECT_EQ(by_request["/app/p0"], "v0-second");
  EXPECT_EQ(by_request["/app/p0:1"], "v0");
  EXPECT_EQ(by_request["/app/p0:old"], "v0");
  EXPECT_EQ(by_request["/app/p22"], "v22");

  auto all = client->get_parameters_by_path("/app", true, {}, true);
  EXPECT_EQ(all.size(), 24u);  // every page followed, the empty first one included
  auto lists = client->get_parameters_by_path("/app", true,
                                              {Filter{"Type", "Equals", {"StringList"}}}, true);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].value, "a,b,c");

  EXPECT_EQ(client->get_parameter("/app/p5", true).value, "v5");
  try {
    client->get_parameter("/nope", true);
    FAIL();
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ParameterNotFound");
  }

  auto s = client->get_secret_value("db");
  EXPECT_EQ(s.secret_string.value_or(""), "{\"password\":\"pw\"}");
  auto batch = client->batch_get_secret_value({"db", "missing-secret"});
  EXPECT_EQ(batch.secrets.size(), 1u);
  EXPECT_EQ(batch.errors.size(), 1u);

  // The cache on top: a group of 23 parameters refreshed in one round.
  SSMParameterGroup group({.client = client});
  auto p3 = group.parameter("/app/p3");
  auto list = group.parameter("/app/list");
  EXPECT_EQ(p3.value(), "v3");
  EXPECT_EQ(list.values(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(LocalServer, ServerErrorDroppedOrTruncatedAnswerThenSuccess) {
  for (const char* fault : {"--error-rate", "--drop-rate", "--truncate-rate"}) {
    // One fault, on the first GetParameter call only (seeding is not affected).
    local_test::ServerProcess server(
        {"--quiet", fault, "1", "--max-faults", "1", "--fault-targets", "AmazonSSM.GetParameter"});
    local_test::SignedClient seed(server.port());
    put(seed, "/x", "1");
    EXPECT_EQ(client_for(server)->get_parameter("/x", true).value, "1") << fault;
  }
}

}  // namespace
}  // namespace ssm_cache
