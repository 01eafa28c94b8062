// Must compile (tests/layers/CMakeLists.txt): the cache layer sees its own headers, common's
// and the public API.
#include "cache/reclaim.hpp"
#include "common/strings.hpp"
#include "ssm_cache/errors.hpp"
