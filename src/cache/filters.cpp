// Filter validation and the validating filter builders; see ssm_cache/filters.hpp.
#include "ssm_cache/filters.hpp"

#include <algorithm>
#include <cctype>

#include "cache/validation.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {

namespace {

constexpr std::string_view kKeys[] = {"Type", "KeyId", "Label"};
constexpr std::string_view kTypes[] = {"String", "StringList", "SecureString"};

void check_key(std::string_view key) {
  if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
    throw InvalidFilterError("invalid filter key " + detail::quote_input(key) +
                             ": GetParametersByPath accepts only Type, KeyId and Label");
  }
}

void check_option_for(std::string_view key, std::string_view option) {
  if (option != "Equals" && option != "BeginsWith") {
    throw InvalidFilterError("invalid option " + detail::quote_input(option) + " for filter " +
                             std::string(key) + ": use Equals or BeginsWith");
  }
  if (key == "Label" && option != "Equals") {
    throw InvalidFilterError("invalid option " + detail::quote_input(option) +
                             " for filter Label: only Equals is accepted");
  }
}

void check_value_for(std::string_view key, std::string_view value) {
  if (value.empty()) {
    throw InvalidFilterError("invalid empty value for filter " + std::string(key));
  }
  if (value.size() > 1024) {
    throw InvalidFilterError("invalid value " + detail::quote_input(value) + " for filter " +
                             std::string(key) + ": longer than 1024 characters");
  }
  if (key == "Type" && std::find(std::begin(kTypes), std::end(kTypes), value) == std::end(kTypes)) {
    throw InvalidFilterError("invalid value " + detail::quote_input(value) +
                             " for filter Type: use String, StringList or SecureString");
  }
  if (key == "Label") {
    const bool ok = value.size() <= 100 && std::all_of(value.begin(), value.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                             c == '.' || c == '-';
                    });
    if (!ok) {
      throw InvalidFilterError("invalid value " + detail::quote_input(value) +
                               " for filter Label: up to 100 letters, digits, '_', '.', '-'");
    }
  }
  for (char c : value) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      throw InvalidFilterError("invalid value " + detail::quote_input(value) + " for filter " +
                               std::string(key) + ": control character");
    }
  }
}

}  // namespace

void validate_filter(const Filter& filter) {
  check_key(filter.key);
  check_option_for(filter.key, filter.option);
  if (filter.values.empty()) {
    throw InvalidFilterError("filter " + filter.key + " has no value: give at least one");
  }
  if (filter.values.size() > SSMFilter::kMaxValues) {
    throw InvalidFilterError("filter " + filter.key + " has " +
                             std::to_string(filter.values.size()) +
                             " values: at most 50 are accepted");
  }
  for (const auto& v : filter.values) check_value_for(filter.key, v);
}

SSMFilter::SSMFilter(std::string key, std::string option) {
  check_key(key);
  check_option_for(key, option);
  filter_.key = std::move(key);
  filter_.option = std::move(option);
}

SSMFilter& SSMFilter::option(std::string_view option) {
  check_option(option);
  filter_.option = std::string(option);
  return *this;
}

SSMFilter& SSMFilter::value(std::string_view value) {
  check_value(value);
  if (std::find(filter_.values.begin(), filter_.values.end(), value) != filter_.values.end()) {
    return *this;
  }
  if (filter_.values.size() >= kMaxValues) {
    throw InvalidFilterError("filter " + filter_.key + ": cannot add " +
                             detail::quote_input(value) + ", at most 50 values are accepted");
  }
  filter_.values.emplace_back(value);
  return *this;
}

SSMFilter& SSMFilter::values(std::initializer_list<std::string_view> values) {
  for (auto v : values) value(v);
  return *this;
}

SSMFilter& SSMFilter::values(const std::vector<std::string>& values) {
  for (const auto& v : values) value(v);
  return *this;
}

SSMFilter::operator Filter() const { return filter_; }

void SSMFilter::check_option(std::string_view option) const {
  check_option_for(filter_.key, option);
}

void SSMFilter::check_value(std::string_view value) const { check_value_for(filter_.key, value); }

SSMFilterType::SSMFilterType(std::string option) : SSMFilter("Type", std::move(option)) {}
void SSMFilterType::check_value(std::string_view value) const { check_value_for("Type", value); }

SSMFilterKeyId::SSMFilterKeyId(std::string option) : SSMFilter("KeyId", std::move(option)) {}
void SSMFilterKeyId::check_value(std::string_view value) const { check_value_for("KeyId", value); }

SSMFilterLabel::SSMFilterLabel() : SSMFilter("Label", "Equals") {}
void SSMFilterLabel::check_option(std::string_view option) const {
  check_option_for("Label", option);
}
void SSMFilterLabel::check_value(std::string_view value) const { check_value_for("Label", value); }

}  // namespace ssm_cache
