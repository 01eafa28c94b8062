// Issue 11, point 2: a released secret's bytes are no longer in memory (zeroed before the
// memory is freed), a ValueView keeps its value alive, and cached values live in memory
// excluded from core dumps (MADV_DONTDUMP, the "dd" flag of /proc/self/smaps).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "cache/reclaim.hpp"
#include "cache/secure_memory.hpp"
#include "fixture.hpp"

namespace ssm_cache::test {
namespace {

std::string random_secret(std::size_t size) {
  std::mt19937_64 rng{std::random_device{}()};
  std::string s = "S3CR3T-";
  while (s.size() < size) s += static_cast<char>('A' + rng() % 26);
  return s;
}

TEST_F(CacheTest, ReleasedSecretIsZeroedInMemory) {
  const std::string old_secret = random_secret(100);  // a pooled size class: pages stay mapped
  const std::string new_secret = random_secret(100);
  fake->put("db", old_secret, "SecureString");
  SSMParameter p("db", opts());
  std::string copy = p.value();
  EXPECT_EQ(copy, old_secret);
  detail::wipe(copy);
  EXPECT_TRUE(detail::secure_pools_contain(old_secret));  // the scan finds a cached value
  fake->put("db", new_secret, "SecureString");
  p.refresh();
  detail::reclaim::collect();
  EXPECT_FALSE(detail::secure_pools_contain(old_secret));
  EXPECT_TRUE(detail::secure_pools_contain(new_secret));
}

TEST_F(CacheTest, ValueViewKeepsItsValueUntilReleased) {
  const std::string old_secret = random_secret(60);
  fake->put("db", old_secret, "SecureString");
  SSMParameter p("db", opts());
  {
    auto view = p.value_view();
    fake->put("db", "rotated", "SecureString");
    p.refresh();
    detail::reclaim::collect();
    EXPECT_EQ(p.value(), "rotated");
    EXPECT_EQ(view, old_secret);  // pinned: still valid and unchanged
    EXPECT_TRUE(detail::secure_pools_contain(old_secret));
  }
  detail::reclaim::collect();
  EXPECT_FALSE(detail::secure_pools_contain(old_secret));
}

TEST_F(CacheTest, ValueViewOutlivesItsHandles) {
  fake->put("db", "kept");
  std::optional<ValueView> view;
  {
    SSMParameter p("db", opts());
    view.emplace(p.value_view());
  }
  EXPECT_EQ(*view, "kept");
}

TEST_F(CacheTest, CachedValuesLiveInMemoryExcludedFromCoreDumps) {
  fake->put("db", random_secret(5000), "SecureString");  // a mapping of its own
  SSMParameter p("db", opts());
  auto view = p.value_view();
  const auto address = reinterpret_cast<std::uintptr_t>(view.data());
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  bool checked = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0;
    std::uintptr_t hi = 0;
    char dash = 0;
    std::istringstream header(line);
    if (header >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = address >= lo && address < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      EXPECT_NE(line.find(" dd"), std::string::npos) << line;
      checked = true;
    }
  }
  EXPECT_TRUE(checked) << "no VmFlags for the value's mapping";
}

}  // namespace
}  // namespace ssm_cache::test
