// ssm_cache/parameter.hpp — SSMParameter and SecretsManagerParameter: cached handles.
//
// A handle is cheap to copy; copies share one cache entry. Every member function is safe to
// call from many threads at once. A read of a fresh value makes no API call and takes no lock:
// one atomic load of an immutable snapshot and one coarse clock read, inside an epoch section
// (two thread-local stores). When the value expires, exactly one refresh runs however many
// threads read it (single flight).
//
// Memory: a value replaced by a refresh is freed once no reader can hold it (epoch-based
// reclamation, see src/cache/reclaim.hpp for why this scheme), and its bytes are zeroed before
// the memory is released. Cached values live in memory marked MADV_DONTDUMP (not written to a
// core dump). Copies you make with value(), values() and record() are yours to wipe.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/client.hpp"
#include "ssm_cache/detail/epoch_record.hpp"
#include "ssm_cache/export.hpp"
#include "ssm_cache/observability.hpp"
#include "ssm_cache/options.hpp"
#include "ssm_cache/refresh_on_error.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache {

namespace detail {
struct Entry;
struct HandleAccess;  // the library's transforms (transforms.hpp) reach the entry
}  // namespace detail

class SSMParameterGroup;

/// A zero-copy view of a cached value that keeps the value alive: the bytes stay valid and
/// unchanged for the ValueView's whole life, whatever refreshes, clear() or handle
/// destructions happen meanwhile; a later read may return a newer value.
///
/// Rules: destroy it on the thread that created it (move it within that thread only), and
/// hold it for the duration of a use, not for good: while a thread holds one, values retired
/// since it was taken (of every parameter) wait to be freed and zeroed. Converting a
/// temporary ValueView to std::string_view does not compile (it would dangle):
///   auto view = param.value_view();  use(view.view());      // fine
///   std::string_view v = param.value_view();                 // error: deleted
class SSM_CACHE_EXPORT ValueView {
 public:
  ValueView(ValueView&& other) noexcept : value_(other.value_), pin_(other.pin_) {
    other.pin_ = nullptr;
  }
  ValueView& operator=(ValueView&& other) noexcept {
    if (this != &other) {
      release();
      value_ = other.value_;
      pin_ = other.pin_;
      other.pin_ = nullptr;
    }
    return *this;
  }
  ValueView(const ValueView&) = delete;
  ValueView& operator=(const ValueView&) = delete;
  ~ValueView() { release(); }

  [[nodiscard]] std::string_view view() const& noexcept { return value_; }
  std::string_view view() const&& = delete;
  operator std::string_view() const& noexcept { return value_; }  // NOLINT: implicit by design
  operator std::string_view() const&& = delete;
  [[nodiscard]] const char* data() const noexcept { return value_.data(); }
  [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

  friend bool operator==(const ValueView& a, std::string_view b) noexcept { return a.value_ == b; }

 private:
  friend class SSMParameter;
  friend class Secret;  // ssm_cache/secrets.hpp: same lifetime rule
  ValueView(std::string_view value, detail::reclaim::ThreadRecord* pin) noexcept
      : value_(value), pin_(pin) {}
  void release() noexcept {
    if (pin_ != nullptr) detail::reclaim::leave_and_collect(*pin_);
    pin_ = nullptr;
  }

  std::string_view value_;
  detail::reclaim::ThreadRecord* pin_ = nullptr;  ///< the creating thread's epoch record
};

class SSM_CACHE_EXPORT SSMParameter {
 public:
  /// name: "my_param", "/app/db", "name:3" (version) or "name:label", or a parameter ARN
  /// ("arn:aws:ssm:REGION:ACCOUNT:parameter/app/db", selectors allowed after it: shared
  /// parameters of another account can only be read by ARN). Validated at once
  /// (InvalidNameError, InvalidVersionError); nothing is fetched until the first read.
  explicit SSMParameter(std::string_view name, ParameterOptions options = {});

  /// The value, fetched on first use and after max_age. For a StringList, the raw string.
  [[nodiscard]] std::string value() const;
  /// Zero-copy read: a ValueView pinning the value (see ValueView for its lifetime rule).
  /// Costs about as much as value() on a short string, without the copy.
  [[nodiscard]] ValueView value_view() const;
  /// A StringList split on commas (a String gives one item).
  [[nodiscard]] std::vector<std::string> values() const;
  /// The whole record of the cached value (type, version, arn, ...).
  [[nodiscard]] ParameterRecord record() const;
  /// The version of the cached value (fetches like value()).
  [[nodiscard]] std::int64_t version() const;

  /// The name without selector, as given and as sent to Parameter Store ("/app/db", or the
  /// ARN for a parameter given by ARN).
  [[nodiscard]] const std::string& name() const noexcept;
  /// The name with its selector, if any ("/app/db:3", "/app/db:prod").
  [[nodiscard]] const std::string& full_name() const noexcept;
  /// The selector without colon ("3", "prod"), empty when none.
  [[nodiscard]] const std::string& selector() const noexcept;

  /// Fetches now, whatever the age. Refreshing a grouped parameter refreshes its whole group.
  /// Throws on failure and keeps the cached value.
  void refresh() const;

  /// This handle's counters (hits, misses, stale serves, names found missing), with its
  /// group's refresh rounds, failed rounds and API calls. See observability.hpp.
  [[nodiscard]] CacheStats stats() const;

  /// Drops the cached value (a grouped parameter: its whole group's values, remembered
  /// errors and backoff): the next read fetches. Handles stay valid; no call is made.
  void clear() const;

  /// See refresh_on_error.hpp. fn may take (args..., bool is_retry) or (args...).
  template <class E = std::exception, class Fn, std::invocable Callback = NoCallback>
  [[nodiscard]] auto refresh_on_error(Fn fn, Callback callback = {}) const {
    return detail::RefreshOnError<E, SSMParameter, Fn, Callback>(*this, std::move(fn),
                                                                 std::move(callback));
  }

  /// Sets the process-wide default client used by every parameter and group that has no
  /// client of its own (empty: back to AWS from the environment). Thread-safe.
  static void set_ssm_client(std::shared_ptr<ParameterClient> client);

  friend bool operator==(const SSMParameter& a, const SSMParameter& b) noexcept {
    return a.entry_ == b.entry_;
  }

 protected:
  explicit SSMParameter(std::shared_ptr<detail::Entry> entry) noexcept;

 private:
  friend class SSMParameterGroup;
  friend struct detail::HandleAccess;
  std::shared_ptr<detail::Entry> entry_;
};

/// A Secrets Manager secret read through Parameter Store's /aws/reference/secretsmanager/
/// names; the same interface as SSMParameter, always decrypted.
class SSM_CACHE_EXPORT SecretsManagerParameter : public SSMParameter {
 public:
  static constexpr std::string_view kPrefix = "/aws/reference/secretsmanager/";

  /// secret_name: "my_secret", with or without the reference prefix; selectors allowed.
  explicit SecretsManagerParameter(std::string_view secret_name, ParameterOptions options = {});

  /// The secret's name without the reference prefix.
  [[nodiscard]] std::string secret_name() const;

 private:
  friend class SSMParameterGroup;
  explicit SecretsManagerParameter(SSMParameter grouped) noexcept;
};

/// The process default client as parameters see it: the one set with set_ssm_client, else an
/// AWS client built once from the environment (thread-safe, lazy).
SSM_CACHE_EXPORT std::shared_ptr<ParameterClient> default_client();

}  // namespace ssm_cache
