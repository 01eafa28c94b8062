// Transforms of cached values: base64 binary, the "auto" rule, and the per-version cache of
// derived values (parsed JSON documents) behind json.hpp.
#include "ssm_cache/transforms.hpp"

#include "cache/secret_source.hpp"
#include "cache/state.hpp"
#include "common/base64.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache {

namespace detail {

struct HandleAccess {
  static Entry& entry(const SSMParameter& p) { return *p.entry_; }
  static Entry& entry(const Secret& s) { return *s.entry_; }
};

namespace {

bool made_from(const DerivedValue& d, const Snapshot& s, std::string_view kind) {
  return d.snapshot == &s && d.kind == kind && d.version == s.record.version &&
         d.version_id == s.version_id() && d.last_modified == s.record.last_modified;
}

/// The derived value of the snapshot being read (inside the read's epoch section).
const void* derived_of(Entry& e, const Snapshot& s, std::string_view kind, DerivedParser parse) {
  DerivedCache& cache = e.derived;
  if (const DerivedValue* d = cache.last.load(std::memory_order_acquire);
      d != nullptr && made_from(*d, s, kind)) [[likely]] {
    return d->value.get();
  }
  detail::MutexLock lock(cache.mutex);
  // Newest first: the current version is almost always the last one made.
  for (auto it = cache.values.rbegin(); it != cache.values.rend(); ++it) {
    if (made_from(**it, s, kind)) {
      cache.last.store(it->get(), std::memory_order_release);
      return (*it)->value.get();
    }
  }
  // Parsed under the lock, so that concurrent first calls on one version parse it once.
  auto d = std::make_unique<DerivedValue>();
  d->snapshot = &s;
  d->version = s.record.version;
  d->version_id = s.version_id();
  d->last_modified = s.record.last_modified;
  d->kind = kind;
  d->value = parse(std::string_view(s.value.data(), s.value.size()), e.full_name);
  const DerivedValue* made = d.get();
  cache.values.push_back(std::move(d));
  cache.last.store(made, std::memory_order_release);
  return made->value.get();
}

}  // namespace

const void* derived(const SSMParameter& p, std::string_view kind, DerivedParser parse) {
  Entry& e = HandleAccess::entry(p);
  return e.group->with_snapshot(e,
                                [&](const Snapshot& s) { return derived_of(e, s, kind, parse); });
}

const void* derived(const Secret& secret, std::string_view kind, DerivedParser parse) {
  Entry& e = HandleAccess::entry(secret);
  return e.group->with_snapshot(e, [&](const Snapshot& s) {
    if (s.record.type != kSecretStringType) {
      throw TransformError("secret '" + secret.secret_id() +
                           "' has a SecretBinary value: only a SecretString can be parsed as " +
                           std::string(kind));
    }
    return derived_of(e, s, kind, parse);
  });
}

}  // namespace detail

Transform resolve_transform(std::string_view name, Transform transform) noexcept {
  if (transform != Transform::kAuto) return transform;
  if (name.ends_with(".json")) return Transform::kJson;
  if (name.ends_with(".binary")) return Transform::kBinary;
  return Transform::kNone;
}

std::string binary(const SSMParameter& p) {
  detail::Entry& e = detail::HandleAccess::entry(p);
  return e.group->with_snapshot(e, [&](const detail::Snapshot& s) {
    std::string bytes;
    if (!common::base64_decode(std::string_view(s.value.data(), s.value.size()), bytes)) {
      throw TransformError("parameter '" + e.full_name +
                           "': the value is not valid base64; expected base64-encoded bytes");
    }
    return bytes;
  });
}

}  // namespace ssm_cache
