// shared_tier/store.cpp — see store.hpp.
#include "shared_tier/store.hpp"

#include "ssm_cache/errors.hpp"

namespace ssm_cache::shared_tier {

SharedStore::SharedStore(StoreSettings settings, std::shared_ptr<CircuitBreaker> breaker,
                         std::function<void(std::string_view)> report)
    : settings_(std::move(settings)), breaker_(std::move(breaker)), report_(std::move(report)) {
  if (settings_.endpoint.tls) {
    // A bad CA file is a configuration error: refuse to start rather than fail every read.
    try {
      tls_ = std::make_unique<TlsContext>(settings_.ca_file);
    } catch (const RedisError& e) {
      throw ConfigurationError(std::string("shared cache: ") + e.what());
    }
  }
}

std::optional<std::vector<RedisReply>> SharedStore::run(
    const std::vector<std::vector<std::string>>& commands) {
  std::unique_ptr<RedisConnection> conn;
  {
    detail::MutexLock lock(mutex_);
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  try {
    if (!conn) {
      conn = std::make_unique<RedisConnection>(settings_.endpoint, tls_.get(),
                                               settings_.connect_timeout);
    }
    auto replies = conn->pipeline(commands, settings_.operation_timeout);
    for (std::size_t i = 0; i < replies.size(); ++i) {
      const RedisReply& r = replies[i];
      if (r.type == RedisReply::Type::kError && commands[i].front() == "EVAL" &&
          r.str.starts_with("NOPERM")) {
        // No scripting for this user: the next releases use DEL (publish()).
        eval_refused_.store(true, std::memory_order_relaxed);
        continue;
      }
      // NOPERM, OOM, WRONGTYPE...: Redis is up but refuses; the tier cannot use it.
      if (r.type == RedisReply::Type::kError) {
        throw RedisError("Redis refused " + commands.front().front() + " (" +
                         r.str.substr(0, r.str.find(' ')) + ")");
      }
    }
    {
      detail::MutexLock lock(mutex_);
      if (idle_.size() < settings_.max_idle_connections) idle_.push_back(std::move(conn));
    }
    breaker_->on_success();
    return replies;
  } catch (const RedisError& e) {
    // The connection may hold half a reply: drop it (the destructor closes it).
    errors_.fetch_add(1, std::memory_order_relaxed);
    breaker_->on_failure();
    if (report_) report_(e.what());
    return std::nullopt;
  }
}

std::optional<std::vector<std::optional<std::string>>> SharedStore::get(
    const std::vector<std::string>& keys) {
  std::vector<std::string> cmd{"MGET"};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  auto replies = run({cmd});
  if (!replies) return std::nullopt;
  const RedisReply& array = replies->front();
  if (array.type != RedisReply::Type::kArray || array.elements.size() != keys.size()) {
    breaker_->on_failure();
    if (report_) report_("Redis answered MGET with an unexpected reply");
    return std::nullopt;
  }
  std::vector<std::optional<std::string>> out;
  for (const auto& e : array.elements) {
    if (e.type == RedisReply::Type::kString) {
      out.emplace_back(e.str);
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

std::optional<std::vector<bool>> SharedStore::acquire(const std::vector<std::string>& keys,
                                                      const std::string& token,
                                                      std::chrono::milliseconds ttl) {
  std::vector<std::vector<std::string>> cmds;
  for (const auto& k : keys) {
    cmds.push_back(
        {"SET", k, token, "NX", "PX", std::to_string(std::max<long long>(1, ttl.count()))});
  }
  auto replies = run(cmds);
  if (!replies) return std::nullopt;
  std::vector<bool> won;
  for (const auto& r : *replies) won.push_back(r.type == RedisReply::Type::kStatus);
  return won;
}

bool SharedStore::publish(const std::vector<Put>& puts, const std::vector<std::string>& release,
                          const std::string& token) {
  // Deletes the lease only while it still holds this caller's token.
  static constexpr char kReleaseScript[] =
      "if redis.call('get',KEYS[1])==ARGV[1] then return redis.call('del',KEYS[1]) "
      "else return 0 end";
  std::vector<std::vector<std::string>> cmds;
  for (const auto& p : puts) {
    cmds.push_back(
        {"SET", p.key, p.value, "PX", std::to_string(std::max<long long>(1, p.ttl.count()))});
  }
  if (!release.empty() && eval_refused_.load(std::memory_order_relaxed)) {
    // Without scripting, a lease that expired and was taken over may be deleted: that costs
    // at most one extra fetch by the instance holding it.
    std::vector<std::string> del{"DEL"};
    del.insert(del.end(), release.begin(), release.end());
    cmds.push_back(std::move(del));
  } else {
    for (const auto& lease : release) cmds.push_back({"EVAL", kReleaseScript, "1", lease, token});
  }
  if (cmds.empty()) return true;
  return run(cmds).has_value();
}

}  // namespace ssm_cache::shared_tier
