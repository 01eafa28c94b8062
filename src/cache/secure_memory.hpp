// Memory for cached values: excluded from core dumps (MADV_DONTDUMP) and zeroed when freed.
//
// Thread-safe (one mutex; used only when values are published or released, never on a read).
// Small blocks come from 64 KiB pools of size classes (32 B .. 4 KiB) that are kept and
// reused; larger blocks are mapped on their own and unmapped when freed, so memory returns to
// the system as soon as a value is released.
#pragma once

#include <cstddef>
#include <new>
#include <string>
#include <string_view>

namespace ssm_cache::detail {

void* secure_allocate(std::size_t bytes);
/// Zeroes the block (explicit_bzero: not optimized away), then frees it.
void secure_free(void* p, std::size_t bytes) noexcept;

/// Test and diagnostics hooks: bytes handed out now, and whether `needle` occurs anywhere in
/// the pooled pages (in use or free) — a released value must not.
std::size_t secure_bytes_in_use() noexcept;
bool secure_pools_contain(std::string_view needle);

/// Zeroes a std::string's buffer (all of its capacity) and empties it.
void wipe(std::string& s) noexcept;

template <class T>
struct SecureAllocator {
  using value_type = T;
  SecureAllocator() noexcept = default;
  template <class U>
  SecureAllocator(const SecureAllocator<U>&) noexcept {}  // NOLINT: allocator rebinding
  T* allocate(std::size_t n) { return static_cast<T*>(secure_allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { secure_free(p, n * sizeof(T)); }
  template <class U>
  friend bool operator==(const SecureAllocator&, const SecureAllocator<U>&) noexcept {
    return true;
  }
};

using SecureString = std::basic_string<char, std::char_traits<char>, SecureAllocator<char>>;

}  // namespace ssm_cache::detail
