// fake_aws_client.hpp — an in-memory AwsClient for the CLI and sidecar tests: parameters and
// secrets in maps, per-action call counters, a scripted error to throw, an optional gate that
// blocks calls (to hold a fetch in flight). Thread-safe.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ssm_cache/aws.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::cli::testing {

class FakeAwsClient : public AwsClient {
 public:
  void put(const std::string& name, const std::string& value, const std::string& type = "String",
           std::int64_t version = 1, std::vector<std::string> labels = {}) {
    std::lock_guard lock(mu_);
    ParameterRecord r;
    r.name = name;
    r.type = type;
    r.value = value;
    r.version = version;
    r.arn =
        "arn:aws:ssm:us-east-1:000000000000:parameter" + (name.front() == '/' ? name : "/" + name);
    r.data_type = "text";
    r.last_modified = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    params_[name][version] = r;
    for (auto& l : labels) labels_[name][l] = version;
  }
  void put_secret(const std::string& id, const std::string& value) {
    std::lock_guard lock(mu_);
    SecretValue s;
    s.name = id;
    s.arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + id + "-AbCdEf";
    s.version_id = "v-" + std::to_string(++secret_versions_);
    s.secret_string = value;
    s.version_stages = {"AWSCURRENT"};
    secrets_[id] = s;
  }
  void remove(const std::string& name) {
    std::lock_guard lock(mu_);
    params_.erase(name);
  }
  /// Every following call throws a copy of this error (until clear_error()).
  void fail_with(const AwsError& e) {
    std::lock_guard lock(mu_);
    error_ = e;
  }
  void fail_with_transport() {
    std::lock_guard lock(mu_);
    transport_error_ = true;
  }
  void clear_error() {
    std::lock_guard lock(mu_);
    error_.reset();
    transport_error_ = false;
  }
  /// While closed, calls block (after being counted).
  void close_gate() {
    std::lock_guard lock(mu_);
    gate_open_ = false;
  }
  void open_gate() {
    {
      std::lock_guard lock(mu_);
      gate_open_ = true;
    }
    cv_.notify_all();
  }
  int calls(const std::string& action) const {
    std::lock_guard lock(mu_);
    auto it = calls_.find(action);
    return it == calls_.end() ? 0 : it->second;
  }
  int total_calls() const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (auto& [_, c] : calls_) n += c;
    return n;
  }
  /// Names passed to get_parameter, in order.
  std::vector<std::string> asked() const {
    std::lock_guard lock(mu_);
    return asked_;
  }
  std::vector<bool> decryption_flags() const {
    std::lock_guard lock(mu_);
    return decrypt_;
  }

  GetParametersResult get_parameters(const std::vector<std::string>& names,
                                     bool with_decryption) override {
    enter("GetParameters", with_decryption);
    std::lock_guard lock(mu_);
    GetParametersResult out;
    for (const auto& n : names) {
      if (auto r = find_locked(n, with_decryption)) {
        out.parameters.push_back(*r);
      } else {
        out.invalid_parameters.push_back(n);
      }
    }
    return out;
  }
  std::vector<ParameterRecord> get_parameters_by_path(const std::string& path, bool recursive,
                                                      const std::vector<Filter>& filters,
                                                      bool with_decryption) override {
    enter("GetParametersByPath", with_decryption);
    std::lock_guard lock(mu_);
    std::vector<ParameterRecord> out;
    std::string prefix = path.back() == '/' ? path : path + "/";
    for (const auto& [name, versions] : params_) {
      if (name.rfind(prefix, 0) != 0) continue;
      if (!recursive && name.find('/', prefix.size()) != std::string::npos) continue;
      auto r = versions.rbegin()->second;
      bool keep = true;
      for (const auto& f : filters) {
        if (f.key == "Type") {
          keep = keep && std::find(f.values.begin(), f.values.end(), r.type) != f.values.end();
        }
      }
      if (!keep) continue;
      decrypt(r, with_decryption);
      out.push_back(r);
    }
    return out;
  }
  ParameterRecord get_parameter(const std::string& name, bool with_decryption) override {
    enter("GetParameter", with_decryption);
    std::lock_guard lock(mu_);
    asked_.push_back(name);
    if (auto r = find_locked(name, with_decryption)) return *r;
    throw AwsError("GetParameter " + name + ": ParameterNotFound", "ParameterNotFound",
                   "Parameter " + name + " not found.", 400, "req-1");
  }
  SecretValue get_secret_value(const std::string& id, const std::string& version_id,
                               const std::string& version_stage) override {
    enter("GetSecretValue", true);
    std::lock_guard lock(mu_);
    auto it = secrets_.find(id);
    if (it == secrets_.end() || (!version_id.empty() && version_id != it->second.version_id) ||
        (!version_stage.empty() && version_stage != "AWSCURRENT")) {
      throw AwsError("GetSecretValue " + id + ": ResourceNotFoundException",
                     "ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret.", 400, "req-2");
    }
    return it->second;
  }
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    enter("BatchGetSecretValue", true);
    BatchSecretsResult out;
    for (const auto& id : ids) {
      std::lock_guard lock(mu_);
      auto it = secrets_.find(id);
      if (it != secrets_.end()) out.secrets.push_back(it->second);
    }
    return out;
  }

  // SecretsClient (ssm_cache/secrets.hpp): one version per secret, always AWSCURRENT.
  SecretDescription describe_secret(const std::string& id) override {
    enter("DescribeSecret", false);
    std::lock_guard lock(mu_);
    auto it = secrets_.find(id);
    if (it == secrets_.end()) {
      throw AwsError("DescribeSecret " + id + ": ResourceNotFoundException",
                     "ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret.", 400, "req-3");
    }
    return {it->second.arn, it->second.name, {{it->second.version_id, {"AWSCURRENT"}}}, {}};
  }

 private:
  void enter(const std::string& action, bool with_decryption) {
    std::unique_lock lock(mu_);
    ++calls_[action];
    decrypt_.push_back(with_decryption);
    cv_.wait(lock, [&] { return gate_open_; });
    if (error_) throw *error_;
    if (transport_error_) throw TransportError("connection refused (fake)");
  }
  static void decrypt(ParameterRecord& r, bool with_decryption) {
    if (r.type == "SecureString" && !with_decryption) r.value = "ENCRYPTED:" + r.name;
  }
  std::optional<ParameterRecord> find_locked(const std::string& asked, bool with_decryption) {
    std::string name = asked;
    std::string selector;
    if (auto colon = asked.find(':'); colon != std::string::npos) {
      name = asked.substr(0, colon);
      selector = asked.substr(colon);
    }
    auto it = params_.find(name);
    if (it == params_.end()) return std::nullopt;
    ParameterRecord r;
    if (selector.empty()) {
      r = it->second.rbegin()->second;
    } else {
      auto sel = selector.substr(1);
      std::int64_t version = 0;
      if (!sel.empty() && std::all_of(sel.begin(), sel.end(), ::isdigit)) {
        version = std::stoll(sel);
      } else if (auto l = labels_[name].find(sel); l != labels_[name].end()) {
        version = l->second;
      }
      auto v = it->second.find(version);
      if (v == it->second.end()) return std::nullopt;
      r = v->second;
      r.selector = selector;
    }
    decrypt(r, with_decryption);
    return r;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool gate_open_ = true;
  std::map<std::string, std::map<std::int64_t, ParameterRecord>> params_;
  std::map<std::string, std::map<std::string, std::int64_t>> labels_;
  std::map<std::string, SecretValue> secrets_;
  int secret_versions_ = 0;
  std::map<std::string, int> calls_;
  std::vector<std::string> asked_;
  std::vector<bool> decrypt_;
  std::optional<AwsError> error_;
  bool transport_error_ = false;
};

}  // namespace ssm_cache::cli::testing
