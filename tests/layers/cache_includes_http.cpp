// Must not compile (tests/layers/CMakeLists.txt): the cache layer does not see http.
#include "http/transport.hpp"
