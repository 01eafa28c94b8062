// Secret and SecretGroup: handles over cache-core entries fed by a SecretSource. Thread-safe.
#include "cache/secret_source.hpp"
#include "cache/shared_tier_slot.hpp"
#include "cache/state.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache {

namespace detail {

namespace {

/// The core's settings for secrets: the parameter options they share, the source as client.
std::shared_ptr<GroupState> make_secret_group(const SecretOptions& o) {
  if (!o.version_stage.empty() && !o.version_id.empty()) {
    throw ConfigurationError("SecretOptions: give version_stage or version_id, not both");
  }
  auto shared_tier = o.shared_cache ? std::make_shared<SharedTierSlot>(*o.shared_cache) : nullptr;
  auto source = std::make_shared<SecretSource>(o.client, o.version_aware_refresh,
                                               o.rotation_aware_expiry, shared_tier);
  ParameterOptions p;
  p.max_age = o.max_age;
  p.with_decryption = true;
  p.client = source;
  p.max_stale = o.max_stale;
  p.serve_stale_while_refreshing = o.serve_stale_while_refreshing;
  p.ttl_jitter = o.ttl_jitter;
  p.negative_cache_ttl = o.negative_cache_ttl;
  p.clock = o.clock;
  p.listener = o.listener;
  Settings settings = make_settings(p);
  settings.shared_tier_stats = std::move(shared_tier);  // the source wraps its client
  if (o.rotation_aware_expiry) {
    // The group owns the source (settings.client): the raw pointer cannot outlive it.
    settings.expiry_cap = [s = source.get()](std::int64_t now) { return s->expiry_cap(now); };
  }
  auto group = make_group(std::move(settings));
  source->attach(group.get());
  return group;
}

std::shared_ptr<Entry> add_secret(const std::shared_ptr<GroupState>& group,
                                  std::string_view secret_id, const SecretOptions& o) {
  if (secret_id.empty()) throw InvalidNameError("invalid secret id '': may not be empty");
  auto& source = static_cast<SecretSource&>(*group->settings.client);
  ParsedName parsed;
  parsed.name = source.add({std::string(secret_id), o.version_stage, o.version_id});
  parsed.full_name = parsed.name;
  parsed.secret = true;
  return make_handle(group, group->entry(std::move(parsed), true));
}

[[noreturn]] void throw_wrong_kind(const std::string& id, bool binary) {
  // The secret exists and was read; the caller asked for the other kind of value.
  throw Error("secret '" + id + "' " +
                  (binary ? "has a SecretBinary value: read it with binary()"
                          : "has a SecretString value: read it with value()"),
              ErrorKind::invalid_argument);
}

}  // namespace

}  // namespace detail

Secret::Secret(std::string_view secret_id, SecretOptions options)
    : Secret(detail::add_secret(detail::make_secret_group(options), secret_id, options),
             std::string(secret_id)) {}

Secret::Secret(std::shared_ptr<detail::Entry> entry, std::string secret_id) noexcept
    : entry_(std::move(entry)), secret_id_(std::move(secret_id)) {}

std::string Secret::value() const {
  return entry_->group->with_snapshot(*entry_, [this](const detail::Snapshot& s) {
    if (s.record.type != detail::kSecretStringType) detail::throw_wrong_kind(secret_id_, true);
    return std::string(s.value.data(), s.value.size());
  });
}

ValueView Secret::value_view() const {
  auto& r = detail::reclaim::this_thread();
  bool binary = false;
  ValueView view = entry_->group->with_snapshot(
      *entry_,
      [&](const detail::Snapshot& s) {
        binary = s.record.type != detail::kSecretStringType;
        return ValueView(s.value, &r);
      },
      /*keep_section=*/true);
  // Thrown after the view exists, so that its destructor closes the epoch section.
  if (binary) detail::throw_wrong_kind(secret_id_, true);
  return view;
}

std::string Secret::binary() const {
  return entry_->group->with_snapshot(*entry_, [this](const detail::Snapshot& s) {
    if (s.record.type != detail::kSecretBinaryType) detail::throw_wrong_kind(secret_id_, false);
    return std::string(s.value.data(), s.value.size());
  });
}

std::string Secret::version_id() const {
  return entry_->group->with_snapshot(
      *entry_, [](const detail::Snapshot& s) { return std::string(s.version_id()); });
}

std::vector<std::string> Secret::version_stages() const {
  return entry_->group->with_snapshot(*entry_, [](const detail::Snapshot& s) {
    return s.secret ? s.secret->stages : std::vector<std::string>();
  });
}

SecretValue Secret::record() const {
  return entry_->group->with_snapshot(*entry_, [](const detail::Snapshot& s) {
    SecretValue out;
    out.arn = s.record.arn;
    (s.record.type == detail::kSecretStringType ? out.secret_string : out.secret_binary)
        .emplace(s.value.data(), s.value.size());
    if (s.secret) {
      out.name = s.secret->name;
      out.version_id = s.secret->version_id;
      out.version_stages = s.secret->stages;
      out.created_date = s.secret->created_date;
    }
    return out;
  });
}

const std::string& Secret::secret_id() const noexcept { return secret_id_; }

void Secret::refresh() const { entry_->group->refresh(); }

CacheStats Secret::stats() const { return entry_->group->entry_stats(*entry_); }

SecretGroup::SecretGroup(SecretOptions options)
    : options_(std::move(options)), group_(detail::make_secret_group(options_)) {}

Secret SecretGroup::secret(std::string_view secret_id) {
  return Secret(detail::add_secret(group_, secret_id, options_), std::string(secret_id));
}

void SecretGroup::refresh() { group_->refresh(); }

CacheStats SecretGroup::stats() const { return group_->group_stats(); }

}  // namespace ssm_cache
