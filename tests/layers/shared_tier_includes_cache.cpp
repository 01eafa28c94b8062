// Must not compile (tests/layers/CMakeLists.txt): the shared_tier layer does not see cache.
#include "cache/state.hpp"
