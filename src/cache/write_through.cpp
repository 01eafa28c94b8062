// Writes with write-through (writes.hpp): the client writes, then cached entries of that name
// publish the written value, so that their next read makes no call.
#include <chrono>

#include "cache/secret_source.hpp"
#include "cache/state.hpp"
#include "cache/validation.hpp"
#include "common/thread_annotations.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/writes.hpp"

namespace ssm_cache {

namespace detail {

void GroupState::write_through(const std::string& name, const ParameterRecord& written,
                               const std::shared_ptr<const SecretPart>& secret) {
  {
    MutexLock refresh_lock(refresh_mutex);  // publish() runs under it, as in a round
    std::vector<Entry*> targets;
    {
      MutexLock lock(members_mutex);
      for (Entry* e : order) {
        if (e->name != name || !e->selector.empty() || e->latest == nullptr) continue;
        if (written.version != 0 && e->latest->record.version >= written.version) continue;
        targets.push_back(e);
      }
    }
    for (Entry* e : targets) {
      ParameterRecord rec = e->latest->record;  // name, ARN, data type: as last fetched
      rec.type = written.type;
      rec.value = written.value;
      rec.version = written.version;
      rec.last_modified = written.last_modified;
      if (!written.arn.empty()) rec.arn = written.arn;
      if (!written.data_type.empty()) rec.data_type = written.data_type;
      rec.source_result = written.source_result;
      publish(*e, std::move(rec), secret ? secret : e->latest->secret);
    }
  }
  deliver_events();
}

namespace {

/// Whether a cache whose client is `cached` reads from what `written` (empty: the default)
/// wrote to.
template <class Client>
bool same_client(const std::shared_ptr<Client>& cached, const std::shared_ptr<Client>& written) {
  return cached == written;  // both empty: both the process default
}

}  // namespace

}  // namespace detail

PutParameterResult put_parameter(std::string_view name, std::string_view value,
                                 const PutParameterOptions& options,
                                 const std::shared_ptr<ParameterClient>& client) {
  const detail::ParsedName parsed = detail::parse_name(name);
  if (!parsed.selector.empty()) {
    throw InvalidNameError("PutParameter: " + detail::quote_input(name) +
                           " has a selector; write the plain name");
  }
  const auto target = client ? client : default_client();
  PutParameterResult result = target->put_parameter(parsed.name, std::string(value), options);

  ParameterRecord written;
  written.type = options.type;
  written.value = std::string(value);
  written.version = result.version;
  written.last_modified = std::chrono::system_clock::now();
  for (const auto& group : detail::live_groups()) {
    const auto& cached = group->settings.client;
    if (dynamic_cast<const detail::SecretSource*>(cached.get()) != nullptr) continue;
    if (!detail::same_client(cached, client)) continue;
    // A group without decryption caches SecureString ciphertext, which the write lacks.
    if (!group->settings.with_decryption && options.type == "SecureString") continue;
    group->write_through(parsed.name, written);
  }
  detail::wipe(written.value);
  return result;
}

PutSecretResult put_secret_value(std::string_view secret_id, std::string_view value,
                                 const std::shared_ptr<SecretsClient>& client) {
  if (secret_id.empty()) throw InvalidNameError("PutSecretValue: the secret id may not be empty");
  const auto target = client ? client : detail::default_secrets_client();
  const std::string id(secret_id);
  PutSecretResult result = target->put_secret_value(id, std::string(value));
  bool current = false;
  for (const auto& stage : result.version_stages) current = current || stage == "AWSCURRENT";
  if (!current) return result;  // staged elsewhere: no AWSCURRENT handle changes
  ParameterRecord written;
  written.type = detail::kSecretStringType;
  written.value = std::string(value);
  written.arn = result.arn;
  const auto part = std::make_shared<const detail::SecretPart>(detail::SecretPart{
      result.name, result.version_id, result.version_stages, std::chrono::system_clock::now()});
  for (const auto& group : detail::live_groups()) {
    const auto* source = dynamic_cast<const detail::SecretSource*>(group->settings.client.get());
    if (source == nullptr || !detail::same_client(source->client(), client)) continue;
    group->write_through(id, written, part);  // an AWSCURRENT member's entry is named by its id
  }
  detail::wipe(written.value);
  return result;
}

}  // namespace ssm_cache
