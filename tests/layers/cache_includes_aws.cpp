// Must not compile (tests/layers/CMakeLists.txt): the cache layer does not see aws.
#include "aws/sigv4.hpp"
