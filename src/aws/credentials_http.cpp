// aws/credentials_http.cpp — credentials over HTTP: the container endpoint (ECS, EKS Pod
// Identity) and EC2 instance metadata (IMDSv2). Thread-safe; each call makes 1-3 short HTTP
// requests (the IMDS token is reused until shortly before its TTL ends).
#include <algorithm>
#include <fstream>
#include <sstream>

#include "aws/config.hpp"
#include "aws/credentials_transport.hpp"
#include "aws/credentials_util.hpp"
#include "aws/retry_loop.hpp"
#include "common/thread_annotations.hpp"
#include "http/transport.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

/// The transport given, or a libcurl one made on first use (most processes never need it),
/// with the provider's retry quota.
class LazyTransport {
 public:
  explicit LazyTransport(std::shared_ptr<http::Transport> given) : transport_(std::move(given)) {}
  http::Transport& get() {
    std::call_once(once_, [this] {
      if (!transport_) transport_ = http::make_curl_transport();
    });
    return *transport_;
  }
  aws::RetryTokenBucket& retry_bucket() noexcept { return bucket_; }

 private:
  std::once_flag once_;
  std::shared_ptr<http::Transport> transport_;
  aws::RetryTokenBucket bucket_;
};

/// A 5xx answer from a metadata endpoint, thrown to the retry loop to ask for another try.
class ServerErrorAnswer : public TransportError {
 public:
  explicit ServerErrorAnswer(http::Response answer)
      : TransportError("HTTP " + std::to_string(answer.status), true, false),
        response(std::move(answer)) {}
  http::Response response;
};

/// Sends with up to `attempts` tries on transport failures and 5xx, through the one retry
/// loop (the provider's token bucket and a deadline of every attempt's full timeouts) but
/// without backoff: a metadata endpoint is local and answers at once or not at all. Returns
/// the last answer (a 5xx when retries ran out) or rethrows the last transport failure.
http::Response send_with_attempts(LazyTransport& transport, const http::Request& request,
                                  int attempts) {
  aws::RetryOptions options;
  options.max_attempts = attempts;
  options.base_delay = options.throttling_base_delay = std::chrono::milliseconds(0);
  const auto deadline =
      attempts * (request.connect_timeout + request.timeout) + std::chrono::seconds(1);
  aws::RetryLoop loop(aws::RetryLoopSettings{
      options, deadline, &transport.retry_bucket(), nullptr, {}, request.url});
  aws::RetryHooks hooks;
  // Every transport failure is worth another try here (as in the AWS SDKs' metadata clients).
  hooks.decide = [](const Error& e) {
    return dynamic_cast<const TransportError*>(&e) != nullptr ? aws::RetryDecision::retry
                                                              : aws::RetryDecision::stop;
  };
  try {
    return loop.run(
        [&](const aws::AttemptContext& ctx) {
          http::Request attempt = request;
          attempt.timeout = std::min(request.timeout, ctx.remaining);
          http::Response response = transport.get().send(attempt);
          if (response.status >= 500 && ctx.attempt < attempts)
            throw ServerErrorAnswer(std::move(response));
          return response;
        },
        hooks);
  } catch (const ServerErrorAnswer& answer) {
    return answer.response;  // the quota or the deadline ended the retries with a 5xx in hand
  }
}

bool is_loopback_or_allowed(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" ||
      host == "fd00:ec2::23") {
    return true;
  }
  // 127.0.0.0/8 as a dotted-quad literal.
  if (!host.starts_with("127.")) return false;
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    std::size_t dot = host.find('.', pos);
    if (dot == std::string::npos) dot = host.size();
    const std::string part = host.substr(pos, dot - pos);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos || std::stoi(part) > 255) {
      return false;
    }
    ++parts;
    pos = dot + 1;
  }
  return parts == 4;
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw CredentialsError("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string token = ss.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  // A directory opens but reads as nothing; an empty header would only earn a 401 later.
  if (token.empty())
    throw CredentialsError("container: AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + path +
                           " is empty");
  return token;
}

class ContainerProvider final : public CredentialsProvider {
 public:
  ContainerProvider(ContainerCredentialsConfig config, std::shared_ptr<http::Transport> transport)
      : config_(std::move(config)),
        env_(common::or_process(config_.environment)),
        transport_(std::move(transport)) {}

  Credentials get_credentials() override {
    const auto relative = common::env_setting(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const auto full = common::env_setting(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    std::string url;
    std::string setting;
    if (relative) {
      url = relative_base() + (relative->starts_with('/') ? "" : "/") + *relative;
      setting = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    } else if (full) {
      url = *full;
      setting = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
      check_full_uri(url);
    } else {
      throw CredentialsNotConfigured(
          "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
          "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
    }

    http::Request request;
    request.method = "GET";
    request.url = url;
    request.headers.emplace_back("Accept", "application/json");
    std::string token_source;
    if (auto token = authorization_token(token_source)) {
      if (token->find_first_of("\r\n") != std::string::npos) {
        throw CredentialsError("container: the authorization token from " + token_source +
                               " has a line break");
      }
      request.headers.emplace_back("Authorization", *token);
    }
    request.connect_timeout = config_.connect_timeout;
    request.timeout = config_.timeout;
    request.max_response_bytes = std::size_t{64} * 1024;

    http::Response response;
    try {
      response = send_with_attempts(transport_, request, std::max(1, config_.max_attempts));
    } catch (const TransportError& e) {
      throw CredentialsError("container: no answer from " + url + " (" + setting + "): " + e.what(),
                             true);
    }
    if (response.status != 200) {
      throw CredentialsError("container: " + url + " (" + setting + ") answered HTTP " +
                                 std::to_string(response.status),
                             response.status >= 500 || response.status == 429);
    }
    return aws::parse_credentials_json(response.body, aws::CredentialsJson::metadata, "container",
                                       url + " (" + setting + ")");
  }

 private:
  // AWS_CONTAINER_SERVICE_ENDPOINT replaces the ECS agent's address, as in the AWS SDK for Java
  // (its "container credentials" environment variables); a base given in code wins over both.
  std::string relative_base() const {
    std::string base = config_.relative_uri_base;
    if (base == kEcsAgentBase) {
      if (auto env = common::env_setting(env_, "AWS_CONTAINER_SERVICE_ENDPOINT")) base = *env;
    }
    while (base.ends_with('/')) base.pop_back();
    return base;
  }

  static constexpr const char* kEcsAgentBase = "http://169.254.170.2";

  static void check_full_uri(const std::string& url) {
    // Only the scheme and the host are checked here; the URI may carry a path and a query.
    const std::size_t scheme_end = url.find("://");
    std::string why;
    aws::EndpointUrl parsed;
    const std::size_t path = scheme_end == std::string::npos
                                 ? std::string::npos
                                 : url.find_first_of("/?#", scheme_end + 3);
    if (!aws::parse_endpoint_url(url.substr(0, path), parsed, why)) {
      throw CredentialsError("container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL: " +
                             why);
    }
    if (parsed.scheme == "http" && !is_loopback_or_allowed(parsed.host)) {
      throw CredentialsError(
          "container: AWS_CONTAINER_CREDENTIALS_FULL_URI host '" + parsed.host +
          "' is not allowed over http: use https, a loopback address, 169.254.170.2, "
          "169.254.170.23 or fd00:ec2::23");
    }
  }

  std::optional<std::string> authorization_token(std::string& source) const {
    if (auto file = common::env_setting(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      source = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file;
      return read_token_file(*file);
    }
    if (auto token = common::env_setting(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
      source = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
      return token;
    }
    return std::nullopt;
  }

  ContainerCredentialsConfig config_;
  common::Environment env_;
  LazyTransport transport_;
};

class ImdsProvider final : public CredentialsProvider {
 public:
  ImdsProvider(ImdsCredentialsConfig config, std::shared_ptr<http::Transport> transport)
      : config_(std::move(config)),
        env_(common::or_process(config_.environment)),
        transport_(std::move(transport)) {}

  Credentials get_credentials() override {
    if (auto disabled = common::env_setting(env_, "AWS_EC2_METADATA_DISABLED")) {
      if (parse_bool(*disabled, "AWS_EC2_METADATA_DISABLED")) {
        throw CredentialsNotConfigured("imds: disabled by AWS_EC2_METADATA_DISABLED");
      }
    }
    const Settings s = settings();
    std::optional<std::string> token = get_token(s);

    http::Response role = get(s, "/latest/meta-data/iam/security-credentials/", token);
    if (role.status == 401 && token) {
      // The token expired or was revoked: get a new one once.
      drop_token();
      token = get_token(s);
      role = get(s, "/latest/meta-data/iam/security-credentials/", token);
    }
    if (role.status == 404)
      throw CredentialsNotConfigured("imds: no IAM role is attached to this instance (" +
                                     s.endpoint + ")");
    if (role.status != 200) {
      throw CredentialsError("imds: " + s.endpoint + " answered HTTP " +
                                 std::to_string(role.status) + " to the role name request",
                             role.status >= 500);
    }
    std::string name = role.body.substr(0, role.body.find('\n'));
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
    if (name.empty())
      throw CredentialsNotConfigured("imds: no IAM role is attached to this instance (" +
                                     s.endpoint + ")");
    if (name.find_first_of("/?#% ") != std::string::npos) {
      throw CredentialsError("imds: " + s.endpoint + " answered a role name that is not valid");
    }

    const http::Response creds =
        get(s, "/latest/meta-data/iam/security-credentials/" + name, token);
    if (creds.status != 200) {
      throw CredentialsError("imds: " + s.endpoint + " answered HTTP " +
                                 std::to_string(creds.status) + " for the credentials of role '" +
                                 name + "'",
                             creds.status >= 500 || creds.status == 404);
    }
    return aws::parse_credentials_json(creds.body, aws::CredentialsJson::metadata, "imds",
                                       s.endpoint + " (role '" + name + "')");
  }

 private:
  struct Settings {
    std::string endpoint;
    std::chrono::milliseconds connect_timeout;
    std::chrono::milliseconds timeout;
    int attempts;
  };

  static bool parse_bool(const std::string& value, std::string_view setting) {
    try {
      return common::parse_bool_setting(value, setting, "the environment");
    } catch (const ConfigurationError& e) {
      throw CredentialsError(std::string("imds: ") + e.what());
    }
  }

  Settings settings() const {
    Settings s{config_.endpoint, config_.connect_timeout, config_.timeout, config_.max_attempts};
    std::string source = "ImdsCredentialsConfig::endpoint";
    if (s.endpoint.empty()) {
      if (auto e = common::env_setting(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
        s.endpoint = *e;
        source = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
      } else {
        const std::string mode =
            common::env_setting(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or("IPv4");
        if (mode == "IPv4" || mode == "ipv4") {
          s.endpoint = "http://169.254.169.254";
        } else if (mode == "IPv6" || mode == "ipv6") {
          s.endpoint = "http://[fd00:ec2::254]";
        } else {
          throw CredentialsError(
              "imds: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6, got '" + mode +
              "'");
        }
        source = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
      }
    }
    aws::EndpointUrl parsed;
    std::string why;
    if (!aws::parse_endpoint_url(s.endpoint, parsed, why)) {
      throw CredentialsError("imds: the endpoint from " + source + " is not valid: " + why);
    }
    while (s.endpoint.ends_with('/')) s.endpoint.pop_back();
    if (auto t = common::env_setting(env_, "AWS_METADATA_SERVICE_TIMEOUT")) {
      double seconds = 0;
      try {
        std::size_t used = 0;
        seconds = std::stod(*t, &used);
        if (used != t->size()) seconds = -1;
      } catch (const std::exception&) {
        seconds = -1;
      }
      if (!(seconds > 0 && seconds <= 3600)) {
        throw CredentialsError(
            "imds: AWS_METADATA_SERVICE_TIMEOUT must be a positive number of seconds, got '" + *t +
            "'");
      }
      s.connect_timeout = s.timeout =
          std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    if (auto a = common::env_setting(env_, "AWS_METADATA_SERVICE_NUM_ATTEMPTS")) {
      if (a->size() > 2 || a->find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(*a) < 1) {
        throw CredentialsError(
            "imds: AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number of at least 1, got '" +
            *a + "'");
      }
      s.attempts = std::stoi(*a);
    }
    s.attempts = std::max(1, s.attempts);
    return s;
  }

  http::Response send(const Settings& s, http::Request request) {
    request.url = s.endpoint + request.url;
    request.connect_timeout = s.connect_timeout;
    request.timeout = s.timeout;
    request.max_response_bytes = std::size_t{64} * 1024;
    try {
      return send_with_attempts(transport_, request, s.attempts);
    } catch (const TransportError& e) {
      // Off EC2 there is nobody at this address: not an error, just not configured here.
      throw CredentialsNotConfigured("imds: no instance metadata service at " + s.endpoint + " (" +
                                     e.what() + ")");
    }
  }

  http::Response get(const Settings& s, const std::string& path,
                     const std::optional<std::string>& token) {
    http::Request request;
    request.method = "GET";
    request.url = path;
    if (token) request.headers.emplace_back("X-aws-ec2-metadata-token", *token);
    return send(s, std::move(request));
  }

  void drop_token() {
    detail::MutexLock lock(mutex_);
    token_.reset();
  }

  /// An IMDSv2 session token, reused until a minute before its TTL ends; nullopt means IMDSv1.
  std::optional<std::string> get_token(const Settings& s) {
    detail::MutexLock lock(mutex_);
    const auto now = wall_now(config_.clock.get());
    if (token_ && now < token_expiry_ && token_endpoint_ == s.endpoint) return token_;
    http::Request request;
    request.method = "PUT";
    request.url = "/latest/api/token";
    request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds",
                                 std::to_string(config_.token_ttl.count()));
    const http::Response response = send(s, std::move(request));
    if (response.status == 200 && !response.body.empty()) {
      token_ = response.body;
      token_endpoint_ = s.endpoint;
      token_expiry_ =
          now + config_.token_ttl -
          std::min<std::chrono::seconds>(config_.token_ttl / 2, std::chrono::seconds(60));
      return token_;
    }
    if (response.status == 404 || response.status == 405) {
      // An IMDS without IMDSv2 (or a proxy that lacks PUT): IMDSv1 unless that is disabled.
      if (auto v1 = common::env_setting(env_, "AWS_EC2_METADATA_V1_DISABLED");
          v1 && parse_bool(*v1, "AWS_EC2_METADATA_V1_DISABLED")) {
        throw CredentialsError("imds: " + s.endpoint + " does not offer IMDSv2 tokens (HTTP " +
                               std::to_string(response.status) +
                               ") and AWS_EC2_METADATA_V1_DISABLED is set");
      }
      return std::nullopt;
    }
    if (response.status == 403) {
      throw CredentialsNotConfigured(
          "imds: " + s.endpoint +
          " refused the token request (HTTP 403): IMDS is disabled for this instance");
    }
    throw CredentialsError("imds: " + s.endpoint + " answered HTTP " +
                               std::to_string(response.status) + " to the token request",
                           response.status >= 500 || response.status == 429);
  }

  ImdsCredentialsConfig config_;
  common::Environment env_;
  LazyTransport transport_;
  detail::Mutex mutex_;
  std::optional<std::string> token_ SSM_CACHE_GUARDED_BY(mutex_);
  std::string token_endpoint_ SSM_CACHE_GUARDED_BY(mutex_);
  std::chrono::system_clock::time_point token_expiry_ SSM_CACHE_GUARDED_BY(mutex_){};
};

}  // namespace

std::shared_ptr<CredentialsProvider> aws::make_container_credentials_provider(
    ContainerCredentialsConfig config, std::shared_ptr<http::Transport> transport) {
  return std::make_shared<ContainerProvider>(std::move(config), std::move(transport));
}

std::shared_ptr<CredentialsProvider> aws::make_imds_credentials_provider(
    ImdsCredentialsConfig config, std::shared_ptr<http::Transport> transport) {
  return std::make_shared<ImdsProvider>(std::move(config), std::move(transport));
}

std::shared_ptr<CredentialsProvider> make_container_credentials_provider(
    ContainerCredentialsConfig config) {
  return aws::make_container_credentials_provider(std::move(config), nullptr);
}

std::shared_ptr<CredentialsProvider> make_imds_credentials_provider(ImdsCredentialsConfig config) {
  return aws::make_imds_credentials_provider(std::move(config), nullptr);
}

}  // namespace ssm_cache
