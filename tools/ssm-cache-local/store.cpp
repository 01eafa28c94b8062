// ssm-cache-local/store.cpp — see store.hpp.
#include "store.hpp"

#include <algorithm>

#include "database.hpp"

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

void Changes::parameter(const std::string& name) {
  if (parameters_.contains(name)) return;
  auto it = data_.parameters.find(name);
  parameters_.emplace(name, it == data_.parameters.end() ? std::nullopt
                                                         : std::optional<Parameter>(it->second));
}

void Changes::secret(const std::string& name) {
  if (secrets_.contains(name)) return;
  auto it = data_.secrets.find(name);
  secrets_.emplace(name, it == data_.secrets.end() ? std::nullopt
                                                   : std::optional<Secret>(it->second));
}

void Changes::roll_back() {
  for (auto& [name, before] : parameters_) {
    if (before) {
      data_.parameters.insert_or_assign(name, std::move(*before));
    } else {
      data_.parameters.erase(name);
    }
  }
  for (auto& [name, before] : secrets_) {
    if (before) {
      data_.secrets.insert_or_assign(name, std::move(*before));
    } else {
      data_.secrets.erase(name);
    }
  }
  parameters_.clear();
  secrets_.clear();
}

std::vector<std::string> Changes::parameter_names() const {
  std::vector<std::string> out;
  for (const auto& [name, before] : parameters_) out.push_back(name);
  return out;
}

std::vector<std::string> Changes::secret_names() const {
  std::vector<std::string> out;
  for (const auto& [name, before] : secrets_) out.push_back(name);
  return out;
}

Store::Store(StoreData initial, std::unique_ptr<Database> db)
    : data_(std::move(initial)), db_(std::move(db)) {}

Store::~Store() = default;

void Store::commit(const Changes& changes) {
  if (db_) db_->save(data_, changes.parameter_names(), changes.secret_names());
}

}  // namespace ssm_cache::local
