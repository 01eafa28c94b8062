// SecretPart: what a cached secret version carries besides its value (Secrets Manager's name,
// version id, stages, created date), typed; and PartSource, the interface through which the
// cache core receives it from its source (SecretSource) and publishes it in the snapshot.
//
// A ParameterRecord has no place for these fields, and packing them into unrelated ones
// (data_type, source_result) made every reader parse them back. Immutable once made, shared by
// the snapshots that publish the same version. Names, version ids and stages identify a
// secret; they are not secret material, so the part lives in ordinary memory (the value stays
// in the snapshot's secure memory). Parameters have no part: their snapshots hold a null
// pointer and their reads never look at it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ssm_cache/client.hpp"

namespace ssm_cache::detail {

struct SecretPart {
  std::string name;  ///< as Secrets Manager answered it (the entry's name is the cache key)
  std::string version_id;
  std::vector<std::string> stages;  ///< the version's stages when it was fetched (or written)
  std::chrono::system_clock::time_point created_date{};  ///< the epoch when none was given
  friend bool operator==(const SecretPart&, const SecretPart&) = default;
};

/// A GetParameters answer whose records may carry a part: parts is empty (no record has one)
/// or parallel to result.parameters.
struct PartedResult {
  GetParametersResult result;
  std::vector<std::shared_ptr<const SecretPart>> parts;

  /// The part of one of result.parameters (null: none).
  [[nodiscard]] std::shared_ptr<const SecretPart> part_of(const ParameterRecord& rec) const {
    if (parts.empty()) return nullptr;
    return parts.at(static_cast<std::size_t>(&rec - result.parameters.data()));
  }
};

/// A source whose records carry a SecretPart (SecretSource). The core's rounds ask it with
/// get_parted() rather than get_parameters(), so that the parts reach the snapshots.
class PartSource : public ParameterClient {
 public:
  virtual PartedResult get_parted(const std::vector<std::string>& keys, bool with_decryption) = 0;
};

}  // namespace ssm_cache::detail
