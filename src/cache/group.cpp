// SSMParameterGroup: handles sharing one detail::GroupState. Thread-safe.
#include "ssm_cache/group.hpp"

#include "cache/shared_tier_slot.hpp"
#include "cache/state.hpp"
#include "cache/validation.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/filters.hpp"

namespace ssm_cache {

SSMParameterGroup::SSMParameterGroup(GroupOptions options)
    : state_(detail::make_group(detail::make_settings(options))) {}

SSMParameter SSMParameterGroup::parameter(std::string_view path, bool add_prefix) {
  std::string name;
  if (add_prefix && !state_->settings.base_path.empty()) {
    // With a base path, names are paths below it ("/Bar" -> "/Foo/Bar").
    detail::validate_path(common::split_name_ref(path).name);
    name = detail::join_path(state_->settings.base_path, path);
  } else {
    name = std::string(path);
  }
  detail::Entry& e = state_->entry(detail::parse_name(name), true);
  return SSMParameter(detail::make_handle(state_, e));
}

std::vector<SSMParameter> SSMParameterGroup::parameters(std::string_view path,
                                                        PathOptions options) {
  detail::validate_path(path);
  std::string full = detail::join_path(state_->settings.base_path, path);
  detail::validate_path(full);
  for (const auto& f : options.filters) validate_filter(f);
  auto members = state_->fetch_path(std::move(full), options.recursive, std::move(options.filters));
  std::vector<SSMParameter> out;
  out.reserve(members.size());
  // push_back: emplace_back cannot reach the constructor, private to this class.
  for (detail::Entry* e : members) {
    out.push_back(SSMParameter(detail::make_handle(state_, *e)));  // NOLINT(modernize-use-emplace)
  }
  return out;
}

SecretsManagerParameter SSMParameterGroup::secret(std::string_view name) {
  // Validate exactly as a stand-alone secret does, without creating a private group.
  std::string reference;
  if (name.starts_with(SecretsManagerParameter::kPrefix)) {
    reference = std::string(name);
  } else if (name.empty() || name.front() == '/') {
    throw InvalidNameError("invalid secret name " + detail::quote_input(name) +
                           ": give 'my_secret' or '" +
                           std::string(SecretsManagerParameter::kPrefix) + "my_secret'");
  } else {
    reference = std::string(SecretsManagerParameter::kPrefix) + std::string(name);
  }
  detail::Entry& e = state_->entry(detail::parse_name(reference), true);
  return SecretsManagerParameter(SSMParameter(detail::make_handle(state_, e)));
}

std::size_t SSMParameterGroup::size() const { return state_->size(); }

void SSMParameterGroup::refresh() const { state_->refresh(); }

void SSMParameterGroup::clear() const { state_->clear(); }

CacheStats SSMParameterGroup::stats() const { return state_->group_stats(); }

CacheStats cache_stats() {
  const auto& g = detail::global_counters();
  const auto load = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  CacheStats out;
  out.hits = detail::reclaim::total_hits();
  out.misses = load(g.misses);
  out.refreshes = load(g.refreshes);
  out.stale_serves = load(g.stale_serves);
  out.errors_transient = load(g.errors_transient);
  out.errors_not_found = load(g.errors_not_found);
  out.errors_other = load(g.errors_other);
  out.aws_calls = load(g.aws_calls);
  detail::add_shared_stats(detail::process_shared_tier_stats(), out);
  return out;
}

void clear_caches() {
  for (const auto& group : detail::live_groups()) group->clear();
  detail::reclaim::collect();
}

const std::string& SSMParameterGroup::base_path() const noexcept {
  return state_->settings.base_path;
}

}  // namespace ssm_cache
