#pragma once
// A fixed-size, zero-initialised array for the large hash tables of ingest. Allocated with
// calloc (fresh memory is zero without being written), aligned to a cache line and, from 4 MiB
// up, to a huge page and marked for transparent huge pages before first touch
// (core/ingest/huge_pages.h). T must be valid when all bytes are zero.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include "core/ingest/huge_pages.h"

namespace expt {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(size_t size) : m_size(size) {
    if (size == 0) return;
    // calloc's large blocks are fresh pages (zero without being written) but start 16 bytes
    // into a page, so every 64-byte bucket would straddle two cache lines. The data starts where
    // table_alignment says, within a block allocated that much larger: address space only, the
    // unused pages are never touched.
    const size_t bytes = size * sizeof(T);
    const size_t align = table_alignment(bytes);
    m_block = std::calloc(1, bytes + align);
    if (m_block == nullptr) throw std::bad_alloc();
    m_data = reinterpret_cast<T*>((reinterpret_cast<uintptr_t>(m_block) + align - 1) & ~(align - 1));
    advise_huge_pages(m_data, bytes);
  }
  ZeroedArray(ZeroedArray&& other) noexcept
      : m_block(std::exchange(other.m_block, nullptr)),
        m_data(std::exchange(other.m_data, nullptr)),
        m_size(std::exchange(other.m_size, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& other) noexcept {
    std::swap(m_block, other.m_block);
    std::swap(m_data, other.m_data);
    std::swap(m_size, other.m_size);
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ~ZeroedArray() { std::free(m_block); }

  // Writes every page once, so the kernel allocates and zeroes them now, on this thread, rather
  // than on the first random writes of whichever thread uses the array. Contents stay all zero.
  void prefault() {
    auto* bytes = reinterpret_cast<volatile unsigned char*>(m_data);
    for (size_t at = 0; at < m_size * sizeof(T); at += 4096) bytes[at] = 0;
  }

  T& operator[](size_t i) { return m_data[i]; }
  const T& operator[](size_t i) const { return m_data[i]; }
  size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  T* begin() { return m_data; }
  T* end() { return m_data + m_size; }
  const T* begin() const { return m_data; }
  const T* end() const { return m_data + m_size; }

 private:
  void* m_block = nullptr;  // as allocated
  T* m_data = nullptr;      // aligned within it
  size_t m_size = 0;
};

}  // namespace expt
