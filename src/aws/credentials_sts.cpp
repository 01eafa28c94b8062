// aws/credentials_sts.cpp — credentials from AWS STS: AssumeRoleWithWebIdentity (EKS IRSA, web
// identity profiles) and the default resolver of STS profiles. Thread-safe; each call reads the
// token file and makes 1 to max_attempts HTTPS requests, so callers put a cache in front.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "aws/config.hpp"
#include "aws/credentials_util.hpp"
#include "aws/retry.hpp"
#include "aws/sts_protocol.hpp"
#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

constexpr std::string_view kWebIdentityAction = "AssumeRoleWithWebIdentity";

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
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' || token.back() == '\t')) {
    token.pop_back();
  }
  if (token.empty()) throw CredentialsError(where + ": the web identity token file " + path + " is empty");
  return token;
}

double jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

/// One STS Query call with retries. Holds the transport, made on first use when none is given.
class StsCaller {
 public:
  StsCaller(std::shared_ptr<http::Transport> transport, aws::Environment env, Sleeper sleep,
            std::chrono::milliseconds connect_timeout, std::chrono::milliseconds timeout, int max_attempts)
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
    std::string where;                 ///< "web identity", "profile 'x'"
    std::string provider;              ///< Credentials::provider
    bool web_identity = false;
  };

  Credentials call(const aws::StsEndpoint& endpoint, const Call& call) {
    std::vector<std::pair<std::string, std::string>> fields = {{"Action", std::string(call.action)},
                                                               {"Version", std::string(aws::kStsApiVersion)}};
    fields.insert(fields.end(), call.fields.begin(), call.fields.end());
    http::Request request;
    request.method = "POST";
    request.url = endpoint.url + "/";
    request.headers = {{"Content-Type", std::string(aws::kFormContentType)}, {"Accept", "text/xml"}};
    request.body = aws::form_urlencode(fields);
    request.connect_timeout = connect_timeout_;
    request.timeout = timeout_;
    request.max_response_bytes = 256 * 1024;

    const std::string what = call.where + ": " + std::string(call.action) + " for role " + call.role_arn + " at " +
                             endpoint.url + " (" + endpoint.source + ")";
    const aws::RetryOptions backoff;
    for (int attempt = 1;; ++attempt) {
      const bool last = attempt >= max_attempts_;
      const std::string attempts = attempt > 1 ? " after " + std::to_string(attempt) + " attempts" : "";
      bool throttled = false;
      try {
        const http::Response response = transport().send(request);
        if (response.status == 200) {
          return aws::parse_sts_credentials(response.body, call.action, call.provider, what);
        }
        const auto error = aws::parse_sts_error(response.body);
        const bool retryable = response.status >= 500 || response.status == 429 ||
                               (error && aws::is_retryable_sts_code(error->code, call.web_identity));
        if (!retryable || last) {
          std::string message = what + " failed" + attempts + ": ";
          if (error) {
            message += error->code + ": " + aws::scrub_message(error->message, call.secrets) + " (HTTP " +
                       std::to_string(response.status) +
                       (error->request_id.empty() ? "" : ", request id " + aws::scrub_message(error->request_id, {}, 80)) +
                       ")";
          } else {
            message += "HTTP " + std::to_string(response.status) + " without an STS error document";
          }
          throw CredentialsError(message, retryable);
        }
        throttled = response.status == 429 || (error && error->code.find("Throttl") != std::string::npos);
      } catch (const TransportError& e) {
        if (!e.transient() || last) {
          throw CredentialsError(what + " got no answer" + attempts + ": " + e.what(), e.transient());
        }
      }
      sleep_(aws::backoff_delay(backoff, attempt, throttled, jitter()));
    }
  }

 private:
  http::Transport& transport() {
    std::call_once(once_, [this] {
      if (transport_) return;
      http::CurlTransportOptions options;
      options.ca_bundle = aws::env_setting(env_, "AWS_CA_BUNDLE").value_or("");
      transport_ = http::make_curl_transport(options);
    });
    return *transport_;
  }

  std::once_flag once_;
  std::shared_ptr<http::Transport> transport_;
  aws::Environment env_;
  Sleeper sleep_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds timeout_;
  int max_attempts_;
};

class WebIdentityProvider final : public CredentialsProvider {
 public:
  /// `profile`: the profile whose web_identity_token_file this is (its region and endpoint
  /// settings apply); none: the settings come from the environment and AWS_PROFILE's profile.
  WebIdentityProvider(WebIdentityCredentialsConfig config, std::optional<aws::Profile> profile)
      : config_(std::move(config)),
        env_(aws::to_environment(config_.environment)),
        profile_(std::move(profile)),
        caller_(config_.transport, env_, config_.sleep, config_.connect_timeout, config_.timeout,
                config_.max_attempts),
        where_(profile_ ? "web identity of profile '" + profile_->name + "'" : std::string("web identity")) {
    const auto now = config_.clock ? config_.clock() : std::chrono::system_clock::now();
    generated_session_name_ =
        "ssm-cache-" +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  }

  Credentials get_credentials() override {
    std::string role_arn = config_.role_arn;
    std::string token_file = config_.token_file;
    std::string session_name = config_.session_name;
    if (role_arn.empty() && token_file.empty()) {
      const auto file = aws::env_setting(env_, "AWS_WEB_IDENTITY_TOKEN_FILE");
      const auto role = aws::env_setting(env_, "AWS_ROLE_ARN");
      if (!file && !role) {
        throw CredentialsNotConfigured("web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set");
      }
      if (!role) throw CredentialsError("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
      if (!file) throw CredentialsError("web identity: AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
      role_arn = *role;
      token_file = *file;
      if (session_name.empty()) session_name = aws::env_setting(env_, "AWS_ROLE_SESSION_NAME").value_or("");
    } else if (role_arn.empty()) {
      throw CredentialsError(where_ + ": a web identity token file is given but no role ARN");
    } else if (token_file.empty()) {
      throw CredentialsError(where_ + ": a role ARN is given but no web identity token file");
    }
    if (session_name.empty()) session_name = generated_session_name_;

    aws::StsEndpoint endpoint;
    try {
      const aws::Profile profile = profile_ ? *profile_ : aws::load_profile(env_);
      endpoint = aws::resolve_sts_endpoint(env_, profile, config_.endpoint, config_.region);
    } catch (const ConfigurationError& e) {
      throw CredentialsError(where_ + ": " + e.what());
    }
    const std::string token = read_web_identity_token(token_file, where_);
    StsCaller::Call call;
    call.action = kWebIdentityAction;
    call.fields = {{"RoleArn", role_arn}, {"RoleSessionName", session_name}, {"WebIdentityToken", token}};
    call.role_arn = role_arn;
    call.secrets = {token};
    call.where = where_;
    call.provider = "web-identity";
    call.web_identity = true;
    return caller_.call(endpoint, call);
  }

 private:
  WebIdentityCredentialsConfig config_;
  aws::Environment env_;
  std::optional<aws::Profile> profile_;
  StsCaller caller_;
  std::string where_;
  std::string generated_session_name_;
};

/// For a profile this build cannot serve: fails at each call, saying why.
class UnsupportedProfileProvider final : public CredentialsProvider {
 public:
  explicit UnsupportedProfileProvider(std::string message) : message_(std::move(message)) {}
  Credentials get_credentials() override { throw CredentialsError(message_); }

 private:
  std::string message_;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_web_identity_credentials_provider(WebIdentityCredentialsConfig config) {
  return std::make_shared<WebIdentityProvider>(std::move(config), std::nullopt);
}

StsProfileResolver make_default_sts_profile_resolver(StsProfileResolverConfig config) {
  return [config = std::move(config)](const std::string& name, const std::map<std::string, std::string>& values)
             -> std::shared_ptr<CredentialsProvider> {
    const auto value = [&](const char* key) -> std::string {
      const auto it = values.find(key);
      return it == values.end() ? std::string{} : it->second;
    };
    const std::string where = "profile '" + name + "'";
    const std::string token_file = value("web_identity_token_file");
    const std::string role_arn = value("role_arn");
    if (!token_file.empty()) {
      if (role_arn.empty()) {
        return std::make_shared<UnsupportedProfileProvider>(where + " has web_identity_token_file but no role_arn");
      }
      WebIdentityCredentialsConfig web;
      web.role_arn = role_arn;
      web.token_file = token_file;
      web.session_name = value("role_session_name");
      web.environment = config.environment;
      web.transport = config.transport;
      web.sleep = config.sleep;
      web.clock = config.clock;
      return std::make_shared<WebIdentityProvider>(std::move(web), aws::Profile{name, values, {}});
    }
    std::string key = !role_arn.empty() ? "role_arn" : (!value("sso_session").empty() ? "sso_session" : "sso_start_url");
    return std::make_shared<UnsupportedProfileProvider>(
        where + " uses '" + key +
        "', which needs AWS STS AssumeRole or SSO: not supported by this build of ssm-cache (web identity "
        "profiles are); use static keys, credential_process or another profile");
  };
}

}  // namespace ssm_cache
