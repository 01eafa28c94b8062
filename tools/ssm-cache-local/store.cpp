// ssm-cache-local/store.cpp — see store.hpp.
#include "store.hpp"

#include <algorithm>

#include "persistence.hpp"

namespace ssm_cache::local {

const ParameterVersion* Parameter::find_version(std::int64_t v) const {
  for (const auto& pv : versions) {
    if (pv.version == v) return &pv;
  }
  return nullptr;
}

const ParameterVersion* Parameter::find_label(const std::string& label) const {
  for (const auto& pv : versions) {
    if (std::find(pv.labels.begin(), pv.labels.end(), label) != pv.labels.end()) return &pv;
  }
  return nullptr;
}

const SecretVersion* Secret::find_version_id(const std::string& id) const {
  for (const auto& v : versions) {
    if (v.version_id == id) return &v;
  }
  return nullptr;
}

const SecretVersion* Secret::find_stage(const std::string& stage) const {
  for (const auto& v : versions) {
    if (std::find(v.stages.begin(), v.stages.end(), stage) != v.stages.end()) return &v;
  }
  return nullptr;
}

Store::Store(StoreData initial, std::string data_file)
    : data_(std::move(initial)), data_file_(std::move(data_file)) {}

void Store::commit(StoreData next) {
  if (!data_file_.empty()) write_file_durably(data_file_, serialize_store(next));
  data_ = std::move(next);
}

}  // namespace ssm_cache::local
