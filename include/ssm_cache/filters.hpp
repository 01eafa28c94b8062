// ssm_cache/filters.hpp — validating builders for GetParametersByPath filters.
//
// SSMFilterType().value("StringList") checks each value as it is added and throws
// InvalidFilterError at once, before any call. Builders convert implicitly to Filter, so they
// can be used wherever a std::vector<Filter> is expected. Not thread-safe while being built.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/export.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

/// Checks a filter as GetParametersByPath would accept it (keys Type, KeyId, Label; options
/// Equals / BeginsWith, Label only Equals; 1 to 50 values; Type values String / StringList /
/// SecureString). Throws InvalidFilterError naming the key, option or value at fault.
SSM_CACHE_EXPORT void validate_filter(const Filter& filter);

/// Common builder: key fixed by the subclass, option defaults to "Equals".
class SSM_CACHE_EXPORT SSMFilter {
 public:
  static constexpr std::size_t kMaxValues = 50;

  explicit SSMFilter(std::string key, std::string option = "Equals");
  virtual ~SSMFilter() = default;
  SSMFilter(const SSMFilter&) = default;
  SSMFilter& operator=(const SSMFilter&) = default;

  /// Sets the option ("Equals" or "BeginsWith"); validated at once.
  SSMFilter& option(std::string_view option);
  /// Adds one value; validated at once (throws InvalidFilterError). Adding a value already
  /// present does nothing; a 51st distinct value throws.
  SSMFilter& value(std::string_view value);
  /// Adds many values; validated at once.
  SSMFilter& values(std::initializer_list<std::string_view> values);
  SSMFilter& values(const std::vector<std::string>& values);

  [[nodiscard]] const Filter& filter() const noexcept { return filter_; }
  operator Filter() const;  // NOLINT(google-explicit-constructor): builders stand in for Filter

 protected:
  virtual void check_option(std::string_view option) const;
  virtual void check_value(std::string_view value) const;

 private:
  Filter filter_;
};

/// Filter on parameter Type: String, StringList or SecureString.
class SSM_CACHE_EXPORT SSMFilterType : public SSMFilter {
 public:
  explicit SSMFilterType(std::string option = "Equals");
  SSMFilterType& option(std::string_view o) {
    SSMFilter::option(o);
    return *this;
  }
  SSMFilterType& value(std::string_view v) {
    SSMFilter::value(v);
    return *this;
  }
  SSMFilterType& values(std::initializer_list<std::string_view> v) {
    SSMFilter::values(v);
    return *this;
  }
  SSMFilterType& values(const std::vector<std::string>& v) {
    SSMFilter::values(v);
    return *this;
  }

 protected:
  void check_value(std::string_view value) const override;
};

/// Filter on the KMS key id (alias/..., key id, or ARN) of SecureString parameters.
class SSM_CACHE_EXPORT SSMFilterKeyId : public SSMFilter {
 public:
  explicit SSMFilterKeyId(std::string option = "Equals");
  SSMFilterKeyId& option(std::string_view o) {
    SSMFilter::option(o);
    return *this;
  }
  SSMFilterKeyId& value(std::string_view v) {
    SSMFilter::value(v);
    return *this;
  }
  SSMFilterKeyId& values(std::initializer_list<std::string_view> v) {
    SSMFilter::values(v);
    return *this;
  }
  SSMFilterKeyId& values(const std::vector<std::string>& v) {
    SSMFilter::values(v);
    return *this;
  }

 protected:
  void check_value(std::string_view value) const override;
};

/// Filter on version labels; the API accepts only the Equals option for Label.
class SSM_CACHE_EXPORT SSMFilterLabel : public SSMFilter {
 public:
  SSMFilterLabel();
  SSMFilterLabel& option(std::string_view o) {
    SSMFilter::option(o);
    return *this;
  }
  SSMFilterLabel& value(std::string_view v) {
    SSMFilter::value(v);
    return *this;
  }
  SSMFilterLabel& values(std::initializer_list<std::string_view> v) {
    SSMFilter::values(v);
    return *this;
  }
  SSMFilterLabel& values(const std::vector<std::string>& v) {
    SSMFilter::values(v);
    return *this;
  }

 protected:
  void check_option(std::string_view option) const override;
  void check_value(std::string_view value) const override;
};

}  // namespace ssm_cache
