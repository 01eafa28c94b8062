// SecretSource: Secrets Manager answers turned into the records the cache core publishes.
#include "cache/secret_source.hpp"

#include <algorithm>
#include <set>

#include "cache/shared_tier_slot.hpp"
#include "cache/state.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/secrets.hpp"

namespace ssm_cache::detail {

namespace {

std::string key_of(const SecretTarget& t) {
  if (!t.version_id.empty()) return t.id + " (version " + t.version_id + ")";
  if (t.version_stage != "AWSCURRENT") return t.id + " (stage " + t.version_stage + ")";
  return t.id;
}

/// The record of a fetched version (value moved out of v and wiped there) into out.
void add_record(const std::string& key, SecretValue&& v, PartedResult& out) {
  ParameterRecord rec;
  rec.name = key;
  rec.arn = std::move(v.arn);
  if (v.secret_string) {
    rec.type = kSecretStringType;
    rec.value = std::move(*v.secret_string);
    wipe(*v.secret_string);
  } else {
    rec.type = kSecretBinaryType;
    rec.value = std::move(v.secret_binary).value_or(std::string());
  }
  if (v.secret_binary) wipe(*v.secret_binary);
  out.result.parameters.push_back(std::move(rec));
  out.parts.push_back(std::make_shared<const SecretPart>(SecretPart{
      std::move(v.name), std::move(v.version_id), std::move(v.version_stages), v.created_date}));
}

bool is_not_found(const AwsError& err) { return err.code() == "ResourceNotFoundException"; }

}  // namespace

std::string SecretSource::add(SecretTarget target) {
  if (target.version_id.empty() && target.version_stage.empty()) {
    target.version_stage = "AWSCURRENT";
  }
  std::string key = key_of(target);
  MutexLock lock(mutex_);
  targets_.emplace(key, std::move(target));
  return key;
}

SecretTarget SecretSource::target(const std::string& key) const {
  MutexLock lock(mutex_);
  return targets_.at(key);
}

std::shared_ptr<SecretsClient> SecretSource::resolve_client() const {
  auto client = client_ ? client_ : default_secrets_client();
  return shared_tier_ ? shared_tier_->wrap(client) : client;
}

PartedResult SecretSource::get_parted(const std::vector<std::string>& keys, bool) {
  const std::shared_ptr<SecretsClient> client = resolve_client();
  PartedResult out;
  std::vector<std::string> batch;
  std::vector<std::string> single;
  for (const auto& key : keys) {
    const SecretTarget t = target(key);
    auto described = rotation_aware_ ? describe_for_rotation(*client, t, key) : std::nullopt;
    if (unchanged(*client, t, key, std::move(described))) {
      ParameterRecord rec;
      rec.name = key;
      rec.type = kUnchangedSecretType;
      out.result.parameters.push_back(std::move(rec));
      out.parts.push_back(nullptr);  // the snapshot keeps its part
      continue;
    }
    // BatchGetSecretValue returns AWSCURRENT only; one secret alone takes GetSecretValue.
    const bool current = t.version_id.empty() && t.version_stage == "AWSCURRENT";
    (current && keys.size() > 1 ? batch : single).push_back(key);
  }
  for (std::size_t i = 0; i < batch.size(); i += kMaxSecretsPerBatch) {
    const auto end = std::min(batch.size(), i + kMaxSecretsPerBatch);
    fetch_batch(*client,
                {batch.begin() + static_cast<std::ptrdiff_t>(i),
                 batch.begin() + static_cast<std::ptrdiff_t>(end)},
                out);
  }
  for (const auto& key : single) fetch_one(*client, key, out);
  return out;
}

std::optional<SecretDescription> SecretSource::describe_for_rotation(SecretsClient& client,
                                                                     const SecretTarget& t,
                                                                     const std::string& key) {
  std::optional<SecretDescription> d;
  try {
    d = client.describe_secret(t.id);
  } catch (const AwsError& err) {
    if (!is_not_found(err)) throw;
  }
  MutexLock lock(mutex_);
  if (d && d->next_rotation_date) {
    rotations_[key] = *d->next_rotation_date;
  } else {
    rotations_.erase(key);
  }
  return d;
}

std::int64_t SecretSource::expiry_cap(std::int64_t now) const {
  const auto wall = std::chrono::system_clock::now();
  std::int64_t cap = kNever;
  MutexLock lock(mutex_);
  for (const auto& [key, at] : rotations_) {
    // A date already past (a rotation late or running) caps nothing: capping at "now" would
    // refresh on every read. Version-aware refresh finds the rotation once the value expires.
    if (at <= wall) continue;
    const auto ahead = std::chrono::duration_cast<std::chrono::nanoseconds>(at - wall).count();
    cap = std::min(cap, ahead > kNever - now ? kNever : now + ahead);
  }
  return cap;
}

bool SecretSource::unchanged(SecretsClient& client, const SecretTarget& t, const std::string& key,
                             std::optional<SecretDescription> described) const {
  if (!version_aware_ || group_ == nullptr) return false;
  std::string cached_version;
  {
    // The caller (a refresh round) holds the group's refresh lock, which guards latest.
    MutexLock lock(group_->members_mutex);
    auto it = group_->entries.find(key);
    if (it == group_->entries.end() || it->second->latest == nullptr) return false;
    cached_version = it->second->latest->version_id();
  }
  if (!t.version_id.empty()) return true;  // a version never changes once created
  if (!described) {
    if (rotation_aware_) return false;  // described already: the secret is missing
    try {
      described = client.describe_secret(t.id);
    } catch (const AwsError& err) {
      if (is_not_found(err)) return false;  // the fetch reports it, failing only this secret
      throw;
    }
  }
  for (const auto& [version, stages] : described->version_ids_to_stages) {
    if (std::find(stages.begin(), stages.end(), t.version_stage) != stages.end()) {
      return version == cached_version;
    }
  }
  return false;
}

void SecretSource::fetch_batch(SecretsClient& client, const std::vector<std::string>& keys,
                               PartedResult& out) const {
  std::vector<std::string> ids;
  ids.reserve(keys.size());
  for (const auto& key : keys) ids.push_back(target(key).id);
  BatchSecretsResult result = client.batch_get_secret_value(ids);
  std::set<std::string> found;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    auto it = std::find_if(result.secrets.begin(), result.secrets.end(),
                           [&](const auto& v) { return v.name == ids[k] || v.arn == ids[k]; });
    if (it == result.secrets.end()) {
      out.result.invalid_parameters.push_back(keys[k]);  // in errors, or absent: fails alone
      continue;
    }
    add_record(keys[k], SecretValue(*it), out);
  }
  for (auto& v : result.secrets) {
    if (v.secret_string) wipe(*v.secret_string);
    if (v.secret_binary) wipe(*v.secret_binary);
  }
}

void SecretSource::fetch_one(SecretsClient& client, const std::string& key,
                             PartedResult& out) const {
  const SecretTarget t = target(key);
  try {
    add_record(
        key,
        client.get_secret_value(t.id, t.version_id, t.version_id.empty() ? t.version_stage : ""),
        out);
  } catch (const AwsError& err) {
    if (!is_not_found(err)) throw;
    out.result.invalid_parameters.push_back(key);
  }
}

std::vector<ParameterRecord> SecretSource::get_parameters_by_path(const std::string&, bool,
                                                                  const std::vector<Filter>&,
                                                                  bool) {
  // Never asked (groups of secrets add no path); were it asked, the request is what is wrong.
  throw Error("Secrets Manager has no hierarchy paths", ErrorKind::invalid_argument);
}

}  // namespace ssm_cache::detail
