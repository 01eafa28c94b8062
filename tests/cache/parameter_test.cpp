// Port of the seed's cache_test: creation, expiry, values, missing names, StringList, groups,
// explicit refreshes, client replacement.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

class ParameterTest : public CacheTest {
 protected:
  void SetUp() override {
    for (const char* n : {"my_param", "my_param_1", "my_param_2", "my_param_3"})
      fake->put(n, kValue);
  }
};

TEST_F(ParameterTest, Creation) {
  SSMParameter p("my_param", opts());
  EXPECT_EQ(p.name(), "my_param");
  EXPECT_EQ(p.full_name(), "my_param");
  EXPECT_EQ(p.selector(), "");
  EXPECT_EQ(fake->call_count(), 0u);  // lazy: nothing fetched before the first read
  ParameterOptions defaults;
  EXPECT_FALSE(defaults.with_decryption.has_value());  // environment, else true
  EXPECT_FALSE(defaults.max_age.has_value());  // environment, else 0
  EXPECT_THROW(SSMParameter(""), InvalidNameError);
  SSMParameterGroup group(gopts());
  EXPECT_NO_THROW(group.parameter("my_param"));
  EXPECT_THROW(group.parameter(""), InvalidNameError);
}

TEST_F(ParameterTest, ExpiryWithoutMaxAgeNeverRefreshes) {
  SSMParameter p("my_param", opts());
  EXPECT_EQ(p.value(), kValue);
  clock->advance(24h * 365);
  fake->put("my_param", "changed");
  EXPECT_EQ(p.value(), kValue);
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ParameterTest, ExpiryFreshThenExpired) {
  SSMParameter p("my_param", opts(10s));
  EXPECT_EQ(p.value(), kValue);  // no data: fetched
  fake->put("my_param", "changed");
  clock->advance(9s);
  EXPECT_EQ(p.value(), kValue);  // fresh
  EXPECT_EQ(get_calls(), 1u);
  clock->advance(2s);
  EXPECT_EQ(p.value(), "changed");  // expired
  EXPECT_EQ(get_calls(), 2u);
  EXPECT_EQ(p.value(), "changed");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(ParameterTest, Main) {
  SSMParameter p("my_param", opts());
  EXPECT_EQ(p.value(), kValue);
  EXPECT_EQ(p.value_view(), kValue);
  EXPECT_EQ(p.version(), 1);
  EXPECT_EQ(p.record().type, "String");
  EXPECT_EQ(p.values(), std::vector<std::string>{kValue});
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ParameterTest, Unexisting) {
  SSMParameter p("my_param_invalid_name", opts());
  try {
    (void)p.value();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(), std::vector<std::string>{"my_param_invalid_name"});
    EXPECT_NE(std::string(e.what()).find("my_param_invalid_name"), std::string::npos);
  }
}

TEST_F(ParameterTest, UnexistingInGroupNamesEveryMissingName) {
  SSMParameterGroup group(gopts());
  group.parameter("my_param_1");
  group.parameter("my_param_unexisting");
  group.parameter("my_param_other_unexisting");
  try {
    group.refresh();
    FAIL();
  } catch (const InvalidParameterError& e) {
    EXPECT_EQ(e.names(),
              (std::vector<std::string>{"my_param_unexisting", "my_param_other_unexisting"}));
  }
}

TEST_F(ParameterTest, WithExpirationAndWithoutDecryption) {
  SSMParameter p1("my_param", opts(300s));
  EXPECT_EQ(p1.value(), kValue);
  auto o = opts();
  o.with_decryption = false;
  SSMParameter p2("my_param", o);
  EXPECT_EQ(p2.value(), kValue);
  EXPECT_FALSE(fake->calls().back().with_decryption);
}

TEST_F(ParameterTest, StringList) {
  fake->put("twitter_keys", "key,secret,token,token_secret", "StringList");
  fake->put("single", "a,b");  // a String is never split
  SSMParameter p("twitter_keys", opts());
  EXPECT_EQ(p.value(), "key,secret,token,token_secret");
  EXPECT_EQ(p.values(), (std::vector<std::string>{"key", "secret", "token", "token_secret"}));
  EXPECT_EQ(SSMParameter("single", opts()).values(), std::vector<std::string>{"a,b"});
  fake->put("empty_item", "a,,b", "StringList");
  EXPECT_EQ(SSMParameter("empty_item", opts()).values(), (std::vector<std::string>{"a", "", "b"}));
}

TEST_F(ParameterTest, ParamGroupOneCallForAll) {
  SSMParameterGroup group(gopts());
  auto p1 = group.parameter("my_param_1");
  auto p2 = group.parameter("my_param_2");
  auto p3 = group.parameter("my_param_3");
  EXPECT_EQ(p1.value(), kValue);
  EXPECT_EQ(p2.value(), kValue);
  EXPECT_EQ(p3.value(), kValue);
  EXPECT_EQ(get_calls(), 1u);
  EXPECT_EQ(fake->calls()[0].names.size(), 3u);
}

TEST_F(ParameterTest, GroupSameNameCountedOnce) {
  SSMParameterGroup group(gopts());
  auto a = group.parameter("my_param_1");
  auto b = group.parameter("my_param_1");
  EXPECT_EQ(group.size(), 1u);
  EXPECT_EQ(a, b);
}

TEST_F(ParameterTest, ExplicitRefresh) {
  SSMParameter p("my_param", opts());  // never expires
  EXPECT_EQ(p.value(), kValue);
  fake->put("my_param", "new_value");
  EXPECT_EQ(p.value(), kValue);
  p.refresh();
  EXPECT_EQ(p.value(), "new_value");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(ParameterTest, ExplicitRefreshOfGroup) {
  SSMParameterGroup group(gopts());
  auto p1 = group.parameter("my_param_1");
  auto p2 = group.parameter("my_param_2");
  EXPECT_EQ(p1.value(), kValue);
  fake->put("my_param_1", "new_value");
  fake->put("my_param_2", "new_value");
  group.refresh();
  EXPECT_EQ(p1.value(), "new_value");
  EXPECT_EQ(p2.value(), "new_value");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(ParameterTest, RefreshingOneGroupedParameterRefreshesTheGroup) {
  SSMParameterGroup group(gopts());
  auto p1 = group.parameter("my_param_1");
  auto p2 = group.parameter("my_param_2");
  EXPECT_EQ(p1.value(), kValue);
  fake->put("my_param_1", "new_value");
  fake->put("my_param_2", "new_value");
  p1.refresh();
  EXPECT_EQ(p1.value(), "new_value");
  EXPECT_EQ(p2.value(), "new_value");
  EXPECT_EQ(get_calls(), 2u);  // one call per refresh, not one per parameter
}

TEST_F(ParameterTest, LambdaHandler) {
  SSMParameter p("my_param", opts());
  auto handler = [&](int /*event*/) { return "Hello from Lambda with secret " + p.value(); };
  EXPECT_EQ(handler(0), std::string("Hello from Lambda with secret ") + kValue);
  EXPECT_EQ(handler(1), std::string("Hello from Lambda with secret ") + kValue);
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ParameterTest, ProcessDefaultClientAndPerObjectClient) {
  auto other = std::make_shared<FakeParameterClient>();
  other->put("my_param", "from_default");
  SSMParameter::set_ssm_client(other);
  SSMParameter uses_default("my_param");
  SSMParameterGroup group_default;
  auto grouped = group_default.parameter("my_param");
  EXPECT_EQ(uses_default.value(), "from_default");
  EXPECT_EQ(grouped.value(), "from_default");
  SSMParameter own("my_param", opts());  // per-object client wins
  EXPECT_EQ(own.value(), kValue);
  // The client is resolved at fetch time: a new default is used by the next refresh.
  auto third = std::make_shared<FakeParameterClient>();
  third->put("my_param", "third");
  SSMParameterGroup::set_ssm_client(third);
  uses_default.refresh();
  EXPECT_EQ(uses_default.value(), "third");
  EXPECT_EQ(default_client(), third);
  SSMParameter::set_ssm_client(nullptr);
}

TEST_F(ParameterTest, CustomClientImplementation) {
  // The seed's "valid client" override test: any ParameterClient implementation works.
  class MyClient : public ParameterClient {
   public:
    GetParametersResult get_parameters(const std::vector<std::string>& names, bool) override {
      GetParametersResult r;
      for (const auto& n : names)
        r.parameters.push_back({.name = n, .type = "String", .value = "abc123", .version = 1});
      return r;
    }
    std::vector<ParameterRecord> get_parameters_by_path(const std::string&, bool,
                                                        const std::vector<Filter>&, bool) override {
      return {{.name = "/foo/bar/1", .type = "String", .value = "abc123", .version = 1},
              {.name = "/foo/bar/2", .type = "String", .value = "abc123", .version = 1}};
    }
  };
  auto client = std::make_shared<MyClient>();
  SSMParameter p("my_param", {.client = client});
  EXPECT_EQ(p.value(), kValue);
  SSMParameterGroup group({.client = client});
  EXPECT_EQ(group.parameter("my_param").value(), kValue);
  auto params = group.parameters("/foo/bar/");
  ASSERT_EQ(params.size(), 2u);
  for (const auto& q : params) EXPECT_EQ(q.value(), kValue);
}

TEST_F(ParameterTest, UnchangedValueKeepsSnapshotChangedValueKeepsOldViewsValid) {
  SSMParameter p("my_param", opts());
  const auto first = p.value_view();
  p.refresh();  // same version and value: the same snapshot
  EXPECT_EQ(p.value_view().data(), first.data());
  fake->put("my_param", std::string(100, 'z'));
  p.refresh();
  EXPECT_EQ(p.value_view(), std::string(100, 'z'));
  EXPECT_EQ(first, kValue);  // the old view is still readable (ASan checks this)
}

TEST_F(ParameterTest, CopiesShareTheEntry) {
  SSMParameter p("my_param", opts());
  SSMParameter copy = p;
  EXPECT_EQ(copy, p);
  EXPECT_EQ(copy.value(), kValue);
  EXPECT_EQ(p.value(), kValue);
  EXPECT_EQ(get_calls(), 1u);
}

TEST_F(ParameterTest, HandleOutlivesItsGroupObject) {
  std::optional<SSMParameter> p;
  {
    SSMParameterGroup group(gopts());
    p = group.parameter("my_param_1");
  }
  EXPECT_EQ(p->value(), kValue);
}

}  // namespace
}  // namespace ssm_cache::test
