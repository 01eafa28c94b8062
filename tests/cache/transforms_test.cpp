// Transforms (issue 12): json() parsed once per fetched version, binary(), the "auto" rule,
// and TransformError messages that name the parameter without quoting its value.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "secret_fixture.hpp"
#include "ssm_cache/json.hpp"

namespace ssm_cache::test {
namespace {

std::atomic<int> g_parses{0};

// A parser that counts its calls: the hook through which "parsed once" is observed.
std::shared_ptr<const void> counting_parser(std::string_view value, const std::string& name) {
  g_parses.fetch_add(1);
  return detail::parse_json_document(value, name);
}

class TransformTest : public CacheTest {
 protected:
  void SetUp() override { g_parses = 0; }
  int parses_of(const SSMParameter& p, int calls) {
    for (int i = 0; i < calls; ++i) (void)detail::derived(p, "counted", &counting_parser);
    return g_parses.load();
  }
};

TEST_F(TransformTest, JsonIsParsedOncePerVersion) {
  fake->put("/app/config.json", R"({"pool": 4, "hosts": ["a", "b"]})");
  SSMParameter p("/app/config.json", opts(10s));
  const nlohmann::json& first = json(p);
  EXPECT_EQ(first["pool"], 4);
  EXPECT_EQ(&json(p), &first);  // the same document, not a new parse
  EXPECT_EQ(parses_of(p, 10), 1);

  fake->put("/app/config.json", R"({"pool": 8})");
  EXPECT_EQ(&json(p), &first);  // not expired yet: same version, same document
  clock->advance(11s);
  const nlohmann::json& second = json(p);
  EXPECT_NE(&second, &first);
  EXPECT_EQ(second["pool"], 8);
  EXPECT_EQ(first["pool"], 4);  // the older reference stays valid
  EXPECT_EQ(parses_of(p, 10), 2);
  EXPECT_EQ(get_calls(), 2u);

  // A refresh that finds the same version keeps the document.
  clock->advance(11s);
  EXPECT_EQ(&json(p), &second);
  EXPECT_EQ(parses_of(p, 3), 2);
}

TEST_F(TransformTest, ConcurrentFirstCallsParseOnce) {
  fake->put("/app/config.json", R"({"pool": 4})");
  SSMParameter p("/app/config.json", opts());
  std::vector<std::jthread> threads;
  std::atomic<const void*> seen{nullptr};
  std::atomic<int> different{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const void* d = detail::derived(p, "counted", &counting_parser);
        const void* expected = nullptr;
        if (!seen.compare_exchange_strong(expected, d) && expected != d) different.fetch_add(1);
      }
    });
  }
  threads.clear();
  EXPECT_EQ(g_parses.load(), 1);
  EXPECT_EQ(different.load(), 0);
}

TEST_F(TransformTest, NotJsonThrowsTransformErrorNamingTheParameterNotTheValue) {
  fake->put("/app/bad.json", "S3CR3T-VALUE {not json", "SecureString");
  SSMParameter p("/app/bad.json", opts());
  try {
    (void)json(p);
    FAIL() << "expected TransformError";
  } catch (const TransformError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/app/bad.json"), std::string::npos) << what;
    EXPECT_NE(what.find("JSON"), std::string::npos) << what;
    EXPECT_EQ(what.find("S3CR3T"), std::string::npos) << what;
    EXPECT_EQ(what.find("not json"), std::string::npos) << what;
  }
  // A TransformError is an ssm_cache::Error, and the value itself still reads.
  EXPECT_THROW((void)json(p), Error);
  EXPECT_EQ(p.value(), "S3CR3T-VALUE {not json");
}

TEST_F(TransformTest, BinaryDecodesBase64) {
  fake->put("/app/key.binary", "AAFoaf8=");  // bytes 00 01 'h' 'i' ff
  fake->put("/app/bad.binary", "S3CR3T*not*base64");
  SSMParameter p("/app/key.binary", opts());
  EXPECT_EQ(binary(p), std::string("\x00\x01hi\xff", 5));
  SSMParameter bad("/app/bad.binary", opts());
  try {
    (void)binary(bad);
    FAIL() << "expected TransformError";
  } catch (const TransformError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/app/bad.binary"), std::string::npos) << what;
    EXPECT_EQ(what.find("S3CR3T"), std::string::npos) << what;
  }
}

TEST_F(TransformTest, AutoRuleByNameSuffix) {
  EXPECT_EQ(resolve_transform("/a/b.json", Transform::kAuto), Transform::kJson);
  EXPECT_EQ(resolve_transform("/a/b.binary", Transform::kAuto), Transform::kBinary);
  EXPECT_EQ(resolve_transform("/a/json", Transform::kAuto), Transform::kNone);
  EXPECT_EQ(resolve_transform("/a/b.json", Transform::kNone), Transform::kNone);
  EXPECT_EQ(resolve_transform("/a/b", Transform::kBinary), Transform::kBinary);

  fake->put("/app/settings.json", R"({"debug": true})");
  fake->put("/app/cert.binary", "aGk=");
  fake->put("/app/name", "svc");
  SSMParameterGroup group(gopts());
  const auto values = transformed(group.parameters("/app"));
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values.at("/app/settings.json")["debug"], true);
  const std::vector<std::uint8_t>& bytes = values.at("/app/cert.binary").get_binary();
  EXPECT_EQ(bytes, (std::vector<std::uint8_t>{'h', 'i'}));
  EXPECT_EQ(values.at("/app/name"), "svc");
  EXPECT_EQ(path_calls(), 1u);  // transforms read the cache, they make no call
  EXPECT_EQ(get_calls(), 0u);
}

class SecretTransformTest : public SecretTest {};

TEST_F(SecretTransformTest, SecretJsonParsedOncePerVersion) {
  fake->put_secret_string("db", R"({"user": "app", "password": "S3CR3T"})");
  Secret s("db", sopts(10s));
  const nlohmann::json& first = json(s);
  EXPECT_EQ(first["user"], "app");
  EXPECT_EQ(&json(s), &first);
  fake->put_secret_string("db", R"({"user": "app2", "password": "S3CR3T2"})");
  clock->advance(11s);
  EXPECT_EQ(json(s)["user"], "app2");
  EXPECT_NE(&json(s), &first);
  EXPECT_EQ(first["user"], "app");
  EXPECT_EQ(gets(), 2u);
}

TEST_F(SecretTransformTest, NotJsonOrBinarySecretThrowsTransformError) {
  fake->put_secret_string("plain", "S3CR3T-plain-password");
  fake->put_secret_binary("blob", std::string("\x01\x02", 2));
  try {
    (void)json(Secret("plain", sopts()));
    FAIL() << "expected TransformError";
  } catch (const TransformError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("plain"), std::string::npos) << what;
    EXPECT_EQ(what.find("S3CR3T"), std::string::npos) << what;
  }
  EXPECT_THROW((void)json(Secret("blob", sopts())), TransformError);
}

}  // namespace
}  // namespace ssm_cache::test
