// tests/aws/sigv4_vectors_test.cpp — the official SigV4 test suite (aws-c-auth layout), every
// case in header and query mode, byte for byte; plus server-side verification of each.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "common/time.hpp"

namespace ssm_cache::aws {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(SSM_CACHE_TEST_DATA_DIR) / "sigv4" / "v4";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::erase(text, '\r');
  return text;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// request.txt format (see tests/data/sigv4/README.md).
SignableRequest parse_request_file(const std::string& text) {
  SignableRequest request;
  const std::size_t eol = text.find('\n');
  const std::string first = text.substr(0, eol);
  const std::size_t sp = first.find(' ');
  request.method = first.substr(0, sp);
  std::string target = first.substr(sp + 1);
  const std::string suffix = " HTTP/1.1";
  EXPECT_TRUE(target.ends_with(suffix)) << first;
  target.resize(target.size() - suffix.size());
  request.target = target;
  std::size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    if (line.empty()) {
      pos = end + 1;
      if (pos < text.size()) request.body = text.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !request.headers.empty()) {
      request.headers.back().second += "\n" + line;  // obs-fold: keep the fold for the signer
    } else {
      const std::size_t colon = line.find(':');
      request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    pos = end + 1;
  }
  return request;
}

std::chrono::system_clock::time_point parse_iso(const std::string& iso) {
  // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
  std::string compact;
  for (char c : iso) {
    if (c != '-' && c != ':') compact.push_back(c);
  }
  std::chrono::system_clock::time_point when;
  EXPECT_TRUE(common::parse_amz_date(compact, when)) << iso;
  return when;
}

struct Case {
  std::string name;
  SignableRequest request;
  SigningCredentials credentials;
  SigningOptions options;
  std::chrono::system_clock::time_point when;
  bool normalize = true;
};

Case load_case(const std::string& name) {
  const fs::path dir = kSuite / name;
  Case c;
  c.name = name;
  c.request = parse_request_file(read_text(dir / "request.txt"));
  const auto context = nlohmann::json::parse(read_text(dir / "context.json"));
  c.credentials.access_key_id = context.at("credentials").at("access_key_id").get<std::string>();
  c.credentials.secret_access_key =
      context.at("credentials").at("secret_access_key").get<std::string>();
  c.credentials.session_token = context.at("credentials").value("token", std::string{});
  c.options.region = context.at("region").get<std::string>();
  c.options.service = context.at("service").get<std::string>();
  c.options.double_uri_encode = true;
  c.options.normalize_path = context.at("normalize").get<bool>();
  c.normalize = c.options.normalize_path;
  c.options.sign_body_header = context.at("sign_body").get<bool>();
  c.options.omit_session_token = context.value("omit_session_token", false);
  c.options.expires = std::chrono::seconds(context.at("expiration_in_seconds").get<int>());
  c.when = parse_iso(context.at("timestamp").get<std::string>());
  return c;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::pair<std::string, std::string>> split_query(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    out.emplace_back(lower(pair.substr(0, eq)), eq == std::string::npos ? "" : pair.substr(eq + 1));
    pos = amp + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SigV4Vectors : public ::testing::TestWithParam<std::string> {};

TEST(SigV4Suite, HasAllThirtyEightCases) { EXPECT_EQ(case_names().size(), 38u); }

TEST_P(SigV4Vectors, HeaderMode) {
  const Case c = load_case(GetParam());
  const fs::path dir = kSuite / c.name;
  const SigningResult result = sign_request(c.request, c.credentials, c.options, c.when);
  EXPECT_EQ(result.canonical_request, read_text(dir / "header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, read_text(dir / "header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, read_text(dir / "header-signature.txt"));

  // The signed request: same method and path, the original headers plus exactly ours, each
  // of ours present in the expected request with the same value.
  const SignableRequest expected = parse_request_file(read_text(dir / "header-signed-request.txt"));
  EXPECT_EQ(expected.method, c.request.method);
  EXPECT_EQ(expected.target, c.request.target);
  EXPECT_EQ(expected.headers.size(), c.request.headers.size() + result.added.size());
  for (const auto& [name, value] : result.added) {
    const auto found = std::find_if(expected.headers.begin(), expected.headers.end(),
                                    [&](const auto& h) { return lower(h.first) == lower(name); });
    ASSERT_NE(found, expected.headers.end()) << name;
    EXPECT_EQ(found->second, value) << name;
  }

  // sign_in_place yields the same request.
  SignableRequest in_place = c.request;
  sign_in_place(in_place, c.credentials, c.options, c.when);
  EXPECT_EQ(in_place.headers.size(), expected.headers.size());

  // Server side: the received request verifies with the same secret, and not another.
  if (c.normalize) {
    const std::string verified = expected_signature(in_place, c.credentials.secret_access_key);
    EXPECT_EQ(verified, result.signature);
    EXPECT_TRUE(constant_time_equals(verified, result.signature));
    EXPECT_NE(expected_signature(in_place, "another-secret"), result.signature);
  }
}

TEST_P(SigV4Vectors, QueryMode) {
  const Case c = load_case(GetParam());
  const fs::path dir = kSuite / c.name;
  const SigningResult result = presign_request(c.request, c.credentials, c.options, c.when);
  EXPECT_EQ(result.canonical_request, read_text(dir / "query-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign, read_text(dir / "query-string-to-sign.txt"));
  EXPECT_EQ(result.signature, read_text(dir / "query-signature.txt"));

  const SignableRequest expected = parse_request_file(read_text(dir / "query-signed-request.txt"));
  EXPECT_EQ(expected.headers.size(), c.request.headers.size());  // no auth headers added
  const std::size_t eq = expected.target.find('?');
  const std::size_t mq = result.signed_target.find('?');
  ASSERT_NE(eq, std::string::npos);
  ASSERT_NE(mq, std::string::npos);
  EXPECT_EQ(result.signed_target.substr(0, mq), expected.target.substr(0, eq));
  EXPECT_EQ(split_query(result.signed_target.substr(mq + 1)),
            split_query(expected.target.substr(eq + 1)));

  // An omitted token is in the query but not in the signature: a verifier can't tell.
  if (c.normalize && !c.options.omit_session_token) {
    SignableRequest received = c.request;
    received.target = result.signed_target;
    EXPECT_EQ(expected_signature(received, c.credentials.secret_access_key), result.signature);
    EXPECT_NE(expected_signature(received, "another-secret"), result.signature);
  }
}

INSTANTIATE_TEST_SUITE_P(Official, SigV4Vectors, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace ssm_cache::aws
