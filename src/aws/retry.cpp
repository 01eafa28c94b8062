// aws/retry.cpp — the standard retry mode's rules, token bucket, backoff and helpers.
#include "aws/retry.hpp"

#include <openssl/rand.h>

#include <sys/random.h>
#include <algorithm>

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

#include "common/refresh_policy.hpp"

namespace ssm_cache::aws {

RetrySeams real_seams() {
  RetrySeams s;
  s.sleep = [](std::chrono::milliseconds d) {
    if (d.count() > 0) std::this_thread::sleep_for(d);
  };
  s.random = [] {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
  };
  return s;
}

bool RetryTokenBucket::try_acquire(int cost) {
  detail::MutexLock lock(mutex_);
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

void RetryTokenBucket::release(int amount) {
  detail::MutexLock lock(mutex_);
  tokens_ = std::min(capacity_, tokens_ + amount);
}

int RetryTokenBucket::available() const {
  detail::MutexLock lock(mutex_);
  return tokens_;
}

bool is_retryable(const Error& error) noexcept { return error.transient(); }

bool is_throttling(const Error& error) noexcept {
  const auto* aws = dynamic_cast<const AwsError*>(&error);
  return aws != nullptr && aws->throttling();
}

bool is_timeout(const Error& error) noexcept {
  const auto* t = dynamic_cast<const TransportError*>(&error);
  return t != nullptr && t->timeout();
}

std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry, bool throttling,
                                        double random) {
  // The project's one backoff formula, with full jitter (common/refresh_policy.hpp).
  const auto base = (throttling ? options.throttling_base_delay : options.base_delay).count();
  return std::chrono::milliseconds(
      common::backoff(base, options.max_backoff.count(), retry, std::clamp(random, 0.0, 1.0)));
}

bool is_clock_skew_code(std::string_view code) noexcept {
  return code == "InvalidSignatureException" || code == "SignatureDoesNotMatch" ||
         code == "RequestExpired" || code == "RequestTimeTooSkewed" ||
         code == "RequestInTheFuture" || code == "AuthFailure";
}

std::string sdk_request_header(int attempt, int max_attempts) {
  return "attempt=" + std::to_string(attempt) + "; max=" + std::to_string(max_attempts);
}

// A UUID v4 from getrandom(2): the id only has to be unique, and OpenSSL's DRBG costs about
// 5.8 million instructions (~1.5 ms) of cold start on its first use. getrandom keeps forked
// processes distinct, which a per-process PRNG would not; OpenSSL and then a PRNG are fallbacks.
std::string make_invocation_id() {
  std::array<unsigned char, 16> b{};
  if (::getrandom(b.data(), b.size(), GRND_NONBLOCK) != static_cast<ssize_t>(b.size()) &&
      RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    for (auto& x : b) x = static_cast<unsigned char>(gen());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace ssm_cache::aws
