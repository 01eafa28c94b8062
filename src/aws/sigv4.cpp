// aws/sigv4.cpp — AWS Signature Version 4: canonical request, string to sign, signature, and
// the server-side recomputation. Pure functions; thread-safe; a signing costs a few SHA-256
// passes over the body and the canonical request (microseconds for small bodies).
#include "aws/sigv4.hpp"
#include "common/crypto.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>

namespace ssm_cache::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

using common::hex_value;
using common::iequals;
using common::trim;

bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

/// RFC 3986 percent-encoding with uppercase hex; '/' kept when `keep_slash`.
std::string uri_encode(std::string_view in, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3 / 2);
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

/// Decodes %XX escapes only ('+' stays '+': AWS treats it as a literal in signatures).
std::string uri_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

/// RFC 3986 remove_dot_segments plus collapsing of empty segments; keeps a trailing slash.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view segment = path.substr(pos, end - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  const bool trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..") ||
                        path == "." || path == "..";
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (trailing && !segments.empty()) out.push_back('/');
  return out;
}

/// Single encoding: existing %XX escapes stay (hex uppercased), other bytes are encoded once.
std::string uri_encode_keep_escapes(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
        hex_value(in[i + 2]) >= 0) {
      out.push_back('%');
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(in[i + 1]))));
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(in[i + 2]))));
      i += 2;
    } else {
      out += uri_encode(in.substr(i, 1), true);
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path, const SigningOptions& options) {
  std::string p = path.empty() ? std::string("/") : std::string(path);
  if (options.normalize_path) p = normalize_path(p);
  // Double encoding: the wire path is taken as already encoded and encoded once more
  // ("%20" -> "%2520"). Single encoding (S3): the wire path is the canonical one.
  return options.double_uri_encode ? uri_encode(p, true) : uri_encode_keep_escapes(p);
}

using Params = std::vector<std::pair<std::string, std::string>>;

/// Splits a raw query into (encoded key, encoded value) pairs, normalizing existing escapes.
Params canonical_query_params(std::string_view query) {
  Params params;
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view pair = query.substr(pos, amp - pos);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view key = pair.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      params.emplace_back(uri_encode(uri_decode(key), false), uri_encode(uri_decode(value), false));
    }
    pos = amp + 1;
  }
  return params;
}

std::string join_query(Params params) {
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

/// Trims, folds obs-fold line breaks and collapses runs of whitespace to one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

/// Headers the SDKs sign when sign_sdk_headers_only is set.
bool sdk_signed_header(std::string_view lower_name) {
  return lower_name == "host" || lower_name == "content-type" || lower_name == "content-md5" ||
         lower_name.starts_with("x-amz-");
}

/// Headers the signer itself adds; copies already in the request are replaced, not signed twice.
bool auth_header(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "x-amz-date" ||
         lower_name == "x-amz-security-token" || lower_name == "x-amz-content-sha256";
}

struct CanonicalHeaders {
  std::string block;  // "name:value\n" per header, sorted
  std::string signed_headers;  // "a;b;c"
};

/// Builds the canonical header block from (lowercase name, value) pairs; `select` picks which.
template <typename Select>
CanonicalHeaders canonical_headers(const std::vector<std::pair<std::string, std::string>>& headers,
                                   Select select) {
  // Stable sort by lowercase name keeps repeated headers in their original order.
  std::vector<std::pair<std::string, std::string_view>> picked;
  for (const auto& [name, value] : headers) {
    std::string lower = common::lower(name);
    if (select(lower)) picked.emplace_back(std::move(lower), value);
  }
  std::stable_sort(picked.begin(), picked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < picked.size();) {
    const std::string& name = picked[i].first;
    out.block += name;
    out.block.push_back(':');
    std::size_t j = i;
    for (; j < picked.size() && picked[j].first == name; ++j) {
      if (j > i) out.block.push_back(',');
      out.block += canonical_header_value(picked[j].second);
    }
    out.block.push_back('\n');
    if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
    out.signed_headers += name;
    i = j;
  }
  return out;
}

std::string scope_of(std::string_view date, std::string_view region, std::string_view service) {
  std::string scope;
  scope.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string derive_key(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string key = "AWS4";
  key.append(secret);
  std::string k = common::hmac_sha256(key, date);
  k = common::hmac_sha256(k, region);
  k = common::hmac_sha256(k, service);
  k = common::hmac_sha256(k, "aws4_request");
  // The intermediate keys are secret material: wipe our copies.
  OPENSSL_cleanse(key.data(), key.size());
  return k;
}

std::string make_string_to_sign(std::string_view amz_date, std::string_view scope,
                                std::string_view canonical_request) {
  std::string sts;
  sts.append(kAlgorithm).append("\n").append(amz_date).append("\n").append(scope).append("\n");
  sts += common::sha256_hex(canonical_request);
  return sts;
}

std::string make_canonical_request(std::string_view method, std::string_view uri,
                                   std::string_view query, const CanonicalHeaders& headers,
                                   std::string_view payload_hash) {
  std::string cr;
  cr.reserve(method.size() + uri.size() + query.size() + headers.block.size() + 128);
  cr.append(method).append("\n").append(uri).append("\n").append(query).append("\n");
  cr += headers.block;
  cr.append("\n").append(headers.signed_headers).append("\n").append(payload_hash);
  return cr;
}

void split_target(std::string_view target, std::string_view& path, std::string_view& query) {
  const std::size_t q = target.find('?');
  path = target.substr(0, q);
  query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

template <typename Select>
SigningResult sign_headers_mode(const SignableRequest& request, const SigningCredentials& creds,
                                const SigningOptions& options, std::string_view amz_date,
                                Select select) {
  std::string_view path;
  std::string_view query;
  split_target(request.target, path, query);
  const std::string date(amz_date.substr(0, 8));
  const std::string scope = scope_of(date, options.region, options.service);
  const std::string payload_hash = common::sha256_hex(request.body);

  SigningResult result;
  if (!creds.session_token.empty())
    result.added.emplace_back("X-Amz-Security-Token", creds.session_token);
  result.added.emplace_back("X-Amz-Date", std::string(amz_date));
  if (options.sign_body_header) result.added.emplace_back("x-amz-content-sha256", payload_hash);

  // The request's own headers (minus stale auth headers) plus the ones we add.
  std::vector<std::pair<std::string, std::string>> all;
  all.reserve(request.headers.size() + result.added.size());
  for (const auto& header : request.headers) {
    if (!auth_header(common::lower(header.first))) all.push_back(header);
  }
  for (const auto& header : result.added) all.push_back(header);

  const CanonicalHeaders headers = canonical_headers(all, [&](const std::string& lower) {
    if (lower == "x-amz-security-token") return !options.omit_session_token;
    if (lower == "x-amz-date" || lower == "x-amz-content-sha256") return true;
    return select(lower);
  });

  result.canonical_request =
      make_canonical_request(request.method, canonical_uri(path, options),
                             join_query(canonical_query_params(query)), headers, payload_hash);
  result.string_to_sign = make_string_to_sign(amz_date, scope, result.canonical_request);
  std::string key = derive_key(creds.secret_access_key, date, options.region, options.service);
  result.signature = common::to_hex(common::hmac_sha256(key, result.string_to_sign));
  OPENSSL_cleanse(key.data(), key.size());

  std::string authorization(kAlgorithm);
  authorization.append(" Credential=").append(creds.access_key_id).append("/").append(scope);
  authorization.append(", SignedHeaders=").append(headers.signed_headers);
  authorization.append(", Signature=").append(result.signature);
  result.added.emplace_back("Authorization", std::move(authorization));
  result.signed_target = request.target;
  return result;
}

std::function<bool(const std::string&)> header_selector(const SigningOptions& options) {
  return [&options](const std::string& lower) {
    if (contains(options.unsigned_headers, lower)) return false;
    if (options.sign_sdk_headers_only) return sdk_signed_header(lower);
    return true;
  };
}

std::string_view header_value(const SignableRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

/// Splits "a/b/c" on '/' into exactly `n` parts; false otherwise.
bool split_scope(std::string_view credential, std::vector<std::string>& parts) {
  parts.clear();
  std::size_t pos = 0;
  while (true) {
    const std::size_t slash = credential.find('/', pos);
    parts.emplace_back(credential.substr(pos, slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return parts.size() == 5 && parts[4] == "aws4_request" && !parts[0].empty() &&
         parts[1].size() == 8 && !parts[2].empty() && !parts[3].empty();
}

std::vector<std::string> split_list(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t next = text.find(sep, pos);
    if (next == std::string_view::npos) next = text.size();
    out.emplace_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string expected_presigned_signature(const SignableRequest& received,
                                         std::string_view secret_access_key) {
  std::string_view path;
  std::string_view query;
  split_target(received.target, path, query);
  Params params = canonical_query_params(query);
  std::string credential;
  std::string amz_date;
  std::string signed_headers;
  Params kept;
  bool has_signature = false;
  for (auto& [key, value] : params) {
    if (key == "X-Amz-Signature") {
      has_signature = true;
      continue;
    }
    if (key == "X-Amz-Credential") credential = uri_decode(value);
    if (key == "X-Amz-Date") amz_date = uri_decode(value);
    if (key == "X-Amz-SignedHeaders") signed_headers = uri_decode(value);
    kept.emplace_back(key, value);
  }
  std::vector<std::string> scope_parts;
  std::chrono::system_clock::time_point when;
  if (!has_signature || !split_scope(credential, scope_parts) ||
      !common::parse_amz_date(amz_date, when) || amz_date.substr(0, 8) != scope_parts[1] ||
      signed_headers.empty()) {
    return {};
  }
  const std::vector<std::string> names = split_list(signed_headers, ';');
  SigningOptions options;
  options.region = scope_parts[2];
  options.service = scope_parts[3];
  const CanonicalHeaders headers = canonical_headers(
      received.headers, [&](const std::string& lower) { return contains(names, lower); });
  if (headers.signed_headers != signed_headers) return {};
  const std::string canonical =
      make_canonical_request(received.method, canonical_uri(path, options), join_query(kept),
                             headers, common::sha256_hex(received.body));
  const std::string scope = scope_of(scope_parts[1], options.region, options.service);
  std::string key = derive_key(secret_access_key, scope_parts[1], options.region, options.service);
  std::string sig =
      common::to_hex(common::hmac_sha256(key, make_string_to_sign(amz_date, scope, canonical)));
  OPENSSL_cleanse(key.data(), key.size());
  return sig;
}

}  // namespace

SigningOptions sdk_signing_options(std::string region, std::string service) {
  SigningOptions options;
  options.region = std::move(region);
  options.service = std::move(service);
  options.sign_sdk_headers_only = true;
  return options;
}

SigningResult sign_request(const SignableRequest& request, const SigningCredentials& credentials,
                           const SigningOptions& options,
                           std::chrono::system_clock::time_point when) {
  return sign_headers_mode(request, credentials, options, common::format_amz_date(when),
                           header_selector(options));
}

void sign_in_place(SignableRequest& request, const SigningCredentials& credentials,
                   const SigningOptions& options, std::chrono::system_clock::time_point when) {
  SigningResult result = sign_request(request, credentials, options, when);
  std::erase_if(request.headers,
                [](const auto& header) { return auth_header(common::lower(header.first)); });
  for (auto& header : result.added) request.headers.push_back(std::move(header));
}

SigningResult presign_request(const SignableRequest& request, const SigningCredentials& credentials,
                              const SigningOptions& options,
                              std::chrono::system_clock::time_point when) {
  std::string_view path;
  std::string_view query;
  split_target(request.target, path, query);
  const std::string amz_date = common::format_amz_date(when);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = scope_of(date, options.region, options.service);
  const auto select = header_selector(options);
  const CanonicalHeaders headers = canonical_headers(
      request.headers,
      [&](const std::string& lower) { return !auth_header(lower) && select(lower); });

  SigningResult result;
  result.added.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  result.added.emplace_back("X-Amz-Credential", credentials.access_key_id + "/" + scope);
  result.added.emplace_back("X-Amz-Date", amz_date);
  result.added.emplace_back("X-Amz-Expires", std::to_string(options.expires.count()));
  if (!credentials.session_token.empty() && !options.omit_session_token) {
    result.added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  result.added.emplace_back("X-Amz-SignedHeaders", headers.signed_headers);

  Params params = canonical_query_params(query);
  for (const auto& [key, value] : result.added) {
    params.emplace_back(uri_encode(key, false), uri_encode(value, false));
  }
  result.canonical_request =
      make_canonical_request(request.method, canonical_uri(path, options), join_query(params),
                             headers, common::sha256_hex(request.body));
  result.string_to_sign = make_string_to_sign(amz_date, scope, result.canonical_request);
  std::string key =
      derive_key(credentials.secret_access_key, date, options.region, options.service);
  result.signature = common::to_hex(common::hmac_sha256(key, result.string_to_sign));
  OPENSSL_cleanse(key.data(), key.size());

  // An omitted token still travels with the request, just outside the signature.
  if (!credentials.session_token.empty() && options.omit_session_token) {
    result.added.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  result.added.emplace_back("X-Amz-Signature", result.signature);
  std::sort(result.added.begin(), result.added.end());

  result.signed_target = request.target;
  for (const auto& [key_name, value] : result.added) {
    if (result.signed_target.find('?') == std::string::npos) {
      result.signed_target.push_back('?');
    } else if (!result.signed_target.ends_with('?') && !result.signed_target.ends_with('&')) {
      result.signed_target.push_back('&');
    }
    result.signed_target += uri_encode(key_name, false);
    result.signed_target.push_back('=');
    result.signed_target += uri_encode(value, false);
  }
  return result;
}

bool parse_authorization(std::string_view header, ParsedAuthorization& out) {
  header = trim(header);
  if (!header.starts_with(kAlgorithm)) return false;
  header.remove_prefix(kAlgorithm.size());
  if (header.empty() || (header.front() != ' ' && header.front() != '\t')) return false;
  ParsedAuthorization parsed;
  bool have_credential = false;
  bool have_headers = false;
  bool have_signature = false;
  for (const std::string& raw : split_list(header, ',')) {
    const std::string_view item = trim(raw);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return false;
    const std::string_view name = trim(item.substr(0, eq));
    const std::string_view value = trim(item.substr(eq + 1));
    if (name == "Credential" && !have_credential) {
      std::vector<std::string> parts;
      if (!split_scope(value, parts)) return false;
      parsed.access_key_id = parts[0];
      parsed.date = parts[1];
      parsed.region = parts[2];
      parsed.service = parts[3];
      have_credential = true;
    } else if (name == "SignedHeaders" && !have_headers) {
      if (value.empty()) return false;
      parsed.signed_headers = split_list(value, ';');
      for (const auto& h : parsed.signed_headers) {
        if (h.empty() || h != common::lower(h)) return false;
      }
      have_headers = true;
    } else if (name == "Signature" && !have_signature) {
      if (value.size() != 64 || !std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
          })) {
        return false;
      }
      parsed.signature = std::string(value);
      have_signature = true;
    } else {
      return false;
    }
  }
  if (!have_credential || !have_headers || !have_signature) return false;
  out = std::move(parsed);
  return true;
}

std::string expected_signature(const SignableRequest& received,
                               std::string_view secret_access_key) {
  const std::string_view authorization = header_value(received, "authorization");
  if (authorization.empty()) return expected_presigned_signature(received, secret_access_key);
  ParsedAuthorization auth;
  if (!parse_authorization(authorization, auth)) return {};
  const std::string amz_date(trim(header_value(received, "x-amz-date")));
  std::chrono::system_clock::time_point when;
  if (!common::parse_amz_date(amz_date, when) || amz_date.substr(0, 8) != auth.date) return {};
  if (!contains(auth.signed_headers, "host")) return {};

  std::string_view path;
  std::string_view query;
  split_target(received.target, path, query);
  SigningOptions options;
  options.region = auth.region;
  options.service = auth.service;
  const CanonicalHeaders headers = canonical_headers(
      received.headers,
      [&](const std::string& lower) { return contains(auth.signed_headers, lower); });
  // Every signed header must be present: otherwise the client signed something we can't see.
  std::string expected_list;
  {
    std::vector<std::string> sorted = auth.signed_headers;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& name : sorted) {
      if (!expected_list.empty()) expected_list.push_back(';');
      expected_list += name;
    }
  }
  if (headers.signed_headers != expected_list) return {};
  const std::string canonical = make_canonical_request(
      received.method, canonical_uri(path, options), join_query(canonical_query_params(query)),
      headers, common::sha256_hex(received.body));
  const std::string scope = scope_of(auth.date, auth.region, auth.service);
  std::string key = derive_key(secret_access_key, auth.date, auth.region, auth.service);
  std::string sig =
      common::to_hex(common::hmac_sha256(key, make_string_to_sign(amz_date, scope, canonical)));
  OPENSSL_cleanse(key.data(), key.size());
  return sig;
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace ssm_cache::aws
