// aws/credentials_basic.cpp — the static, environment, chain, cached and default providers.
// Thread-safe. The cache costs one mutex lock per call; a refresh runs once for all threads
// (common/single_flight.hpp), when the refresh policy (common/refresh_policy.hpp) says so.
#include <exception>

#include "aws/credentials_transport.hpp"
#include "aws/credentials_util.hpp"
#include "aws/sigv4.hpp"
#include "common/refresh_policy.hpp"
#include "common/single_flight.hpp"
#include "common/thread_annotations.hpp"
#include "common/time.hpp"
#include "ssm_cache/credentials.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache {
namespace {

class StaticProvider final : public CredentialsProvider {
 public:
  explicit StaticProvider(Credentials credentials) : credentials_(std::move(credentials)) {
    if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
      throw CredentialsError(
          "static credentials: the access key id and the secret access key must both be given");
    }
    if (credentials_.provider.empty()) credentials_.provider = "static";
  }
  Credentials get_credentials() override { return credentials_; }

 private:
  Credentials credentials_;
};

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(const EnvironmentCredentialsConfig& config)
      : env_(common::or_process(config.environment)) {}

  Credentials get_credentials() override {
    const auto key = common::env_setting(env_, "AWS_ACCESS_KEY_ID");
    const auto secret = common::env_setting(env_, "AWS_SECRET_ACCESS_KEY");
    if (!key && !secret) {
      throw CredentialsNotConfigured(
          "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    }
    if (!key)
      throw CredentialsError(
          "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    if (!secret)
      throw CredentialsError(
          "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    Credentials c;
    c.access_key_id = *key;
    c.secret_access_key = *secret;
    c.session_token = common::env_setting(env_, "AWS_SESSION_TOKEN").value_or("");
    c.provider = "environment";
    if (const auto exp = common::env_setting(env_, "AWS_CREDENTIAL_EXPIRATION")) {
      const auto when = common::parse_iso8601(*exp);
      if (!when) {
        throw CredentialsError("environment: AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: '" +
                               *exp + "'");
      }
      c.expiration = *when;
    }
    return c;
  }

 private:
  common::Environment env_;
};

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(CredentialsChainConfig config) : config_(std::move(config)) {
    for (const auto& p : config_.providers) {
      if (!p) throw CredentialsError("credentials chain: a provider is null");
    }
  }

  Credentials get_credentials() override {
    std::string reasons;
    for (std::size_t i = 0; i < config_.providers.size(); ++i) {
      try {
        Credentials c = config_.providers[i]->get_credentials();
        if (c.provider.empty() && i < config_.names.size()) c.provider = config_.names[i];
        return c;
      } catch (const CredentialsNotConfigured& e) {
        reasons += reasons.empty() ? "" : "; ";
        reasons += e.what();
      }
    }
    throw CredentialsNotConfigured("no AWS credentials found (" +
                                   (reasons.empty() ? std::string("the chain is empty") : reasons) +
                                   ")");
  }

 private:
  CredentialsChainConfig config_;
};

std::int64_t ns(std::chrono::system_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

// Credentials are "fresh" until refresh_before_expiry before they expire; then they are
// served stale (after a recent attempt, or while another caller refreshes) until they expire,
// or while another caller refreshes only until the mandatory window, where everybody waits.
// Every failure counts as transient: nothing is rethrown without calling the provider again.
common::StalePolicy credentials_policy(const CachedCredentialsConfig& c) {
  common::StalePolicy p;
  p.max_stale_ns = ns(c.refresh_before_expiry);
  p.max_stale_in_flight_ns = ns(c.refresh_before_expiry - c.mandatory_refresh_before_expiry);
  p.stale_while_refreshing = true;
  return p;
}

class CachedProvider final : public CredentialsProvider {
 public:
  explicit CachedProvider(CachedCredentialsConfig config)
      : config_(std::move(config)), policy_(credentials_policy(config_)) {
    if (!config_.provider) throw CredentialsError("cached credentials: the provider is null");
  }

  Credentials get_credentials() override {
    detail::UniqueLock lock(mutex_);
    while (true) {
      const auto decision = common::decide(policy_, state(), ns(now().time_since_epoch()));
      if (decision == common::ReadDecision::kServe ||
          decision == common::ReadDecision::kServeStale) {
        return *current_;
      }
      const auto running = flight_.join();
      if (!running) break;
      // Someone else is refreshing and the credentials are about to expire (or there are
      // none yet): wait for the refresh like everybody else.
      lock.unlock();
      const std::exception_ptr error = running->wait();
      lock.lock();
      if (valid(now())) return *current_;
      if (error) std::rethrow_exception(error);
    }
    const auto flight = flight_.lead();
    lock.unlock();
    std::optional<Credentials> fresh;
    std::exception_ptr error;
    try {
      fresh = config_.provider->get_credentials();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    flight_.release(flight);
    // After every attempt, good or not, a fixed interval (no doubling) before the next one.
    next_attempt_ = now() + config_.retry_interval;
    if (fresh && fresh->expiration && *fresh->expiration <= now()) {
      error = expired_on_arrival(*fresh);
      fresh.reset();
    }
    if (fresh) current_ = std::move(fresh);
    flight->finish(error);
    if (!error || valid(now())) return *current_;  // a failed refresh keeps valid ones
    std::rethrow_exception(error);
  }

 private:
  std::chrono::system_clock::time_point now() const { return wall_now(config_.clock.get()); }
  // Already expired when received (a stale file, a wrong clock): every AWS call would fail
  // with ExpiredToken, so say so here, naming the source and the time, not the keys.
  static std::exception_ptr expired_on_arrival(const Credentials& c) {
    return std::make_exception_ptr(CredentialsError(
        "the credentials from " + (c.provider.empty() ? std::string("the provider") : c.provider) +
        " expired at " + common::format_amz_date(*c.expiration) +
        ", before they were received: check the credential source and this machine's clock"));
  }
  bool valid(std::chrono::system_clock::time_point now) const SSM_CACHE_REQUIRES(mutex_) {
    return current_ && (!current_->expiration || now < *current_->expiration);
  }
  common::RefreshState state() const SSM_CACHE_REQUIRES(mutex_) {
    common::RefreshState s;
    s.has_value = current_.has_value();
    // Long-term keys (no expiration) never need a refresh.
    if (current_ && current_->expiration) {
      s.expires = ns(current_->expiration->time_since_epoch() - config_.refresh_before_expiry);
    }
    s.next_attempt = ns(next_attempt_.time_since_epoch());
    s.failure = common::FailureKind::kTransient;
    s.refresh_in_flight = flight_.running();
    return s;
  }

  CachedCredentialsConfig config_;
  common::StalePolicy policy_;
  detail::Mutex mutex_;
  std::optional<Credentials> current_ SSM_CACHE_GUARDED_BY(mutex_);
  /// The refresh that runs; its result is the attempt's error (null: it succeeded).
  common::FlightSlot<std::exception_ptr> flight_ SSM_CACHE_GUARDED_BY(mutex_);
  std::chrono::system_clock::time_point next_attempt_ SSM_CACHE_GUARDED_BY(mutex_){};
};

}  // namespace

EnvironmentLookup make_map_environment(std::map<std::string, std::string> values) {
  return common::map_environment(std::move(values));
}

std::shared_ptr<CredentialsProvider> make_static_credentials_provider(
    StaticCredentialsConfig config) {
  return std::make_shared<StaticProvider>(std::move(config.credentials));
}

// By value: the signature the API declares.
std::shared_ptr<CredentialsProvider> make_environment_credentials_provider(
    EnvironmentCredentialsConfig config) {  // NOLINT(performance-unnecessary-value-param)
  return std::make_shared<EnvironmentProvider>(std::move(config));
}

std::shared_ptr<CredentialsProvider> make_credentials_provider_chain(
    CredentialsChainConfig config) {
  return std::make_shared<ChainProvider>(std::move(config));
}

std::shared_ptr<CredentialsProvider> make_cached_credentials_provider(
    CachedCredentialsConfig config) {
  return std::make_shared<CachedProvider>(std::move(config));
}

std::shared_ptr<CredentialsProvider> aws::make_default_credentials_provider(
    DefaultCredentialsConfig config, std::shared_ptr<http::Transport> transport) {
  CredentialsChainConfig chain;
  chain.providers.push_back(make_environment_credentials_provider({config.environment}));
  chain.names.emplace_back("environment");
  chain.providers.push_back(aws::make_web_identity_credentials_provider(
      {.environment = config.environment, .clock = config.clock}, transport));
  chain.names.emplace_back("web-identity");
  for (auto& extra : config.after_environment) {
    chain.providers.push_back(std::move(extra));
    chain.names.emplace_back("");
  }
  ProfileCredentialsConfig profile;
  profile.profile = config.profile;
  profile.environment = config.environment;
  profile.sts_resolver =
      config.sts_resolver
          ? config.sts_resolver
          : aws::make_default_sts_profile_resolver(
                {.environment = config.environment, .clock = config.clock}, transport);
  chain.providers.push_back(make_profile_credentials_provider(std::move(profile)));
  chain.names.emplace_back("profile");
  ContainerCredentialsConfig container;
  container.environment = config.environment;
  chain.providers.push_back(
      aws::make_container_credentials_provider(std::move(container), transport));
  chain.names.emplace_back("container");
  ImdsCredentialsConfig imds;
  imds.environment = config.environment;
  imds.clock = config.clock;
  chain.providers.push_back(
      aws::make_imds_credentials_provider(std::move(imds), std::move(transport)));
  chain.names.emplace_back("imds");

  CachedCredentialsConfig cached;
  cached.provider = make_credentials_provider_chain(std::move(chain));
  cached.clock = std::move(config.clock);
  return make_cached_credentials_provider(std::move(cached));
}

std::shared_ptr<CredentialsProvider> make_default_credentials_provider(
    DefaultCredentialsConfig config) {
  return aws::make_default_credentials_provider(std::move(config), nullptr);
}

}  // namespace ssm_cache
