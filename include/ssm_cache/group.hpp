// ssm_cache/group.hpp — SSMParameterGroup: parameters fetched, cached and refreshed together.
//
// Cheap to copy; copies share one group. Thread-safe. A group has one refresh time; a refresh
// is one batch round (GetParameters in calls of at most 10 names, plus GetParametersByPath to
// the last page for each path the group holds), all-or-nothing for transient failures. A name
// found missing fails only itself: the other members keep serving their fresh values, its
// reads throw InvalidParameterError, remembered for a growing per-entry backoff (no API call
// per read), and it is served again once it reappears.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ssm_cache/export.hpp"
#include "ssm_cache/options.hpp"
#include "ssm_cache/parameter.hpp"

namespace ssm_cache {

namespace detail {
struct GroupState;
}  // namespace detail

class SSM_CACHE_EXPORT SSMParameterGroup {
 public:
  explicit SSMParameterGroup(GroupOptions options = {});

  /// A handle in this group; base_path is prefixed unless add_prefix is false. Adding the
  /// same name twice returns handles to the same entry. Nothing is fetched until a read.
  SSMParameter parameter(std::string_view path, bool add_prefix = true);

  /// Every parameter under base_path + path (GetParametersByPath, all pages), fetched now.
  /// The path is kept: each group refresh queries it again, so parameters added later are
  /// found and deleted ones dropped.
  std::vector<SSMParameter> parameters(std::string_view path, PathOptions options = {});

  /// A Secrets Manager secret in this group (no base_path prefix, always decrypted).
  SecretsManagerParameter secret(std::string_view name);

  /// Number of distinct parameters in the group (duplicates counted once).
  [[nodiscard]] std::size_t size() const;

  /// Refreshes every parameter and path of the group now. A transient failure changes nothing
  /// and throws; missing names fail only themselves, then InvalidParameterError names them.
  void refresh() const;

  /// The group's counters: its members' summed, and its rounds and API calls.
  [[nodiscard]] CacheStats stats() const;

  /// Drops every cached value of the group, with remembered errors and backoffs; members and
  /// paths stay: the next read fetches (one batch round). No call is made by clear() itself.
  void clear() const;

  template <class E = std::exception, class Fn, std::invocable Callback = NoCallback>
  [[nodiscard]] auto refresh_on_error(Fn fn, Callback callback = {}) const {
    return detail::RefreshOnError<E, SSMParameterGroup, Fn, Callback>(*this, std::move(fn),
                                                                      std::move(callback));
  }

  /// Same process default as SSMParameter::set_ssm_client.
  static void set_ssm_client(std::shared_ptr<ParameterClient> client);

  [[nodiscard]] const std::string& base_path() const noexcept;

 private:
  std::shared_ptr<detail::GroupState> state_;
};

/// Clears every parameter and group of the process, as their clear() does (Powertools'
/// clear_caches()): the next read of each fetches. Thread-safe; makes no call.
SSM_CACHE_EXPORT void clear_caches();

/// Seed-compatible alias (the seed's README calls it SSMGroup in places).
using SSMGroup = SSMParameterGroup;

}  // namespace ssm_cache
