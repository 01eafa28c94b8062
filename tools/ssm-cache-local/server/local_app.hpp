// ssm-cache-local/server/local_app.hpp — the program as a function: run_local parses the command
// line, opens the store, serves on the libevent front until SIGINT/SIGTERM, and returns the
// exit status (0 stopped cleanly, 1 cannot listen or the loop failed, 2 bad options or data
// file). main() only calls it; tests call it with their own streams.
//
// `out` gets the listening line (and the admin token when one is made); `err` gets log lines
// and errors. Blocks SIGINT, SIGTERM and SIGPIPE in the calling thread (and the threads it
// starts), as tools/common/signals.hpp says.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ssm_cache::local {

/// args: the arguments after the program name.
int run_local(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ssm_cache::local
