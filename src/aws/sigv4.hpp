// aws/sigv4.hpp — AWS Signature Version 4, as pure functions of (request, credentials, options,
// time). No I/O, no clock: callers pass the signing time. Thread-safe (no shared state).
//
// Used by the AWS client to sign requests and by ssm-cache-local to verify them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssm_cache::aws {

/// An HTTP request as the signer sees it. `target` is the request-target as sent on the wire
/// (path plus optional "?query"), e.g. "/" or "/example%20space/?a=b".
struct SignableRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  ///< in order, names any case
  std::string body;
};

struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty when none
};

struct SigningOptions {
  std::string region;
  std::string service;
  bool double_uri_encode = true;  ///< every service but S3
  bool normalize_path = true;  ///< remove dot segments, collapse "//"
  bool omit_session_token = false;  ///< add the token but leave it out of the signature
  bool sign_body_header = false;  ///< add and sign x-amz-content-sha256
  std::chrono::seconds expires{3600};  ///< query (presign) mode: X-Amz-Expires
  /// Header mode: header names (lower case) never signed even when present.
  std::vector<std::string> unsigned_headers{"user-agent", "x-amzn-trace-id", "transfer-encoding",
                                            "expect"};
  /// Sign only host, content-type, content-md5 and x-amz-* (what the AWS SDKs sign), so
  /// headers a proxy or the transport may rewrite (content-length, accept, ...) don't break the
  /// signature. False (the test suite's behaviour): every header not in unsigned_headers.
  bool sign_sdk_headers_only = false;
};

/// Options for the requests this library sends (SSM, Secrets Manager): double encoding,
/// normalized path, session token signed, SDK header selection.
SigningOptions sdk_signing_options(std::string region, std::string service);

/// Everything a signing produced, for tests and for verification on the server side.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  ///< 64 lowercase hex
  /// Header mode: headers to add (X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256,
  /// Authorization). Query mode: the query parameters added, in canonical order.
  std::vector<std::pair<std::string, std::string>> added;
  /// Query mode: the full new request-target with the signature query parameters.
  std::string signed_target;
};

/// Signs in header mode (Authorization header). The request must carry its Host header.
/// Authorization, X-Amz-Date, X-Amz-Security-Token and x-amz-content-sha256 headers already in
/// the request (from an earlier attempt) are ignored: `added` holds their new values.
SigningResult sign_request(const SignableRequest& request, const SigningCredentials& credentials,
                           const SigningOptions& options,
                           std::chrono::system_clock::time_point when);

/// Header mode, applied: removes stale auth headers from `request` and appends `added`.
void sign_in_place(SignableRequest& request, const SigningCredentials& credentials,
                   const SigningOptions& options, std::chrono::system_clock::time_point when);

/// Signs in query mode (presigned URL).
SigningResult presign_request(const SignableRequest& request, const SigningCredentials& credentials,
                              const SigningOptions& options,
                              std::chrono::system_clock::time_point when);

/// A parsed "Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..."
struct ParsedAuthorization {
  std::string access_key_id;
  std::string date;  ///< yyyymmdd
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;
  std::string signature;
};

/// Parses an Authorization header; returns false when it is not a SigV4 header.
bool parse_authorization(std::string_view header, ParsedAuthorization& out);

/// Server side: recomputes the signature of a received request (headers as received,
/// including Authorization and X-Amz-Date) with the given secret key, using the signed
/// header list, scope and date of its Authorization header. Returns the expected signature
/// (compare in constant time with constant_time_equals), or empty when the request lacks the
/// pieces needed (no Authorization, no X-Amz-Date, a signed header that is absent, "host" not
/// signed, X-Amz-Date not matching the scope date). Without an Authorization header, a
/// presigned request (X-Amz-Signature, X-Amz-Credential, ... in the query) is verified instead.
/// The payload hash is always that of the received body. Checking the access key, the clock
/// (X-Amz-Date within 15 minutes) and the X-Amz-Security-Token is the caller's job.
std::string expected_signature(const SignableRequest& received, std::string_view secret_access_key);

bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

}  // namespace ssm_cache::aws
