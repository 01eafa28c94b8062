// sidecar_scrub.hpp — removes credentials from text that came from upstream before the
// sidecar logs it or answers with it: an endpoint (a proxy, a mock, a misconfigured gateway)
// may reflect the signed request in its error message. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ssm_cache::cli {

inline constexpr std::string_view kRedacted = "[redacted]";

/// `text` with every occurrence of a `known` secret (the session token, secret key, the
/// sidecar's own token; values shorter than 4 characters are ignored), the value after
/// "Signature=", "Credential=" and an X-Amz-Security-Token header or parameter, any run of 64
/// hex digits (a SigV4 signature) and any run of 100+ base64 characters (a session token)
/// replaced by "[redacted]".
std::string scrub_secrets(std::string_view text, const std::vector<std::string>& known);

}  // namespace ssm_cache::cli
