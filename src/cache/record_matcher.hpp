// RecordMatcher: the records of one GetParameters answer matched to the names asked for.
// Used by the cache core's group rounds and by fetches by name. Pure; not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cache/validation.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::detail {

/// Matches the records of one GetParameters answer to the entries asked for: by name and
/// selector; where a server omits Selector, by name when that is unambiguous; an entry named
/// by ARN by the ARN in the answer (Name or ARN field: shared parameters come back under
/// their ARN) or, for the caller's own account, by the name the ARN designates.
class RecordMatcher {
 public:
  /// asked: pointers to what was asked (Entry, ParsedName: name, selector, full_name).
  template <class Asked>
  RecordMatcher(GetParametersResult& result, const std::vector<Asked*>& asked)
      : invalid_(result.invalid_parameters.begin(), result.invalid_parameters.end()) {
    for (auto& rec : result.parameters) {
      by_name_.emplace(std::pair{rec.name, rec.selector}, &rec);
      if (!rec.arn.empty()) by_arn_.emplace(std::pair{rec.arn, rec.selector}, &rec);
    }
    for (const Asked* e : asked) ++asked_per_name_[e->name];
  }

  template <class Asked>
  ParameterRecord* find(const Asked& e) const {
    if (invalid_.count(e.full_name) != 0) return nullptr;
    const std::string sel = e.selector.empty() ? std::string() : ":" + e.selector;
    if (ParameterRecord* rec = find_with(e, sel)) return rec;
    // A server that omits Selector: match by name when that is unambiguous.
    if (!e.selector.empty() && asked_per_name_.at(e.name) == 1) return find_with(e, {});
    return nullptr;
  }

 private:
  using Key = std::pair<std::string, std::string>;

  template <class Asked>
  ParameterRecord* find_with(const Asked& e, const std::string& sel) const {
    if (auto it = by_name_.find({e.name, sel}); it != by_name_.end()) return it->second;
    if (!e.name.starts_with("arn:")) return nullptr;
    if (auto it = by_arn_.find({e.name, sel}); it != by_arn_.end()) return it->second;
    const std::string name = name_in_arn(e.name);  // "/a/b" or "/x" (stored as "x")
    if (auto it = by_name_.find({name, sel}); it != by_name_.end()) return it->second;
    if (auto it = by_name_.find({name.substr(1), sel}); it != by_name_.end()) return it->second;
    return nullptr;
  }

  std::set<std::string> invalid_;
  std::map<Key, ParameterRecord*> by_name_;
  std::map<Key, ParameterRecord*> by_arn_;
  std::map<std::string, int> asked_per_name_;
};

}  // namespace ssm_cache::detail
