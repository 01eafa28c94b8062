// ssm_cache/testing/fake_client.hpp — an in-memory Parameter Store for users' own tests.
//
// FakeParameterClient behaves like AWS as the cache sees it: GetParameters in API calls of at
// most 10 names, GetParametersByPath in pages of 10 (Recursive, Type/KeyId/Label filters,
// NextToken), versions that grow on put, labels, selectors name:N and name:label (answered
// with Selector ":N" / ":label"), SecureString returned as opaque ciphertext unless decrypted,
// Secrets Manager references (/aws/reference/secretsmanager/<id>, rejected without
// decryption with a ValidationException like AWS), names given as ARNs
// (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME[:selector]): an ARN of the fake's own account
// (kAccountId) is answered under the plain name, an ARN of another account as a shared
// parameter, under the ARN itself. It records every simulated API call, can
// fail the next N calls with a given exception and can add latency.
//
// Thread-safe (one mutex; latency and hooks run outside it). Header-only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ssm_cache/client.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/testing/failure_queue.hpp"
#include "ssm_cache/types.hpp"

namespace ssm_cache::testing {

/// One simulated API call, as AWS would have received it.
struct RecordedCall {
  std::string action;  ///< "GetParameters", "GetParametersByPath", "PutParameter"
  std::vector<std::string> names;  ///< GetParameters: 1 to 10 names, as asked
  std::string path;  ///< GetParametersByPath
  bool recursive = false;  ///< GetParametersByPath
  std::vector<Filter> filters;  ///< GetParametersByPath
  std::string next_token;  ///< GetParametersByPath: the token sent (empty: first page)
  bool with_decryption = false;
};

class FakeParameterClient : public ParameterClient {
 public:
  static constexpr std::size_t kMaxNamesPerCall = 10;
  static constexpr std::size_t kPageSize = 10;
  static constexpr std::string_view kSecretPrefix = "/aws/reference/secretsmanager/";
  static constexpr std::string_view kDefaultKeyId = "alias/aws/ssm";
  static constexpr std::string_view kAccountId = "123456789012";

  /// Creates the parameter or adds a version; returns the new version (1, 2, ...).
  /// type: "String", "StringList" or "SecureString" (key_id defaults to alias/aws/ssm).
  std::int64_t put(const std::string& name, std::string value, std::string type = "String",
                   std::string key_id = {}) {
    std::lock_guard lock(mutex_);
    return put_locked(name, std::move(value), std::move(type), std::move(key_id), false);
  }

  /// Creates or updates a Secrets Manager secret, readable as
  /// /aws/reference/secretsmanager/<secret_id>; moves the AWSCURRENT / AWSPREVIOUS labels.
  std::int64_t put_secret(const std::string& secret_id, std::string value) {
    std::lock_guard lock(mutex_);
    const std::string name = std::string(kSecretPrefix) + secret_id;
    const auto version = put_locked(name, std::move(value), "SecureString", {}, true);
    auto& p = params_[name];
    for (auto& v : p.versions) v.labels.erase("AWSPREVIOUS");
    if (p.versions.size() >= 2) {
      p.versions[p.versions.size() - 2].labels.erase("AWSCURRENT");
      p.versions[p.versions.size() - 2].labels.insert("AWSPREVIOUS");
    }
    p.versions.back().labels.insert("AWSCURRENT");
    return version;
  }

  /// Attaches a label to a version (moving it from another version, as AWS does).
  void label(const std::string& name, std::int64_t version, const std::string& label) {
    std::lock_guard lock(mutex_);
    auto it = params_.find(name);
    if (it == params_.end() || version < 1 ||
        version > static_cast<std::int64_t>(it->second.versions.size())) {
      throw std::invalid_argument("FakeParameterClient::label: no version " +
                                  std::to_string(version) + " of " + name);
    }
    for (auto& v : it->second.versions) v.labels.erase(label);
    it->second.versions[static_cast<std::size_t>(version - 1)].labels.insert(label);
  }

  /// Deletes a parameter (all versions). Returns false when it did not exist.
  bool remove(const std::string& name) {
    std::lock_guard lock(mutex_);
    return params_.erase(name) > 0;
  }

  /// The next n simulated calls (of the given action, or of any when empty) throw error.
  void fail_next(std::size_t n, std::exception_ptr error, std::string action = {}) {
    std::lock_guard lock(mutex_);
    failures_.push(n, std::move(error), std::move(action));
  }
  template <class E>
  void fail_next_with(std::size_t n, E error, std::string action = {}) {
    fail_next(n, std::make_exception_ptr(std::move(error)), std::move(action));
  }
  /// A throttling error as AWS sends it (transient).
  static AwsError throttling() {
    return AwsError("AmazonSSM.GetParameters failed: ThrottlingException: Rate exceeded (HTTP 400)",
                    "ThrottlingException", "Rate exceeded", 400, "fake-request-id");
  }

  /// Sleeps this long in every simulated call (outside the lock).
  void set_latency(std::chrono::milliseconds latency) {
    std::lock_guard lock(mutex_);
    latency_ = latency;
  }

  /// Called (outside the lock) at the start of every simulated call; may block or throw.
  void set_call_hook(std::function<void(const RecordedCall&)> hook) {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
  }

  [[nodiscard]] std::vector<RecordedCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  /// Number of simulated calls of an action ("GetParameters", ...), or of all when empty.
  [[nodiscard]] std::size_t call_count(std::string_view action = {}) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(calls_.begin(), calls_.end(),
                      [&](const RecordedCall& c) { return action.empty() || c.action == action; }));
  }
  void clear_calls() {
    std::lock_guard lock(mutex_);
    calls_.clear();
  }
  /// Forgets the injected failures not yet consumed.
  void clear_failures() {
    std::lock_guard lock(mutex_);
    failures_.clear();
  }

  /// The opaque text a SecureString read without decryption returns.
  static std::string ciphertext_of(std::string_view value, std::int64_t version) {
    std::uint64_t h = 1469598103934665603ULL;
    for (char c : value) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h ^= static_cast<std::uint64_t>(version);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "AQICAHfake";
    for (int i = 0; i < 16; ++i) out += kHex[(h >> (i * 4)) & 0xF];
    return out;
  }

  /// PutParameter, recorded as a call: a new version (ParameterAlreadyExists when the name
  /// exists and overwrite is false). Tier "Standard" unless given.
  PutParameterResult put_parameter(const std::string& name, const std::string& value,
                                   const PutParameterOptions& options) override {
    RecordedCall call;
    call.action = "PutParameter";
    call.names = {name};
    begin_call(call);
    std::lock_guard lock(mutex_);
    if (!options.overwrite && params_.count(name) != 0) {
      throw AwsError("AmazonSSM.PutParameter failed: ParameterAlreadyExists (HTTP 400)",
                     "ParameterAlreadyExists",
                     "The parameter already exists. To overwrite this value, set the "
                     "overwrite option in the request to true.",
                     400, "fake-request-id");
    }
    const auto version = put_locked(name, value, options.type, options.key_id, false);
    return {version, options.tier.empty() ? "Standard" : options.tier};
  }

  GetParametersResult get_parameters(const std::vector<std::string>& names,
                                     bool with_decryption) override {
    GetParametersResult out;
    for (std::size_t start = 0; start < names.size(); start += kMaxNamesPerCall) {
      RecordedCall call;
      call.action = "GetParameters";
      call.names.assign(names.begin() + static_cast<std::ptrdiff_t>(start),
                        names.begin() + static_cast<std::ptrdiff_t>(
                                            std::min(names.size(), start + kMaxNamesPerCall)));
      call.with_decryption = with_decryption;
      begin_call(call);
      std::lock_guard lock(mutex_);
      for (const auto& asked : call.names) {
        if (asked.starts_with(kSecretPrefix) && !with_decryption) {
          throw AwsError(
              "AmazonSSM.GetParameters failed: ValidationException: WithDecryption flag must be "
              "True for retrieving a Secret Manager secret. (HTTP 400)",
              "ValidationException",
              "WithDecryption flag must be True for retrieving a Secret Manager secret.", 400,
              "fake-request-id");
        }
      }
      for (const auto& asked : call.names) {
        Asked a = split_asked(asked);
        const Version* v = find_version(a.name, a.selector);
        if (v == nullptr && a.from_arn && a.name.starts_with('/')) {
          v = find_version(a.name.substr(1), a.selector);  // "...:parameter/x" names "x"
          if (v != nullptr) a.name.erase(0, 1);
        }
        if (v == nullptr) {
          out.invalid_parameters.push_back(asked);
          continue;
        }
        auto rec = to_record(a.name, *v, with_decryption);
        if (a.shared) rec.name = rec.arn = a.arn;  // shared parameters come back as asked
        if (a.has_selector) rec.selector = ":" + a.selector;
        out.parameters.push_back(std::move(rec));
      }
    }
    return out;
  }

  std::vector<ParameterRecord> get_parameters_by_path(const std::string& path, bool recursive,
                                                      const std::vector<Filter>& filters,
                                                      bool with_decryption) override {
    std::vector<ParameterRecord> out;
    std::string token;
    for (;;) {
      RecordedCall call;
      call.action = "GetParametersByPath";
      call.path = path;
      call.recursive = recursive;
      call.filters = filters;
      call.next_token = token;
      call.with_decryption = with_decryption;
      begin_call(call);
      std::lock_guard lock(mutex_);
      std::vector<ParameterRecord> all = matching_path(path, recursive, filters, with_decryption);
      const std::size_t from = token.empty() ? 0 : std::stoul(token);
      const std::size_t to = std::min(all.size(), from + kPageSize);
      for (std::size_t i = from; i < to; ++i) out.push_back(std::move(all[i]));
      if (to >= all.size()) break;
      token = std::to_string(to);
    }
    return out;
  }

 private:
  struct Version {
    std::int64_t version = 0;
    std::string value;
    std::string type;
    std::string key_id;
    std::set<std::string> labels;
    std::chrono::system_clock::time_point last_modified;
  };
  struct Param {
    std::vector<Version> versions;
    bool secret = false;
  };

  std::int64_t put_locked(const std::string& name, std::string value, std::string type,
                          std::string key_id, bool secret) {
    auto& p = params_[name];
    p.secret = secret;
    Version v;
    v.version = static_cast<std::int64_t>(p.versions.size()) + 1;
    v.value = std::move(value);
    if (type == "SecureString" && key_id.empty()) key_id = std::string(kDefaultKeyId);
    v.type = std::move(type);
    v.key_id = std::move(key_id);
    v.last_modified = std::chrono::system_clock::now();
    p.versions.push_back(std::move(v));
    return p.versions.back().version;
  }

  // Records the call, runs latency and hook, and throws an injected failure if one is due.
  void begin_call(const RecordedCall& call) {
    std::exception_ptr failure;
    std::chrono::milliseconds latency{0};
    std::function<void(const RecordedCall&)> hook;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(call);
      latency = latency_;
      hook = hook_;
      failure = failures_.take(call.action);
    }
    if (hook) hook(call);
    if (latency.count() > 0) std::this_thread::sleep_for(latency);
    if (failure) std::rethrow_exception(failure);
  }

  struct Asked {
    std::string name;  ///< the stored name (ARN resolved)
    std::string selector;
    bool has_selector = false;
    bool from_arn = false;
    bool shared = false;  ///< an ARN of another account
    std::string arn;  ///< the ARN without selector
  };

  static Asked split_asked(const std::string& asked) {
    Asked a;
    std::string rest = asked;
    if (asked.starts_with("arn:")) {
      const auto at = asked.find(":parameter/");
      if (at != std::string::npos) {
        a.from_arn = true;
        rest = asked.substr(at + std::string_view(":parameter").size());
        const auto selector_colon = rest.find(':');
        a.arn = asked.substr(0, at + std::string_view(":parameter").size()) +
                rest.substr(0, selector_colon);
        // arn:PARTITION:ssm:REGION:ACCOUNT:parameter/...
        std::size_t pos = 0;
        for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = asked.find(':', pos) + 1;
        a.shared = asked.compare(pos, kAccountId.size(), kAccountId) != 0 ||
                   asked[pos + kAccountId.size()] != ':';
      }
    }
    const auto colon = rest.find(':');
    a.name = rest.substr(0, colon);
    a.has_selector = colon != std::string::npos;
    if (a.has_selector) a.selector = rest.substr(colon + 1);
    return a;
  }

  const Version* find_version(const std::string& name, const std::string& selector) const {
    auto it = params_.find(name);
    if (it == params_.end() || it->second.versions.empty()) return nullptr;
    const auto& versions = it->second.versions;
    if (selector.empty()) return &versions.back();
    if (std::all_of(selector.begin(), selector.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      const auto n = std::stoll(selector);
      if (n < 1 || n > static_cast<std::int64_t>(versions.size())) return nullptr;
      return &versions[static_cast<std::size_t>(n - 1)];
    }
    for (const auto& v : versions) {
      if (v.labels.count(selector) != 0) return &v;
    }
    return nullptr;
  }

  static ParameterRecord to_record(const std::string& name, const Version& v,
                                   bool with_decryption) {
    ParameterRecord rec;
    rec.name = name;
    rec.type = v.type;
    rec.value = (v.type == "SecureString" && !with_decryption) ? ciphertext_of(v.value, v.version)
                                                               : v.value;
    rec.version = v.version;
    rec.arn = "arn:aws:ssm:us-east-1:123456789012:parameter" +
              (name.starts_with('/') ? name : "/" + name);
    rec.last_modified = v.last_modified;
    rec.data_type = "text";
    return rec;
  }

  static bool filter_matches(const Filter& f, const std::string& subject) {
    return std::any_of(f.values.begin(), f.values.end(), [&](const std::string& value) {
      return f.option == "BeginsWith" ? subject.starts_with(value) : subject == value;
    });
  }

  std::vector<ParameterRecord> matching_path(const std::string& path, bool recursive,
                                             const std::vector<Filter>& filters,
                                             bool with_decryption) const {
    std::string prefix = path;
    if (prefix.empty() || prefix.back() != '/') prefix += '/';
    std::vector<ParameterRecord> out;
    for (const auto& [name, p] : params_) {
      if (p.secret || p.versions.empty() || !name.starts_with(prefix)) continue;
      if (!recursive && name.find('/', prefix.size()) != std::string::npos) continue;
      const Version* v = &p.versions.back();
      bool keep = true;
      for (const auto& f : filters) {
        if (f.key == "Type") {
          keep = filter_matches(f, v->type);
        } else if (f.key == "KeyId") {
          keep = v->type == "SecureString" && filter_matches(f, v->key_id);
        } else if (f.key == "Label") {
          const Version* labelled = nullptr;
          for (const auto& candidate : p.versions) {
            for (const auto& l : f.values) {
              if (candidate.labels.count(l) != 0) labelled = &candidate;
            }
          }
          keep = labelled != nullptr;
          if (keep) v = labelled;
        }
        if (!keep) break;
      }
      if (keep) out.push_back(to_record(name, *v, with_decryption));
    }
    return out;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Param> params_;
  std::vector<RecordedCall> calls_;
  FailureQueue failures_;
  std::chrono::milliseconds latency_{0};
  std::function<void(const RecordedCall&)> hook_;
};

}  // namespace ssm_cache::testing
