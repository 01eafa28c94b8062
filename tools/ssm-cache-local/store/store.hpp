// ssm-cache-local/store/store.hpp — the data of the local server (parameters with their version
// history, secrets with their versions and staging labels) and the Store that guards it.
//
// Thread-safe: reads share a lock; a write holds it exclusively only while it changes the
// data in memory (write_parameter: only while it moves the new entry in), names each entry
// before it changes it (Changes), and is persisted (when a database is configured) with the
// data set back as it was, so readers only ever see committed data and never wait for disk. A
// failed write — invalid input or a disk error — is rolled back to exactly what it was. A write
// costs a copy of the entries it changes plus, with a database, one transaction over them (see
// database.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/thread_annotations.hpp"

namespace ssm_cache::local {

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

/// Adds `tags` to `into`; a key already there takes the new value (AddTagsToResource,
/// TagResource).
void merge_tags(std::vector<Tag>& into, const std::vector<Tag>& tags);

struct ParameterVersion {
  std::int64_t version = 1;
  std::string type = "String";  ///< String, StringList, SecureString
  std::string value;
  std::string key_id;  ///< SecureString only
  std::string description;
  std::string allowed_pattern;
  std::string tier = "Standard";
  std::string data_type = "text";
  std::string policies;
  std::vector<std::string> labels;
  double last_modified = 0;  ///< epoch seconds
  std::string last_modified_user;
  friend bool operator==(const ParameterVersion&, const ParameterVersion&) = default;
};

struct Parameter {
  std::string name;
  std::vector<Tag> tags;
  std::vector<ParameterVersion> versions;  ///< ascending; back() is the current version
  [[nodiscard]] const ParameterVersion& current() const { return versions.back(); }
  [[nodiscard]] const ParameterVersion* find_version(std::int64_t v) const;
  [[nodiscard]] const ParameterVersion* find_label(const std::string& label) const;
  friend bool operator==(const Parameter&, const Parameter&) = default;
};

struct SecretVersion {
  std::string version_id;
  std::optional<std::string> secret_string;
  std::optional<std::string> secret_binary;  ///< raw bytes
  std::vector<std::string> stages;
  double created = 0;
  friend bool operator==(const SecretVersion&, const SecretVersion&) = default;
};

struct Secret {
  std::string name;
  std::string arn;
  std::string description;
  std::string kms_key_id;
  std::string resource_policy;  ///< JSON text; empty: none
  double created = 0;
  double last_changed = 0;
  std::optional<double> last_accessed;
  std::optional<double> deletion_date;  ///< set while scheduled for deletion
  /// Rotation schedule (RotateSecret): every this many days, next at next_rotation.
  std::optional<std::int64_t> rotation_days;
  std::optional<double> next_rotation;
  std::vector<Tag> tags;
  std::vector<SecretVersion> versions;  ///< in creation order
  [[nodiscard]] const SecretVersion* find_version_id(const std::string& id) const;
  [[nodiscard]] const SecretVersion* find_stage(const std::string& stage) const;
  friend bool operator==(const Secret&, const Secret&) = default;
};

struct StoreData {
  std::map<std::string, Parameter> parameters;  ///< by name, sorted (pages follow this order)
  std::map<std::string, Secret> secrets;  ///< by name
  friend bool operator==(const StoreData&, const StoreData&) = default;
};

class Database;

/// The entries one write changes: each is named (before it is changed, added or erased) so
/// that it alone is persisted, and restored if the write fails.
class Changes {
 public:
  explicit Changes(StoreData& data) : data_(data) {}
  void parameter(const std::string& name);
  void secret(const std::string& name);
  /// Puts every named entry back as it was before the write.
  void roll_back();
  /// Sets the named entries aside as the write left them and puts back what they were.
  void set_aside();
  /// Puts back the entries set aside.
  void install();
  /// The entries set aside: name and new state (null: erased).
  [[nodiscard]] std::vector<std::pair<std::string, const Parameter*>> parameters() const;
  [[nodiscard]] std::vector<std::pair<std::string, const Secret*>> secrets() const;

 private:
  StoreData& data_;
  std::map<std::string, std::optional<Parameter>> parameters_;  ///< other state (see above)
  std::map<std::string, std::optional<Secret>> secrets_;
};

class Store {
 public:
  /// db null: memory only. Otherwise every write is committed to it, as the entries of
  /// `region`, before write() returns; db must outlive the store.
  explicit Store(StoreData initial = {}, Database* db = nullptr, std::string region = {});

  template <class F>
  auto read(F&& f) const {
    detail::SharedLock lock(mu_);
    return f(static_cast<const StoreData&>(data_));
  }

  /// Runs f(data, changes), which names in `changes` every entry before it changes it, then
  /// commits the named entries to the database. If f throws, or the commit throws, nothing
  /// changes. Readers wait for f only, never for the commit: they see the data as it was
  /// until the commit is done (writers are serialized meanwhile).
  template <class F>
  auto write(F&& f) {
    detail::MutexLock writer(writer_mu_);
    return write_locked(f);
  }

  /// The new state of one parameter, as a write computed it.
  struct ParameterWrite {
    std::string key;
    Parameter next;
  };
  /// A write of one parameter in which readers wait only for a move, whatever its size:
  /// prepare(data) computes {ParameterWrite, result} under a shared lock (readers go on;
  /// writers are serialized, so data cannot change under it) and throws to refuse; the new
  /// state is committed to the database, then moved in under the exclusive lock.
  template <class Prepare>
  auto write_parameter(Prepare&& prepare) {
    detail::MutexLock writer(writer_mu_);
    auto [write, result] = [&] {
      detail::SharedLock lock(mu_);
      return prepare(static_cast<const StoreData&>(data_));
    }();
    if (db_ != nullptr) commit_parameter(write);  // throws: nothing changed
    std::optional<Parameter> replaced;  // freed after the lock is released
    {
      detail::ExclusiveLock lock(mu_, std::defer_lock);
      lock.lock_yielding(kExclusiveTries);
      auto it = data_.parameters.find(write.key);
      if (it == data_.parameters.end()) {
        data_.parameters.emplace(std::move(write.key), std::move(write.next));
      } else {
        replaced = std::move(it->second);
        it->second = std::move(write.next);
      }
    }
    return result;
  }

 private:
  // Called with writer_mu_ held. The entries a write replaced are freed after the exclusive
  // lock is released (`changes` outlives `lock`): readers do not wait for deallocation.
  template <class F>
  auto write_locked(F& f) SSM_CACHE_REQUIRES(writer_mu_) {
    Changes changes(unlocked_data());
    detail::ExclusiveLock lock(mu_, std::defer_lock);
    lock.lock_yielding(kExclusiveTries);
    auto result = [&]() SSM_CACHE_REQUIRES(mu_) {
      try {
        return f(data_, changes);
      } catch (...) {
        changes.roll_back();
        throw;
      }
    }();
    if (db_ == nullptr) return result;
    changes.set_aside();
    lock.unlock();
    commit(changes);  // throws: data_ is already as it was
    lock.lock_yielding(kExclusiveTries);
    changes.install();
    return result;
  }

  void commit(const Changes& changes) SSM_CACHE_REQUIRES(writer_mu_);
  void commit_parameter(const ParameterWrite& write) SSM_CACHE_REQUIRES(writer_mu_);
  // For a Changes, made before the exclusive lock so that it outlives it, which touches the
  // data only while the lock is held.
  StoreData& unlocked_data() SSM_CACHE_NO_THREAD_SAFETY_ANALYSIS { return data_; }

  // The exclusive lock is taken while this thread runs (ExclusiveLock::lock_yielding). Blocking
  // in lock() would let the lock be handed to this writer while it sleeps: on a loaded machine
  // it may wait milliseconds for a core, and every reader waits with it (measured:
  // docs/bench/local-store.md). So it tries, yielding between tries, and blocks only when
  // readers never leave a gap (a stream of overlapping readers must not starve it).
  static constexpr int kExclusiveTries = 1000;

  detail::Mutex writer_mu_;
  mutable detail::SharedMutex mu_;
  StoreData data_ SSM_CACHE_GUARDED_BY(mu_);
  Database* db_;
  std::string region_;
};

}  // namespace ssm_cache::local
