// aws_json.cpp — see aws_json.hpp.
#include "aws_json.hpp"

#include <nlohmann/json.hpp>

#include "output.hpp"

namespace ssm_cache::cli {

namespace {
double epoch_seconds(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(t.time_since_epoch()).count()) / 1000.0;
}
// Values may hold bytes that are not UTF-8; replace them rather than fail the response.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

std::string get_parameter_body(const ParameterRecord& r) {
  nlohmann::json p = {{"ARN", r.arn},
                      {"DataType", r.data_type.empty() ? "text" : r.data_type},
                      {"LastModifiedDate", epoch_seconds(r.last_modified)},
                      {"Name", r.name},
                      {"Type", r.type},
                      {"Value", r.value},
                      {"Version", r.version}};
  if (!r.selector.empty()) p["Selector"] = r.selector;
  if (!r.source_result.empty()) p["SourceResult"] = r.source_result;
  nlohmann::json body = {{"Parameter", std::move(p)}, {"ResultMetadata", nlohmann::json::object()}};
  return dump(body);
}

std::string get_secret_value_body(const SecretValue& s) {
  nlohmann::json body = {{"ARN", s.arn},
                         {"CreatedDate", epoch_seconds(s.created_date)},
                         {"Name", s.name},
                         {"VersionId", s.version_id},
                         {"VersionStages", s.version_stages},
                         {"ResultMetadata", nlohmann::json::object()}};
  if (s.secret_string) body["SecretString"] = *s.secret_string;
  if (s.secret_binary) body["SecretBinary"] = base64_encode(*s.secret_binary);
  return dump(body);
}

std::string error_body(std::string_view code, std::string_view message) {
  nlohmann::json body = {{"__type", code}, {"message", message}};
  return dump(body);
}

}  // namespace ssm_cache::cli
