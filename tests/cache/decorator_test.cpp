// Port of the seed's decorator_test: refresh_on_error wrappers on parameters and groups.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

struct MySpecialError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DecoratorTest : public CacheTest {
 protected:
  void SetUp() override {
    fake->put("my_param", kValue);
    fake->put("my_grouped_param", kValue);
  }
  SSMParameter param{"my_param", opts()};
  SSMParameterGroup group{gopts()};
  SSMParameter grouped = group.parameter("my_grouped_param");
};

TEST_F(DecoratorTest, Simple) {
  auto fn = param.refresh_on_error([](bool is_retry) -> std::string {
    if (!is_retry) throw std::runtime_error("raising an error");
    return "OK";
  });
  EXPECT_EQ(fn(), "OK");
  EXPECT_EQ(get_calls(), 1u);  // the refresh between the two attempts
}

TEST_F(DecoratorTest, GroupedSimple) {
  (void)grouped.value();
  auto fn = group.refresh_on_error([](bool is_retry) -> std::string {
    if (!is_retry) throw std::runtime_error("raising an error");
    return "OK";
  });
  EXPECT_EQ(fn(), "OK");
  EXPECT_EQ(get_calls(), 2u);
}

TEST_F(DecoratorTest, ErrorClassHandled) {
  auto fn = param.refresh_on_error<MySpecialError>([](bool is_retry) -> std::string {
    if (!is_retry) throw MySpecialError("raising a special error");
    return "OK";
  });
  EXPECT_EQ(fn(), "OK");
}

TEST_F(DecoratorTest, OtherErrorsNotHandled) {
  int attempts = 0;
  auto fn = param.refresh_on_error<MySpecialError>([&](bool is_retry) -> std::string {
    ++attempts;
    if (!is_retry) throw std::logic_error("raising a regular error");
    return "OK";
  });
  EXPECT_THROW(fn(), std::logic_error);
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(get_calls(), 0u);  // no refresh
}

TEST_F(DecoratorTest, CallbackCalledOnceBeforeRetry) {
  int callbacks = 0;
  std::vector<std::string> order;
  auto fn = param.refresh_on_error(
      [&](bool is_retry) -> std::string {
        order.push_back(is_retry ? "retry" : "first");
        if (!is_retry) throw std::runtime_error("raising a regular error");
        return "OK";
      },
      [&] {
        ++callbacks;
        order.push_back("callback");
      });
  EXPECT_EQ(fn(), "OK");
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(order, (std::vector<std::string>{"first", "callback", "retry"}));
}

TEST_F(DecoratorTest, CallbackNotCalledWithoutError) {
  int callbacks = 0;
  auto fn = param.refresh_on_error([](bool) { return 1; }, [&] { ++callbacks; });
  EXPECT_EQ(fn(), 1);
  EXPECT_EQ(callbacks, 0);
  EXPECT_EQ(get_calls(), 0u);
}

// A callback that cannot be called does not compile (the seed raised TypeError at run time).
template <class P, class Cb>
concept AcceptsCallback = requires(P p, Cb cb) {
  p.refresh_on_error([](bool) { return 0; }, cb);
};
static_assert(AcceptsCallback<SSMParameter, void (*)()>);
static_assert(!AcceptsCallback<SSMParameter, const char*>);
static_assert(!AcceptsCallback<SSMParameter, int>);
static_assert(!AcceptsCallback<SSMParameterGroup, const char*>);

TEST_F(DecoratorTest, FunctionWithoutRetryFlagAndWithArguments) {
  int attempts = 0;
  auto fn = param.refresh_on_error([&](int a, int b) {
    if (++attempts == 1) throw std::runtime_error("first");
    return a + b;
  });
  EXPECT_EQ(fn(2, 3), 5);
  EXPECT_EQ(attempts, 2);
  auto with_flag = param.refresh_on_error([](int a, bool is_retry) {
    if (!is_retry) throw std::runtime_error("first");
    return a;
  });
  EXPECT_EQ(with_flag(7), 7);
}

TEST_F(DecoratorTest, OnlyOneRetry) {
  auto fn = param.refresh_on_error(
      [](bool is_retry) -> int { throw std::runtime_error(is_retry ? "True" : "False"); });
  try {
    fn();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "True");  // the retry's error propagates
  }
}

TEST_F(DecoratorTest, AllTogetherRefreshedValueSeenByCallback) {
  std::string db_password = param.value();
  fake->put("my_param", "rotated");
  auto read_record = param.refresh_on_error<MySpecialError>(
      [&](bool) -> std::string {
        if (db_password != "rotated") throw MySpecialError("InvalidCredentials");
        return "record";
      },
      [&] { db_password = param.value(); });
  EXPECT_EQ(read_record(), "record");
  EXPECT_EQ(db_password, "rotated");
}

TEST_F(DecoratorTest, RefreshFailurePropagatesWithoutRetry) {
  (void)param.value();
  fake->fail_next_with(1, FakeParameterClient::throttling());
  int attempts = 0;
  auto fn = param.refresh_on_error([&](bool) -> int {
    ++attempts;
    throw std::runtime_error("x");
  });
  EXPECT_THROW(fn(), AwsError);
  EXPECT_EQ(attempts, 1);
}

}  // namespace
}  // namespace ssm_cache::test
