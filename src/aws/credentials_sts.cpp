// aws/credentials_sts.cpp — credentials from AWS STS: AssumeRoleWithWebIdentity (EKS IRSA, web
// identity profiles), AssumeRole (role_arn + source_profile / credential_source profiles) and
// the default resolver of STS profiles. Thread-safe; each call makes 1 to max_attempts HTTPS
// requests (and reads the token file, or asks the source provider), so callers put a cache in
// front.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "aws/config.hpp"
#include "aws/credentials_sso.hpp"
#include "aws/credentials_transport.hpp"
#include "aws/credentials_util.hpp"
#include "aws/retry.hpp"
#include "aws/retry_loop.hpp"
#include "aws/sigv4.hpp"
#include "aws/sts_protocol.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

constexpr std::string_view kWebIdentityAction = "AssumeRoleWithWebIdentity";
constexpr std::string_view kAssumeRoleAction = "AssumeRole";
/// Roles assumed one from another through source_profile, at most (botocore has no limit but
/// refuses cycles; a limit also stops a long chain of typos from making many STS calls).
constexpr std::size_t kMaxRoleChain = 8;

/// The token as the file holds it now, without trailing white space (a JWT has none; files
/// written by hand often end with a newline). The path may be named; the token never is.
std::string read_web_identity_token(const std::string& path, const std::string& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    throw CredentialsError(where + ": cannot read the web identity token file " + path + ": " +
                           (e != 0 ? std::strerror(e) : "open failed"));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                            token.back() == '\t')) {
    token.pop_back();
  }
  if (token.empty())
    throw CredentialsError(where + ": the web identity token file " + path + " is empty");
  return token;
}

/// One failed STS attempt, before the retry loop knows how many attempts the call took.
class StsAttemptError : public CredentialsError {
 public:
  StsAttemptError(std::string verb, const std::string& detail, bool transient, bool throttled)
      : CredentialsError(detail, transient), verb_(std::move(verb)), throttled_(throttled) {}
  [[nodiscard]] const std::string& verb() const noexcept { return verb_; }
  [[nodiscard]] bool throttled() const noexcept { return throttled_; }

 private:
  std::string verb_;  ///< "failed", "got no answer"
  bool throttled_;
};

/// One STS Query call with retries. Holds the transport, made on first use when none is given.
class StsCaller {
 public:
  StsCaller(std::shared_ptr<http::Transport> transport, common::Environment env, Sleeper sleep,
            std::chrono::milliseconds connect_timeout, std::chrono::milliseconds timeout,
            int max_attempts)
      : transport_(std::move(transport)),
        env_(std::move(env)),
        sleep_(std::move(sleep)),
        connect_timeout_(connect_timeout),
        timeout_(timeout),
        max_attempts_(std::max(1, max_attempts)) {
    if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }

  struct Call {
    std::string_view action;
    std::vector<std::pair<std::string, std::string>> fields;  ///< after Action and Version
    std::string role_arn;
    std::vector<std::string> secrets;  ///< values an error message must never show
    std::string where;  ///< "web identity", "profile 'x'"
    std::string provider;  ///< Credentials::provider
    bool web_identity = false;
    /// Run on a copy of the request before each attempt (signing with the current time).
    std::function<void(http::Request&)> prepare{};
  };

  Credentials call(const aws::StsEndpoint& endpoint, const Call& call) {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"Action", std::string(call.action)}, {"Version", std::string(aws::kStsApiVersion)}};
    fields.insert(fields.end(), call.fields.begin(), call.fields.end());
    http::Request request;
    request.method = "POST";
    request.url = endpoint.url + "/";
    request.headers = {{"Content-Type", std::string(aws::kFormContentType)}};
    request.body = aws::form_urlencode(fields);
    request.connect_timeout = connect_timeout_;
    request.timeout = timeout_;
    request.max_response_bytes = std::size_t{256} * 1024;

    const std::string what = call.where + ": " + std::string(call.action) + " for role " +
                             call.role_arn + " at " + endpoint.url + " (" + endpoint.source + ")";
    aws::RetryOptions options;
    options.max_attempts = max_attempts_;
    aws::RetrySeams seams;
    seams.sleep = sleep_;
    aws::RetryLoop loop(
        aws::RetryLoopSettings{options, kCallDeadline, &bucket_, nullptr, seams, what});
    return loop.run(
        [&](const aws::AttemptContext& ctx) { return attempt(request, call, what, ctx); },
        sts_hooks(what));
  }

 private:
  /// Every STS call, retries included, ends within this (4 attempts of the default 5 s timeout
  /// and their backoff fit).
  static constexpr std::chrono::milliseconds kCallDeadline{30000};

  Credentials attempt(const http::Request& request, const Call& call, const std::string& what,
                      const aws::AttemptContext& ctx) {
    http::Request attempt_request = request;
    attempt_request.timeout = std::min(timeout_, ctx.remaining);
    if (call.prepare) call.prepare(attempt_request);
    http::Response response;
    try {
      response = transport().send(attempt_request);
    } catch (const TransportError& e) {
      throw StsAttemptError("got no answer", e.what(), e.transient(), false);
    }
    if (response.status == 200) {
      return aws::parse_sts_credentials(response.body, call.action, call.provider, what);
    }
    const auto error = aws::parse_sts_error(response.body);
    const bool retryable = response.status >= 500 || response.status == 429 ||
                           (error && aws::is_retryable_sts_code(error->code, call.web_identity));
    const bool throttled =
        response.status == 429 || (error && error->code.find("Throttl") != std::string::npos);
    std::string detail;
    if (error) {
      detail = error->code + ": " + aws::scrub_message(error->message, call.secrets) + " (HTTP " +
               std::to_string(response.status) +
               (error->request_id.empty()
                    ? ""
                    : ", request id " + aws::scrub_message(error->request_id, {}, 80)) +
               ")";
    } else {
      detail = "HTTP " + std::to_string(response.status) + " without an STS error document";
    }
    throw StsAttemptError("failed", detail, retryable, throttled);
  }

  /// Retries the failures an attempt reports as StsAttemptError (any other error, from the
  /// response parser or the signer, is final and passes unchanged); the final message says
  /// how many attempts were made.
  static aws::RetryHooks sts_hooks(const std::string& what) {
    aws::RetryHooks hooks;
    hooks.decide = [](const Error& e) {
      const auto* f = dynamic_cast<const StsAttemptError*>(&e);
      return f != nullptr && f->transient() ? aws::RetryDecision::retry : aws::RetryDecision::stop;
    };
    hooks.throttling = [](const Error& e) {
      const auto* f = dynamic_cast<const StsAttemptError*>(&e);
      return f != nullptr && f->throttled();
    };
    hooks.give_up = [what](const Error& e, int attempts) {
      const auto* f = dynamic_cast<const StsAttemptError*>(&e);
      if (f == nullptr) throw;
      const std::string after =
          attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
      throw CredentialsError(what + " " + f->verb() + after + ": " + f->what(), f->transient());
    };
    return hooks;
  }

  http::Transport& transport() {
    std::call_once(once_, [this] {
      if (transport_) return;
      http::CurlTransportOptions options;
      options.ca_bundle = common::env_setting(env_, "AWS_CA_BUNDLE").value_or("");
      transport_ = http::make_curl_transport(options);
    });
    return *transport_;
  }

  std::once_flag once_;
  aws::RetryTokenBucket bucket_;  // this provider's retry quota
  std::shared_ptr<http::Transport> transport_;
  common::Environment env_;
  Sleeper sleep_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds timeout_;
  int max_attempts_;
};

std::string generated_session_name(const Clock* clock) {
  const auto now = wall_now(clock);
  return "ssm-cache-" +
         std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
}

/// What both STS providers hold: the environment, the profile whose settings choose the
/// endpoint (none: AWS_PROFILE's), the caller and the name errors start with.
struct StsProviderState {
  template <typename Config>
  StsProviderState(const Config& config, std::shared_ptr<http::Transport> transport,
                   std::optional<aws::Profile> profile_in, std::string where_in)
      : env(common::or_process(config.environment)),
        profile(std::move(profile_in)),
        caller(std::move(transport), env, config.sleep, config.connect_timeout, config.timeout,
               config.max_attempts),
        where(std::move(where_in)) {}

  /// Configuration errors become CredentialsError.
  aws::StsEndpoint endpoint(const std::string& endpoint_option, const std::string& region) const {
    try {
      return aws::resolve_sts_endpoint(env, profile ? *profile : aws::load_profile(env),
                                       endpoint_option, region);
    } catch (const ConfigurationError& e) {
      throw CredentialsError(where + ": " + e.what());
    }
  }

  common::Environment env;
  std::optional<aws::Profile> profile;
  StsCaller caller;
  std::string where;
};

/// Adds Host, X-Amz-Date, X-Amz-Security-Token and Authorization (SigV4, service sts, the
/// headers the SDKs sign) to a request for `endpoint`.
void sign_sts_request(http::Request& request, const aws::StsEndpoint& endpoint,
                      const Credentials& source, std::chrono::system_clock::time_point when) {
  aws::EndpointUrl url;
  std::string why;
  if (!aws::parse_endpoint_url(endpoint.url, url, why))
    throw CredentialsError("STS endpoint: " + why);
  std::string authority = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const bool default_port = url.port == 0 || (url.scheme == "https" && url.port == 443) ||
                            (url.scheme == "http" && url.port == 80);
  if (!default_port) authority += ":" + std::to_string(url.port);
  aws::SignableRequest signable{request.method, url.path + "/", request.headers, request.body};
  signable.headers.emplace_back("Host", authority);
  aws::sign_in_place(signable,
                     {source.access_key_id, source.secret_access_key, source.session_token},
                     aws::sdk_signing_options(endpoint.signing_region, "sts"), when);
  request.headers = std::move(signable.headers);
}

class WebIdentityProvider final : public CredentialsProvider {
 public:
  /// `profile`: the profile whose web_identity_token_file this is (its region and endpoint
  /// settings apply); none: the settings come from the environment and AWS_PROFILE's profile.
  WebIdentityProvider(WebIdentityCredentialsConfig config,
                      std::shared_ptr<http::Transport> transport,
                      std::optional<aws::Profile> profile)
      : config_(std::move(config)),
        sts_(config_, std::move(transport), profile,
             profile ? "web identity of profile '" + profile->name + "'"
                     : std::string("web identity")),
        generated_session_name_(generated_session_name(config_.clock.get())) {}

  Credentials get_credentials() override {
    std::string role_arn = config_.role_arn;
    std::string token_file = config_.token_file;
    std::string session_name = config_.session_name;
    if (role_arn.empty() && token_file.empty()) {
      const auto file = common::env_setting(sts_.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
      const auto role = common::env_setting(sts_.env, "AWS_ROLE_ARN");
      if (!file && !role) {
        throw CredentialsNotConfigured(
            "web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set");
      }
      if (!role)
        throw CredentialsError(
            "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
      if (!file)
        throw CredentialsError(
            "web identity: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
      role_arn = *role;
      token_file = *file;
      if (session_name.empty())
        session_name = common::env_setting(sts_.env, "AWS_ROLE_SESSION_NAME").value_or("");
    } else if (role_arn.empty()) {
      throw CredentialsError(sts_.where + ": a web identity token file is given but no role ARN");
    } else if (token_file.empty()) {
      throw CredentialsError(sts_.where + ": a role ARN is given but no web identity token file");
    }
    if (session_name.empty()) session_name = generated_session_name_;

    const aws::StsEndpoint endpoint = sts_.endpoint(config_.endpoint, config_.region);
    const std::string token = read_web_identity_token(token_file, sts_.where);
    StsCaller::Call call;
    call.action = kWebIdentityAction;
    call.fields = {
        {"RoleArn", role_arn}, {"RoleSessionName", session_name}, {"WebIdentityToken", token}};
    call.role_arn = role_arn;
    call.secrets = {token};
    call.where = sts_.where;
    call.provider = "web-identity";
    call.web_identity = true;
    return sts_.caller.call(endpoint, call);
  }

 private:
  WebIdentityCredentialsConfig config_;
  StsProviderState sts_;
  std::string generated_session_name_;
};

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  /// `profile`: the profile whose region and endpoint settings apply; none: AWS_PROFILE's.
  AssumeRoleProvider(AssumeRoleCredentialsConfig config, std::shared_ptr<http::Transport> transport,
                     std::optional<aws::Profile> profile, std::string where)
      : config_(std::move(config)),
        sts_(config_, std::move(transport), std::move(profile), std::move(where)),
        session_name_(config_.session_name.empty() ? generated_session_name(config_.clock.get())
                                                   : config_.session_name) {
    if (!config_.source) throw CredentialsError(sts_.where + ": no source credentials provider");
    if (config_.role_arn.empty()) throw CredentialsError(sts_.where + ": no role ARN");
    if (config_.duration &&
        (config_.duration->count() < 900 || config_.duration->count() > 43200)) {
      throw CredentialsError(sts_.where + ": the duration must be 900 to 43200 seconds, got " +
                             std::to_string(config_.duration->count()));
    }
  }

  Credentials get_credentials() override {
    const aws::StsEndpoint endpoint = sts_.endpoint(config_.endpoint, config_.region);
    Credentials source;
    try {
      source = config_.source->get_credentials();
    } catch (const CredentialsError& e) {
      // Set up but without credentials is broken, not "not configured": the chain must stop.
      throw CredentialsError(sts_.where + ": no source credentials to assume role " +
                                 config_.role_arn + ": " + e.what(),
                             e.transient());
    }
    StsCaller::Call call;
    call.action = kAssumeRoleAction;
    call.fields = {{"RoleArn", config_.role_arn}, {"RoleSessionName", session_name_}};
    // botocore's order (its AssumeRole provider's keyword arguments): ExternalId, DurationSeconds.
    if (!config_.external_id.empty()) call.fields.emplace_back("ExternalId", config_.external_id);
    if (config_.duration)
      call.fields.emplace_back("DurationSeconds", std::to_string(config_.duration->count()));
    call.role_arn = config_.role_arn;
    call.secrets = {source.secret_access_key, source.session_token};
    call.where = sts_.where;
    call.provider = "assume-role";
    call.prepare = [&](http::Request& request) {
      sign_sts_request(request, endpoint, source, wall_now(config_.clock.get()));
    };
    return sts_.caller.call(endpoint, call);
  }

 private:
  AssumeRoleCredentialsConfig config_;
  StsProviderState sts_;
  std::string session_name_;
};

/// For a profile this build cannot serve, or one set up wrongly: fails at each call, saying why.
class UnsupportedProfileProvider final : public CredentialsProvider {
 public:
  explicit UnsupportedProfileProvider(std::string message) : message_(std::move(message)) {}
  Credentials get_credentials() override { throw CredentialsError(message_); }

 private:
  std::string message_;
};

using Values = std::map<std::string, std::string>;

std::string value_of(const Values& values, const char* key) {
  const auto it = values.find(key);
  if (it == values.end()) return {};
  std::string_view v = it->second;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
    v.remove_suffix(1);
  return std::string(v);
}

bool has_static_keys(const Values& values) {
  return !value_of(values, "aws_access_key_id").empty() ||
         !value_of(values, "aws_secret_access_key").empty();
}

/// botocore's _has_assume_role_config_vars: a role, and not a web identity one.
bool assumes_role(const Values& values) {
  return !value_of(values, "role_arn").empty() &&
         value_of(values, "web_identity_token_file").empty();
}

std::shared_ptr<CredentialsProvider> cached(std::shared_ptr<CredentialsProvider> provider,
                                            const std::shared_ptr<const Clock>& clock) {
  return make_cached_credentials_provider({.provider = std::move(provider), .clock = clock});
}

/// Builds the providers of STS profiles; a configuration mistake throws CredentialsError.
class ProfileResolver {
 public:
  ProfileResolver(StsProfileResolverConfig config, std::shared_ptr<http::Transport> transport)
      : config_(std::move(config)),
        transport_(std::move(transport)),
        env_(common::or_process(config_.environment)) {}

  std::shared_ptr<CredentialsProvider> resolve(const std::string& name,
                                               const Values& values) const {
    const std::string where = "profile '" + name + "'";
    const std::string token_file = value_of(values, "web_identity_token_file");
    const std::string role_arn = value_of(values, "role_arn");
    const aws::Profile profile{name, values, {}};
    if (!token_file.empty()) {
      if (role_arn.empty())
        throw CredentialsError(where + " has web_identity_token_file but no role_arn");
      WebIdentityCredentialsConfig web;
      web.role_arn = role_arn;
      web.token_file = token_file;
      web.session_name = value_of(values, "role_session_name");
      web.environment = config_.environment;
      web.sleep = config_.sleep;
      web.clock = config_.clock;
      return std::make_shared<WebIdentityProvider>(std::move(web), transport_, profile);
    }
    if (!role_arn.empty()) return assume_role(name, values, profile, {name});
    if (!value_of(values, "sso_session").empty() || !value_of(values, "sso_start_url").empty()) {
      aws::SsoProviderConfig sso{
          .settings = aws::sso_settings_of(name, values, config_.environment),
          .environment = config_.environment,
          .transport = transport_,
          .clock = config_.clock};
      return cached(aws::make_sso_credentials_provider(std::move(sso)), config_.clock);
    }
    throw CredentialsError(
        where + " has no web_identity_token_file, role_arn, sso_session or sso_start_url");
  }

 private:
  /// The AssumeRole provider of profile `name`; `top` chooses the STS endpoint of every role in
  /// the chain (botocore calls STS in the session's region); `visited` holds the profiles seen.
  std::shared_ptr<CredentialsProvider> assume_role(const std::string& name, const Values& values,
                                                   const aws::Profile& top,
                                                   std::vector<std::string> visited) const {
    const std::string where = "profile '" + name + "'";
    if (visited.size() > kMaxRoleChain) {
      throw CredentialsError(where + ": more than " + std::to_string(kMaxRoleChain) +
                             " roles chained through source_profile");
    }
    const std::string source_profile = value_of(values, "source_profile");
    const std::string credential_source = value_of(values, "credential_source");
    if (!source_profile.empty() && !credential_source.empty()) {
      throw CredentialsError(where + " has both source_profile and credential_source: keep one");
    }
    if (source_profile.empty() && credential_source.empty()) {
      throw CredentialsError(where +
                             " has role_arn but neither source_profile nor credential_source");
    }
    if (!value_of(values, "mfa_serial").empty()) {
      throw CredentialsError(
          where + " has mfa_serial: roles that need an MFA code are not supported by ssm-cache");
    }
    AssumeRoleCredentialsConfig config;
    config.role_arn = value_of(values, "role_arn");
    config.session_name = value_of(values, "role_session_name");
    config.external_id = value_of(values, "external_id");
    if (const std::string d = value_of(values, "duration_seconds"); !d.empty()) {
      if (d.size() > 6 || d.find_first_not_of("0123456789") != std::string::npos) {
        throw CredentialsError(where + ": duration_seconds must be a number of seconds, got '" + d +
                               "'");
      }
      config.duration = std::chrono::seconds{std::stoi(d)};
    }
    config.environment = config_.environment;
    config.sleep = config_.sleep;
    config.clock = config_.clock;
    config.source = !credential_source.empty()
                        ? from_credential_source(credential_source, where)
                        : from_source_profile(name, source_profile, top, std::move(visited));
    return std::make_shared<AssumeRoleProvider>(std::move(config), transport_, top,
                                                "assume role of " + where);
  }

  std::shared_ptr<CredentialsProvider> from_credential_source(const std::string& source,
                                                              const std::string& where) const {
    if (source == "Environment")
      return make_environment_credentials_provider({config_.environment});
    if (source == "Ec2InstanceMetadata") {
      return cached(aws::make_imds_credentials_provider(
                        {.environment = config_.environment, .clock = config_.clock}, transport_),
                    config_.clock);
    }
    if (source == "EcsContainer") {
      return cached(aws::make_container_credentials_provider({.environment = config_.environment},
                                                             transport_),
                    config_.clock);
    }
    throw CredentialsError(where + ": credential_source '" + source +
                           "' is not valid (Environment, Ec2InstanceMetadata or EcsContainer)");
  }

  std::shared_ptr<CredentialsProvider> from_source_profile(const std::string& name,
                                                           const std::string& source,
                                                           const aws::Profile& top,
                                                           std::vector<std::string> visited) const {
    const std::string where = "profile '" + name + "'";
    aws::Profile loaded;
    try {
      loaded = aws::load_profile(env_, source);
    } catch (const ConfigurationError& e) {
      throw CredentialsError(where + ": source_profile '" + source + "': " + e.what());
    }
    if (loaded.source.empty()) {
      throw CredentialsError(where + ": its source_profile '" + source + "' does not exist");
    }
    // A profile may name itself to take its own static keys; any other revisit is a cycle.
    if (std::find(visited.begin(), visited.end(), source) != visited.end() &&
        (source != name || !has_static_keys(loaded.values))) {
      std::string path;
      for (const auto& v : visited) path += "'" + v + "' -> ";
      throw CredentialsError(where + ": source_profile makes a cycle: " + path + "'" + source +
                             "'");
    }
    visited.push_back(source);
    if (has_static_keys(loaded.values)) {
      const std::string key = value_of(loaded.values, "aws_access_key_id");
      const std::string secret = value_of(loaded.values, "aws_secret_access_key");
      if (key.empty() || secret.empty()) {
        throw CredentialsError("profile '" + source + "' (source_profile of " + where +
                               ") has only one of aws_access_key_id and aws_secret_access_key");
      }
      Credentials c{key, secret, value_of(loaded.values, "aws_session_token"), std::nullopt,
                    "profile"};
      return make_static_credentials_provider({std::move(c)});
    }
    if (assumes_role(loaded.values))
      return cached(assume_role(source, loaded.values, top, std::move(visited)), config_.clock);
    // Web identity, credential_process or nothing: what the profile provider makes of it.
    ProfileCredentialsConfig profile;
    profile.profile = source;
    profile.environment = config_.environment;
    profile.sts_resolver = [*this](const std::string& n, const Values& v) {
      return resolve_or_fail(*this, n, v);
    };
    return cached(std::make_shared<SourceProfileProvider>(
                      make_profile_credentials_provider(std::move(profile)), where),
                  config_.clock);
  }

 public:
  /// The resolver's answer, or a provider that throws the configuration error at each call.
  static std::shared_ptr<CredentialsProvider> resolve_or_fail(const ProfileResolver& resolver,
                                                              const std::string& name,
                                                              const Values& values) {
    try {
      return resolver.resolve(name, values);
    } catch (const CredentialsError& e) {
      return std::make_shared<UnsupportedProfileProvider>(e.what());
    }
  }

 private:
  /// A source profile that has no credentials is a broken role profile, not an unset one.
  class SourceProfileProvider final : public CredentialsProvider {
   public:
    SourceProfileProvider(std::shared_ptr<CredentialsProvider> inner, std::string where)
        : inner_(std::move(inner)), where_(std::move(where)) {}
    Credentials get_credentials() override {
      try {
        return inner_->get_credentials();
      } catch (const CredentialsNotConfigured& e) {
        throw CredentialsError(where_ + ": its source_profile has no credentials (" + e.what() +
                               ")");
      }
    }

   private:
    std::shared_ptr<CredentialsProvider> inner_;
    std::string where_;
  };

  StsProfileResolverConfig config_;
  std::shared_ptr<http::Transport> transport_;
  common::Environment env_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> aws::make_web_identity_credentials_provider(
    WebIdentityCredentialsConfig config, std::shared_ptr<http::Transport> transport) {
  return std::make_shared<WebIdentityProvider>(std::move(config), std::move(transport),
                                               std::nullopt);
}

std::shared_ptr<CredentialsProvider> aws::make_assume_role_credentials_provider(
    AssumeRoleCredentialsConfig config, std::shared_ptr<http::Transport> transport) {
  return std::make_shared<AssumeRoleProvider>(std::move(config), std::move(transport), std::nullopt,
                                              "assume role");
}

StsProfileResolver aws::make_default_sts_profile_resolver(
    StsProfileResolverConfig config, std::shared_ptr<http::Transport> transport) {
  return [resolver = ProfileResolver(std::move(config), std::move(transport))](
             const std::string& name, const Values& values) {
    return ProfileResolver::resolve_or_fail(resolver, name, values);
  };
}

std::shared_ptr<CredentialsProvider> make_web_identity_credentials_provider(
    WebIdentityCredentialsConfig config) {
  return aws::make_web_identity_credentials_provider(std::move(config), nullptr);
}

std::shared_ptr<CredentialsProvider> make_assume_role_credentials_provider(
    AssumeRoleCredentialsConfig config) {
  return aws::make_assume_role_credentials_provider(std::move(config), nullptr);
}

StsProfileResolver make_default_sts_profile_resolver(StsProfileResolverConfig config) {
  return aws::make_default_sts_profile_resolver(std::move(config), nullptr);
}

}  // namespace ssm_cache
