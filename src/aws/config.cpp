// aws/config.cpp — settings resolution: environment, shared config/credentials files, options
// in code. Pure apart from reading the two files; thread-safe (no shared state). Resolving
// costs two small file reads.
#include "aws/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/strings.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::aws {
namespace {

using common::lower;
using common::trim;

std::string expand_home(const common::Environment& env, std::string path) {
  if (path == "~" || path.starts_with("~/")) {
    const auto home = common::env_setting(env, "HOME");
    if (home) path = *home + path.substr(1);
  }
  return path;
}

enum class FileState { missing, read, unreadable };

/// Why `path` cannot be opened as a file (missing: fine; unreadable: an error, with `why`), or
/// nullopt when it is there and not a directory.
std::optional<FileState> stat_problem(const std::string& path, std::string& why) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return FileState::missing;
    why = std::strerror(errno);
    return FileState::unreadable;
  }
  if (S_ISDIR(st.st_mode)) {
    why = "it is a directory";
    return FileState::unreadable;
  }
  return std::nullopt;
}

/// Reads a whole file; distinguishes "not there" (fine) from "there but unreadable" (an error).
FileState read_file(const std::string& path, std::string& text, std::string& why) {
  if (auto problem = stat_problem(path, why)) return *problem;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return FileState::unreadable;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return FileState::unreadable;
  }
  text = ss.str();
  return FileState::read;
}

/// Like read_file without the reading: the CA bundle is only checked here (libcurl parses it,
/// and only for an https connection), and reading the system bundle whole cost ~0.6M
/// instructions of every cold start.
FileState check_readable(const std::string& path, std::string& why) {
  if (auto problem = stat_problem(path, why)) return *problem;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return FileState::unreadable;
  }
  ::close(fd);
  return FileState::read;
}

using Sections = std::map<std::string, std::map<std::string, std::string>>;

/// Loads one shared file, or nothing when it does not exist.
Sections load_file(const std::string& path, std::string_view setting) {
  std::string text;
  std::string why;
  switch (read_file(path, text, why)) {
    case FileState::missing: return {};
    case FileState::unreadable:
      throw ConfigurationError("cannot read the AWS " + std::string(setting) + " file " + path +
                               ": " + why);
    case FileState::read: break;
  }
  return parse_ini(text, path);
}

/// Matches the partitions' region patterns ^(prefix)-\w+-\d+$ without std::regex.
bool region_matches(std::string_view region, const std::vector<std::string_view>& prefixes) {
  for (std::string_view prefix : prefixes) {
    if (region.size() <= prefix.size() + 1 || !region.starts_with(prefix) ||
        region[prefix.size()] != '-')
      continue;
    const std::string_view rest = region.substr(prefix.size() + 1);
    const std::size_t dash = rest.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == rest.size()) continue;
    const std::string_view word = rest.substr(0, dash);
    const std::string_view number = rest.substr(dash + 1);
    const bool word_ok = std::all_of(word.begin(), word.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    });
    const bool number_ok =
        std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (word_ok && number_ok) return true;
  }
  return false;
}

struct Partition {
  std::string_view id;
  std::vector<std::string_view> prefixes;
  std::string_view dns_suffix;
  std::string_view dualstack_suffix;
  bool supports_fips;
  bool supports_dualstack;
};

/// Partitions of botocore's partitions.json (plus the ISO-E/F partitions of newer SDKs).
const std::vector<Partition>& partitions() {
  static const std::vector<Partition> kPartitions = {
      {"aws",
       {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"},
       "amazonaws.com",
       "api.aws",
       true,
       true},
      {"aws-cn", {"cn"}, "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true},
      {"aws-us-gov", {"us-gov"}, "amazonaws.com", "api.aws", true, true},
      {"aws-iso", {"us-iso"}, "c2s.ic.gov", "c2s.ic.gov", true, false},
      {"aws-iso-b", {"us-isob"}, "sc2s.sgov.gov", "sc2s.sgov.gov", true, false},
      {"aws-iso-e", {"eu-isoe"}, "cloud.adc-e.uk", "cloud.adc-e.uk", true, false},
      {"aws-iso-f", {"us-isof"}, "csp.hci.ic.gov", "csp.hci.ic.gov", true, false},
  };
  return kPartitions;
}

const Partition& partition_of(std::string_view region) {
  const auto& all = partitions();
  // Global pseudo-regions ("aws-cn-global") belong to their partition.
  for (const auto& p : all) {
    if (region == std::string(p.id) + "-global") return p;
  }
  // The more specific patterns (us-gov, us-iso...) must win over "aws" (us-...), so test them
  // first; "aws" is also the fallback for unknown regions, as in the SDKs.
  for (std::size_t i = all.size(); i-- > 1;) {
    if (region_matches(region, all[i].prefixes)) return all[i];
  }
  return all[0];
}

bool valid_region(std::string_view region) {
  if (region.empty() || region.size() > 63 || region.front() == '-' || region.back() == '-') {
    return false;
  }
  return std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string profile_where(const Profile& profile) {
  return "profile '" + profile.name + "'" +
         (profile.source.empty() ? "" : " (" + profile.source + ")");
}

std::optional<std::string> profile_value(const Profile& profile, const std::string& key) {
  const auto it = profile.values.find(key);
  if (it == profile.values.end() || trim(it->second).empty()) return std::nullopt;
  return std::string(trim(it->second));
}

/// A validated endpoint URL without a trailing slash.
std::string checked_endpoint(std::string_view url, std::string_view where) {
  EndpointUrl parsed;
  std::string why;
  if (!parse_endpoint_url(url, parsed, why)) {
    throw ConfigurationError("the endpoint URL from " + std::string(where) +
                             " is not valid: " + why);
  }
  std::string out(trim(url));
  while (out.ends_with('/')) out.pop_back();
  return out;
}

struct Endpoint {
  std::string url;
  std::string source;
};

Endpoint resolve_endpoint(const std::string& from_options, std::string_view option_name,
                          std::string_view env_suffix, std::string_view services_key,
                          std::string_view service, const std::string& region, bool fips,
                          bool dualstack, bool ignore_configured, const common::Environment& env,
                          const Profile& profile,
                          const std::map<std::string, std::string>& services) {
  Endpoint custom;
  if (!trim(from_options).empty()) {
    custom = {checked_endpoint(from_options, option_name), std::string(option_name)};
  } else if (!ignore_configured) {
    const std::string specific = "AWS_ENDPOINT_URL_" + std::string(env_suffix);
    if (auto v = common::env_setting(env, specific)) {
      custom = {checked_endpoint(*v, specific), specific};
    } else if (auto g = common::env_setting(env, "AWS_ENDPOINT_URL")) {
      custom = {checked_endpoint(*g, "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL"};
    } else if (auto it = services.find(std::string(services_key) + ".endpoint_url");
               it != services.end() && !trim(it->second).empty()) {
      const std::string where = "'" + std::string(services_key) +
                                ".endpoint_url' in the services section of " +
                                profile_where(profile);
      custom = {checked_endpoint(it->second, where), where};
    } else if (auto p = profile_value(profile, "endpoint_url")) {
      const std::string where = "'endpoint_url' in " + profile_where(profile);
      custom = {checked_endpoint(*p, where), where};
    }
  }
  if (!custom.url.empty()) {
    // The SDKs' endpoint rules reject these combinations rather than silently pick one.
    if (fips) {
      throw ConfigurationError(
          "FIPS endpoints (AWS_USE_FIPS_ENDPOINT / use_fips_endpoint) cannot be "
          "combined with the custom endpoint from " +
          custom.source);
    }
    if (dualstack) {
      throw ConfigurationError(
          "dual-stack endpoints (AWS_USE_DUALSTACK_ENDPOINT / "
          "use_dualstack_endpoint) cannot be combined with the custom endpoint from " +
          custom.source);
    }
    return custom;
  }
  return {default_endpoint(service, region, fips, dualstack), "default for region " + region};
}

bool bool_setting(const common::Environment& env, std::string_view env_name, const Profile& profile,
                  const std::string& profile_key) {
  if (auto v = common::env_setting(env, env_name))
    return common::parse_bool_setting(*v, env_name, "the environment");
  if (auto p = profile_value(profile, profile_key)) {
    return common::parse_bool_setting(*p, profile_key, profile_where(profile));
  }
  return false;
}

int parse_attempts(std::string_view text, std::string_view setting, std::string_view where) {
  int value = 0;
  bool ok = !text.empty() && text.size() <= 4;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok || value < 1) {
    throw ConfigurationError(std::string(setting) + " from " + std::string(where) +
                             " must be a whole number of at least 1, got '" + std::string(text) +
                             "'");
  }
  return value;
}

}  // namespace

std::string config_file_path(const common::Environment& env) {
  if (auto v = common::env_setting(env, "AWS_CONFIG_FILE")) return expand_home(env, *v);
  const auto home = common::env_setting(env, "HOME");
  return home ? *home + "/.aws/config" : std::string{};
}

std::string credentials_file_path(const common::Environment& env) {
  if (auto v = common::env_setting(env, "AWS_SHARED_CREDENTIALS_FILE")) return expand_home(env, *v);
  const auto home = common::env_setting(env, "HOME");
  return home ? *home + "/.aws/credentials" : std::string{};
}

std::map<std::string, std::map<std::string, std::string>> parse_ini(std::string_view text,
                                                                    std::string_view path) {
  Sections sections;
  std::string section;
  bool in_section = false;
  std::string last_key;  // for indented sub-properties
  int line_number = 0;
  std::size_t pos = 0;
  auto fail = [&](std::string_view what) {
    throw ConfigurationError("malformed AWS config file " + std::string(path) + " at line " +
                             std::to_string(line_number) + ": " + std::string(what));
  };
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (line.front() == '[') {
      std::string_view header = line;
      // Allow a trailing comment after the closing bracket: "[profile x] # note".
      const std::size_t close = header.find(']');
      if (close == std::string_view::npos) fail("a section header without ']'");
      const std::string_view rest = trim(header.substr(close + 1));
      if (!rest.empty() && rest.front() != '#' && rest.front() != ';') fail("text after ']'");
      const std::string_view name = trim(header.substr(1, close - 1));
      if (name.empty()) fail("an empty section name");
      // "profile   x" and "profile\tx" name the same profile as "profile x".
      std::string normalized(name);
      if (normalized.starts_with("profile") && normalized.size() > 7 &&
          (normalized[7] == ' ' || normalized[7] == '\t')) {
        normalized = "profile " + std::string(trim(std::string_view(normalized).substr(8)));
      } else if (normalized.starts_with("services") && normalized.size() > 8 &&
                 (normalized[8] == ' ' || normalized[8] == '\t')) {
        normalized = "services " + std::string(trim(std::string_view(normalized).substr(9)));
      }
      section = normalized;
      sections[section];  // an empty section still exists
      in_section = true;
      last_key.clear();
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) fail("expected '[section]' or 'key = value'");
    const std::string key = lower(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    if (key.empty()) fail("a property without a name");
    if (!in_section) fail("a property before any [section]");
    if (indented && !last_key.empty() && sections[section][last_key].empty()) {
      // Nested property ("ssm =\n  endpoint_url = ...") is stored as "ssm.endpoint_url".
      sections[section][last_key + "." + key] = value;
      continue;
    }
    sections[section][key] = value;
    last_key = key;
  }
  return sections;
}

Profile load_profile(const common::Environment& env, std::string_view profile_name) {
  Profile profile;
  std::string chosen_by;
  if (!trim(profile_name).empty()) {
    profile.name = std::string(trim(profile_name));
    chosen_by = "the profile option";
  } else if (auto p = common::env_setting(env, "AWS_PROFILE")) {
    profile.name = *p;
    chosen_by = "AWS_PROFILE";
  } else if (auto d = common::env_setting(env, "AWS_DEFAULT_PROFILE")) {
    profile.name = *d;
    chosen_by = "AWS_DEFAULT_PROFILE";
  } else {
    profile.name = "default";
  }

  const std::string config_path = config_file_path(env);
  const std::string credentials_path = credentials_file_path(env);
  const Sections config = config_path.empty() ? Sections{} : load_file(config_path, "config");
  const Sections credentials =
      credentials_path.empty() ? Sections{} : load_file(credentials_path, "credentials");

  std::vector<std::string> sources;
  // Config file: "[profile x]"; "[default]" for the default profile ("[profile default]" wins).
  const std::map<std::string, std::string>* from_config = nullptr;
  if (auto it = config.find("profile " + profile.name); it != config.end()) {
    from_config = &it->second;
  } else if (profile.name == "default") {
    if (auto d = config.find("default"); d != config.end()) from_config = &d->second;
  }
  if (from_config != nullptr) {
    profile.values = *from_config;
    sources.push_back(config_path);
  }
  // Credentials file: "[x]"; its keys win.
  if (auto it = credentials.find(profile.name); it != credentials.end()) {
    for (const auto& [k, v] : it->second) profile.values[k] = v;
    sources.push_back(credentials_path);
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    profile.source += (i > 0 ? " and " : "") + sources[i];
  }
  if (sources.empty() && !chosen_by.empty()) {
    throw ConfigurationError(
        "the AWS profile '" + profile.name + "' named by " + chosen_by + " is not in " +
        (config_path.empty() ? "(no config file)" : config_path) + " nor in " +
        (credentials_path.empty() ? "(no credentials file)" : credentials_path));
  }
  return profile;
}

std::map<std::string, std::string> load_services_section(const common::Environment& env,
                                                         const Profile& profile) {
  const auto name = profile_value(profile, "services");
  if (!name) return {};
  const std::string path = config_file_path(env);
  const Sections config = path.empty() ? Sections{} : load_file(path, "config");
  const auto it = config.find("services " + *name);
  if (it == config.end()) {
    throw ConfigurationError("'services = " + *name + "' in " + profile_where(profile) +
                             " names a [services " + *name + "] section that is not in " + path);
  }
  return it->second;
}

std::map<std::string, std::string> load_sso_session_section(const common::Environment& env,
                                                            const std::string& name) {
  const std::string path = config_file_path(env);
  const Sections config = path.empty() ? Sections{} : load_file(path, "config");
  const auto it = config.find("sso-session " + name);
  if (it == config.end()) {
    throw ConfigurationError("'sso_session = " + name + "' names an [sso-session " + name +
                             "] section that is not in " +
                             (path.empty() ? "(no config file: HOME is not set)" : path));
  }
  return it->second;
}

namespace {

// The pieces of parse_endpoint_url; each returns why the piece is invalid, or "" when it is
// fine.

std::string check_url_characters(std::string_view url) {
  if (url.empty()) return "it is empty";
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "it contains a space or a control character";
    }
  }
  return {};
}

/// "[::1]:8080" -> host "::1", port "8080".
std::string split_ipv6_authority(std::string_view authority, std::string_view& host,
                                 std::string_view& port) {
  const std::size_t close = authority.find(']');
  if (close == std::string_view::npos) return "an IPv6 address without ']'";
  const std::string_view after = authority.substr(close + 1);
  host = authority.substr(1, close - 1);
  if (!after.empty()) {
    if (after.front() != ':') return "unexpected text after the IPv6 address";
    port = after.substr(1);
    if (port.empty()) return "an empty port";
  }
  if (host.empty() ||
      host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
    return "the IPv6 address is not valid";
  }
  return {};
}

/// "host.example:8080" -> host "host.example", port "8080".
std::string split_name_authority(std::string_view authority, std::string_view& host,
                                 std::string_view& port) {
  host = authority;
  const std::size_t pc = host.rfind(':');
  if (pc != std::string_view::npos) {
    port = host.substr(pc + 1);
    host = host.substr(0, pc);
    if (port.empty()) return "an empty port";
  }
  if (host.empty()) return "it has no host";
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.' || c == '_')) {
      return "the host '" + std::string(host) + "' has characters a host name cannot have";
    }
  }
  return {};
}

std::string parse_port(std::string_view port, int& value) {
  std::string bad = "the port '" + std::string(port) + "' is not a number from 1 to 65535";
  value = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || value > 65535) return bad;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return bad;
  return {};
}

}  // namespace

bool parse_endpoint_url(std::string_view url, EndpointUrl& out, std::string& why) {
  url = trim(url);
  why = check_url_characters(url);
  if (!why.empty()) return false;
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    why = "it has no scheme (expected http:// or https://)";
    return false;
  }
  EndpointUrl parsed;
  parsed.scheme = lower(url.substr(0, colon));
  if (parsed.scheme != "http" && parsed.scheme != "https") {
    why = "the scheme must be http or https, not '" + parsed.scheme + "'";
    return false;
  }
  std::string_view rest = url.substr(colon + 3);
  const std::size_t path_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, path_start);
  const std::string_view tail =
      path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    why = "user information (user:password@) is not allowed in an endpoint URL";
    return false;
  }
  if (tail.find_first_of("?#") != std::string_view::npos) {
    why = "an endpoint URL cannot have a query or a fragment";
    return false;
  }
  std::string_view host;
  std::string_view port;
  why = authority.starts_with('[') ? split_ipv6_authority(authority, host, port)
                                   : split_name_authority(authority, host, port);
  if (why.empty() && !port.empty()) why = parse_port(port, parsed.port);
  if (!why.empty()) return false;
  parsed.host = std::string(host);
  parsed.path = std::string(tail);
  out = std::move(parsed);
  return true;
}

std::string default_endpoint(std::string_view service, std::string_view region, bool fips,
                             bool dualstack) {
  const Partition& p = partition_of(region);
  const std::string svc(service);
  const std::string reg(region);
  if (fips && dualstack) {
    if (!p.supports_fips || !p.supports_dualstack) {
      throw ConfigurationError("FIPS and dual-stack endpoints are both enabled, but the " +
                               std::string(p.id) + " partition of region " + reg +
                               " does not support both");
    }
    return "https://" + svc + "-fips." + reg + "." + std::string(p.dualstack_suffix);
  }
  if (fips) {
    if (!p.supports_fips) {
      throw ConfigurationError("FIPS endpoints are enabled, but the " + std::string(p.id) +
                               " partition of region " + reg + " does not support FIPS");
    }
    // In GovCloud the regular SSM endpoint is already FIPS-validated (SSM endpoint rules).
    if (p.id == "aws-us-gov" && svc == "ssm")
      return "https://ssm." + reg + "." + std::string(p.dns_suffix);
    return "https://" + svc + "-fips." + reg + "." + std::string(p.dns_suffix);
  }
  if (dualstack) {
    if (!p.supports_dualstack) {
      throw ConfigurationError("dual-stack endpoints are enabled, but the " + std::string(p.id) +
                               " partition of region " + reg + " does not support dual-stack");
    }
    return "https://" + svc + "." + reg + "." + std::string(p.dualstack_suffix);
  }
  return "https://" + svc + "." + reg + "." + std::string(p.dns_suffix);
}

namespace {

// The steps of resolve_config, each filling its part of `rc`.

void resolve_region(ResolvedConfig& rc, const AwsClientOptions& options,
                    const common::Environment& env, const Profile& profile) {
  // Region: options > AWS_REGION > AWS_DEFAULT_REGION > profile.
  if (!trim(options.region).empty()) {
    rc.region = std::string(trim(options.region));
    rc.region_source = "AwsClientOptions::region";
  } else if (auto r = common::env_setting(env, "AWS_REGION")) {
    rc.region = *r;
    rc.region_source = "AWS_REGION";
  } else if (auto d = common::env_setting(env, "AWS_DEFAULT_REGION")) {
    rc.region = *d;
    rc.region_source = "AWS_DEFAULT_REGION";
  } else if (auto p = profile_value(profile, "region")) {
    rc.region = *p;
    rc.region_source = "'region' in " + profile_where(profile);
  } else {
    throw ConfigurationError(
        "no AWS region configured: set AwsClientOptions::region, AWS_REGION, AWS_DEFAULT_REGION "
        "or 'region' in profile '" +
        profile.name + "' of " + config_file_path(env));
  }
  if (!valid_region(rc.region)) {
    throw ConfigurationError("the AWS region '" + rc.region + "' from " + rc.region_source +
                             " is not a valid region name (lowercase letters, digits and '-', "
                             "e.g. us-east-1)");
  }
}

void resolve_endpoints(ResolvedConfig& rc, const AwsClientOptions& options,
                       const common::Environment& env, const Profile& profile) {
  rc.use_fips = bool_setting(env, "AWS_USE_FIPS_ENDPOINT", profile, "use_fips_endpoint");
  rc.use_dualstack =
      bool_setting(env, "AWS_USE_DUALSTACK_ENDPOINT", profile, "use_dualstack_endpoint");
  const bool ignore = bool_setting(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", profile,
                                   "ignore_configured_endpoint_urls");
  const auto services =
      ignore ? std::map<std::string, std::string>{} : load_services_section(env, profile);

  Endpoint ssm = resolve_endpoint(options.ssm_endpoint_url, "AwsClientOptions::ssm_endpoint_url",
                                  "SSM", "ssm", "ssm", rc.region, rc.use_fips, rc.use_dualstack,
                                  ignore, env, profile, services);
  rc.ssm_endpoint = std::move(ssm.url);
  rc.ssm_endpoint_source = std::move(ssm.source);
  Endpoint sm = resolve_endpoint(options.secrets_manager_endpoint_url,
                                 "AwsClientOptions::secrets_manager_endpoint_url",
                                 "SECRETS_MANAGER", "secrets_manager", "secretsmanager", rc.region,
                                 rc.use_fips, rc.use_dualstack, ignore, env, profile, services);
  rc.secrets_manager_endpoint = std::move(sm.url);
  rc.secrets_manager_endpoint_source = std::move(sm.source);
}

void resolve_ca_bundle(ResolvedConfig& rc, const AwsClientOptions& options,
                       const common::Environment& env, const Profile& profile) {
  // CA bundle: options > AWS_CA_BUNDLE > profile ca_bundle; must be a readable file.
  if (!trim(options.ca_bundle).empty()) {
    rc.ca_bundle = std::string(trim(options.ca_bundle));
    rc.ca_bundle_source = "AwsClientOptions::ca_bundle";
  } else if (auto c = common::env_setting(env, "AWS_CA_BUNDLE")) {
    rc.ca_bundle = expand_home(env, *c);
    rc.ca_bundle_source = "AWS_CA_BUNDLE";
  } else if (auto pc = profile_value(profile, "ca_bundle")) {
    rc.ca_bundle = expand_home(env, *pc);
    rc.ca_bundle_source = "'ca_bundle' in " + profile_where(profile);
  }
  if (!rc.ca_bundle.empty()) {
    std::string why;
    const FileState state = check_readable(rc.ca_bundle, why);
    if (state != FileState::read) {
      throw ConfigurationError(
          "the CA bundle " + rc.ca_bundle + " from " + rc.ca_bundle_source +
          " cannot be read: " + (state == FileState::missing ? std::string("no such file") : why));
    }
  }
}

void resolve_retry(ResolvedConfig& rc, const AwsClientOptions& options,
                   const common::Environment& env, const Profile& profile) {
  // Attempts: options > AWS_MAX_ATTEMPTS > profile max_attempts > 3.
  if (options.max_attempts < 0) {
    throw ConfigurationError(
        "AwsClientOptions::max_attempts must be at least 1 (or 0 for the "
        "environment's), got " +
        std::to_string(options.max_attempts));
  }
  if (options.max_attempts > 0) {
    rc.max_attempts = options.max_attempts;
  } else if (auto m = common::env_setting(env, "AWS_MAX_ATTEMPTS")) {
    rc.max_attempts = parse_attempts(*m, "AWS_MAX_ATTEMPTS", "the environment");
  } else if (auto pm = profile_value(profile, "max_attempts")) {
    rc.max_attempts = parse_attempts(*pm, "max_attempts", profile_where(profile));
  }

  std::string mode_source = "default";
  if (auto m = common::env_setting(env, "AWS_RETRY_MODE")) {
    rc.retry_mode = lower(*m);
    mode_source = "AWS_RETRY_MODE";
  } else if (auto pm = profile_value(profile, "retry_mode")) {
    rc.retry_mode = lower(*pm);
    mode_source = "'retry_mode' in " + profile_where(profile);
  }
  if (rc.retry_mode != "standard" && rc.retry_mode != "legacy" && rc.retry_mode != "adaptive") {
    throw ConfigurationError("the retry mode '" + rc.retry_mode + "' from " + mode_source +
                             " must be standard, legacy or adaptive");
  }
}

}  // namespace

ResolvedConfig resolve_config(const AwsClientOptions& options, const common::Environment& env) {
  ResolvedConfig rc;
  const Profile profile = load_profile(env, options.profile);
  rc.profile = profile.name;
  resolve_region(rc, options, env, profile);
  resolve_endpoints(rc, options, env, profile);
  resolve_ca_bundle(rc, options, env, profile);
  resolve_retry(rc, options, env, profile);
  return rc;
}

}  // namespace ssm_cache::aws
