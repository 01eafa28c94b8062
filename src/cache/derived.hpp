// DerivedCache: values made from a cache entry's value (a parsed JSON document), one per
// fetched version, kept for the entry's life so that references handed out stay valid.
//
// Thread-safe. A lookup of the current version's value is one acquire load and a compare;
// making one takes the entry's mutex (concurrent first calls make it once).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/thread_annotations.hpp"

namespace ssm_cache::detail {

struct DerivedValue {
  /// The snapshot it was made from, and that snapshot's version metadata: a snapshot address
  /// can be reused once the old one is freed, the metadata tells such a newcomer apart.
  const void* snapshot = nullptr;
  std::int64_t version = 0;
  std::string version_id;
  std::chrono::system_clock::time_point last_modified;
  std::string kind;
  std::shared_ptr<const void> value;
};

struct DerivedCache {
  std::atomic<const DerivedValue*> last{nullptr};  ///< the most recently made or found
  Mutex mutex;
  std::vector<std::unique_ptr<const DerivedValue>> values SSM_CACHE_GUARDED_BY(mutex);
};

}  // namespace ssm_cache::detail
