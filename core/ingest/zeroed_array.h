#pragma once
// A fixed-size, zero-initialised array for the large hash tables of ingest. Allocated with
// calloc (fresh memory is zero without being written) and, from 4 MiB up, marked for
// transparent huge pages before first touch: random access over hundreds of megabytes
// otherwise pays for a TLB miss on nearly every lookup. T must be valid when all bytes are zero.

#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include <sys/mman.h>

namespace expt {

template <typename T>
class ZeroedArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  ZeroedArray() = default;
  explicit ZeroedArray(size_t size) : m_size(size) {
    if (size == 0) return;
    m_data = static_cast<T*>(std::calloc(size, sizeof(T)));
    if (m_data == nullptr) throw std::bad_alloc();
    advise_huge_pages(m_data, size * sizeof(T));
  }
  ZeroedArray(ZeroedArray&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& other) noexcept {
    std::swap(m_data, other.m_data);
    std::swap(m_size, other.m_size);
    return *this;
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;
  ~ZeroedArray() { std::free(m_data); }

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
  static void advise_huge_pages(void* data, size_t bytes) {
    constexpr size_t k_huge = size_t{2} << 20;
    if (bytes < 2 * k_huge) return;
    const auto start = (reinterpret_cast<uintptr_t>(data) + k_huge - 1) & ~(k_huge - 1);
    const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(k_huge - 1);
    // Advice only: where the kernel has no huge pages to give, ordinary pages are used.
    if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  }

  T* m_data = nullptr;
  size_t m_size = 0;
};

}  // namespace expt
