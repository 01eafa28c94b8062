// See shared_tier_slot.hpp.
#include "cache/shared_tier_slot.hpp"

namespace ssm_cache::detail {

namespace {

void add_counts(const SharedCacheStats& from, SharedCacheStats& to) {
  to.hits += from.hits;
  to.misses += from.misses;
  to.lease_waits += from.lease_waits;
  to.seal_failures += from.seal_failures;
}

}  // namespace

void add_shared_stats(const SharedCacheStats& from, CacheStats& out) {
  out.shared_hits += from.hits;
  out.shared_misses += from.misses;
  out.shared_lease_waits += from.lease_waits;
  out.shared_seal_failures += from.seal_failures;
  out.shared_breaker_opens += from.breaker_opens;
  out.shared_breaker_open = out.shared_breaker_open || from.breaker_open;
}

SharedTierSlot::SharedTierSlot(const SharedCacheOptions& options)
    : core_(shared_tier_core(options)) {}

std::shared_ptr<SharedCacheClient> SharedTierSlot::wrapper_for(
    const std::shared_ptr<void>& inner, std::shared_ptr<ParameterClient> params,
    std::shared_ptr<SecretsClient> secrets) {
  detail::MutexLock lock(mutex_);
  if (inner_ == inner && wrapped_) return wrapped_;
  if (wrapped_) add_counts(wrapped_->stats(), retired_);
  auto already = std::dynamic_pointer_cast<SharedCacheClient>(params);
  if (!already) already = std::dynamic_pointer_cast<SharedCacheClient>(secrets);
  wrapped_ = already ? already : shared_tier_client(core_, std::move(params), std::move(secrets));
  inner_ = inner;
  return wrapped_;
}

std::shared_ptr<ParameterClient> SharedTierSlot::wrap(
    const std::shared_ptr<ParameterClient>& inner) {
  return wrapper_for(inner, inner, nullptr);
}

std::shared_ptr<SecretsClient> SharedTierSlot::wrap(const std::shared_ptr<SecretsClient>& inner) {
  return wrapper_for(inner, nullptr, inner);
}

void SharedTierSlot::add_stats(CacheStats& out) const {
  SharedCacheStats s;
  {
    detail::MutexLock lock(mutex_);
    if (wrapped_) s = wrapped_->stats();
    add_counts(retired_, s);
  }
  add_shared_stats(s, out);
}

}  // namespace ssm_cache::detail
