// Secure memory for cached values; see secure_memory.hpp.
#include "cache/secure_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cstring>
#include <vector>

#include "common/thread_annotations.hpp"

namespace ssm_cache::detail {

namespace {

constexpr std::size_t kMinClass = 32;
constexpr std::size_t kMaxPooled = 4096;
constexpr std::size_t kPoolBytes = std::size_t{64} * 1024;
constexpr int kClasses = 8;  // 32, 64, ..., 4096

struct FreeBlock {
  FreeBlock* next;
};

struct Heap {
  detail::Mutex mutex;
  std::array<FreeBlock*, kClasses> free_lists SSM_CACHE_GUARDED_BY(mutex){};
  // Every pooled mapping.
  std::vector<std::pair<char*, std::size_t>> pools SSM_CACHE_GUARDED_BY(mutex);
  std::size_t in_use SSM_CACHE_GUARDED_BY(mutex) = 0;
};

Heap& heap() {
  static Heap* h = new Heap;  // never destroyed: values may be released during exit
  return *h;
}

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

void* map_dontdump(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_DONTDUMP
  (void)::madvise(p, bytes, MADV_DONTDUMP);  // best effort: a kernel without it still works
#endif
  return p;
}

int class_of(std::size_t bytes) {
  const std::size_t rounded = std::bit_ceil(std::max(bytes, kMinClass));
  return std::countr_zero(rounded) - std::countr_zero(kMinClass);
}

std::size_t class_size(int c) { return kMinClass << c; }

std::size_t mapped_size(std::size_t bytes) {
  const std::size_t page = page_size();
  return (bytes + page - 1) / page * page;
}

}  // namespace

void* secure_allocate(std::size_t bytes) {
  if (bytes == 0) bytes = 1;
  Heap& h = heap();
  if (bytes > kMaxPooled) {
    void* p = map_dontdump(mapped_size(bytes));
    detail::MutexLock lock(h.mutex);
    h.in_use += bytes;
    return p;
  }
  const int c = class_of(bytes);
  detail::MutexLock lock(h.mutex);
  if (h.free_lists[c] == nullptr) {
    auto* pool = static_cast<char*>(map_dontdump(kPoolBytes));
    h.pools.emplace_back(pool, kPoolBytes);
    for (std::size_t off = 0; off + class_size(c) <= kPoolBytes; off += class_size(c)) {
      auto* block = reinterpret_cast<FreeBlock*>(pool + off);
      block->next = h.free_lists[c];
      h.free_lists[c] = block;
    }
  }
  FreeBlock* block = h.free_lists[c];
  h.free_lists[c] = block->next;
  block->next = nullptr;
  h.in_use += bytes;
  return block;
}

void secure_free(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes == 0) bytes = 1;
  Heap& h = heap();
  if (bytes > kMaxPooled) {
    explicit_bzero(p, bytes);
    ::munmap(p, mapped_size(bytes));
    detail::MutexLock lock(h.mutex);
    h.in_use -= bytes;
    return;
  }
  const int c = class_of(bytes);
  explicit_bzero(p, class_size(c));
  detail::MutexLock lock(h.mutex);
  auto* block = static_cast<FreeBlock*>(p);
  block->next = h.free_lists[c];
  h.free_lists[c] = block;
  h.in_use -= bytes;
}

std::size_t secure_bytes_in_use() noexcept {
  Heap& h = heap();
  detail::MutexLock lock(h.mutex);
  return h.in_use;
}

bool secure_pools_contain(std::string_view needle) {
  Heap& h = heap();
  detail::MutexLock lock(h.mutex);
  for (const auto& [pool, size] : h.pools) {
    if (std::string_view(pool, size).find(needle) != std::string_view::npos) return true;
  }
  return false;
}

void wipe(std::string& s) noexcept {
  if (s.capacity() > 0) explicit_bzero(s.data(), s.capacity());
  s.clear();
}

}  // namespace ssm_cache::detail
