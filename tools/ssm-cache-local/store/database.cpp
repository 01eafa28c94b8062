// ssm-cache-local/store/database.cpp — see database.hpp.
#include "database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ssm_cache::local {

namespace {

using nlohmann::json;

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS parameters (region TEXT NOT NULL, name TEXT NOT NULL, "
    "entry TEXT NOT NULL, PRIMARY KEY (region, name));"
    "CREATE TABLE IF NOT EXISTS secrets (region TEXT NOT NULL, name TEXT NOT NULL, "
    "entry TEXT NOT NULL, PRIMARY KEY (region, name));";

/// A prepared statement, finalized at scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  /// True while rows come; throws on an error.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_));
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string column(int index) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text == nullptr ? std::string() : std::string(text, sqlite3_column_bytes(stmt_, index));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

bool starts_with_file(const std::string& path, std::string_view magic) {
  std::ifstream in(path, std::ios::binary);
  std::string head(magic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in.gcount() == static_cast<std::streamsize>(magic.size()) && head == magic;
}

}  // namespace

DataPaths data_paths(const std::string& data_option) {
  struct stat st {};
  if (::stat(data_option.c_str(), &st) != 0 || st.st_size == 0 ||
      starts_with_file(data_option, std::string_view("SQLite format 3\0", 16))) {
    return {data_option, {}};
  }
  return {data_option + ".sqlite", data_option};
}

Database::Database(std::string path) : path_(std::move(path)) {
  // The lock first: a second server must not even open (let alone recover) the database.
  lock_fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) throw LoadError(path_ + ": cannot be opened: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw LoadError(path_ + ": in use by another ssm-cache-local (one server per data file)");
  }
  struct stat st {};
  ::fstat(lock_fd_, &st);
  inode_ = st.st_ino;
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    ::close(lock_fd_);
    throw LoadError(path_ + ": cannot be opened as an SQLite database: " + why);
  }
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec(kSchema);
  } catch (const std::exception& e) {
    sqlite3_close(db_);
    ::close(lock_fd_);
    throw LoadError(path_ + ": not an ssm-cache-local database (" + e.what() + ")");
  }
}

Database::~Database() {
  sqlite3_close(db_);
  ::close(lock_fd_);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error("SQLite: " + why);
  }
}

bool Database::empty() {
  Statement count(db_, "SELECT (SELECT COUNT(*) FROM parameters) + (SELECT COUNT(*) FROM secrets)");
  count.step();
  return count.column(0) == "0";
}

std::map<std::string, StoreData> Database::load(const LoadDefaults& defaults, Random& random) {
  std::map<std::string, StoreData> regions;
  auto parse = [&](const std::string& table, const std::string& name, const std::string& text) {
    const std::string where = path_ + ": " + table + " \"" + name + "\"";
    json entry = json::parse(text, nullptr, false);
    if (entry.is_discarded()) throw LoadError(where + ": not valid JSON");
    return entry;
  };
  Statement params(db_, "SELECT region, name, entry FROM parameters");
  while (params.step()) {
    const std::string name = params.column(1);
    Parameter p = parse_parameter(parse("parameter", name, params.column(2)),
                                  path_ + ": parameter \"" + name + "\"", defaults);
    regions[params.column(0)].parameters.emplace(name, std::move(p));
  }
  Statement secrets(db_, "SELECT region, name, entry FROM secrets");
  while (secrets.step()) {
    const std::string name = secrets.column(1);
    Secret s = parse_secret(parse("secret", name, secrets.column(2)),
                            path_ + ": secret \"" + name + "\"", defaults, random);
    regions[secrets.column(0)].secrets.emplace(name, std::move(s));
  }
  return regions;
}

// A database file deleted or replaced under a running server would swallow every later
// write (into an unlinked inode): refuse them instead.
void Database::check_still_ours() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || st.st_ino != inode_) {
    throw std::runtime_error("the data file " + path_ + " was removed or replaced");
  }
}

namespace {

template <class Entry, class ToJson>
void save_entries(Statement& put, Statement& erase, const std::string& region,
                  const std::vector<std::pair<std::string, const Entry*>>& entries,
                  ToJson to_json) {
  for (const auto& [name, entry] : entries) {
    Statement& st = entry == nullptr ? erase : put;
    st.bind(1, region);
    st.bind(2, name);
    if (entry != nullptr) st.bind(3, to_json(*entry).dump());
    st.step();
    st.reset();
  }
}

}  // namespace

void Database::save(const std::string& region,
                    const std::vector<std::pair<std::string, const Parameter*>>& parameters,
                    const std::vector<std::pair<std::string, const Secret*>>& secrets) {
  detail::MutexLock lock(mu_);
  check_still_ours();
  exec("BEGIN IMMEDIATE");
  try {
    Statement put_param(db_,
                        "INSERT OR REPLACE INTO parameters (region, name, entry) VALUES (?, ?, ?)");
    Statement del_param(db_, "DELETE FROM parameters WHERE region = ? AND name = ?");
    save_entries(put_param, del_param, region, parameters, parameter_json);
    Statement put_secret(db_,
                         "INSERT OR REPLACE INTO secrets (region, name, entry) VALUES (?, ?, ?)");
    Statement del_secret(db_, "DELETE FROM secrets WHERE region = ? AND name = ?");
    save_entries(put_secret, del_secret, region, secrets, secret_json);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Database::save_all(const std::string& region, const StoreData& data) {
  std::vector<std::pair<std::string, const Parameter*>> parameters;
  std::vector<std::pair<std::string, const Secret*>> secrets;
  for (const auto& [name, p] : data.parameters) parameters.emplace_back(name, &p);
  for (const auto& [name, s] : data.secrets) secrets.emplace_back(name, &s);
  save(region, parameters, secrets);
}

}  // namespace ssm_cache::local
