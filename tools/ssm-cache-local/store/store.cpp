// ssm-cache-local/store/store.cpp — see store.hpp.
#include "store.hpp"

#include <algorithm>

#include "database.hpp"

namespace ssm_cache::local {

void merge_tags(std::vector<Tag>& into, const std::vector<Tag>& tags) {
  for (const auto& tag : tags) {
    auto it =
        std::find_if(into.begin(), into.end(), [&](const Tag& t) { return t.key == tag.key; });
    if (it != into.end()) {
      it->value = tag.value;
    } else {
      into.push_back(tag);
    }
  }
}

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
  parameters_.emplace(
      name, it == data_.parameters.end() ? std::nullopt : std::optional<Parameter>(it->second));
}

void Changes::secret(const std::string& name) {
  if (secrets_.contains(name)) return;
  auto it = data_.secrets.find(name);
  secrets_.emplace(name,
                   it == data_.secrets.end() ? std::nullopt : std::optional<Secret>(it->second));
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

namespace {

// Swaps each named entry of `live` with its state in `other` (nullopt: absent).
template <class Entry>
void swap_entries(std::map<std::string, Entry>& live,
                  std::map<std::string, std::optional<Entry>>& other) {
  for (auto& [name, state] : other) {
    std::optional<Entry> current;
    if (auto it = live.find(name); it != live.end()) {
      current = std::move(it->second);
      live.erase(it);
    }
    if (state) live.emplace(name, std::move(*state));
    state = std::move(current);
  }
}

template <class Entry>
std::vector<std::pair<std::string, const Entry*>> entries_of(
    const std::map<std::string, std::optional<Entry>>& states) {
  std::vector<std::pair<std::string, const Entry*>> out;
  for (const auto& [name, state] : states) out.emplace_back(name, state ? &*state : nullptr);
  return out;
}

}  // namespace

void Changes::set_aside() {
  swap_entries(data_.parameters, parameters_);
  swap_entries(data_.secrets, secrets_);
}

void Changes::install() { set_aside(); }

std::vector<std::pair<std::string, const Parameter*>> Changes::parameters() const {
  return entries_of(parameters_);
}

std::vector<std::pair<std::string, const Secret*>> Changes::secrets() const {
  return entries_of(secrets_);
}

Store::Store(StoreData initial, Database* db, std::string region)
    : data_(std::move(initial)), db_(db), region_(std::move(region)) {}

void Store::commit(const Changes& changes) {
  db_->save(region_, changes.parameters(), changes.secrets());
}

void Store::commit_parameter(const ParameterWrite& write) {
  db_->save(region_, {{write.key, &write.next}}, {});
}

}  // namespace ssm_cache::local
