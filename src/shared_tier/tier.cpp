// shared_tier/tier.cpp — see tier.hpp.
#include "shared_tier/tier.hpp"

#include <charconv>
#include <iostream>
#include <thread>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ssm_cache/errors.hpp"

namespace ssm_cache::shared_tier {

namespace {

using std::chrono::milliseconds;

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string random_token() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw Error("shared cache: no random lease token");
  return hex(b, sizeof b);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Process-wide counters (shared_cache_stats()).
struct GlobalCounters {
  TierCounters tier;  ///< every tier's counts added up
  std::atomic<std::uint64_t> redis_errors{0}, breaker_opens{0}, open_breakers{0};
};

GlobalCounters& global() {
  static GlobalCounters g;
  return g;
}

}  // namespace

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

TierCore::TierCore(const SharedCacheOptions& o, std::optional<SealKey> key,
                   std::optional<SealKey> previous, std::shared_ptr<const Clock> clock)
    : options(o),
      sealer(key, previous),
      breaker(std::make_shared<CircuitBreaker>(
          o.breaker_failures, o.breaker_cooldown, std::move(clock), [](bool opened) {
            auto& g = global();
            if (opened) {
              g.breaker_opens.fetch_add(1, std::memory_order_relaxed);
              g.open_breakers.fetch_add(1, std::memory_order_relaxed);
            } else {
              g.open_breakers.fetch_sub(1, std::memory_order_relaxed);
            }
          })) {
  StoreSettings s;
  s.endpoint = parse_redis_url(o.url);
  s.ca_file = o.ca_file;
  s.operation_timeout = o.operation_timeout;
  s.connect_timeout = o.connect_timeout;
  store = std::make_unique<SharedStore>(s, breaker, [this](std::string_view problem) {
    global().redis_errors.fetch_add(1, std::memory_order_relaxed);
    log_once(logged_redis, "shared cache: Redis unavailable (" + std::string(problem) +
                               "); reading from the source directly until it answers again");
  });
}

TierCore::~TierCore() {
  if (breaker->open()) global().open_breakers.fetch_sub(1, std::memory_order_relaxed);
}

void TierCore::log_once(std::atomic<bool>& flag, std::string_view message) const {
  if (flag.exchange(true)) return;
  if (options.log) {
    options.log(message);
  } else {
    std::cerr << "ssm-cache: " << message << "\n";
  }
}

Tier::Tier(const SharedCacheOptions& options, std::optional<SealKey> key,
           std::optional<SealKey> previous, std::shared_ptr<const Clock> clock)
    : core_(std::make_shared<TierCore>(options, key, previous, std::move(clock))) {}

void Tier::count(std::atomic<std::uint64_t> Counters::*field, std::uint64_t n) {
  (counters_.*field).fetch_add(n, std::memory_order_relaxed);
  (global().tier.*field).fetch_add(n, std::memory_order_relaxed);
}

std::string Tier::redis_key(const Item& item) const {
  // Hashed: keys stay short whatever the names, and names are not listed in clear (they are
  // guessable, so this is not secrecy; the seal binds the full logical key).
  return core_->options.key_prefix + ":v1:e:" +
         sha256_hex(item.kind + '\n' + (item.decrypted ? "1" : "0") + '\n' + item.cache_key);
}

std::string Tier::lease_key(const Item& item) const {
  return core_->options.key_prefix + ":v1:l:" +
         sha256_hex(item.kind + '\n' + (item.decrypted ? "1" : "0") + '\n' + item.cache_key);
}

std::optional<std::pair<std::string, milliseconds>> Tier::open(const Item& item,
                                                               const std::string& entry) {
  auto plain = core_->sealer.open({item.cache_key, item.kind, item.decrypted}, entry);
  // The plaintext is "<fetched at, epoch ms>\n<payload>"; the stamp is sealed with it.
  if (const auto nl = plain ? plain->find('\n') : std::string::npos; nl != std::string::npos) {
    std::int64_t fetched_at = 0;
    auto [p, ec] = std::from_chars(plain->data(), plain->data() + nl, fetched_at);
    if (ec == std::errc() && p == plain->data() + nl) {
      // Clocks of a fleet differ a little: a stamp from the future is a fresh entry.
      const milliseconds age(std::max<std::int64_t>(0, now_ms() - fetched_at));
      return std::make_pair(plain->substr(nl + 1), age);
    }
  }
  count(&Counters::seal_failures);
  core_->log_once(
      core_->logged_seal,
      "shared cache: an entry failed to open (forged, corrupt, moved to another key, or "
      "sealed under a key this instance does not hold); treated as a miss");
  return std::nullopt;
}

void Tier::fetch_and_publish(const std::vector<Item>& items, const std::vector<std::size_t>& which,
                             const FetchFn& fetch, const std::string* lease_token) {
  const bool leased = lease_token != nullptr;
  std::vector<std::string> leases;
  if (leased) {
    for (auto i : which) leases.push_back(lease_key(items[i]));
  }
  count(&Counters::fetches);
  std::vector<std::optional<Fetched>> fetched;
  try {
    fetched = fetch(which);
  } catch (...) {
    // Let the waiters fetch themselves now rather than at the end of their wait.
    if (leased && core_->store->available()) core_->store->publish({}, leases, *lease_token);
    throw;
  }
  std::vector<SharedStore::Put> puts;
  const std::string stamp = std::to_string(now_ms()) + '\n';
  for (std::size_t k = 0; k < which.size() && k < fetched.size(); ++k) {
    if (!fetched[k]) continue;
    const Item& item = items[which[k]];
    puts.push_back({redis_key(item),
                    core_->sealer.seal({item.cache_key, item.kind, item.decrypted},
                                       stamp + fetched[k]->payload),
                    fetched[k]->ttl});
  }
  if ((!puts.empty() || !leases.empty()) && core_->store->available()) {
    core_->store->publish(puts, leases, leased ? *lease_token : std::string());
  }
}

void Tier::wait_for(const std::vector<Item>& items, std::vector<std::size_t>& waiting,
                    std::vector<std::optional<std::string>>& found) {
  const auto deadline = std::chrono::steady_clock::now() + core_->options.wait_bound;
  milliseconds pause(5);
  while (!waiting.empty()) {
    if (std::chrono::steady_clock::now() + pause > deadline) {
      count(&Counters::lease_wait_timeouts, waiting.size());
      return;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, milliseconds(50));
    if (!core_->store->available()) return;
    std::vector<std::string> keys;
    for (auto i : waiting) keys.push_back(redis_key(items[i]));
    for (auto i : waiting) keys.push_back(lease_key(items[i]));
    auto got = core_->store->get(keys);
    if (!got) return;
    std::vector<std::size_t> still;
    for (std::size_t k = 0; k < waiting.size(); ++k) {
      const auto i = waiting[k];
      if (const auto& entry = (*got)[k]) {
        if (auto opened = open(items[i], *entry)) {
          count(&Counters::hits);
          found[i] = std::move(opened->first);
          continue;
        }
        continue;  // unreadable: stop waiting, fetch it ourselves
      }
      // No entry and no lease: the holder failed or did not publish; fetch ourselves now.
      if ((*got)[waiting.size() + k]) still.push_back(i);
    }
    waiting.swap(still);
  }
}

void Tier::recheck(const std::vector<Item>& items, std::vector<std::size_t>& mine,
                   std::vector<std::optional<std::string>>& found, const std::string& lease_token) {
  std::vector<std::string> keys;
  for (auto i : mine) keys.push_back(redis_key(items[i]));
  auto got = core_->store->get(keys);
  if (!got) return;
  std::vector<std::size_t> still;
  std::vector<std::string> release;
  for (std::size_t k = 0; k < mine.size(); ++k) {
    const auto i = mine[k];
    if ((*got)[k]) {
      if (auto opened = open(items[i], *(*got)[k])) {
        count(&Counters::hits);
        found[i] = std::move(opened->first);
        release.push_back(lease_key(items[i]));
        continue;
      }
    }
    still.push_back(i);
  }
  if (!release.empty()) core_->store->publish({}, release, lease_token);
  mine.swap(still);
}

void Tier::read_through(const std::vector<Item>& items,
                        std::vector<std::optional<std::string>>& found, const FetchFn& fetch) {
  found.assign(items.size(), std::nullopt);
  std::vector<std::size_t> all(items.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (items.empty()) return;
  if (!core_->store->available()) {
    count(&Counters::bypassed);
    fetch(all);
    return;
  }
  std::vector<std::string> keys;
  for (const auto& item : items) keys.push_back(redis_key(item));
  auto got = core_->store->get(keys);
  if (!got) {
    fetch(all);
    return;
  }
  std::vector<std::size_t> misses, refresh;
  const auto refresh_after =
      milliseconds(static_cast<std::int64_t>(static_cast<double>(core_->options.ttl.count()) *
                                             std::clamp(core_->options.refresh_ahead, 0.0, 1.0)));
  for (std::size_t i = 0; i < items.size(); ++i) {
    if ((*got)[i]) {
      if (auto opened = open(items[i], *(*got)[i])) {
        count(&Counters::hits);
        found[i] = std::move(opened->first);
        if (opened->second >= refresh_after) refresh.push_back(i);
        continue;
      }
    }
    misses.push_back(i);
  }
  if (misses.empty() && refresh.empty()) return;

  std::vector<std::string> leases;
  for (auto i : misses) leases.push_back(lease_key(items[i]));
  for (auto i : refresh) leases.push_back(lease_key(items[i]));
  const std::string token = random_token();
  const auto won = core_->store->acquire(leases, token, core_->options.lease_time);
  if (!won) {
    count(&Counters::misses, misses.size());
    if (!misses.empty()) fetch_and_publish(items, misses, fetch, nullptr);
    return;
  }
  std::vector<std::size_t> mine, waiting, refresh_mine;
  for (std::size_t k = 0; k < misses.size(); ++k) ((*won)[k] ? mine : waiting).push_back(misses[k]);
  for (std::size_t k = 0; k < refresh.size(); ++k) {
    if ((*won)[misses.size() + k]) refresh_mine.push_back(refresh[k]);
  }

  // Only entries that were absent: one found unreadable was counted and will be replaced.
  std::vector<std::size_t> absent, unreadable;
  for (auto i : mine) ((*got)[i] ? unreadable : absent).push_back(i);
  if (!absent.empty()) {
    recheck(items, absent, found, token);
    mine = std::move(unreadable);
    mine.insert(mine.end(), absent.begin(), absent.end());
  }
  count(&Counters::misses, mine.size() + waiting.size());
  if (!mine.empty()) fetch_and_publish(items, mine, fetch, &token);
  if (!waiting.empty()) {
    count(&Counters::lease_waits, waiting.size());
    wait_for(items, waiting, found);
    std::vector<std::size_t> left;
    for (auto i : misses) {
      if (!found[i] && std::find(mine.begin(), mine.end(), i) == mine.end()) left.push_back(i);
    }
    if (!left.empty()) fetch_and_publish(items, left, fetch, nullptr);
  }
  if (!refresh_mine.empty()) refresh_leased(items, refresh_mine, found, fetch, token);
}

void Tier::refresh_leased(const std::vector<Item>& items, const std::vector<std::size_t>& which,
                          std::vector<std::optional<std::string>>& found, const FetchFn& fetch,
                          const std::string& lease_token) {
  std::vector<std::optional<std::string>> kept;
  for (auto i : which) kept.push_back(std::exchange(found[i], std::nullopt));
  try {
    fetch_and_publish(items, which, fetch, &lease_token);
    count(&Counters::refreshes_ahead, which.size());
  } catch (...) {
    // The shared value is still within its lifetime: serve it; the next reader retries.
    for (std::size_t k = 0; k < which.size(); ++k) found[which[k]] = std::move(kept[k]);
  }
}

void TierCounters::copy_to(SharedCacheStats& out) const {
  out.hits = hits.load();
  out.misses = misses.load();
  out.fetches = fetches.load();
  out.lease_waits = lease_waits.load();
  out.lease_wait_timeouts = lease_wait_timeouts.load();
  out.refreshes_ahead = refreshes_ahead.load();
  out.seal_failures = seal_failures.load();
  out.bypassed = bypassed.load();
}

SharedCacheStats Tier::stats() const {
  SharedCacheStats s;
  counters_.copy_to(s);
  s.redis_errors = core_->store->errors();
  s.breaker_opens = core_->breaker->opens();
  s.breaker_open = core_->breaker->open();
  return s;
}

}  // namespace ssm_cache::shared_tier

namespace ssm_cache {

SharedCacheStats shared_cache_stats() {
  const auto& g = shared_tier::global();
  SharedCacheStats s;
  g.tier.copy_to(s);
  s.redis_errors = g.redis_errors.load();
  s.breaker_opens = g.breaker_opens.load();
  s.breaker_open = g.open_breakers.load() > 0;
  return s;
}

}  // namespace ssm_cache
