// Issue 11, point 2: bounded memory. Before, every retired snapshot was kept for the entry's
// life: one parameter whose 8 KiB value changed 5000 times grew the process by 124 MB. Its
// own executable, so that under ASan the quarantine of freed blocks can be bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "cache/secure_memory.hpp"
#include "rotating_client.hpp"
#include "ssm_cache/ssm_cache.hpp"

#if defined(__SANITIZE_ADDRESS__)
// ASan keeps freed blocks in a quarantine (256 MB by default) that RSS would count.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=4"; }
constexpr long kGrowthBound = 24L << 20;  // 8 MiB + the 4 MiB quarantine + ASan's shadow
#else
constexpr long kGrowthBound = 8L << 20;
#endif

namespace ssm_cache::test {
namespace {

long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

TEST(Memory, FiveThousandChangesOf8KiBStayBounded) {
  constexpr std::size_t kSize = 8192;
  auto client = std::make_shared<RotatingClient>(kSize);
  SSMParameter p("p", {.client = client});
  for (int i = 0; i < 200; ++i) p.refresh();  // warm up the allocators
  const long before = rss_bytes();
  const std::size_t secure_before = detail::secure_bytes_in_use();
  for (int i = 0; i < 5000; ++i) {
    p.refresh();
    std::string v = p.value();
    ASSERT_TRUE(RotatingClient::consistent(v, kSize));
  }
  const long growth = rss_bytes() - before;
  EXPECT_LT(growth, kGrowthBound) << "RSS grew by " << growth << " bytes";
  // Only the current snapshot is held: 5000 retired values were freed.
  EXPECT_LE(detail::secure_bytes_in_use(), secure_before + 2 * kSize);
}

}  // namespace
}  // namespace ssm_cache::test
