// sidecar_secrets.cpp — see sidecar_secrets.hpp.
#include "sidecar_secrets.hpp"

#include <exception>
#include <optional>
#include <utility>

#include "aws_json.hpp"
#include "error_map.hpp"
#include "ssm_cache/errors.hpp"

namespace ssm_cache::cli {

/// The sidecar's Secrets Manager client as the library sees it: every call goes through the
/// gate (slot, counters, log) and then to the program's client. The outcome of the last
/// failed call is kept, so that the sidecar answers with AWS's own status, code and message
/// even when the library reports the failure in its own words (a missing secret).
class GatedSecretsClient final : public SecretsClient {
 public:
  GatedSecretsClient(std::shared_ptr<SecretsClient> inner, UpstreamGate gate)
      : inner_(std::move(inner)), gate_(std::move(gate)) {}

  SecretValue get_secret_value(const std::string& id, const std::string& version_id,
                               const std::string& version_stage) override {
    SecretValue out;
    run("GetSecretValue", id,
        [&] { out = inner_->get_secret_value(id, version_id, version_stage); });
    return out;
  }
  BatchSecretsResult batch_get_secret_value(const std::vector<std::string>& ids) override {
    BatchSecretsResult out;
    run("BatchGetSecretValue", ids.empty() ? std::string() : ids.front(),
        [&] { out = inner_->batch_get_secret_value(ids); });
    return out;
  }
  SecretDescription describe_secret(const std::string& id) override {
    SecretDescription out;
    run("DescribeSecret", id, [&] { out = inner_->describe_secret(id); });
    return out;
  }

  /// The outcome of the last failed call since the last take (empty: none failed).
  std::optional<Outcome> take_failure() {
    detail::MutexLock lock(mu_);
    return std::exchange(failure_, std::nullopt);
  }

 private:
  void run(const char* action, const std::string& what, const std::function<void()>& call) {
    std::exception_ptr error;
    Outcome out = gate_(action, what, [&] {
      try {
        call();
      } catch (...) {
        error = std::current_exception();
        throw;
      }
    });
    if (!error) return;
    {
      detail::MutexLock lock(mu_);
      failure_ = std::move(out);
    }
    std::rethrow_exception(error);  // the library classifies it (missing, transient, ...)
  }

  std::shared_ptr<SecretsClient> inner_;
  const UpstreamGate gate_;
  detail::Mutex mu_;
  std::optional<Outcome> failure_ SSM_CACHE_GUARDED_BY(mu_);
};

SidecarSecrets::SidecarSecrets(std::shared_ptr<SecretsClient> client, UpstreamGate gate,
                               std::size_t capacity)
    : client_(std::move(client)), gate_(std::move(gate)), capacity_(capacity == 0 ? 1 : capacity) {}

SidecarSecrets::~SidecarSecrets() = default;

SidecarSecrets::Slot SidecarSecrets::make_slot(const SidecarRequest& req) const {
  Slot slot;
  slot.client = std::make_shared<GatedSecretsClient>(client_, gate_);
  SecretOptions o;
  o.max_age = std::chrono::milliseconds{0};  // expiry is SidecarCache's (sidecar_secrets.hpp)
  o.version_stage = req.label;
  o.version_id = req.version;
  o.client = slot.client;
  o.max_stale = std::chrono::milliseconds{0};  // SidecarCache applies --max-stale-if-error
  slot.secret = std::make_shared<Secret>(req.name, std::move(o));
  return slot;
}

SidecarSecrets::Slot SidecarSecrets::slot_for(const SidecarRequest& req) {
  const std::string key = req.cache_key();
  detail::MutexLock lock(mu_);
  if (auto it = slots_.find(key); it != slots_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  Slot slot = make_slot(req);
  lru_.push_front(key);
  slot.lru = lru_.begin();
  slots_.emplace(key, slot);
  while (slots_.size() > capacity_) {
    slots_.erase(lru_.back());
    lru_.pop_back();
  }
  return slot;
}

Outcome SidecarSecrets::fetch(const SidecarRequest& req, bool keep) {
  std::optional<Slot> slot;
  try {
    slot = keep ? slot_for(req) : make_slot(req);
    // A failure the library recovered from last time (a DescribeSecret that found nothing
    // before a GetSecretValue that did) is not this fetch's.
    (void)slot->client->take_failure();
    // Explicit: the handle never expires by itself; SidecarCache said a fetch is due.
    slot->secret->refresh();
    SecretValue value = slot->secret->record();
    return Outcome{200, get_secret_value_body(value), {}, false};
  } catch (const std::exception& e) {
    if (slot) {
      if (auto failed = slot->client->take_failure()) return std::move(*failed);
    }
    // Refused before any call (the library's validation of the id or options).
    const tools::HttpFailure f = tools::http_failure(e);
    return Outcome{f.status, error_body(f.code, f.message), f.code, f.transient};
  }
}

}  // namespace ssm_cache::cli
