// Must not compile (tests/layers/CMakeLists.txt): the http layer does not see aws.
#include "aws/sigv4.hpp"
