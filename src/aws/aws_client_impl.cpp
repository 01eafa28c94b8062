// aws/aws_client_impl.cpp — the AWS client: SSM and Secrets Manager operations over JSON 1.1,
// signed with SigV4, sent with standard-mode retries and clock-skew correction. Thread-safe:
// the only shared mutable state is the retry token bucket (a mutex) and the clock offset (an
// atomic). GetParameters chunks run on up to max_concurrent_requests threads per call.
#include "aws/aws_client_impl.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aws/adaptive_rate.hpp"
#include "aws/config.hpp"
#include "aws/json_protocol.hpp"
#include "aws/retry_loop.hpp"
#include "aws/sigv4.hpp"
#include "common/names.hpp"
#include "common/thread_annotations.hpp"
#include "common/time.hpp"
#include "ssm_cache/errors.hpp"
#include "ssm_cache/version.hpp"

namespace ssm_cache::aws {

namespace {

constexpr std::size_t kGetParametersChunk = 10;
constexpr std::size_t kBatchSecretsChunk = 20;
constexpr int kMaxPages = 100000;  // a server that never stops paginating is a broken server
constexpr std::chrono::seconds kSkewThreshold{60};
constexpr const char* kUserAgent = "ssm-cache-cpp/" SSM_CACHE_VERSION_STRING;

class FixedCredentials final : public CredentialsProvider {
 public:
  explicit FixedCredentials(Credentials c) : credentials_(std::move(c)) {}
  Credentials get_credentials() override { return credentials_; }

 private:
  Credentials credentials_;
};

std::string quote_list(const std::vector<std::string>& names, std::size_t limit = 5) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) out += ", ";
    out += "'" + names[i] + "'";
  }
  if (names.size() > limit) out += " and " + std::to_string(names.size() - limit) + " more";
  return out;
}

// Runs task(0..n-1) on at most `parallel` threads (the caller's included). After a failure no
// new task starts; the first exception is rethrown once every thread has finished.
template <class Task>
void run_bounded(std::size_t n, std::size_t parallel, Task&& task) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  struct {
    detail::Mutex mutex;
    std::exception_ptr error SSM_CACHE_GUARDED_BY(mutex);
  } first;
  auto worker = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (...) {
        detail::MutexLock lock(first.mutex);
        if (!first.error) first.error = std::current_exception();
        failed.store(true);
      }
    }
  };
  std::vector<std::thread> threads;
  const std::size_t extra = std::min(n, std::max<std::size_t>(parallel, 1)) - (n > 0 ? 1 : 0);
  for (std::size_t t = 0; t < extra; ++t) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // no more threads available: the others still drain the queue
    }
  }
  worker();
  for (auto& t : threads) t.join();
  detail::MutexLock lock(first.mutex);  // uncontended: every worker has finished
  if (first.error) std::rethrow_exception(first.error);
}

// The error again, with how many attempts were made appended to its message.
[[noreturn]] void rethrow_after(const Error& e, int attempts) {
  if (attempts <= 1) throw;
  const std::string suffix = " (gave up after " + std::to_string(attempts) + " attempts)";
  if (const auto* a = dynamic_cast<const AwsError*>(&e)) {
    throw AwsError(a->what() + suffix, a->code(), a->aws_message(), a->http_status(),
                   a->request_id());
  }
  if (const auto* t = dynamic_cast<const TransportError*>(&e)) {
    throw TransportError(t->what() + suffix, t->transient(), t->timeout());
  }
  throw;
}

struct Service {
  Endpoint endpoint;
  std::string signing_name;  // "ssm", "secretsmanager"
  std::string target_prefix;  // "AmazonSSM.", "secretsmanager."
};

class AwsClientImpl final : public AwsClient {
 public:
  explicit AwsClientImpl(ClientSettings s)
      : settings_(std::move(s)), bucket_(settings_.retry.bucket_capacity) {
    if (settings_.region.empty()) {
      throw ConfigurationError(
          "no AWS region: set AWS_REGION, AWS_DEFAULT_REGION, a profile's "
          "region, or AwsClientOptions::region");
    }
    if (!settings_.credentials) {
      throw ConfigurationError("the AWS client needs a credentials provider");
    }
    ssm_ = Service{
        parse_endpoint(settings_.ssm_endpoint, "SSM endpoint (" + settings_.endpoint_source + ")"),
        "ssm", "AmazonSSM."};
    const std::string& sm_source = settings_.secrets_manager_endpoint_source.empty()
                                       ? settings_.endpoint_source
                                       : settings_.secrets_manager_endpoint_source;
    secrets_ = Service{parse_endpoint(settings_.secrets_manager_endpoint,
                                      "Secrets Manager endpoint (" + sm_source + ")"),
                       "secretsmanager", "secretsmanager."};
    if (!settings_.transport) {
      settings_.transport = http::make_curl_transport({.ca_bundle = settings_.ca_bundle});
    }
    if (settings_.adaptive_retry) {
      // Injected seams (tests) drive the limiter too; otherwise it reads the steady clock.
      limiter_ = std::make_unique<ClientRateLimiter>(settings_.seams.clock, settings_.seams.sleep);
    }
    RetrySeams real = real_seams();
    if (!settings_.seams.sleep) settings_.seams.sleep = real.sleep;
    if (!settings_.seams.random) settings_.seams.random = real.random;
    settings_.retry.max_attempts = std::max(settings_.retry.max_attempts, 1);
    settings_.max_concurrent_requests = std::max<std::size_t>(settings_.max_concurrent_requests, 1);
  }

  GetParametersResult get_parameters(const std::vector<std::string>& names,
                                     bool with_decryption) override {
    // Each distinct request once; within a chunk a plain name appears once, so a reply that
    // omits Selector still matches its request without ambiguity.
    std::vector<std::string> unique;
    {
      std::unordered_map<std::string, bool> seen;
      for (const auto& n : names) {
        if (seen.emplace(n, true).second) unique.push_back(n);
      }
    }
    struct Chunk {
      std::vector<std::string> names;
      std::vector<std::pair<std::string, std::string>> split;  // plain, selector
    };
    std::vector<Chunk> chunks;
    for (const auto& n : unique) {
      const common::NameRef ref = common::split_name_ref(n);
      std::pair<std::string, std::string> parts{ref.name, ref.selector_field()};
      Chunk* target = nullptr;
      for (auto& c : chunks) {
        if (c.names.size() >= kGetParametersChunk) continue;
        const bool clash = std::any_of(c.split.begin(), c.split.end(),
                                       [&](const auto& p) { return p.first == parts.first; });
        if (!clash) {
          target = &c;
          break;
        }
      }
      if (target == nullptr) target = &chunks.emplace_back();
      target->names.push_back(n);
      target->split.push_back(std::move(parts));
    }

    std::vector<GetParametersResult> results(chunks.size());
    run_bounded(chunks.size(), settings_.max_concurrent_requests, [&](std::size_t i) {
      const Chunk& c = chunks[i];
      const std::string subject = "names " + quote_list(c.names);
      http::Response r =
          call(ssm_, "GetParameters", build_get_parameters_body(c.names, with_decryption), subject);
      GetParametersResult got = parse_get_parameters_response(
          r.body, {"GetParameters", subject, r.status, r.header("x-amzn-RequestId")});
      for (auto& rec : got.parameters) {
        if (!rec.selector.empty()) continue;
        // A server that omits Selector: the one request in this chunk with this plain name.
        for (const auto& [plain, sel] : c.split) {
          if (plain == rec.name) {
            rec.selector = sel;
            break;
          }
        }
      }
      results[i] = std::move(got);
    });

    GetParametersResult merged;
    for (auto& r : results) {
      std::move(r.parameters.begin(), r.parameters.end(), std::back_inserter(merged.parameters));
      std::move(r.invalid_parameters.begin(), r.invalid_parameters.end(),
                std::back_inserter(merged.invalid_parameters));
    }
    return merged;
  }

  std::vector<ParameterRecord> get_parameters_by_path(const std::string& path, bool recursive,
                                                      const std::vector<Filter>& filters,
                                                      bool with_decryption) override {
    if (path.empty() || path.front() != '/') {
      throw InvalidPathError("GetParametersByPath: path '" + path + "' must start with '/'");
    }
    std::vector<ParameterRecord> out;
    std::string token;
    const std::string subject = "path '" + path + "'";
    for (int page = 0;; ++page) {
      if (page >= kMaxPages) {
        throw ResponseError("GetParametersByPath (" + subject +
                            "): the server returned more "
                            "than " +
                            std::to_string(kMaxPages) + " pages; giving up");
      }
      const std::string body =
          build_get_parameters_by_path_body(path, recursive, filters, with_decryption, token);
      http::Response r = call(ssm_, "GetParametersByPath", body, subject);
      ParametersPage p = parse_get_parameters_by_path_response(
          r.body, {"GetParametersByPath", subject, r.status, r.header("x-amzn-RequestId")});
      std::move(p.parameters.begin(), p.parameters.end(), std::back_inserter(out));
      // An empty page may still carry a token: only its absence ends the listing.
      if (p.next_token.empty()) break;
      if (p.next_token == token) {
        throw ResponseError("GetParametersByPath (" + subject +
                            "): the server returned the "
                            "same NextToken twice; it would never end");
      }
      token = std::move(p.next_token);
    }
    return out;
  }

  ParameterRecord get_parameter(const std::string& name, bool with_decryption) override {
    const std::string subject = "name '" + name + "'";
    http::Response r =
        call(ssm_, "GetParameter", build_get_parameter_body(name, with_decryption), subject);
    ParameterRecord rec = parse_get_parameter_response(
        r.body, {"GetParameter", subject, r.status, r.header("x-amzn-RequestId")});
    if (rec.selector.empty()) rec.selector = common::split_name_ref(name).selector_field();
    return rec;
  }

  SecretValue get_secret_value(const std::string& secret_id, const std::string& version_id,
                               const std::string& version_stage) override {
    std::string subject = "secret '" + secret_id + "'";
    if (!version_id.empty()) subject += ", version id '" + version_id + "'";
    if (!version_stage.empty()) subject += ", version stage '" + version_stage + "'";
    http::Response r =
        call(secrets_, "GetSecretValue",
             build_get_secret_value_body(secret_id, version_id, version_stage), subject);
    return parse_get_secret_value_response(
        r.body, {"GetSecretValue", subject, r.status, r.header("x-amzn-RequestId")});
  }

  SecretDescription describe_secret(const std::string& secret_id) override {
    const std::string subject = "secret '" + secret_id + "'";
    http::Response r = call(secrets_, "DescribeSecret",
                            build_get_secret_value_body(secret_id, {}, {}), subject);  // {SecretId}
    return parse_describe_secret_response(
        r.body, {"DescribeSecret", subject, r.status, r.header("x-amzn-RequestId")});
  }

  PutParameterResult put_parameter(const std::string& name, const std::string& value,
                                   const PutParameterOptions& options) override {
    const std::string subject = "name '" + name + "'";
    std::string body = build_put_parameter_body(name, value, options);
    http::Response r = call(ssm_, "PutParameter", body, subject);
    OPENSSL_cleanse(body.data(), body.size());  // it holds the value
    return parse_put_parameter_response(
        r.body, {"PutParameter", subject, r.status, r.header("x-amzn-RequestId")});
  }

  PutSecretResult put_secret_value(const std::string& secret_id,
                                   const std::string& secret_string) override {
    const std::string subject = "secret '" + secret_id + "'";
    // One token for every attempt: a retried write creates no second version.
    std::string body = build_put_secret_value_body(secret_id, secret_string, make_invocation_id());
    http::Response r = call(secrets_, "PutSecretValue", body, subject);
    OPENSSL_cleanse(body.data(), body.size());  // it holds the value
    return parse_put_secret_value_response(
        r.body, {"PutSecretValue", subject, r.status, r.header("x-amzn-RequestId")});
  }

  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    std::vector<std::vector<std::string>> chunks;
    for (std::size_t i = 0; i < ids.size(); i += kBatchSecretsChunk) {
      chunks.emplace_back(
          ids.begin() + static_cast<std::ptrdiff_t>(i),
          ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kBatchSecretsChunk)));
    }
    std::vector<BatchSecretsResult> results(chunks.size());
    run_bounded(chunks.size(), settings_.max_concurrent_requests, [&](std::size_t i) {
      const std::string subject = "secrets " + quote_list(chunks[i]);
      std::string token;
      for (int page = 0; page < kMaxPages; ++page) {
        http::Response r = call(secrets_, "BatchGetSecretValue",
                                build_batch_get_secret_value_body(chunks[i], token), subject);
        SecretsPage p = parse_batch_get_secret_value_response(
            r.body, {"BatchGetSecretValue", subject, r.status, r.header("x-amzn-RequestId")});
        auto& acc = results[i];
        std::move(p.result.secrets.begin(), p.result.secrets.end(),
                  std::back_inserter(acc.secrets));
        std::move(p.result.errors.begin(), p.result.errors.end(), std::back_inserter(acc.errors));
        if (p.next_token.empty() || p.next_token == token) return;
        token = std::move(p.next_token);
      }
    });
    BatchSecretsResult merged;
    for (auto& r : results) {
      std::move(r.secrets.begin(), r.secrets.end(), std::back_inserter(merged.secrets));
      std::move(r.errors.begin(), r.errors.end(), std::back_inserter(merged.errors));
    }
    return merged;
  }

 private:
  // One API call: signs, sends, retries per the standard mode (RetryLoop); returns a 2xx
  // response.
  http::Response call(const Service& svc, const std::string& operation, const std::string& body,
                      const std::string& subject) {
    const std::string invocation_id = make_invocation_id();
    const std::string url = svc.endpoint.url();
    RetryLoop loop(RetryLoopSettings{settings_.retry, settings_.call_deadline, &bucket_,
                                     limiter_.get(), settings_.seams,
                                     operation + " " + subject + " at " + url});
    std::optional<http::Response> response;  // the latest non-2xx answer, for clock skew
    bool skew_retried = false;
    RetryHooks hooks;
    hooks.decide = [&](const Error& e) {
      // Clock skew: AWS said the signing time is wrong and its Date header agrees. Adopt the
      // server's time (for this and every later call) and re-sign once, without backoff.
      const auto* aws = dynamic_cast<const AwsError*>(&e);
      // Only what AWS or the transport answered is retried; signing (credentials) failures
      // are final here (the credentials providers retry on their own).
      if (aws == nullptr && dynamic_cast<const TransportError*>(&e) == nullptr) {
        return RetryDecision::stop;
      }
      if (response && !skew_retried && aws != nullptr && is_clock_skew_code(aws->code()) &&
          adjust_skew(*response)) {
        skew_retried = true;
        return RetryDecision::retry_now;
      }
      return is_retryable(e) ? RetryDecision::retry : RetryDecision::stop;
    };
    hooks.give_up = [](const Error& e, int attempts) { rethrow_after(e, attempts); };
    return loop.run(
        [&](const AttemptContext& ctx) {
          response.reset();
          http::Request req = build(svc, operation, body, invocation_id, ctx.attempt, url);
          req.timeout = std::min(ctx.remaining, settings_.attempt_timeout);
          response = settings_.transport->send(req);
          if (response->status < 200 || response->status >= 300) {
            throw parse_error_response(*response, operation, subject, url);
          }
          return std::move(*response);
        },
        hooks);
  }

  http::Request build(const Service& svc, const std::string& operation, const std::string& body,
                      const std::string& invocation_id, int attempt, const std::string& url) {
    const Credentials creds = settings_.credentials->get_credentials();
    SignableRequest sr;
    sr.method = "POST";
    sr.target = svc.endpoint.path;
    sr.headers = {{"Content-Type", std::string(kJsonContentType)},
                  {"Host", svc.endpoint.authority()},
                  {"X-Amz-Target", svc.target_prefix + operation}};
    sr.body = body;
    SigningOptions so;
    so.region = settings_.region;
    so.service = svc.signing_name;
    const auto when = wall_now(settings_.seams.clock.get()) +
                      std::chrono::milliseconds(skew_ms_.load(std::memory_order_relaxed));
    SigningResult signed_req = sign_request(
        sr, SigningCredentials{creds.access_key_id, creds.secret_access_key, creds.session_token},
        so, when);

    http::Request req;
    req.method = "POST";
    req.url = url;
    req.headers = std::move(sr.headers);
    for (auto& h : signed_req.added) req.headers.push_back(std::move(h));
    req.headers.emplace_back("amz-sdk-invocation-id", invocation_id);
    req.headers.emplace_back("amz-sdk-request",
                             sdk_request_header(attempt, settings_.retry.max_attempts));
    req.headers.emplace_back("User-Agent", kUserAgent);
    req.body = std::move(sr.body);
    req.connect_timeout = settings_.connect_timeout;
    req.max_response_bytes = settings_.max_response_bytes;
    return req;
  }

  // Updates the clock offset from the response's Date header; true when the skew was real.
  bool adjust_skew(const http::Response& response) {
    const auto server = common::parse_http_date(response.header("Date"));
    if (!server) return false;
    const auto ours = wall_now(settings_.seams.clock.get()) +
                      std::chrono::milliseconds(skew_ms_.load(std::memory_order_relaxed));
    const auto skew = std::chrono::duration_cast<std::chrono::milliseconds>(*server - ours);
    if (skew < kSkewThreshold && skew > -kSkewThreshold) return false;  // a real bad signature
    skew_ms_.fetch_add(skew.count(), std::memory_order_relaxed);
    return true;
  }

  ClientSettings settings_;
  Service ssm_;
  Service secrets_;
  RetryTokenBucket bucket_;
  std::unique_ptr<ClientRateLimiter> limiter_;  // adaptive retry mode only
  std::atomic<std::int64_t> skew_ms_{0};
};

}  // namespace

Endpoint parse_endpoint(std::string_view url, std::string_view setting) {
  // One URL grammar for every endpoint setting: config.cpp's parse_endpoint_url.
  EndpointUrl parsed;
  std::string why;
  if (!parse_endpoint_url(url, parsed, why)) {
    // A URL with user information may carry a password: it is not repeated.
    const std::string shown = url.find('@') == std::string_view::npos
                                  ? "'" + std::string(url) + "'"
                                  : std::string("the URL (not shown: it has user information)");
    throw ConfigurationError(std::string(setting) + ": " + shown +
                             " is not a valid endpoint URL (" + why +
                             "); expected https://host[:port]");
  }
  Endpoint e;
  e.scheme = parsed.scheme;
  e.host = parsed.host.find(':') != std::string::npos ? "[" + parsed.host + "]" : parsed.host;
  const bool default_port =
      (e.scheme == "https" && parsed.port == 443) || (e.scheme == "http" && parsed.port == 80);
  e.port = parsed.port == 0 || default_port ? std::string() : std::to_string(parsed.port);
  e.path = parsed.path.empty() ? std::string("/") : parsed.path;
  return e;
}

std::shared_ptr<CredentialsProvider> make_fixed_credentials(Credentials credentials) {
  return std::make_shared<FixedCredentials>(std::move(credentials));
}

std::shared_ptr<AwsClient> make_aws_client(ClientSettings settings) {
  return std::make_shared<AwsClientImpl>(std::move(settings));
}

}  // namespace ssm_cache::aws
