// SSMParameter and SecretsManagerParameter: thin handles over detail::Entry. Thread-safe.
#include "ssm_cache/parameter.hpp"

#include "cache/state.hpp"
#include "cache/validation.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {

namespace {

std::shared_ptr<detail::Entry> make_standalone(std::string_view name,
                                               const ParameterOptions& options) {
  detail::ParsedName parsed = detail::parse_name(name);
  // A stand-alone parameter is a private group of one.
  auto group = detail::make_group(detail::make_settings(options));
  detail::Entry& e = group->entry(std::move(parsed), true);
  return detail::make_handle(group, e);
}

std::string secret_reference(std::string_view secret_name) {
  if (secret_name.starts_with(SecretsManagerParameter::kPrefix)) return std::string(secret_name);
  if (secret_name.empty()) throw InvalidNameError("invalid secret name '': may not be empty");
  if (secret_name.front() == '/') {
    throw InvalidNameError("invalid secret name " + detail::quote_input(secret_name) +
                           ": a secret name does not start with '/' (give 'my_secret' or '" +
                           std::string(SecretsManagerParameter::kPrefix) + "my_secret')");
  }
  return std::string(SecretsManagerParameter::kPrefix) + std::string(secret_name);
}

}  // namespace

SSMParameter::SSMParameter(std::string_view name, ParameterOptions options)
    : entry_(make_standalone(name, options)) {}

SSMParameter::SSMParameter(std::shared_ptr<detail::Entry> entry) noexcept
    : entry_(std::move(entry)) {}

std::string SSMParameter::value() const {
  return entry_->group->with_snapshot(*entry_, [](const detail::Snapshot& s) {
    return std::string(s.value.data(), s.value.size());
  });
}

ValueView SSMParameter::value_view() const {
  auto& r = detail::reclaim::this_thread();
  return entry_->group->with_snapshot(
      *entry_, [&r](const detail::Snapshot& s) { return ValueView(s.value, &r); },
      /*keep_section=*/true);
}

std::vector<std::string> SSMParameter::values() const {
  return entry_->group->with_snapshot(*entry_, [](const detail::Snapshot& s) {
    if (s.record.type != "StringList") return std::vector<std::string>{std::string(s.value)};
    return std::vector<std::string>(s.items.begin(), s.items.end());
  });
}

ParameterRecord SSMParameter::record() const {
  return entry_->group->with_snapshot(*entry_,
                                      [](const detail::Snapshot& s) { return s.to_record(); });
}

std::int64_t SSMParameter::version() const {
  return entry_->group->with_snapshot(*entry_,
                                      [](const detail::Snapshot& s) { return s.record.version; });
}

const std::string& SSMParameter::name() const noexcept { return entry_->name; }
const std::string& SSMParameter::full_name() const noexcept { return entry_->full_name; }
const std::string& SSMParameter::selector() const noexcept { return entry_->selector; }

void SSMParameter::refresh() const { entry_->group->refresh(); }

void SSMParameter::clear() const { entry_->group->clear(); }

CacheStats SSMParameter::stats() const { return entry_->group->entry_stats(*entry_); }

SecretsManagerParameter::SecretsManagerParameter(std::string_view secret_name,
                                                 ParameterOptions options)
    : SSMParameter(secret_reference(secret_name), std::move(options)) {}

SecretsManagerParameter::SecretsManagerParameter(SSMParameter grouped) noexcept
    : SSMParameter(std::move(grouped)) {}

std::string SecretsManagerParameter::secret_name() const { return name().substr(kPrefix.size()); }

}  // namespace ssm_cache
