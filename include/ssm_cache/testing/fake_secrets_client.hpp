// ssm_cache/testing/fake_secrets_client.hpp — an in-memory Secrets Manager for tests.
//
// Header-only, thread-safe. Secrets with versions and stages (PutSecretValue moves AWSCURRENT
// to the new version and AWSPREVIOUS to the old current, as AWS does), string or binary values,
// GetSecretValue / BatchGetSecretValue (at most 20 ids, errors per secret) / DescribeSecret,
// recorded calls, injected failures and a hook run during each call.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ssm_cache/errors.hpp"
#include "ssm_cache/secrets.hpp"
#include "ssm_cache/testing/failure_queue.hpp"

namespace ssm_cache::testing {

struct RecordedSecretsCall {
  std::string action;  ///< "GetSecretValue", "BatchGetSecretValue", "DescribeSecret", ...
  std::vector<std::string> ids;  ///< the secret ids asked for
  std::string version_id;  ///< GetSecretValue
  std::string version_stage;  ///< GetSecretValue
};

class FakeSecretsClient : public SecretsClient {
 public:
  static constexpr std::size_t kMaxIdsPerBatch = 20;
  static constexpr std::string_view kArnPrefix =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

  /// Creates the secret or adds a version (PutSecretValue); returns the new version id.
  /// stages: where the new version goes; AWSCURRENT moves AWSPREVIOUS as AWS does.
  std::string put_secret_string(const std::string& id, std::string value,
                                std::vector<std::string> stages = {"AWSCURRENT"}) {
    return put(id, Version{{}, std::move(value), false, {}}, std::move(stages));
  }
  std::string put_secret_binary(const std::string& id, std::string bytes,
                                std::vector<std::string> stages = {"AWSCURRENT"}) {
    return put(id, Version{{}, std::move(bytes), true, {}}, std::move(stages));
  }
  /// Sets (or with nullopt clears) the NextRotationDate DescribeSecret reports.
  void set_next_rotation_date(const std::string& id,
                              std::optional<std::chrono::system_clock::time_point> at) {
    std::lock_guard lock(mutex_);
    secrets_.at(id).next_rotation_date = at;
  }
  /// Moves a stage to a version (UpdateSecretVersionStage).
  void move_stage(const std::string& id, const std::string& stage, const std::string& version) {
    std::lock_guard lock(mutex_);
    Secret& s = secrets_.at(id);
    for (auto& v : s.versions) std::erase(v.stages, stage);
    find_id(s, version).stages.push_back(stage);
  }
  bool remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    return secrets_.erase(id) > 0;
  }

  /// The next n calls (of the given action, or of any when empty) throw error.
  template <class E>
  void fail_next_with(std::size_t n, E error, std::string action = {}) {
    std::lock_guard lock(mutex_);
    failures_.push(n, std::make_exception_ptr(std::move(error)), std::move(action));
  }
  /// Runs during each call, outside the fake's lock (to block or count concurrent callers).
  void set_hook(std::function<void(const RecordedSecretsCall&)> hook) {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
  }
  std::vector<RecordedSecretsCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  /// Calls of one action ("" = all).
  std::size_t call_count(const std::string& action = {}) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(calls_.begin(), calls_.end(), [&](auto& c) {
      return action.empty() || c.action == action;
    }));
  }

  SecretValue get_secret_value(const std::string& secret_id, const std::string& version_id = {},
                               const std::string& version_stage = {}) override {
    begin_call({"GetSecretValue", {secret_id}, version_id, version_stage});
    std::lock_guard lock(mutex_);
    const Secret* s = find(secret_id);
    if (s == nullptr) throw not_found("GetSecretValue", secret_id);
    const std::string stage =
        version_id.empty() && version_stage.empty() ? "AWSCURRENT" : version_stage;
    for (const auto& v : s->versions) {
      const bool stage_ok = stage.empty() || std::count(v.stages.begin(), v.stages.end(), stage);
      if ((version_id.empty() || v.id == version_id) && stage_ok) return to_value(*s, v);
    }
    throw not_found("GetSecretValue", secret_id);
  }

  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    begin_call({"BatchGetSecretValue", ids, {}, {}});
    if (ids.size() > kMaxIdsPerBatch) {
      throw AwsError("BatchGetSecretValue failed: ValidationException (HTTP 400)",
                     "ValidationException", "at most 20 secret ids", 400, "fake-request-id");
    }
    std::lock_guard lock(mutex_);
    BatchSecretsResult out;
    for (const auto& id : ids) {
      const Secret* s = find(id);
      if (s == nullptr) {
        out.errors.push_back({id, "ResourceNotFoundException", "Secrets Manager can't find it"});
        continue;
      }
      for (const auto& v : s->versions) {
        if (std::count(v.stages.begin(), v.stages.end(), "AWSCURRENT")) {
          out.secrets.push_back(to_value(*s, v));
        }
      }
    }
    return out;
  }

  /// PutSecretValue, recorded as a call: a new AWSCURRENT version of an existing secret
  /// (ResourceNotFoundException otherwise).
  PutSecretResult put_secret_value(const std::string& secret_id,
                                   const std::string& secret_string) override {
    begin_call({"PutSecretValue", {secret_id}, {}, {}});
    std::string name;
    {
      std::lock_guard lock(mutex_);
      const Secret* s = find(secret_id);
      if (s == nullptr) throw not_found("PutSecretValue", secret_id);
      name = s->name;
    }
    std::string version = put(name, Version{{}, secret_string, false, {}}, {"AWSCURRENT"});
    return {std::string(kArnPrefix) + name, name, std::move(version), {"AWSCURRENT"}};
  }

  SecretDescription describe_secret(const std::string& secret_id) override {
    begin_call({"DescribeSecret", {secret_id}, {}, {}});
    std::lock_guard lock(mutex_);
    const Secret* s = find(secret_id);
    if (s == nullptr) throw not_found("DescribeSecret", secret_id);
    SecretDescription d{kArnPrefix.data() + s->name, s->name, {}, s->next_rotation_date};
    for (const auto& v : s->versions) {
      if (!v.stages.empty()) d.version_ids_to_stages[v.id] = v.stages;
    }
    return d;
  }

 private:
  struct Version {
    std::string id;
    std::string bytes;
    bool binary = false;
    std::vector<std::string> stages;
  };
  struct Secret {
    std::string name;
    std::vector<Version> versions;
    std::optional<std::chrono::system_clock::time_point> next_rotation_date;
  };

  std::string put(const std::string& id, Version v, std::vector<std::string> stages) {
    std::lock_guard lock(mutex_);
    Secret& s = secrets_[id];
    s.name = id;
    v.id = "v" + std::to_string(++next_version_) + "-" + id;
    const bool current = std::count(stages.begin(), stages.end(), "AWSCURRENT") != 0;
    for (auto& old : s.versions) {
      if (current) std::erase(old.stages, std::string("AWSPREVIOUS"));
      for (const auto& st : stages) {
        if (st == "AWSCURRENT" && std::count(old.stages.begin(), old.stages.end(), st)) {
          old.stages.push_back("AWSPREVIOUS");
        }
        std::erase(old.stages, st);
      }
    }
    v.stages = std::move(stages);
    s.versions.push_back(std::move(v));
    return s.versions.back().id;
  }

  static Version& find_id(Secret& s, const std::string& version) {
    for (auto& v : s.versions) {
      if (v.id == version) return v;
    }
    throw std::invalid_argument("FakeSecretsClient: no version " + version);
  }

  const Secret* find(const std::string& id) const {
    if (auto it = secrets_.find(id); it != secrets_.end()) return &it->second;
    if (id.starts_with(kArnPrefix)) return find(id.substr(kArnPrefix.size()));
    return nullptr;
  }

  static SecretValue to_value(const Secret& s, const Version& v) {
    SecretValue out;
    out.arn = std::string(kArnPrefix) + s.name;
    out.name = s.name;
    out.version_id = v.id;
    (v.binary ? out.secret_binary : out.secret_string) = v.bytes;
    out.version_stages = v.stages;
    return out;
  }

  static AwsError not_found(const std::string& action, const std::string& id) {
    return AwsError(
        action + " failed for secret '" + id + "': ResourceNotFoundException (HTTP 400)",
        "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400,
        "fake-request-id");
  }

  void begin_call(RecordedSecretsCall call) {
    std::exception_ptr failure;
    std::function<void(const RecordedSecretsCall&)> hook;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(call);
      hook = hook_;
      failure = failures_.take(call.action);
    }
    if (hook) hook(call);
    if (failure) std::rethrow_exception(failure);
  }

  mutable std::mutex mutex_;
  std::map<std::string, Secret> secrets_;
  std::vector<RecordedSecretsCall> calls_;
  FailureQueue failures_;
  std::function<void(const RecordedSecretsCall&)> hook_;
  std::size_t next_version_ = 0;
};

}  // namespace ssm_cache::testing
