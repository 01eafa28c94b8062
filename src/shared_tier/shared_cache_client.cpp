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

#include <nlohmann/json.hpp>

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
  SharedCacheClientImpl(std::shared_ptr<ParameterClient> params, std::shared_ptr<AwsClient> aws,
                        std::unique_ptr<shared_tier::Tier> tier)
      : params_(std::move(params)), aws_(std::move(aws)), tier_(std::move(tier)) {}

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
      GetParametersResult got = params_->get_parameters(fetch_names, with_decryption);
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
      auto got = params_->get_parameters(direct, with_decryption);
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
      out = params_->get_parameters_by_path(path, recursive, filters, with_decryption);
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
    auto& aws = secrets();
    // Secrets are never stored in plain text: without a key they bypass the tier.
    if (!tier_->has_key()) return aws.get_secret_value(secret_id, version_id, version_stage);
    std::vector<Item> items{
        {"secret\n" + secret_id + "\n" + version_id + "\n" + version_stage, "secret", true}};
    std::optional<SecretValue> out;
    std::vector<std::optional<std::string>> found;
    tier_->read_through(items, found, [&](const std::vector<std::size_t>&) {
      out = aws.get_secret_value(secret_id, version_id, version_stage);
      json j = {{"arn", out->arn},
                {"name", out->name},
                {"vid", out->version_id},
                {"stages", out->version_stages},
                {"c", to_ms(out->created_date)}};
      if (out->secret_string) j["str"] = *out->secret_string;
      if (out->secret_binary) {
        j["bin"] = json::binary(
            std::vector<std::uint8_t>(out->secret_binary->begin(), out->secret_binary->end()));
      }
      return std::vector<std::optional<Fetched>>{Fetched{pack(j), tier_->ttl()}};
    });
    if (!found[0]) return *out;
    const json j = decode(*found[0]);
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

  // Batches and metadata go to the source directly: BatchGetSecretValue answers per secret
  // with partial failures, and DescribeSecret is cheap metadata under a 10,000 TPS quota.
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    return secrets().batch_get_secret_value(ids);
  }
  SecretDescription describe_secret(const std::string& secret_id) override {
    return secrets().describe_secret(secret_id);
  }

  SharedCacheStats stats() const override { return tier_->stats(); }

 private:
  SecretsClient& secrets() {
    if (!aws_)
      throw ConfigurationError("shared cache: Secrets Manager calls need a wrapped AwsClient");
    return *aws_;
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
  std::shared_ptr<AwsClient> aws_;
  std::unique_ptr<shared_tier::Tier> tier_;
};

std::optional<shared_tier::SealKey> load_key(const std::string& inline_key, const std::string& file,
                                             const char* what) {
  if (!inline_key.empty()) return shared_tier::parse_seal_key(inline_key, what);
  if (!file.empty()) return shared_tier::read_seal_key_file(file);
  return std::nullopt;
}

std::unique_ptr<shared_tier::Tier> make_tier(SharedCacheOptions& options) {
  if (options.url.empty())
    throw ConfigurationError("shared cache: no Redis URL (SharedCacheOptions::url)");
  if (options.ca_file.empty()) {
    if (const char* ca = std::getenv("SSM_CACHE_SHARED_CACHE_CA_FILE"); ca != nullptr)
      options.ca_file = ca;
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
  return std::make_unique<shared_tier::Tier>(options, key, previous);
}

}  // namespace

std::shared_ptr<SharedCacheClient> make_shared_cache_client(std::shared_ptr<AwsClient> inner,
                                                            SharedCacheOptions options) {
  if (!inner) throw ConfigurationError("shared cache: no client to wrap");
  auto tier = make_tier(options);
  std::shared_ptr<ParameterClient> parameters = inner;
  return std::make_shared<SharedCacheClientImpl>(std::move(parameters), std::move(inner),
                                                 std::move(tier));
}

std::shared_ptr<SharedCacheClient> make_shared_cache_client(std::shared_ptr<ParameterClient> inner,
                                                            SharedCacheOptions options) {
  if (!inner) throw ConfigurationError("shared cache: no client to wrap");
  auto aws = std::dynamic_pointer_cast<AwsClient>(inner);
  auto tier = make_tier(options);
  return std::make_shared<SharedCacheClientImpl>(std::move(inner), std::move(aws), std::move(tier));
}

SharedCacheOptions shared_cache_options_from_environment() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  SharedCacheOptions o;
  o.url = env("SSM_CACHE_SHARED_CACHE_URL");
  o.key_file = env("SSM_CACHE_SHARED_CACHE_KEY_FILE");
  o.previous_key_file = env("SSM_CACHE_SHARED_CACHE_PREVIOUS_KEY_FILE");
  o.ca_file = env("SSM_CACHE_SHARED_CACHE_CA_FILE");
  const std::string plain = env("SSM_CACHE_SHARED_CACHE_ALLOW_PLAINTEXT");
  o.allow_plaintext = plain == "1" || plain == "true";
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
