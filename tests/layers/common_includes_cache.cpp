// Must not compile (tests/layers/CMakeLists.txt): the common layer does not see cache.
#include "cache/state.hpp"
