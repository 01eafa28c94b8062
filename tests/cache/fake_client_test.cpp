// The shipped fake Parameter Store behaves like AWS where the cache depends on it.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

TEST(FakeClient, ChunksGetParametersByTen) {
  FakeParameterClient fake;
  std::vector<std::string> names;
  for (int i = 0; i < 23; ++i) {
    fake.put("p" + std::to_string(i), "v");
    names.push_back("p" + std::to_string(i));
  }
  names.push_back("absent");
  auto r = fake.get_parameters(names, true);
  EXPECT_EQ(r.parameters.size(), 23u);
  EXPECT_EQ(r.invalid_parameters, std::vector<std::string>{"absent"});
  const auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].names.size(), 10u);
  EXPECT_EQ(calls[2].names.size(), 4u);
  EXPECT_EQ(calls[0].action, "GetParameters");
}

TEST(FakeClient, VersionsLabelsSelectorsAndDelete) {
  FakeParameterClient fake;
  EXPECT_EQ(fake.put("p", "one"), 1);
  EXPECT_EQ(fake.put("p", "two"), 2);
  fake.label("p", 1, "old");
  auto r = fake.get_parameters({"p", "p:1", "p:old", "p:3", "p:nolabel"}, true);
  ASSERT_EQ(r.parameters.size(), 3u);
  EXPECT_EQ(r.parameters[0].value, "two");
  EXPECT_EQ(r.parameters[0].selector, "");
  EXPECT_EQ(r.parameters[1].selector, ":1");
  EXPECT_EQ(r.parameters[1].name, "p");
  EXPECT_EQ(r.parameters[2].selector, ":old");
  EXPECT_EQ(r.parameters[2].version, 1);
  EXPECT_EQ(r.invalid_parameters, (std::vector<std::string>{"p:3", "p:nolabel"}));
  EXPECT_THROW(fake.label("p", 9, "x"), std::invalid_argument);
  EXPECT_TRUE(fake.remove("p"));
  EXPECT_FALSE(fake.remove("p"));
  EXPECT_EQ(fake.get_parameters({"p"}, true).invalid_parameters.size(), 1u);
}

TEST(FakeClient, SecureStringCiphertextWithoutDecryption) {
  FakeParameterClient fake;
  fake.put("s", "plaintext", "SecureString");
  EXPECT_EQ(fake.get_parameters({"s"}, true).parameters[0].value, "plaintext");
  const auto enc = fake.get_parameters({"s"}, false).parameters[0].value;
  EXPECT_EQ(enc.find("plaintext"), std::string::npos);
  EXPECT_EQ(enc, FakeParameterClient::ciphertext_of("plaintext", 1));
}

TEST(FakeClient, ByPathPagesRecursionAndFilters) {
  FakeParameterClient fake;
  for (int i = 0; i < 12; ++i) fake.put("/a/p" + std::to_string(i), "v");
  fake.put("/a/deep/x", "v", "SecureString", "alias/custom");
  fake.put("/ab/not_under_a", "v");
  fake.put_secret("s", "v");
  EXPECT_EQ(fake.get_parameters_by_path("/a", true, {}, true).size(), 13u);
  EXPECT_EQ(fake.call_count("GetParametersByPath"), 2u);
  EXPECT_EQ(fake.calls()[1].next_token, "10");
  EXPECT_EQ(fake.get_parameters_by_path("/a/", false, {}, true).size(), 12u);
  EXPECT_EQ(
      fake.get_parameters_by_path("/a", true, {Filter{"Type", "Equals", {"SecureString"}}}, true)
          .size(),
      1u);
  EXPECT_EQ(
      fake.get_parameters_by_path("/a", true, {Filter{"KeyId", "BeginsWith", {"alias/c"}}}, true)
          .size(),
      1u);
  EXPECT_EQ(fake.get_parameters_by_path("/", true, {}, true).size(), 14u);  // no secrets
  fake.clear_calls();
  EXPECT_TRUE(fake.get_parameters_by_path("/nothing", true, {}, true).empty());
  EXPECT_EQ(fake.call_count(), 1u);
}

TEST(FakeClient, InjectedFailuresPerActionAndHook) {
  FakeParameterClient fake;
  fake.put("/a/p", "v");
  fake.fail_next_with(2, FakeParameterClient::throttling(), "GetParametersByPath");
  EXPECT_NO_THROW(fake.get_parameters({"/a/p"}, true));
  EXPECT_THROW(fake.get_parameters_by_path("/a", true, {}, true), AwsError);
  EXPECT_THROW(fake.get_parameters_by_path("/a", true, {}, true), AwsError);
  EXPECT_NO_THROW(fake.get_parameters_by_path("/a", true, {}, true));
  EXPECT_EQ(fake.call_count(), 4u);  // failed calls are recorded too
  EXPECT_TRUE(FakeParameterClient::throttling().transient());
  int hooked = 0;
  fake.set_call_hook([&](const testing::RecordedCall&) { ++hooked; });
  (void)fake.get_parameters({"/a/p"}, true);
  EXPECT_EQ(hooked, 1);
  fake.fail_next_with(5, TransportError("down"));
  fake.clear_failures();
  EXPECT_NO_THROW(fake.get_parameters({"/a/p"}, true));
}

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock;
  const auto t0 = clock.now();
  EXPECT_EQ(clock.now(), t0);
  clock.advance(1500ms);
  EXPECT_EQ(clock.now() - t0, 1500ms);
  clock.set(t0);
  EXPECT_EQ(clock.now(), t0);
}

}  // namespace
}  // namespace ssm_cache::test
