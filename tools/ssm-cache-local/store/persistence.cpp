// ssm-cache-local/store/persistence.cpp — see persistence.hpp.
#include "persistence.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "api_error.hpp"
#include "common/base64.hpp"
#include "names.hpp"

namespace ssm_cache::local {

using nlohmann::json;

namespace {

constexpr std::string_view kFormat = "ssm-cache-local";
constexpr int kFormatVersion = 1;

// Reads the members of one JSON object, says where a problem is, and rejects unknown keys
// (a typo in hand-written sample data should not be silently ignored).
class Fields {
 public:
  Fields(const json& object, std::string where) : j_(object), where_(std::move(where)) {
    if (!j_.is_object()) fail("must be a JSON object");
  }

  [[noreturn]] void fail(const std::string& what) const { throw LoadError(where_ + ": " + what); }

  bool has(const char* key) {
    seen_.insert(key);
    return j_.contains(key) && !j_.at(key).is_null();
  }

  std::string str(const char* key, bool required, std::string fallback = {}) {
    if (!has(key)) {
      if (required) fail(std::string("missing \"") + key + "\"");
      return fallback;
    }
    const json& v = j_.at(key);
    if (!v.is_string()) fail(std::string("\"") + key + "\" must be a string");
    return v.get<std::string>();
  }

  double number(const char* key, double fallback) {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number()) fail(std::string("\"") + key + "\" must be a number (epoch seconds)");
    return v.get<double>();
  }

  std::int64_t integer(const char* key, bool required, std::int64_t fallback = 0) {
    if (!has(key)) {
      if (required) fail(std::string("missing \"") + key + "\"");
      return fallback;
    }
    const json& v = j_.at(key);
    if (!v.is_number_integer()) fail(std::string("\"") + key + "\" must be an integer");
    return v.get<std::int64_t>();
  }

  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    if (!has(key)) return out;
    const json& v = j_.at(key);
    if (!v.is_array()) fail(std::string("\"") + key + "\" must be an array of strings");
    for (const auto& item : v) {
      if (!item.is_string()) fail(std::string("\"") + key + "\" must be an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  const json* array(const char* key) {
    if (!has(key)) return nullptr;
    const json& v = j_.at(key);
    if (!v.is_array()) fail(std::string("\"") + key + "\" must be an array");
    return &v;
  }

  std::vector<Tag> tags() {
    std::vector<Tag> out;
    const json* arr = array("Tags");
    if (arr == nullptr) return out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      Fields t((*arr)[i], where_ + ".Tags[" + std::to_string(i) + "]");
      Tag tag{t.str("Key", true), t.str("Value", false)};
      t.done();
      out.push_back(std::move(tag));
    }
    return out;
  }

  void done() const {
    for (const auto& [key, value] : j_.items()) {
      if (!seen_.contains(key)) fail("unknown field \"" + key + "\"");
    }
  }

  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> seen_;
};

ParameterVersion read_parameter_version(Fields& f, std::int64_t version, const LoadDefaults& d) {
  ParameterVersion v;
  v.version = version;
  v.type = f.str("Type", false, "String");
  if (v.type != "String" && v.type != "StringList" && v.type != "SecureString") {
    f.fail("\"Type\" must be String, StringList or SecureString");
  }
  v.value = f.str("Value", true);
  v.key_id = f.str("KeyId", false);
  if (v.type == "SecureString" && v.key_id.empty()) v.key_id = "alias/aws/ssm";
  if (v.type != "SecureString" && !v.key_id.empty()) f.fail("\"KeyId\" is for SecureString only");
  v.description = f.str("Description", false);
  v.allowed_pattern = f.str("AllowedPattern", false);
  v.tier = f.str("Tier", false, "Standard");
  if (v.tier != "Standard" && v.tier != "Advanced") f.fail("\"Tier\" must be Standard or Advanced");
  v.data_type = f.str("DataType", false, "text");
  v.policies = f.str("Policies", false);
  v.labels = f.strings("Labels");
  if (v.labels.size() > 10) f.fail("a version has at most 10 labels");
  for (const auto& label : v.labels) {
    if (!is_valid_label(label)) f.fail("invalid label \"" + label + "\"");
  }
  v.last_modified = f.number("LastModifiedDate", d.now);
  v.last_modified_user =
      f.str("LastModifiedUser", false, "arn:aws:iam::" + d.account_id + ":user/local");
  return v;
}

Parameter read_parameter(const json& j, const std::string& where, const LoadDefaults& d) {
  Fields f(j, where);
  Parameter p;
  p.name = f.str("Name", true);
  try {
    validate_parameter_name(p.name);
  } catch (const ApiError& e) {
    f.fail("invalid parameter name \"" + p.name + "\": " + e.what());
  }
  p.tags = f.tags();
  if (const json* versions = f.array("Versions")) {
    if (versions->empty()) f.fail("\"Versions\" must not be empty");
    for (std::size_t i = 0; i < versions->size(); ++i) {
      Fields vf((*versions)[i], where + ".Versions[" + std::to_string(i) + "]");
      const auto number = vf.integer("Version", true);
      if (number < 1) vf.fail("\"Version\" must be >= 1");
      if (!p.versions.empty() && number <= p.versions.back().version) {
        vf.fail("versions must be in ascending order");
      }
      p.versions.push_back(read_parameter_version(vf, number, d));
      vf.done();
    }
  } else {
    // Short-hand: the fields of one version beside the name.
    p.versions.push_back(read_parameter_version(f, f.integer("Version", false, 1), d));
  }
  std::set<std::string> labels;
  for (const auto& v : p.versions) {
    for (const auto& label : v.labels) {
      if (!labels.insert(label).second) f.fail("label \"" + label + "\" is on two versions");
    }
  }
  f.done();
  return p;
}

SecretVersion read_secret_version(Fields& f, Random& random, double created) {
  SecretVersion v;
  v.version_id = f.str("VersionId", false);
  if (v.version_id.empty()) v.version_id = random.uuid4();
  if (f.has("SecretString")) v.secret_string = f.str("SecretString", true);
  if (f.has("SecretBinary")) {
    std::string bytes;
    if (!common::base64_decode(f.str("SecretBinary", true), bytes,
                               common::Base64Padding::required)) {
      f.fail("\"SecretBinary\" must be base64");
    }
    v.secret_binary = std::move(bytes);
  }
  if (v.secret_string.has_value() == v.secret_binary.has_value()) {
    f.fail("exactly one of \"SecretString\" and \"SecretBinary\" is needed");
  }
  v.created = f.number("CreatedDate", created);
  return v;
}

Secret read_secret(const json& j, const std::string& where, const LoadDefaults& d, Random& random) {
  Fields f(j, where);
  Secret s;
  s.name = f.str("Name", true);
  try {
    validate_secret_name(s.name);
  } catch (const ApiError& e) {
    f.fail("invalid secret name \"" + s.name + "\": " + e.what());
  }
  s.arn = f.str("ARN", false);
  if (s.arn.empty()) {
    s.arn = "arn:aws:secretsmanager:" + d.region + ":" + d.account_id + ":secret:" + s.name + "-" +
            random.alnum(6);
  }
  s.description = f.str("Description", false);
  s.kms_key_id = f.str("KmsKeyId", false);
  s.resource_policy = f.str("ResourcePolicy", false);
  s.created = f.number("CreatedDate", d.now);
  s.last_changed = f.number("LastChangedDate", s.created);
  if (f.has("LastAccessedDate")) s.last_accessed = f.number("LastAccessedDate", 0);
  if (f.has("DeletionDate")) s.deletion_date = f.number("DeletionDate", 0);
  if (f.has("RotationDays")) {
    s.rotation_days = static_cast<std::int64_t>(f.number("RotationDays", 0));
  }
  if (f.has("NextRotationDate")) s.next_rotation = f.number("NextRotationDate", 0);
  s.tags = f.tags();
  if (const json* versions = f.array("Versions")) {
    for (std::size_t i = 0; i < versions->size(); ++i) {
      Fields vf((*versions)[i], where + ".Versions[" + std::to_string(i) + "]");
      SecretVersion v = read_secret_version(vf, random, s.created);
      v.stages = vf.strings("VersionStages");
      vf.done();
      s.versions.push_back(std::move(v));
    }
  } else if (f.has("SecretString") || f.has("SecretBinary")) {
    SecretVersion v = read_secret_version(f, random, s.created);
    v.stages = {"AWSCURRENT"};
    s.versions.push_back(std::move(v));
  }
  std::set<std::string> stages;
  std::set<std::string> ids;
  for (const auto& v : s.versions) {
    if (!ids.insert(v.version_id).second) f.fail("VersionId \"" + v.version_id + "\" repeated");
    for (const auto& stage : v.stages) {
      if (!stages.insert(stage).second) f.fail("stage \"" + stage + "\" is on two versions");
    }
  }
  if (!s.versions.empty() && !stages.contains("AWSCURRENT")) {
    f.fail("no version carries the AWSCURRENT stage");
  }
  f.done();
  return s;
}

json tags_json(const std::vector<Tag>& tags) {
  json out = json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

}  // namespace

Parameter parse_parameter(const nlohmann::json& entry, const std::string& where,
                          const LoadDefaults& defaults) {
  return read_parameter(entry, where, defaults);
}

Secret parse_secret(const nlohmann::json& entry, const std::string& where,
                    const LoadDefaults& defaults, Random& random) {
  return read_secret(entry, where, defaults, random);
}

StoreData parse_store(std::string_view text, const LoadDefaults& defaults, Random& random) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // Only the position: the parser's own message quotes the file, secret values included.
    throw LoadError("not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    throw LoadError("not usable JSON: a number out of range or an invalid value");
  }
  Fields top(doc, "top level");
  const std::string format = top.str("format", false, std::string(kFormat));
  if (format != kFormat) top.fail("\"format\" must be \"ssm-cache-local\"");
  const auto version = top.integer("version", false, kFormatVersion);
  if (version != kFormatVersion) {
    top.fail("unsupported \"version\" " + std::to_string(version) + " (this server reads 1)");
  }
  StoreData data;
  if (const json* params = top.array("parameters")) {
    for (std::size_t i = 0; i < params->size(); ++i) {
      Parameter p = read_parameter((*params)[i], "parameters[" + std::to_string(i) + "]", defaults);
      const std::string name = p.name;
      if (!data.parameters.emplace(name, std::move(p)).second) {
        throw LoadError("parameters[" + std::to_string(i) + "]: parameter \"" + name +
                        "\" appears twice");
      }
    }
  }
  if (const json* secrets = top.array("secrets")) {
    std::set<std::string> arns;
    for (std::size_t i = 0; i < secrets->size(); ++i) {
      const std::string where = "secrets[" + std::to_string(i) + "]";
      Secret s = read_secret((*secrets)[i], where, defaults, random);
      if (!arns.insert(s.arn).second) throw LoadError(where + ": ARN appears twice");
      const std::string name = s.name;
      if (!data.secrets.emplace(name, std::move(s)).second) {
        throw LoadError(where + ": secret \"" + name + "\" appears twice");
      }
    }
  }
  top.done();
  return data;
}

nlohmann::json parameter_json(const Parameter& p) {
  json versions = json::array();
  for (const auto& v : p.versions) {
    json jv = {{"Version", v.version},
               {"Type", v.type},
               {"Value", v.value},
               {"Tier", v.tier},
               {"DataType", v.data_type},
               {"Labels", v.labels},
               {"LastModifiedDate", v.last_modified},
               {"LastModifiedUser", v.last_modified_user}};
    if (!v.key_id.empty()) jv["KeyId"] = v.key_id;
    if (!v.description.empty()) jv["Description"] = v.description;
    if (!v.allowed_pattern.empty()) jv["AllowedPattern"] = v.allowed_pattern;
    if (!v.policies.empty()) jv["Policies"] = v.policies;
    versions.push_back(std::move(jv));
  }
  json jp = {{"Name", p.name}, {"Versions", std::move(versions)}};
  if (!p.tags.empty()) jp["Tags"] = tags_json(p.tags);
  return jp;
}

nlohmann::json secret_json(const Secret& s) {
  json versions = json::array();
  for (const auto& v : s.versions) {
    json jv = {
        {"VersionId", v.version_id}, {"VersionStages", v.stages}, {"CreatedDate", v.created}};
    if (v.secret_string) jv["SecretString"] = *v.secret_string;
    if (v.secret_binary) jv["SecretBinary"] = common::base64_encode(*v.secret_binary);
    versions.push_back(std::move(jv));
  }
  json js = {{"Name", s.name},
             {"ARN", s.arn},
             {"CreatedDate", s.created},
             {"LastChangedDate", s.last_changed},
             {"Versions", std::move(versions)}};
  if (!s.description.empty()) js["Description"] = s.description;
  if (!s.kms_key_id.empty()) js["KmsKeyId"] = s.kms_key_id;
  if (!s.resource_policy.empty()) js["ResourcePolicy"] = s.resource_policy;
  if (s.last_accessed) js["LastAccessedDate"] = *s.last_accessed;
  if (s.deletion_date) js["DeletionDate"] = *s.deletion_date;
  if (s.rotation_days) js["RotationDays"] = *s.rotation_days;
  if (s.next_rotation) js["NextRotationDate"] = *s.next_rotation;
  if (!s.tags.empty()) js["Tags"] = tags_json(s.tags);
  return js;
}

std::string serialize_store(const StoreData& data) {
  json doc;
  doc["format"] = kFormat;
  doc["version"] = kFormatVersion;
  json params = json::array();
  for (const auto& [name, p] : data.parameters) params.push_back(parameter_json(p));
  json secrets = json::array();
  for (const auto& [name, s] : data.secrets) secrets.push_back(secret_json(s));
  doc["parameters"] = std::move(params);
  doc["secrets"] = std::move(secrets);
  return doc.dump(1) + "\n";
}

StoreData load_store_file(const std::string& path, const LoadDefaults& defaults, Random& random) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return {};
    throw LoadError(path + ": cannot be read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw LoadError(path + ": cannot be read: " + std::strerror(errno));
  try {
    return parse_store(text.str(), defaults, random);
  } catch (const LoadError& e) {
    throw LoadError(path + ": " + e.what());
  }
}

void write_file_durably(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot fsync " + tmp + ": " + std::strerror(err));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
  // The rename itself must reach the disk too: fsync the directory.
  const auto slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace ssm_cache::local
