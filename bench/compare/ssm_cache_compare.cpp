// bench/compare/ssm_cache_compare.cpp — the ssm-cache side of the Powertools comparison: the
// same modes as powertools.mjs, against the endpoint in BENCH_ENDPOINT (ssm-cache-local).
// Prints one JSON line of results. Not part of the library; a benchmark driver only.
//
//   ssm_cache_compare cached NAME BATCH BATCHES
//   ssm_cache_compare first-fetch name|path PREFIX COUNT
//   ssm_cache_compare throttle PREFIX COUNT THREADS SECONDS MAX_AGE_S PAUSE_MS
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <ssm_cache/ssm_cache.hpp>

namespace {

using Clock = std::chrono::steady_clock;

long vm_hwm_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

std::vector<std::string> names(const std::string& prefix, int count) {
  const int width = static_cast<int>(std::to_string(count - 1).size());
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string n = std::to_string(i);
    out.push_back(prefix + "/p" + std::string(static_cast<std::size_t>(width) - n.size(), '0') + n);
  }
  return out;
}

double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const std::size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

// Forwards to the AWS client and remembers when a call last succeeded, so that the throttle
// mode can count values served while the last successful fetch was older than max age.
class LastSuccessClient : public ssm_cache::ParameterClient {
 public:
  explicit LastSuccessClient(std::shared_ptr<ssm_cache::ParameterClient> inner)
      : inner_(std::move(inner)) {}

  ssm_cache::GetParametersResult get_parameters(const std::vector<std::string>& n,
                                                bool with_decryption) override {
    auto r = inner_->get_parameters(n, with_decryption);
    mark();
    return r;
  }
  std::vector<ssm_cache::ParameterRecord> get_parameters_by_path(
      const std::string& path, bool recursive, const std::vector<ssm_cache::Filter>& filters,
      bool with_decryption) override {
    auto r = inner_->get_parameters_by_path(path, recursive, filters, with_decryption);
    mark();
    return r;
  }
  [[nodiscard]] Clock::time_point last_success() const {
    return Clock::time_point(Clock::duration(last_.load(std::memory_order_acquire)));
  }

 private:
  void mark() { last_.store(Clock::now().time_since_epoch().count(), std::memory_order_release); }
  std::shared_ptr<ssm_cache::ParameterClient> inner_;
  std::atomic<Clock::rep> last_{0};
};

std::shared_ptr<ssm_cache::AwsClient> aws_client() {
  const char* endpoint = std::getenv("BENCH_ENDPOINT");
  if (endpoint == nullptr)
    throw std::runtime_error("set BENCH_ENDPOINT to the ssm-cache-local URL");
  ssm_cache::AwsClientOptions options;
  options.ssm_endpoint_url = endpoint;
  if (std::getenv("AWS_REGION") == nullptr) options.region = "us-east-1";
  return ssm_cache::make_aws_client(options);
}

int cached(const std::string& name, long batch, int batches) {
  using namespace std::chrono_literals;
  ssm_cache::SSMParameter param(name, {.max_age = 3600s, .client = aws_client()});
  std::size_t sink = param.value().size();  // fill the cache
  std::vector<double> per_read;
  for (int b = 0; b < batches; ++b) {
    const auto t0 = Clock::now();
    for (long i = 0; i < batch; ++i) sink += param.value().size();
    per_read.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                       static_cast<double>(batch));
  }
  std::printf("{\"ns_per_read\": %.2f, \"sink\": %zu, \"vmhwm_kb\": %ld}\n", median(per_read), sink,
              vm_hwm_kb());
  return 0;
}

int first_fetch(const std::string& by, const std::string& prefix, int count) {
  using namespace std::chrono_literals;
  auto client = aws_client();
  const auto t0 = Clock::now();
  ssm_cache::SSMParameterGroup group({.max_age = 300s, .client = client});
  std::size_t values = 0;
  if (by == "name") {
    std::vector<ssm_cache::SSMParameter> params;
    for (const auto& n : names(prefix, count)) params.push_back(group.parameter(n));
    for (const auto& p : params) values += p.value().empty() ? 0 : 1;  // first read: one round
  } else {
    for (const auto& p : group.parameters(prefix)) values += p.value().empty() ? 0 : 1;
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (values != static_cast<std::size_t>(count)) {
    std::fprintf(stderr, "first-fetch: expected %d values, got %zu\n", count, values);
    return 1;
  }
  std::printf("{\"wall_ms\": %.3f, \"values\": %zu, \"vmhwm_kb\": %ld}\n", ms, values, vm_hwm_kb());
  return 0;
}

int throttle(const std::string& prefix, int count, int threads, int seconds, int max_age_s,
             int pause_ms) {
  auto client = std::make_shared<LastSuccessClient>(aws_client());
  const auto max_age = std::chrono::seconds(max_age_s);
  ssm_cache::SSMParameterGroup group({.max_age = max_age, .client = client});
  std::vector<ssm_cache::SSMParameter> params;
  for (const auto& n : names(prefix, count)) params.push_back(group.parameter(n));
  for (const auto& p : params) (void)p.value();  // the cache is filled before the clock starts

  std::atomic<long> reads{0}, errors{0}, stale{0};
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (Clock::now() < end) {
        try {
          long n = 0;
          for (const auto& p : params) n += p.value().empty() ? 0 : 1;
          reads += n;
          if (Clock::now() - client->last_success() > max_age) stale += n;
        } catch (const ssm_cache::Error&) {
          ++errors;  // the application saw an error instead of its values
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
      }
    });
  }
  for (auto& t : pool) t.join();
  std::printf("{\"reads\": %ld, \"errors\": %ld, \"stale\": %ld, \"vmhwm_kb\": %ld}\n",
              reads.load(), errors.load(), stale.load(), vm_hwm_kb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 4 && a[0] == "cached") return cached(a[1], std::stol(a[2]), std::stoi(a[3]));
    if (a.size() == 4 && a[0] == "first-fetch") return first_fetch(a[1], a[2], std::stoi(a[3]));
    if (a.size() == 7 && a[0] == "throttle") {
      return throttle(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]), std::stoi(a[5]),
                      std::stoi(a[6]));
    }
    std::cerr << "usage: ssm_cache_compare cached NAME BATCH BATCHES | first-fetch name|path "
                 "PREFIX COUNT | throttle PREFIX COUNT THREADS SECONDS MAX_AGE_S PAUSE_MS\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ssm_cache_compare: " << e.what() << "\n";
    return 1;
  }
}
