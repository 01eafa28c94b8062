// ssm-cache-local/server/faults.cpp — see faults.hpp.
#include "faults.hpp"

#include <algorithm>

namespace ssm_cache::local {

using nlohmann::json;

namespace {

const std::vector<std::string> kFields = {"latency_ms", "throttle_tps", "throttle_burst",
                                          "error_rate", "drop_rate",    "truncate_rate",
                                          "max_faults", "empty_pages",  "targets"};

double rate(const json& j, const char* key, double fallback) {
  if (!j.contains(key)) return fallback;
  const auto& v = j.at(key);
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
    throw std::invalid_argument(std::string("\"") + key + "\" must be a number from 0 to 1");
  }
  return v.get<double>();
}

double non_negative(const json& j, const char* key, double fallback) {
  if (!j.contains(key)) return fallback;
  const auto& v = j.at(key);
  if (!v.is_number() || v.get<double>() < 0) {
    throw std::invalid_argument(std::string("\"") + key + "\" must be a number >= 0");
  }
  return v.get<double>();
}

const char* fault_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kThrottle: return "throttled";
    case FaultKind::kError: return "errors";
    case FaultKind::kDrop: return "dropped";
    case FaultKind::kTruncate: return "truncated";
    case FaultKind::kNone: break;
  }
  return "none";
}

}  // namespace

FaultConfig parse_fault_config(const json& j, const FaultConfig& base) {
  if (!j.is_object()) throw std::invalid_argument("the fault configuration must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end()) {
      throw std::invalid_argument("unknown field \"" + key +
                                  "\" (known: latency_ms, "
                                  "throttle_tps, throttle_burst, error_rate, drop_rate, "
                                  "truncate_rate, max_faults, empty_pages, targets)");
    }
  }
  FaultConfig c = base;
  if (j.contains("latency_ms")) {
    const auto& v = j.at("latency_ms");
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 600000) {
      throw std::invalid_argument("\"latency_ms\" must be an integer from 0 to 600000");
    }
    c.latency_ms = v.get<std::int64_t>();
  }
  c.throttle_tps = non_negative(j, "throttle_tps", c.throttle_tps);
  c.throttle_burst = non_negative(j, "throttle_burst", c.throttle_burst);
  c.error_rate = rate(j, "error_rate", c.error_rate);
  c.drop_rate = rate(j, "drop_rate", c.drop_rate);
  c.truncate_rate = rate(j, "truncate_rate", c.truncate_rate);
  if (j.contains("max_faults")) {
    const auto& v = j.at("max_faults");
    if (v.is_null()) {
      c.max_faults = -1;
    } else if (!v.is_number_integer() || v.get<std::int64_t>() < -1) {
      throw std::invalid_argument("\"max_faults\" must be an integer >= 0, or -1/null (no limit)");
    } else {
      c.max_faults = v.get<std::int64_t>();
    }
  }
  if (j.contains("empty_pages")) {
    if (!j.at("empty_pages").is_boolean()) {
      throw std::invalid_argument("\"empty_pages\" must be true or false");
    }
    c.empty_pages = j.at("empty_pages").get<bool>();
  }
  if (j.contains("targets")) {
    const auto& v = j.at("targets");
    if (!v.is_array() ||
        !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string(); })) {
      throw std::invalid_argument("\"targets\" must be a list of X-Amz-Target strings");
    }
    c.targets = v.get<std::vector<std::string>>();
  }
  return c;
}

json to_json(const FaultConfig& c) {
  return json{{"latency_ms", c.latency_ms},
              {"throttle_tps", c.throttle_tps},
              {"throttle_burst", c.throttle_burst},
              {"error_rate", c.error_rate},
              {"drop_rate", c.drop_rate},
              {"truncate_rate", c.truncate_rate},
              {"max_faults", c.max_faults},
              {"empty_pages", c.empty_pages},
              {"targets", c.targets}};
}

FaultInjector::FaultInjector(FaultConfig config, std::optional<std::uint64_t> seed)
    : config_(std::move(config)), random_(seed) {}

void FaultInjector::set(FaultConfig config) {
  detail::MutexLock lock(mu_);
  config_ = std::move(config);
  bucket_started_ = false;  // a new quota starts with a full bucket
}

FaultConfig FaultInjector::get() const {
  detail::MutexLock lock(mu_);
  return config_;
}

FaultDecision FaultInjector::decide(std::string_view target,
                                    std::chrono::steady_clock::time_point now) {
  detail::MutexLock lock(mu_);
  FaultDecision d;
  if (!config_.targets.empty() &&
      std::find(config_.targets.begin(), config_.targets.end(), target) == config_.targets.end()) {
    return d;
  }
  d.latency = std::chrono::milliseconds(config_.latency_ms);
  d.empty_first_page = config_.empty_pages;
  if (config_.throttle_tps > 0) {
    const double capacity =
        config_.throttle_burst > 0 ? config_.throttle_burst : std::max(1.0, config_.throttle_tps);
    if (!bucket_started_) {
      tokens_ = capacity;
      last_refill_ = now;
      bucket_started_ = true;
    }
    const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(capacity, tokens_ + std::max(0.0, elapsed) * config_.throttle_tps);
    last_refill_ = now;
    if (tokens_ < 1.0) {
      d.kind = FaultKind::kThrottle;
      return d;
    }
    tokens_ -= 1.0;
  }
  if (config_.max_faults == 0) return d;
  auto roll = [&](double p) SSM_CACHE_REQUIRES(mu_) {
    return p > 0 && (p >= 1.0 || random_.uniform01() < p);
  };
  if (roll(config_.error_rate)) {
    d.kind = FaultKind::kError;
  } else if (roll(config_.drop_rate)) {
    d.kind = FaultKind::kDrop;
  } else if (roll(config_.truncate_rate)) {
    d.kind = FaultKind::kTruncate;
  }
  if (d.kind != FaultKind::kNone && config_.max_faults > 0) --config_.max_faults;
  return d;
}

void Stats::count_call(std::string_view target) {
  detail::MutexLock lock(mu_);
  ++calls_[std::string(target)];
}

void Stats::count_fault(FaultKind kind) {
  if (kind == FaultKind::kNone) return;
  detail::MutexLock lock(mu_);
  ++faults_[fault_name(kind)];
}

json Stats::to_json() const {
  detail::MutexLock lock(mu_);
  json calls = json::object();
  std::uint64_t total = 0;
  for (const auto& [k, v] : calls_) {
    calls[k] = v;
    total += v;
  }
  json faults = json::object();
  for (const char* k : {"throttled", "errors", "dropped", "truncated"}) {
    auto it = faults_.find(k);
    faults[k] = it == faults_.end() ? 0 : it->second;
  }
  return json{{"calls", calls}, {"total", total}, {"faults", faults}};
}

std::uint64_t Stats::calls(const std::string& target) const {
  detail::MutexLock lock(mu_);
  auto it = calls_.find(target);
  return it == calls_.end() ? 0 : it->second;
}

void Stats::reset() {
  detail::MutexLock lock(mu_);
  calls_.clear();
  faults_.clear();
}

}  // namespace ssm_cache::local
