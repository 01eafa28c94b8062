// signals.hpp — the one way both programs stop on SIGTERM / SIGINT: the signals are blocked
// in every thread (block_stop_signals() before any thread starts, so that all inherit the
// mask) and taken by one std::jthread with sigtimedwait, so that shutdown runs as ordinary
// code (stopping an event loop or an HTTP client is not async-signal-safe).
//
// SIGPIPE is blocked too: libevent writes with write(2), and a client that went away must
// give EPIPE, not kill the process.
#pragma once

#include <functional>
#include <stop_token>
#include <thread>

namespace ssm_cache::tools {

/// Blocks SIGTERM, SIGINT and SIGPIPE in the calling thread (and the threads it starts later).
void block_stop_signals();

/// "SIGTERM", "SIGINT", or "another signal" (for log lines).
const char* stop_signal_name(int signal) noexcept;

/// Calls `on_signal(signal)` on its own thread for each SIGTERM / SIGINT taken; stops (within
/// one 100 ms poll) and joins when destroyed. The signals must be blocked (block_stop_signals).
class StopSignalWatcher {
 public:
  explicit StopSignalWatcher(std::function<void(int)> on_signal);
  StopSignalWatcher(const StopSignalWatcher&) = delete;
  StopSignalWatcher& operator=(const StopSignalWatcher&) = delete;

 private:
  void watch(const std::stop_token& stop);

  std::function<void(int)> on_signal_;
  std::jthread thread_;  // last: started after on_signal_ is set, stopped and joined first
};

}  // namespace ssm_cache::tools
