// ssm_cache/by_name.hpp — many parameters by name, each with its own options, with errors
// reported per name (Powertools' get_parameters_by_name(..., raise_on_error=False)).
//
// A fetch makes the fewest calls: the names not cached (or past their max_age) are sent with
// GetParameters in calls of at most 10 names, one set of calls per decryption flag; the calls
// run concurrently. A failed call (throttled after retries, access denied) fails only the names
// it carried; a missing name or a value its transform rejects fails only itself.
//
// ParametersByName is thread-safe (one mutex around its cache, released during calls; two
// threads fetching the same expired name may both fetch it). Values are held in MADV_DONTDUMP
// memory, zeroed when replaced or dropped.
#pragma once

#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ssm_cache/client.hpp"
#include "ssm_cache/clock.hpp"
#include "ssm_cache/transforms.hpp"

namespace ssm_cache {

/// The options of one name; unset fields take the fetcher's defaults.
struct NameOptions {
  std::optional<std::chrono::milliseconds> max_age{};
  std::optional<bool> with_decryption{};
  /// kJson: the value must be JSON (it is returned as text; parse it, or read it through a
  /// handle with json.hpp); kBinary: base64-decoded bytes; kAuto: by the name's suffix.
  std::optional<Transform> transform{};
};

/// Defaults and sources of a ParametersByName.
struct ByNameOptions {
  /// Zero: cached forever; positive: fetched again after this age. Powertools' default: 5 s.
  std::chrono::milliseconds max_age{5000};
  bool with_decryption = true;
  Transform transform = Transform::kNone;
  /// True (Powertools' default): a fetch with any failed name throws the first error, after
  /// the other names were fetched and cached. False: failures are returned in errors.
  bool raise_on_error = true;
  std::shared_ptr<ParameterClient> client{};  ///< empty: the process default (default_client())
  std::shared_ptr<const Clock> clock{};  ///< empty: the steady clock
};

/// One name that could not be served.
struct NameError {
  std::string name;  ///< as asked, selector included
  std::string code;  ///< the AWS code ("ParameterNotFound", "ThrottlingException"), or the
                     ///< error's kind ("TransformError", "Error")
  std::string message;  ///< never contains a value
  bool transient = false;
  std::exception_ptr error;  ///< the exception itself, to rethrow
};

struct ParametersByNameResult {
  std::map<std::string, std::string> values;  ///< name as asked -> value (transformed)
  std::vector<NameError> errors;  ///< in the order the names were given
};

/// A cache of parameters fetched by name, each name with its own options.
class ParametersByName {
 public:
  explicit ParametersByName(ByNameOptions options = {});
  ~ParametersByName();
  ParametersByName(const ParametersByName&) = delete;
  ParametersByName& operator=(const ParametersByName&) = delete;

  /// Values of the names (selectors "n:3" / "n:label" and ARNs allowed); a name given twice
  /// is served once. Throws InvalidNameError / InvalidVersionError for a malformed name
  /// before any call; with raise_on_error, the first failed name's error after the fetch.
  ParametersByNameResult get(const std::vector<std::pair<std::string, NameOptions>>& names);
  /// The same, every name with the defaults.
  ParametersByNameResult get(const std::vector<std::string>& names);

  /// Drops every cached value: the next get fetches.
  void clear();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// One fetch without a cache kept between calls (Powertools' get_parameters_by_name).
ParametersByNameResult get_parameters_by_name(
    const std::vector<std::pair<std::string, NameOptions>>& names, ByNameOptions options = {});

}  // namespace ssm_cache
