// signals.cpp — see signals.hpp.
#include "signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace ssm_cache::tools {

namespace {

sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_set();
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

const char* stop_signal_name(int signal) noexcept {
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGINT) return "SIGINT";
  return "another signal";
}

StopSignalWatcher::StopSignalWatcher(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)),
      thread_([this](const std::stop_token& stop) { watch(stop); }) {}

void StopSignalWatcher::watch(const std::stop_token& stop) {
  const sigset_t set = stop_set();
  // sigtimedwait has no way to be woken by the stop token: a short poll bounds how long the
  // destructor waits.
  const timespec tick{0, 100'000'000};
  while (!stop.stop_requested()) {
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig > 0) on_signal_(sig);
  }
}

}  // namespace ssm_cache::tools
