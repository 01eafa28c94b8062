// The one writer of AWS's answer shapes (tools/common/aws_shapes): each shape in each style,
// compared byte for byte so that field order, nulls and date forms are pinned.
#include "aws_shapes.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace ssm_cache::tools {
namespace {

std::chrono::system_clock::time_point at_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

ParameterRecord record() {
  ParameterRecord r;
  r.arn = "arn:aws:ssm:us-east-1:1:parameter/a";
  r.last_modified = at_ms(1668586960089);  // 2022-11-16T08:22:40.089Z
  r.name = "/a";
  r.type = "String";
  r.value = "v";
  r.version = 3;
  return r;
}

constexpr const char* kParameterExtension =
    R"({"ARN":"arn:aws:ssm:us-east-1:1:parameter/a","DataType":"text",)"
    R"("LastModifiedDate":"2022-11-16T08:22:40.089Z","Name":"/a","Selector":null,)"
    R"("SourceResult":null,"Type":"String","Value":"v","Version":3})";

TEST(AwsShapes, ParameterInEachStyle) {
  const ParameterRecord r = record();
  EXPECT_EQ(dump_shape(parameter_shape(r, kExtensionStyle)), kParameterExtension);
  EXPECT_EQ(dump_shape(parameter_shape(r, kWireStyle)),
            R"({"ARN":"arn:aws:ssm:us-east-1:1:parameter/a","DataType":"text",)"
            R"("LastModifiedDate":1668586960.089,"Name":"/a","Type":"String","Value":"v",)"
            R"("Version":3})");
  EXPECT_EQ(dump_shape(parameter_shape(r, kCliStyle)),
            R"({"ARN":"arn:aws:ssm:us-east-1:1:parameter/a","DataType":"text",)"
            R"("LastModifiedDate":"2022-11-16T08:22:40.089Z","Name":"/a","Type":"String",)"
            R"("Value":"v","Version":3})");
}

TEST(AwsShapes, ParameterWithSelectorSourceResultAndDataType) {
  ParameterRecord r = record();
  r.selector = ":prod";
  r.source_result = "{}";
  r.data_type = "aws:ec2:image";
  EXPECT_EQ(dump_shape(parameter_shape(r, kWireStyle)),
            R"({"ARN":"arn:aws:ssm:us-east-1:1:parameter/a","DataType":"aws:ec2:image",)"
            R"("LastModifiedDate":1668586960.089,"Name":"/a","Selector":":prod",)"
            R"("SourceResult":"{}","Type":"String","Value":"v","Version":3})");
}

TEST(AwsShapes, GetParameter) {
  EXPECT_EQ(dump_shape(get_parameter_shape(record(), kExtensionStyle)),
            std::string(R"({"Parameter":)") + kParameterExtension + R"(,"ResultMetadata":{}})");
  EXPECT_EQ(dump_shape(get_parameter_shape(record(), kWireStyle)).find("ResultMetadata"),
            std::string::npos);
}

TEST(AwsShapes, GetParametersPage) {
  GetParametersResult result;
  result.parameters = {record()};
  result.invalid_parameters = {"/missing"};
  EXPECT_EQ(dump_shape(get_parameters_shape(result, kExtensionStyle)),
            std::string(R"({"InvalidParameters":["/missing"],"Parameters":[)") +
                kParameterExtension + R"(],"ResultMetadata":{}})");
  EXPECT_EQ(dump_shape(get_parameters_shape({}, kWireStyle)),
            R"({"InvalidParameters":[],"Parameters":[]})");
}

TEST(AwsShapes, GetParametersByPathPage) {
  EXPECT_EQ(dump_shape(get_parameters_by_path_shape({record()}, "", kExtensionStyle)),
            std::string(R"({"Parameters":[)") + kParameterExtension + R"(],"ResultMetadata":{}})");
  EXPECT_EQ(dump_shape(get_parameters_by_path_shape({}, "tok", kWireStyle)),
            R"({"NextToken":"tok","Parameters":[]})");
}

TEST(AwsShapes, GetSecretValue) {
  SecretValue s;
  s.arn = "arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf";
  s.created_date = at_ms(1668586960499);
  s.name = "s";
  s.secret_string = "x";
  s.version_id = "v1";
  s.version_stages = {"AWSCURRENT"};
  EXPECT_EQ(dump_shape(get_secret_value_shape(s, kExtensionStyle)),
            R"({"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf",)"
            R"("CreatedDate":"2022-11-16T08:22:40.499Z","Name":"s","SecretBinary":null,)"
            R"("SecretString":"x","VersionId":"v1","VersionStages":["AWSCURRENT"],)"
            R"("ResultMetadata":{}})");
  s.secret_string.reset();
  s.secret_binary = "ab";
  EXPECT_EQ(dump_shape(get_secret_value_shape(s, kWireStyle)),
            R"({"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf",)"
            R"("CreatedDate":1668586960.499,"Name":"s","SecretBinary":"YWI=",)"
            R"("VersionId":"v1","VersionStages":["AWSCURRENT"]})");
}

TEST(AwsShapes, DumpReplacesInvalidUtf8AndIndents) {
  ParameterRecord r = record();
  r.value = "\xff";
  EXPECT_NE(dump_shape(parameter_shape(r, kCliStyle)).find("\"Value\":\"\xef\xbf\xbd\""),
            std::string::npos);
  EXPECT_NE(dump_shape(Json{{"a", 1}}, 2).find("\n  \"a\": 1"), std::string::npos);
}

}  // namespace
}  // namespace ssm_cache::tools
