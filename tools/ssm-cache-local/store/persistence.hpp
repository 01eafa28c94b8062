// ssm-cache-local/store/persistence.hpp — the data file: JSON text <-> StoreData, and a durable
// write (temporary file, fsync, rename, fsync of the directory) so that a reply is only sent
// once the write survives a crash. Pure parsing/serialization is thread-safe; the file
// functions are called under the store's write lock. Cost: linear in the store size.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store.hpp"
#include "util.hpp"

namespace ssm_cache::local {

/// A data file that cannot be used; the message names the file and what is wrong with it.
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Values filled in for entries that omit them (the bundled sample data is short-hand).
struct LoadDefaults {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  double now = 0;  ///< epoch seconds used for missing dates
};

/// Parses the data file format (see docs/local-server.md). Throws LoadError with a
/// location ("parameters[2].Versions[0]: ...") on any malformed or inconsistent entry.
StoreData parse_store(std::string_view text, const LoadDefaults& defaults, Random& random);
std::string serialize_store(const StoreData& data);

/// One entry of the data file format, as the database stores it (one row per entry).
nlohmann::json parameter_json(const Parameter& parameter);
nlohmann::json secret_json(const Secret& secret);
/// Parses one entry; `where` prefixes LoadError messages.
Parameter parse_parameter(const nlohmann::json& entry, const std::string& where,
                          const LoadDefaults& defaults);
Secret parse_secret(const nlohmann::json& entry, const std::string& where,
                    const LoadDefaults& defaults, Random& random);

/// Loads `path`; a file that does not exist is an empty store. Throws LoadError.
StoreData load_store_file(const std::string& path, const LoadDefaults& defaults, Random& random);

/// Replaces `path` with `content` atomically and durably. Throws std::runtime_error.
void write_file_durably(const std::string& path, std::string_view content);

}  // namespace ssm_cache::local
