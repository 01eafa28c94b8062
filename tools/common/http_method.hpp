// http_method.hpp — libevent's request command as the method name both programs' fronts pass
// on ("GET", "POST", ...). Pure, thread-safe.
#pragma once

#include <event2/http.h>

namespace ssm_cache::tools {

/// "GET", "POST", ...; "UNKNOWN" for a command libevent adds later.
const char* method_name(evhttp_cmd_type cmd) noexcept;

}  // namespace ssm_cache::tools
