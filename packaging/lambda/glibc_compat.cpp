// glibc_compat.cpp — linked into ssm-cache for the Lambda layer only (cmake/lambda_layer.cmake).
//
// Lambda's Amazon Linux 2023 has glibc 2.34. The static libstdc++ and libgcc of the Debian
// that builds the layer reference two newer glibc interfaces: arc4random (2.36, from
// std::random_device) and _dl_find_object (2.35, from the unwinder). Defined here, the static
// link binds those references to these definitions, so the binary asks glibc for nothing newer
// than 2.34 (packaging/lambda/check-layer.sh checks it). Both are built on older interfaces:
// getrandom (2.25) and dl_iterate_phdr (2.2.4).
#include <dlfcn.h>
#include <link.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" {

void arc4random_buf(void* buffer, std::size_t size) {
  auto* out = static_cast<unsigned char*>(buffer);
  while (size > 0) {
    const ssize_t n = ::getrandom(out, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // arc4random cannot fail: no randomness is no safe answer
    }
    out += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::uint32_t arc4random() {
  std::uint32_t value;
  arc4random_buf(&value, sizeof value);
  return value;
}

std::uint32_t arc4random_uniform(std::uint32_t upper_bound) {
  if (upper_bound < 2) return 0;
  const std::uint32_t min = -upper_bound % upper_bound;  // rejects the biased low values
  for (;;) {
    const std::uint32_t r = arc4random();
    if (r >= min) return r % upper_bound;
  }
}

namespace {

struct FindRequest {
  const char* address;
  dl_find_object* result;
  bool found;
};

int find_in_object(dl_phdr_info* info, std::size_t, void* data) {
  auto* request = static_cast<FindRequest*>(data);
  const char* start = nullptr;
  const char* end = nullptr;
  const char* eh_frame = nullptr;
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const char* seg = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    if (ph.p_type == PT_LOAD) {
      if (start == nullptr || seg < start) start = seg;
      if (seg + ph.p_memsz > end) end = seg + ph.p_memsz;
      if (request->address >= seg && request->address < seg + ph.p_memsz) contains = true;
    } else if (ph.p_type == PT_GNU_EH_FRAME) {
      eh_frame = seg;
    }
  }
  if (!contains) return 0;
  request->result->dlfo_flags = 0;
  request->result->dlfo_map_start = const_cast<char*>(start);
  request->result->dlfo_map_end = const_cast<char*>(end);
  request->result->dlfo_link_map = nullptr;
  request->result->dlfo_eh_frame = const_cast<char*>(eh_frame);
  request->found = true;
  return 1;
}

}  // namespace

// What libgcc's unwinder asks: the loaded object holding an address and its PT_GNU_EH_FRAME.
int _dl_find_object(void* address, dl_find_object* result) noexcept {
  FindRequest request{static_cast<const char*>(address), result, false};
  ::dl_iterate_phdr(find_in_object, &request);
  return request.found ? 0 : -1;
}

}  // extern "C"
