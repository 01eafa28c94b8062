// Port of the seed's filters_test: builders, validation, limits, chaining, and by-path queries.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

TEST(Filters, InterfaceDefaultsToEquals) {
  SSMFilter f("KeyId");
  EXPECT_EQ(f.filter().key, "KeyId");
  EXPECT_EQ(f.filter().option, "Equals");
  EXPECT_TRUE(f.filter().values.empty());
  f.value("TestValue");
  Filter plain = f;
  ASSERT_EQ(plain.values.size(), 1u);
  EXPECT_EQ(plain.values[0], "TestValue");
}

TEST(Filters, InvalidKeyRejected) {
  EXPECT_THROW(SSMFilter("Invalid name"), InvalidFilterError);
  EXPECT_THROW(SSMFilter("Name"), InvalidFilterError);  // not accepted by GetParametersByPath
  EXPECT_THROW(SSMFilter("Path"), InvalidFilterError);
  try {
    SSMFilter bad("Colour");
    ADD_FAILURE();
  } catch (const InvalidFilterError& e) {
    EXPECT_NE(std::string(e.what()).find("'Colour'"), std::string::npos);
  }
}

TEST(Filters, MaxFiftyValues) {
  SSMFilterKeyId f;
  for (int i = 0; i < 50; ++i) f.value("key" + std::to_string(i));
  EXPECT_THROW(f.value("51th value"), InvalidFilterError);
  EXPECT_NO_THROW(f.value("key7"));  // already present: not a new value
  EXPECT_EQ(f.filter().values.size(), 50u);
  Filter manual{"KeyId", "Equals", std::vector<std::string>(51, "k")};
  EXPECT_THROW(validate_filter(manual), InvalidFilterError);
}

TEST(Filters, Options) {
  SSMFilterKeyId begins("BeginsWith");
  EXPECT_EQ(begins.filter().option, "BeginsWith");
  EXPECT_THROW(SSMFilterKeyId("Recursive"), InvalidFilterError);
  EXPECT_THROW(SSMFilterType("OneLevel"), InvalidFilterError);
  EXPECT_THROW(SSMFilterType().option("Contains"), InvalidFilterError);
  EXPECT_NO_THROW(SSMFilterType().option("BeginsWith"));
}

TEST(Filters, TypeValuesValidated) {
  SSMFilterType f;
  EXPECT_EQ(f.filter().key, "Type");
  EXPECT_EQ(f.filter().option, "Equals");
  EXPECT_THROW(f.value("InvalidValue"), InvalidFilterError);
  EXPECT_THROW(SSMFilterType().value("NotAType"), InvalidFilterError);
  f.value("SecureString");
  ASSERT_EQ(f.filter().values.size(), 1u);
  EXPECT_EQ(f.filter().values[0], "SecureString");
}

TEST(Filters, KeyId) {
  SSMFilterKeyId f;
  EXPECT_EQ(f.filter().key, "KeyId");
  EXPECT_EQ(f.filter().option, "Equals");
  EXPECT_THROW(f.value(""), InvalidFilterError);
}

TEST(Filters, LabelOnlyEquals) {
  SSMFilterLabel f;
  EXPECT_EQ(f.filter().key, "Label");
  EXPECT_THROW(f.option("BeginsWith"), InvalidFilterError);
  EXPECT_THROW(SSMFilter("Label", "BeginsWith"), InvalidFilterError);
  EXPECT_THROW(f.value("bad label"), InvalidFilterError);
  f.value("prod");
  EXPECT_EQ(f.filter().values.size(), 1u);
}

TEST(Filters, Chainable) {
  SSMFilterKeyId f;
  f.value("Value1").value("Value2").value("Value3");
  EXPECT_EQ(f.filter().values.size(), 3u);
  f.values({"Value4", "Value5"})
      .values({"Value6", "Value7"})
      .values({"Value8", "Value9", "Value10"});
  EXPECT_EQ(f.filter().values.size(), 10u);
  f.values(std::vector<std::string>{"Value11"});
  EXPECT_EQ(f.filter().values.size(), 11u);
}

class FilterIntegration : public CacheTest {
 protected:
  void SetUp() override {
    fake->put("/filters-test/my_param_1", kValue);
    fake->put("/filters-test/my_param_2", kValue);
    fake->put("/filters-test/another_param", kValue);
    fake->put("/filters-test/my_params_list", "abc123,abc123", "StringList");
    fake->put("/filters-test/my_secure_param", kValue, "SecureString");
    fake->put("/filters-test/other_key", kValue, "SecureString", "arn:aws:kms:key/1");
    fake->label("/filters-test/my_param_1", 1, "prod");
  }
};

TEST_F(FilterIntegration, ManualAndBuiltFilters) {
  SSMParameterGroup group(gopts());
  auto manual =
      group.parameters("/filters-test", {.filters = {Filter{"Type", "Equals", {"StringList"}}}});
  EXPECT_EQ(manual.size(), 1u);
  auto built =
      group.parameters("/filters-test", {.filters = {SSMFilterType().value("StringList")}});
  EXPECT_EQ(built.size(), 1u);
  EXPECT_EQ(built[0], manual[0]);
  EXPECT_EQ(group.parameters("/filters-test", {.filters = {SSMFilterType().value("SecureString")}})
                .size(),
            2u);
  EXPECT_EQ(
      group.parameters("/filters-test", {.filters = {SSMFilterType().value("String")}}).size(), 3u);
  EXPECT_EQ(
      group.parameters("/filters-test", {.filters = {SSMFilterKeyId().value("alias/aws/ssm")}})
          .size(),
      1u);
  EXPECT_EQ(
      group.parameters("/filters-test", {.filters = {SSMFilterKeyId("BeginsWith").value("alias/")}})
          .size(),
      1u);
  EXPECT_EQ(
      group.parameters("/filters-test", {.filters = {SSMFilterKeyId("BeginsWith").value("arn:")}})
          .size(),
      1u);
  auto labelled = group.parameters("/filters-test", {.filters = {SSMFilterLabel().value("prod")}});
  ASSERT_EQ(labelled.size(), 1u);
  EXPECT_EQ(labelled[0].name(), "/filters-test/my_param_1");
  // The filters reach the API call unchanged.
  const auto calls = fake->calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().filters, (std::vector<Filter>{Filter{"Label", "Equals", {"prod"}}}));
  EXPECT_EQ(group.size(), 6u);
}

}  // namespace
}  // namespace ssm_cache::test
