// ssm-cache-local/store/store_bench.cpp — how the --data database behaves at scale (issue 13:
// 10,000 x 4 KB parameters made each write cost 0.4-1.2 s and stalled reads ~1 s). Loads
// 10,000 parameters of 4 KB into a fresh database, then overwrites parameters one after the
// other while a reader thread reads: prints write and read latency percentiles and the
// process's peak memory. Drives LocalServer::handle (signing included), no sockets.
//
// Usage: ssm-cache-local-store-bench [DIR] [WRITES]   (DIR: where the database goes, default
// a new directory under /tmp, removed at the end; WRITES: default 500)
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "aws/sigv4.hpp"
#include "local_server.hpp"

namespace {

using namespace ssm_cache::local;
using Clock = std::chrono::steady_clock;

HttpRequest signed_call(const std::string& target, const std::string& body) {
  ssm_cache::aws::SignableRequest req{"POST",
                                      "/",
                                      {{"Host", "127.0.0.1"},
                                       {"Content-Type", "application/x-amz-json-1.1"},
                                       {"X-Amz-Target", target}},
                                      body};
  ssm_cache::aws::SigningOptions options;
  options.region = "us-east-1";
  options.service = "ssm";
  const auto r = ssm_cache::aws::sign_request(req, {"test", "test", ""}, options,
                                              std::chrono::system_clock::now());
  HttpRequest out{req.method, req.target, req.headers, req.body};
  for (const auto& h : r.added) out.headers.push_back(h);
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string name_of(int i) {
  return "/bench/app" + std::to_string(i % 100) + "/p" + std::to_string(i);
}

constexpr int kParameters = 10000;

StoreData initial_parameters(const std::string& value) {
  StoreData initial;
  for (int i = 0; i < kParameters; ++i) {
    Parameter p;
    p.name = name_of(i);
    ParameterVersion v;
    v.value = value;
    p.versions.push_back(v);
    initial.parameters.emplace(p.name, std::move(p));
  }
  return initial;
}

/// Latencies of reads, with the reading thread's voluntary context switches (waits: the
/// reader never does I/O or sleeps) and involuntary ones (preemptions).
struct ReadRun {
  std::vector<double> ms;
  long waits = 0;
  long preemptions = 0;
};

/// Reads (each through read_one) on the calling thread while more() holds.
template <class Read, class More>
ReadRun read_while(Read& read_one, More more) {
  ReadRun run;
  run.ms.reserve(1 << 20);  // no reallocation (and its page faults) inside the loop
  rusage before{};
  rusage after{};
  ::getrusage(RUSAGE_THREAD, &before);
  for (int i = 0; more(); ++i) run.ms.push_back(read_one(i));
  ::getrusage(RUSAGE_THREAD, &after);
  run.waits = after.ru_nvcsw - before.ru_nvcsw;
  run.preemptions = after.ru_nivcsw - before.ru_nivcsw;
  return run;
}

void print_latencies(const char* what, const std::vector<double>& ms) {
  std::printf("%s: %zu, p50 %.3f ms, p99 %.3f ms, max %.2f ms\n", what, ms.size(),
              percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  const bool own_dir = argc < 2;
  const std::filesystem::path dir = own_dir ? std::filesystem::temp_directory_path() /
                                                  ("store-bench-" + std::to_string(::getpid()))
                                            : std::filesystem::path(argv[1]);
  const int writes = argc > 2 ? std::atoi(argv[2]) : 500;
  const std::string value(4096, 'v');
  std::filesystem::create_directories(dir);

  const auto load_start = Clock::now();
  LocalServer server({.data_file = (dir / "store.db").string()}, initial_parameters(value));
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  auto read_one = [&](int i) {
    const auto req = signed_call("AmazonSSM.GetParameter",
                                 R"({"Name":")" + name_of(i * 7919 % kParameters) + "\"}");
    const auto start = Clock::now();
    const auto r = server.handle(req);
    if (r.status != 200) std::fprintf(stderr, "read failed: %d\n", r.status);
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  };
  // Baseline: reads alone for one second (the machine's own noise).
  const auto until = Clock::now() + std::chrono::seconds(1);
  const ReadRun alone = read_while(read_one, [&] { return Clock::now() < until; });
  std::atomic<bool> writing{true};
  ReadRun during;
  std::thread reader([&] { during = read_while(read_one, [&] { return writing.load(); }); });
  std::vector<double> write_ms;
  for (int i = 0; i < writes; ++i) {
    const std::string body = R"({"Name":")" + name_of(i * 31 % kParameters) + R"(","Value":")" +
                             std::string(4096, static_cast<char>('a' + i % 26)) +
                             R"(","Type":"String","Overwrite":true})";
    const auto req = signed_call("AmazonSSM.PutParameter", body);
    const auto start = Clock::now();
    const auto r = server.handle(req);
    write_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (r.status != 200) std::fprintf(stderr, "write failed: %d %s\n", r.status, r.body.c_str());
  }
  writing = false;
  reader.join();
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::printf("parameters: %d x %zu bytes, initial import %.2f s\n", kParameters, value.size(),
              load_s);
  print_latencies("writes", write_ms);
  print_latencies("reads alone", alone.ms);
  print_latencies("reads during writes", during.ms);
  std::printf("reads alone: %ld waits, %ld preemptions\n", alone.waits, alone.preemptions);
  std::printf("reader during writes: %ld waits (voluntary context switches), %ld preemptions\n",
              during.waits, during.preemptions);
  std::printf("peak RSS: %.0f MB, database: %.0f MB\n",
              static_cast<double>(usage.ru_maxrss) / 1024.0,
              static_cast<double>(std::filesystem::file_size(dir / "store.db")) / 1e6);
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
