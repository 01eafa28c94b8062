// fuzz/fuzz_aws_responses.cpp — libFuzzer target for the AWS response parsers: JSON 1.1
// (src/aws/json_protocol) and STS's XML (src/aws/xml_extract, sts_protocol): the first byte
// picks the parser, the rest is the response body. Contract checked: any body either parses
// or throws an ssm_cache::Error (aws::XmlError for the bare XML reader), never another
// exception, a crash, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/json_protocol.hpp"
#include "aws/sts_protocol.hpp"
#include "aws/xml_extract.hpp"
#include "common/base64.hpp"
#include "ssm_cache/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  namespace aws = ssm_cache::aws;
  namespace common = ssm_cache::common;
  const aws::ResponseContext ctx{"Fuzz", "fuzz input", 200, "req-1"};
  try {
    switch (selector % 11) {
      case 0: {
        auto r = aws::parse_get_parameters_response(body, ctx);
        for (const auto& p : r.parameters) (void)p.name.size();
        break;
      }
      case 1: (void)aws::parse_get_parameter_response(body, ctx); break;
      case 2: (void)aws::parse_get_parameters_by_path_response(body, ctx); break;
      case 3: (void)aws::parse_get_secret_value_response(body, ctx); break;
      case 4: (void)aws::parse_batch_get_secret_value_response(body, ctx); break;
      case 5: {
        ssm_cache::http::Response response;
        response.status = 400 + (selector / 8) % 200;
        response.body = std::string(body);
        response.headers.emplace_back("x-amzn-RequestId", "req-1");
        const auto error =
            aws::parse_error_response(response, "GetParameters", "names 'a'", "http://127.0.0.1/");
        (void)error.code().size();
        (void)error.transient();
        break;
      }
      case 6: {
        // Header form of the error code, and a body that is not an error document.
        ssm_cache::http::Response response;
        response.status = 500;
        response.headers.emplace_back("x-amzn-ErrorType", std::string(body));
        (void)aws::parse_error_response(response, "GetParameter", "name 'a'", "http://h/");
        (void)aws::error_code_from_type(body);
        break;
      }
      case 7: {
        std::string out;
        (void)common::base64_decode(body, out);
        break;
      }
      case 8: {
        try {
          const auto root = aws::parse_xml(body);
          (void)aws::find_element(root, {"ErrorResponse", "Error", "Code"});
        } catch (const aws::XmlError&) {
          // The documented outcome for a document that is not well-formed.
        }
        break;
      }
      case 9: {
        const auto error = aws::parse_sts_error(body);
        if (error) (void)error->code.size();
        break;
      }
      default: {
        const auto creds = aws::parse_sts_credentials(
            body, (selector / 11) % 2 ? "AssumeRole" : "AssumeRoleWithWebIdentity", "fuzz",
            "fuzz input");
        (void)creds.access_key_id.size();
        break;
      }
    }
  } catch (const ssm_cache::Error&) {
    // The documented outcome for a body that is not a valid response.
  }
  return 0;
}
