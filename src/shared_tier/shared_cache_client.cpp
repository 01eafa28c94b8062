// shared_tier/shared_cache_client.cpp — SharedCacheClient: the tier as a decorator of the
// client interfaces, so the cache core is unchanged. Records travel as CBOR (nlohmann), sealed
// by the tier.
//
// Entries: one per parameter name as asked ("param", selector included), one per
// GetParametersByPath query ("path": path, recursive, filters), one per GetSecretValue
// ("secret": id, version id, stage). A name AWS reports missing is published as a short
// negative entry so that a fleet asking for it does not go to AWS once per instance.
#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "common/env.hpp"
#include "common/strings.hpp"
#include "common/thread_annotations.hpp"
#include "shared_tier/tier.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/parameter.hpp"
#include "ssm_cache/shared_cache.hpp"

namespace ssm_cache {

namespace {

using nlohmann::json;
using shared_tier::Fetched;
using shared_tier::Item;
using std::chrono::milliseconds;

/// A name found missing stays missing fleet-wide this long at most.
constexpr milliseconds kNegativeTtl{10000};
/// A secret's description (DescribeSecret) is shared this long at most.
constexpr milliseconds kDescriptionTtl{10000};

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point from_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(ms)));
}

json record_json(const ParameterRecord& r) {
  return {{"n", r.name},
          {"t", r.type},
          {"v", r.value},
          {"ver", r.version},
          {"s", r.selector},
          {"a", r.arn},
          {"m", to_ms(r.last_modified)},
          {"d", r.data_type},
          {"src", r.source_result}};
}

ParameterRecord record_from(const json& j) {
  ParameterRecord r;
  r.name = j.at("n").get<std::string>();
  r.type = j.at("t").get<std::string>();
  r.value = j.at("v").get<std::string>();
  r.version = j.at("ver").get<std::int64_t>();
  r.selector = j.at("s").get<std::string>();
  r.arn = j.at("a").get<std::string>();
  r.last_modified = from_ms(j.at("m").get<std::int64_t>());
  r.data_type = j.at("d").get<std::string>();
  r.source_result = j.at("src").get<std::string>();
  return r;
}

std::string pack(const json& j) {
  const auto bytes = json::to_cbor(j);
  return {bytes.begin(), bytes.end()};
}
json unpack(const std::string& payload) { return json::from_cbor(payload); }

json secret_json(const SecretValue& v) {
  json j = {{"arn", v.arn},
            {"name", v.name},
            {"vid", v.version_id},
            {"stages", v.version_stages},
            {"c", to_ms(v.created_date)}};
  if (v.secret_string) j["str"] = *v.secret_string;
  if (v.secret_binary) {
    j["bin"] =
        json::binary(std::vector<std::uint8_t>(v.secret_binary->begin(), v.secret_binary->end()));
  }
  return j;
}

SecretValue secret_from(const json& j) {
  SecretValue v;
  v.arn = j.at("arn").get<std::string>();
  v.name = j.at("name").get<std::string>();
  v.version_id = j.at("vid").get<std::string>();
  v.version_stages = j.at("stages").get<std::vector<std::string>>();
  v.created_date = from_ms(j.at("c").get<std::int64_t>());
  if (j.contains("str")) v.secret_string = j.at("str").get<std::string>();
  if (j.contains("bin")) {
    const auto& b = j.at("bin").get_binary();
    v.secret_binary = std::string(b.begin(), b.end());
  }
  return v;
}

json description_json(const SecretDescription& d) {
  json j = {{"arn", d.arn}, {"name", d.name}, {"versions", d.version_ids_to_stages}};
  if (d.next_rotation_date) j["rot"] = to_ms(*d.next_rotation_date);
  return j;
}

SecretDescription description_from(const json& j) {
  SecretDescription d;
  d.arn = j.at("arn").get<std::string>();
  d.name = j.at("name").get<std::string>();
  d.version_ids_to_stages = j.at("versions").get<std::map<std::string, std::vector<std::string>>>();
  if (j.contains("rot")) d.next_rotation_date = from_ms(j.at("rot").get<std::int64_t>());
  return d;
}

/// The entry of a secret version: the AWSCURRENT value whether asked by stage or not, so that
/// GetSecretValue and BatchGetSecretValue share it.
Item secret_item(const std::string& id, const std::string& version_id, std::string stage) {
  if (version_id.empty() && stage.empty()) stage = "AWSCURRENT";
  return {"secret\n" + id + "\n" + version_id + "\n" + stage, "secret", true};
}

bool is_secret_reference(std::string_view name) {
  return name.starts_with(SecretsManagerParameter::kPrefix);
}

/// May this record be published in plain text (no key, allow_plaintext)?
bool plain_ok(const ParameterRecord& r) {
  return r.type != "SecureString" && !is_secret_reference(r.name);
}

/// The asked name a record answers: name + selector, or the plain name.
bool answers(const ParameterRecord& r, const std::string& asked) {
  return asked == r.name + r.selector || (r.selector.empty() && asked == r.name);
}

class SharedCacheClientImpl final : public SharedCacheClient {
 public:
  /// Any of the clients may be null (its calls then throw ConfigurationError).
  SharedCacheClientImpl(std::shared_ptr<ParameterClient> params,
                        std::shared_ptr<SecretsClient> secrets, std::shared_ptr<AwsClient> aws,
                        std::unique_ptr<shared_tier::Tier> tier)
      : params_(std::move(params)),
        secrets_(std::move(secrets)),
        aws_(std::move(aws)),
        tier_(std::move(tier)) {}

  GetParametersResult get_parameters(const std::vector<std::string>& names,
                                     bool with_decryption) override {
    std::vector<Item> items;
    std::vector<std::string> direct;  // never through the tier (plain-text mode, secret refs)
    std::vector<std::string> asked;
    for (const auto& n : names) {
      if (!tier_->has_key() && is_secret_reference(n)) {
        direct.push_back(n);
      } else {
        asked.push_back(n);
        items.push_back({"param\n" + n, "parameter", with_decryption});
      }
    }
    GetParametersResult out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(items, found, [&](const std::vector<std::size_t>& which) {
      std::vector<std::string> fetch_names;
      for (auto i : which) fetch_names.push_back(asked[i]);
      GetParametersResult got = parameters().get_parameters(fetch_names, with_decryption);
      std::vector<std::optional<Fetched>> publish(which.size());
      for (std::size_t k = 0; k < fetch_names.size(); ++k) {
        const std::string& name = fetch_names[k];
        const auto match =
            std::count_if(got.parameters.begin(), got.parameters.end(),
                          [&](const ParameterRecord& r) { return answers(r, name); });
        if (match == 1) {
          const auto& r = *std::find_if(got.parameters.begin(), got.parameters.end(),
                                        [&](const ParameterRecord& x) { return answers(x, name); });
          if (tier_->has_key() || plain_ok(r)) {
            publish[k] = Fetched{pack({{"r", record_json(r)}}), tier_->ttl()};
          }
        } else if (match == 0 &&
                   std::find(got.invalid_parameters.begin(), got.invalid_parameters.end(), name) !=
                       got.invalid_parameters.end()) {
          publish[k] = Fetched{pack({{"missing", true}}), std::min(tier_->ttl(), kNegativeTtl)};
        }
        // Anything else (an answer we cannot attribute) is returned but not shared.
      }
      out.parameters.insert(out.parameters.end(), got.parameters.begin(), got.parameters.end());
      out.invalid_parameters.insert(out.invalid_parameters.end(), got.invalid_parameters.begin(),
                                    got.invalid_parameters.end());
      return publish;
    });
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!found[i]) continue;
      const json j = decode(*found[i]);
      if (j.contains("r")) {
        out.parameters.push_back(record_from(j.at("r")));
      } else {
        out.invalid_parameters.push_back(asked[i]);
      }
    }
    if (!direct.empty()) {
      auto got = parameters().get_parameters(direct, with_decryption);
      out.parameters.insert(out.parameters.end(), got.parameters.begin(), got.parameters.end());
      out.invalid_parameters.insert(out.invalid_parameters.end(), got.invalid_parameters.begin(),
                                    got.invalid_parameters.end());
    }
    return out;
  }

  std::vector<ParameterRecord> get_parameters_by_path(const std::string& path, bool recursive,
                                                      const std::vector<Filter>& filters,
                                                      bool with_decryption) override {
    json f = json::array();
    for (const auto& x : filters) f.push_back({x.key, x.option, x.values});
    std::vector<Item> items{{"path\n" + path + "\n" + (recursive ? "1" : "0") + "\n" + f.dump(),
                             "path", with_decryption}};
    std::vector<ParameterRecord> out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(items, found, [&](const std::vector<std::size_t>&) {
      out = parameters().get_parameters_by_path(path, recursive, filters, with_decryption);
      std::vector<std::optional<Fetched>> publish(1);
      if (tier_->has_key() || std::all_of(out.begin(), out.end(), plain_ok)) {
        json list = json::array();
        for (const auto& r : out) list.push_back(record_json(r));
        publish[0] = Fetched{pack({{"records", list}}), tier_->ttl()};
      }
      return publish;
    });
    if (found[0]) {
      const json j = decode(*found[0]);  // named: a range-for over a temporary's member dangles
      for (const auto& r : j.at("records")) out.push_back(record_from(r));
    }
    return out;
  }

  ParameterRecord get_parameter(const std::string& name, bool with_decryption) override {
    if (!aws_) throw ConfigurationError("shared cache: get_parameter needs a wrapped AwsClient");
    if (!tier_->has_key() && is_secret_reference(name))
      return aws_->get_parameter(name, with_decryption);
    std::vector<Item> items{{"param\n" + name, "parameter", with_decryption}};
    std::optional<ParameterRecord> out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(items, found, [&](const std::vector<std::size_t>&) {
      out = aws_->get_parameter(name, with_decryption);  // ParameterNotFound propagates
      std::vector<std::optional<Fetched>> publish(1);
      if (tier_->has_key() || plain_ok(*out)) {
        publish[0] = Fetched{pack({{"r", record_json(*out)}}), tier_->ttl()};
      }
      return publish;
    });
    if (found[0]) {
      const json j = decode(*found[0]);
      // A shared negative entry: let the source answer with its own ParameterNotFound.
      if (!j.contains("r")) return aws_->get_parameter(name, with_decryption);
      return record_from(j.at("r"));
    }
    return *out;
  }

  SecretValue get_secret_value(const std::string& secret_id, const std::string& version_id,
                               const std::string& version_stage) override {
    auto& source = secrets();
    // Secrets are never stored in plain text: without a key they bypass the tier.
    if (!tier_->has_key()) return source.get_secret_value(secret_id, version_id, version_stage);
    std::optional<SecretValue> out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through({secret_item(secret_id, version_id, version_stage)}, found,
                        [&](const std::vector<std::size_t>&) {
                          out = source.get_secret_value(secret_id, version_id, version_stage);
                          return std::vector<std::optional<Fetched>>{
                              Fetched{pack(secret_json(*out)), tier_->ttl()}};
                        });
    return found[0] ? secret_from(decode(*found[0])) : *out;
  }

  // Each id is served from its GetSecretValue entry (AWSCURRENT) when the store has it; the
  // others are fetched in one BatchGetSecretValue call and each value found is stored. A
  // secret that failed in the batch is returned in errors and not stored.
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    auto& source = secrets();
    if (!tier_->has_key()) return source.batch_get_secret_value(ids);
    std::vector<Item> items;
    for (const auto& id : ids) items.push_back(secret_item(id, "", ""));
    BatchSecretsResult out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(items, found, [&](const std::vector<std::size_t>& which) {
      std::vector<std::string> asked;
      for (auto i : which) asked.push_back(ids[i]);
      BatchSecretsResult got = source.batch_get_secret_value(asked);
      std::vector<std::optional<Fetched>> publish(which.size());
      for (std::size_t k = 0; k < asked.size(); ++k) {
        auto it = std::find_if(got.secrets.begin(), got.secrets.end(), [&](const SecretValue& v) {
          return v.name == asked[k] || v.arn == asked[k];
        });
        if (it != got.secrets.end()) publish[k] = Fetched{pack(secret_json(*it)), tier_->ttl()};
      }
      std::move(got.secrets.begin(), got.secrets.end(), std::back_inserter(out.secrets));
      std::move(got.errors.begin(), got.errors.end(), std::back_inserter(out.errors));
      return publish;
    });
    for (const auto& entry : found) {
      if (entry) out.secrets.push_back(secret_from(decode(*entry)));
    }
    return out;
  }

  // Cached, sealed, for a short time (kDescriptionTtl): version-aware refreshes of a fleet
  // ask it once per instance and refresh, which is the burst the tier exists to absorb, and
  // a rotation is still seen within seconds. A missing secret is not cached (it throws).
  SecretDescription describe_secret(const std::string& secret_id) override {
    auto& source = secrets();
    if (!tier_->has_key()) return source.describe_secret(secret_id);
    std::optional<SecretDescription> out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(
        {{"describe\n" + secret_id, "description", false}}, found,
        [&](const std::vector<std::size_t>&) {
          out = source.describe_secret(secret_id);
          return std::vector<std::optional<Fetched>>{
              Fetched{pack(description_json(*out)), std::min(tier_->ttl(), kDescriptionTtl)}};
        });
    return found[0] ? description_from(decode(*found[0])) : *out;
  }

  SharedCacheStats stats() const override { return tier_->stats(); }

 private:
  ParameterClient& parameters() {
    if (!params_) {
      throw ConfigurationError(
          "shared cache: Parameter Store calls need a wrapped ParameterClient or AwsClient");
    }
    return *params_;
  }
  SecretsClient& secrets() {
    if (!secrets_) {
      throw ConfigurationError(
          "shared cache: Secrets Manager calls need a wrapped SecretsClient or AwsClient");
    }
    return *secrets_;
  }
  /// A payload that opened (so we wrote it) but does not parse is a bug or a format change;
  /// say so plainly rather than serve garbage.
  static json decode(const std::string& payload) {
    try {
      return unpack(payload);
    } catch (const json::exception&) {
      throw Error("shared cache: an entry opened but its content is not in the expected format");
    }
  }

  std::shared_ptr<ParameterClient> params_;
  std::shared_ptr<SecretsClient> secrets_;
  std::shared_ptr<AwsClient> aws_;
  std::unique_ptr<shared_tier::Tier> tier_;
};

std::optional<shared_tier::SealKey> load_key(const std::string& inline_key, const std::string& file,
                                             const char* what) {
  if (!inline_key.empty()) return shared_tier::parse_seal_key(inline_key, what);
  if (!file.empty()) return shared_tier::read_seal_key_file(file);
  return std::nullopt;
}

/// Checks the options, fills the CA file from the environment; returns the keys.
std::pair<std::optional<shared_tier::SealKey>, std::optional<shared_tier::SealKey>> prepare(
    SharedCacheOptions& options) {
  if (options.url.empty())
    throw ConfigurationError("shared cache: no Redis URL (SharedCacheOptions::url)");
  if (options.ca_file.empty()) {
    if (auto ca =
            common::env_setting(common::process_environment(), "SSM_CACHE_SHARED_CACHE_CA_FILE")) {
      options.ca_file = std::move(*ca);
    }
  }
  auto key = load_key(options.key, options.key_file, "SharedCacheOptions::key");
  auto previous =
      load_key(options.previous_key, options.previous_key_file, "SharedCacheOptions::previous_key");
  if (!key && !options.allow_plaintext) {
    throw ConfigurationError(
        "shared cache: no sealing key (SharedCacheOptions::key / key_file, or "
        "SSM_CACHE_SHARED_CACHE_KEY_FILE); the shared store is untrusted, so values are stored "
        "only sealed. Set allow_plaintext to share non-secret parameters without a key");
  }
  if (options.ttl <= milliseconds(0))
    throw ConfigurationError("shared cache: ttl must be positive");
  return {key, previous};
}

std::unique_ptr<shared_tier::Tier> make_tier(SharedCacheOptions& options) {
  auto [key, previous] = prepare(options);
  return std::make_unique<shared_tier::Tier>(options, key, previous);
}

/// What tells two options apart for shared_core: every field but the log function. The key
/// material is hashed into it, never kept in clear.
std::string fingerprint(const SharedCacheOptions& o) {
  const json j = {o.url,
                  o.key,
                  o.key_file,
                  o.previous_key,
                  o.previous_key_file,
                  o.allow_plaintext,
                  o.ttl.count(),
                  o.refresh_ahead,
                  o.operation_timeout.count(),
                  o.connect_timeout.count(),
                  o.lease_time.count(),
                  o.wait_bound.count(),
                  o.breaker_failures,
                  o.breaker_cooldown.count(),
                  o.ca_file,
                  o.key_prefix};
  return shared_tier::sha256_hex(j.dump());
}

}  // namespace

namespace shared_tier {

std::shared_ptr<TierCore> shared_core(SharedCacheOptions options) {
  static detail::Mutex mutex;
  static std::map<std::string, std::weak_ptr<TierCore>> cores SSM_CACHE_GUARDED_BY(mutex);
  auto [key, previous] = prepare(options);
  const std::string id = fingerprint(options);
  detail::MutexLock lock(mutex);
  if (auto core = cores[id].lock()) return core;
  std::erase_if(cores, [](const auto& kv) { return kv.second.expired(); });
  auto core = std::make_shared<TierCore>(options, key, previous);
  cores[id] = core;
  return core;
}

std::shared_ptr<SharedCacheClient> client_of_core(std::shared_ptr<TierCore> core,
                                                  std::shared_ptr<ParameterClient> params,
                                                  std::shared_ptr<SecretsClient> secrets) {
  auto aws = std::dynamic_pointer_cast<AwsClient>(params);
  if (!aws) aws = std::dynamic_pointer_cast<AwsClient>(secrets);
  if (aws && !params) params = aws;
  if (aws && !secrets) secrets = aws;
  return std::make_shared<SharedCacheClientImpl>(std::move(params), std::move(secrets),
                                                 std::move(aws),
                                                 std::make_unique<Tier>(std::move(core)));
}

}  // namespace shared_tier

std::shared_ptr<SharedCacheClient> make_shared_cache_client(std::shared_ptr<AwsClient> inner,
                                                            SharedCacheOptions options) {
  if (!inner) throw ConfigurationError("shared cache: no client to wrap");
  auto tier = make_tier(options);
  std::shared_ptr<ParameterClient> params = inner;
  std::shared_ptr<SecretsClient> secrets = inner;
  return std::make_shared<SharedCacheClientImpl>(std::move(params), std::move(secrets),
                                                 std::move(inner), std::move(tier));
}

std::shared_ptr<SharedCacheClient> make_shared_cache_client(std::shared_ptr<ParameterClient> inner,
                                                            SharedCacheOptions options) {
  if (!inner) throw ConfigurationError("shared cache: no client to wrap");
  auto aws = std::dynamic_pointer_cast<AwsClient>(inner);
  auto tier = make_tier(options);
  return std::make_shared<SharedCacheClientImpl>(std::move(inner), aws, aws, std::move(tier));
}

std::shared_ptr<SharedCacheClient> make_shared_cache_client(std::shared_ptr<SecretsClient> inner,
                                                            SharedCacheOptions options) {
  if (!inner) throw ConfigurationError("shared cache: no client to wrap");
  auto aws = std::dynamic_pointer_cast<AwsClient>(inner);
  auto tier = make_tier(options);
  return std::make_shared<SharedCacheClientImpl>(aws, std::move(inner), aws, std::move(tier));
}

SharedCacheOptions shared_cache_options_from_environment() {
  const common::Environment process = common::process_environment();
  auto env = [&](const char* name) -> std::string {
    return common::env_setting(process, name).value_or(std::string());
  };
  SharedCacheOptions o;
  o.url = env("SSM_CACHE_SHARED_CACHE_URL");
  o.key_file = env("SSM_CACHE_SHARED_CACHE_KEY_FILE");
  o.previous_key_file = env("SSM_CACHE_SHARED_CACHE_PREVIOUS_KEY_FILE");
  o.ca_file = env("SSM_CACHE_SHARED_CACHE_CA_FILE");
  // 1/0 or true/false (the sidecar's boolean words); anything else is an error, not a silent
  // "no".
  if (const std::string plain = env("SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT"); !plain.empty()) {
    const auto allow = common::parse_bool(plain, common::BoolWords::with_digits);
    if (!allow) {
      throw ConfigurationError(
          "SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT must be 1, 0, true or false (got '" + plain +
          "')");
    }
    o.allow_plaintext = *allow;
  }
  // A positive whole number from the environment, or `fallback` when the variable is unset.
  auto number = [&](const char* name, long max, long fallback) {
    const std::string text = env(name);
    if (text.empty()) return fallback;
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || v <= 0 || v > max) {
      throw ConfigurationError(std::string(name) + " must be a whole number from 1 to " +
                               std::to_string(max) + " (got '" + text + "')");
    }
    return v;
  };
  o.ttl = std::chrono::seconds(number("SSM_CACHE_SHARED_CACHE_TTL", 86400L * 7, 300));
  o.operation_timeout =
      milliseconds(number("SSM_CACHE_SHARED_CACHE_TIMEOUT_MS", 60000, o.operation_timeout.count()));
  o.connect_timeout = milliseconds(
      number("SSM_CACHE_SHARED_CACHE_CONNECT_TIMEOUT_MS", 60000, o.connect_timeout.count()));
  return o;
}

std::shared_ptr<AwsClient> with_shared_cache_from_environment(std::shared_ptr<AwsClient> inner) {
  SharedCacheOptions options = shared_cache_options_from_environment();
  if (options.url.empty()) return inner;
  return make_shared_cache_client(std::move(inner), std::move(options));
}

}  // namespace ssm_cache
