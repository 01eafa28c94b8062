// fuzz/fuzz_sidecar_query.cpp — libFuzzer target for the sidecar's request parsing
// (tools/ssm-cache/sidecar/sidecar_request, the parser `ssm-cache serve`'s event front uses): a
// request target "PATH?QUERY#FRAGMENT" in, a validated request or a RequestError out. Contracts
// checked: no exception escapes these pure functions; a RequestError is a 4xx with a code; a
// request that validates has a name and a cache key that distinguishes it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "sidecar_request.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant is a finding
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace cli = ssm_cache::cli;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // The parser the event front runs on every request target.
  const cli::RequestTarget target = cli::parse_request_target(in);
  const cli::QueryParams& query = target.query;
  const auto routed = cli::route(target.path);
  if (const auto* err = std::get_if<cli::RequestError>(&routed)) {
    check(err->status >= 400 && err->status < 500 && !err->code.empty());
  }
  // Every endpoint's validation, whatever the path said.
  for (const auto endpoint :
       {cli::Endpoint::kParameter, cli::Endpoint::kSecret, cli::Endpoint::kPath}) {
    const auto parsed = cli::parse_sidecar_request(endpoint, query);
    if (const auto* err = std::get_if<cli::RequestError>(&parsed)) {
      check(err->status >= 400 && err->status < 500 && !err->code.empty());
      continue;
    }
    const auto& req = std::get<cli::SidecarRequest>(parsed);
    check(!req.name.empty());
    check(req.version.empty() || req.label.empty());
    const std::string key = req.cache_key();
    check(!key.empty());
    if (endpoint == cli::Endpoint::kParameter) {
      (void)req.parameter_selector_name();
      // A decrypted answer never shares a cache entry with a plain one.
      cli::SidecarRequest other = req;
      other.with_decryption = !req.with_decryption;
      check(other.cache_key() != key);
    }
  }
  return 0;
}
