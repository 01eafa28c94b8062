// One test per seed defect listed in docs/design.md ("Cache semantics"), counting client
// calls where the defect was a wasted or missing call.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

using SeedDefect = CacheTest;

// Seed: a grouped parameter's refresh refreshed the group AND fetched itself again.
TEST_F(SeedDefect, GroupedRefreshCostsNoExtraPerParameterCall) {
  for (int i = 0; i < 25; ++i) fake->put("p" + std::to_string(i), "v");
  SSMParameterGroup group(gopts());
  std::vector<SSMParameter> params;
  for (int i = 0; i < 25; ++i) params.push_back(group.parameter("p" + std::to_string(i)));
  for (auto& p : params) (void)p.value();
  EXPECT_EQ(get_calls(), 3u);  // 25 names: calls of 10, 10, 5
  fake->clear_calls();
  params[7].refresh();
  EXPECT_EQ(get_calls(), 3u);
  for (const auto& c : fake->calls()) EXPECT_LE(c.names.size(), 10u);
}

// Seed: a group's with_decryption=false was undone when its parameters refreshed themselves.
TEST_F(SeedDefect, GroupWithoutDecryptionHonoured) {
  fake->put("/s/secure", "plaintext", "SecureString");
  GroupOptions o = gopts();
  o.with_decryption = false;
  SSMParameterGroup group(o);
  auto p = group.parameter("/s/secure");
  EXPECT_EQ(p.value(), FakeParameterClient::ciphertext_of("plaintext", 1));
  p.refresh();
  auto by_path = group.parameters("/s");
  EXPECT_EQ(by_path[0].value(), FakeParameterClient::ciphertext_of("plaintext", 1));
  for (const auto& c : fake->calls()) EXPECT_FALSE(c.with_decryption) << c.action;
}

// Seed: with a base_path, parameter("/Bar") twice gave two objects (the key was unprefixed).
TEST_F(SeedDefect, BasePathKeepsHandleIdentity) {
  fake->put("/Foo/Bar", "v");
  SSMParameterGroup group(gopts(0ms, "/Foo"));
  auto a = group.parameter("/Bar");
  auto b = group.parameter("/Bar");
  auto c = group.parameter("/Foo/Bar", false);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(group.size(), 1u);
  (void)a.value();
  (void)b.value();
  (void)c.value();
  EXPECT_EQ(get_calls(), 1u);
  EXPECT_EQ(fake->calls()[0].names, std::vector<std::string>{"/Foo/Bar"});
}

// Seed: values were keyed by plain name, so "name" and "name:1" collided.
TEST_F(SeedDefect, NameAndVersionAreDistinctEntries) {
  fake->put("p", "one");
  fake->put("p", "two");
  SSMParameterGroup group(gopts());
  auto latest = group.parameter("p");
  auto v1 = group.parameter("p:1");
  EXPECT_EQ(group.size(), 2u);
  EXPECT_FALSE(latest == v1);
  EXPECT_EQ(latest.value(), "two");
  EXPECT_EQ(v1.value(), "one");
  EXPECT_EQ(get_calls(), 1u);  // both in one call
}

// Seed: a group refresh re-fetched explicit names only; paths were forgotten.
TEST_F(SeedDefect, PathsQueriedAgainAtRefresh) {
  fake->put("/Baz/1", "v");
  fake->put("/Baz/2", "v");
  SSMParameterGroup group(gopts());
  EXPECT_EQ(group.parameters("/Baz").size(), 2u);
  fake->put("/Baz/3", "v");
  fake->remove("/Baz/1");
  fake->clear_calls();
  group.refresh();
  EXPECT_EQ(path_calls(), 1u);
  EXPECT_EQ(get_calls(), 0u);  // path values come with the path query
  EXPECT_EQ(group.size(), 2u);  // /Baz/2 and /Baz/3
  auto dropped = group.parameters("/Baz");
  EXPECT_EQ(dropped.size(), 2u);
}

TEST_F(SeedDefect, DroppedPathMemberReportsMissing) {
  fake->put("/Baz/1", "v");
  fake->put("/Baz/2", "v");
  SSMParameterGroup group(gopts());
  auto params = group.parameters("/Baz");
  fake->remove("/Baz/1");
  group.refresh();
  EXPECT_THROW((void)params[0].value(), InvalidParameterError);
  EXPECT_EQ(params[1].value(), "v");
}

// Seed (early versions): only the first page of GetParametersByPath was read.
TEST_F(SeedDefect, EveryPageRead) {
  for (int i = 0; i < 25; ++i) fake->put("/many/p" + std::to_string(i), "v");
  SSMParameterGroup group(gopts());
  EXPECT_EQ(group.parameters("/many").size(), 25u);
  EXPECT_EQ(path_calls(), 3u);
  fake->clear_calls();
  group.refresh();
  EXPECT_EQ(path_calls(), 3u);
  EXPECT_EQ(group.size(), 25u);
}

// Seed: only numeric selectors were accepted.
TEST_F(SeedDefect, LabelSelectorsWork) {
  fake->put("p", "one");
  fake->label("p", 1, "stable");
  EXPECT_EQ(SSMParameter("p:stable", opts()).value(), "one");
}

// Seed: StringList values were cached lists the caller could mutate.
TEST_F(SeedDefect, CallersCannotMutateCachedValues) {
  fake->put("list", "a,b,c", "StringList");
  SSMParameter p("list", opts());
  auto items = p.values();
  items[0] = "mutated";
  items.push_back("more");
  EXPECT_EQ(p.values(), (std::vector<std::string>{"a", "b", "c"}));
  auto rec = p.record();
  rec.value = "mutated";
  EXPECT_EQ(p.value(), "a,b,c");
  auto v = p.value();
  v[0] = 'X';
  EXPECT_EQ(p.value(), "a,b,c");
}

// Seed: no thread safety. See concurrency_test.cpp for the single-flight tests; here, plain
// concurrent reads of a fresh value make no call.
TEST_F(SeedDefect, ConcurrentFreshReadsMakeNoCall) {
  fake->put("p", "v");
  SSMParameter p("p", opts(60s));
  (void)p.value();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_EQ(p.value_view(), "v");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(get_calls(), 1u);
}

}  // namespace
}  // namespace ssm_cache::test
