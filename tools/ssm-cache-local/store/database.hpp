// ssm-cache-local/store/database.hpp — the --data store on disk: an SQLite database in WAL mode,
// one row per parameter and per secret (the entry in the data file's JSON format), so that a
// write costs one transaction over the entries it changes, not a rewrite of the store.
// synchronous=FULL: a committed transaction survives a crash of the process or the machine,
// and the server replies only after the commit.
//
// Each row belongs to a region (AWS keeps one store per region; the region comes from the
// request's credential scope). One server per database: the file is locked (flock) while
// open, and a second server on it is refused with a clear error. Thread-safe: save() takes
// a lock (the stores of several regions may commit at once).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/thread_annotations.hpp"
#include "persistence.hpp"
#include "store.hpp"

struct sqlite3;

namespace ssm_cache::local {

/// Where --data PATH keeps its database: PATH itself, unless PATH holds a JSON data file,
/// which is then imported once into PATH.sqlite and never written.
struct DataPaths {
  std::string database;
  std::string json_import;  ///< empty: nothing to import
};
DataPaths data_paths(const std::string& data_option);

class Database {
 public:
  /// Opens (creating) the database and locks it. Throws LoadError when it is locked by
  /// another process, is not an ssm-cache-local database, or cannot be opened.
  explicit Database(std::string path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] bool empty();
  /// Every entry, by region. Throws LoadError naming the entry when one is malformed.
  std::map<std::string, StoreData> load(const LoadDefaults& defaults, Random& random);
  /// Writes these entries of `region` (null: deleted) in one transaction. Throws
  /// std::runtime_error (nothing is written then).
  void save(const std::string& region,
            const std::vector<std::pair<std::string, const Parameter*>>& parameters,
            const std::vector<std::pair<std::string, const Secret*>>& secrets);
  /// Writes every entry of `data` into `region` (an import), in one transaction.
  void save_all(const std::string& region, const StoreData& data);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  void exec(const char* sql);
  void check_still_ours();

  std::string path_;
  // One transaction at a time: save() holds it (load() and save_all() run while the server is
  // being made, on one thread).
  detail::Mutex mu_;
  sqlite3* db_ = nullptr;
  int lock_fd_ = -1;
  unsigned long inode_ = 0;
};

}  // namespace ssm_cache::local
