#pragma once
// Transparent huge pages for ingest's large, randomly accessed memory. Where THP runs in
// "madvise" mode (as on the machine docs/performance.md measured), memory gets 2 MiB pages only
// when asked: without
// them, a lookup in a table of hundreds of megabytes pays a TLB miss, a page walk, on nearly
// every access, and under virtualization a walk costs several cache misses of its own.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace expt {

constexpr size_t k_huge_page = size_t{2} << 20;

// Asks for huge pages over the whole 2 MiB pages inside [data, data + bytes). Advice only: where
// the kernel has none to give, ordinary pages are used. Below two huge pages it does nothing.
inline void advise_huge_pages(void* data, size_t bytes) {
  if (bytes < 2 * k_huge_page) return;
  const auto start = (reinterpret_cast<uintptr_t>(data) + k_huge_page - 1) & ~(k_huge_page - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(k_huge_page - 1);
  if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
}

// Where a table of `bytes` starts: on a cache line, so no slot or bucket straddles two for want
// of alignment, and from two huge pages up on a huge page, so advise_huge_pages covers it all.
inline size_t table_alignment(size_t bytes) { return bytes >= 2 * k_huge_page ? k_huge_page : 64; }

// A standard allocator whose allocations start on a cache line and, from 4 MiB up, are aligned
// to and advised for huge pages; for vectors that grow into large per-entity tables.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    // Small blocks on a cache line, large ones on a huge page (aligned_alloc wants a multiple of
    // the alignment); the pages past the end are never touched.
    const size_t bytes = n * sizeof(T);
    const size_t align = std::max(table_alignment(bytes), alignof(T));
    void* p = std::aligned_alloc(align, (bytes + align - 1) & ~(align - 1));
    if (p == nullptr) throw std::bad_alloc();
    advise_huge_pages(p, bytes);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace expt
