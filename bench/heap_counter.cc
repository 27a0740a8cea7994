// heap_counter.cc: the counting allocator of heap_counter.h: the global operator new and delete
// replacements and OpenSSL's allocator hooks. Linked into scp_bench only.

#include "heap_counter.h"

#include <malloc.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace heap {

std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_bytes[2];
std::atomic<int64_t> g_blocks[2];

TraceEntry g_trace[kTraceCapacity];
size_t g_trace_len = 0;
bool g_tracing = false;
int64_t g_untraced_freed_bytes = 0, g_untraced_freed_blocks = 0;

namespace {

void OnAlloc(void* p, Source s, const char* file, int line) noexcept {
  if (p == nullptr || !g_counting.load(std::memory_order_relaxed)) return;
  const size_t n = malloc_usable_size(p);
  g_bytes[s].fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  g_blocks[s].fetch_add(1, std::memory_order_relaxed);
  if (g_tracing && g_trace_len < kTraceCapacity)
    g_trace[g_trace_len++] = TraceEntry{p, n, file, line, s, true};
}

void OnFree(void* p, Source s) noexcept {
  if (p == nullptr || !g_counting.load(std::memory_order_relaxed)) return;
  const size_t n = malloc_usable_size(p);
  g_bytes[s].fetch_sub(static_cast<int64_t>(n), std::memory_order_relaxed);
  g_blocks[s].fetch_sub(1, std::memory_order_relaxed);
  if (!g_tracing) return;
  for (size_t i = g_trace_len; i-- > 0;) {
    if (g_trace[i].live && g_trace[i].p == p) {
      g_trace[i].live = false;
      return;
    }
  }
  g_untraced_freed_bytes += static_cast<int64_t>(n);
  ++g_untraced_freed_blocks;
}

// New, NewAligned, Delete: what the replaced operators at the end of this file do.
void* New(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  OnAlloc(p, kCxx, nullptr, 0);
  return p;
}
void* NewAligned(size_t n, std::align_val_t al) {
  void* p = nullptr;
  const size_t a = std::max(static_cast<size_t>(al), sizeof(void*));
  if (posix_memalign(&p, a, n == 0 ? 1 : n) != 0) throw std::bad_alloc();
  OnAlloc(p, kCxx, nullptr, 0);
  return p;
}
void Delete(void* p) noexcept {
  OnFree(p, kCxx);
  std::free(p);
}

}  // namespace

void* OsslMalloc(size_t n, const char* file, int line) {
  if (n == 0) return nullptr;
  void* p = std::malloc(n);
  OnAlloc(p, kOpenSsl, file, line);
  return p;
}
void* OsslRealloc(void* old, size_t n, const char* file, int line) {
  if (old == nullptr) return OsslMalloc(n, file, line);
  if (n == 0) {
    OnFree(old, kOpenSsl);
    std::free(old);
    return nullptr;
  }
  const bool counting = g_counting.load(std::memory_order_relaxed);
  if (counting) OnFree(old, kOpenSsl);
  void* p = std::realloc(old, n);
  if (p == nullptr) {
    if (counting) OnAlloc(old, kOpenSsl, file, line);  // the old block is still there
    return nullptr;
  }
  OnAlloc(p, kOpenSsl, file, line);
  return p;
}
void OsslFree(void* p, const char*, int) {
  OnFree(p, kOpenSsl);
  std::free(p);
}

Snapshot Now() {
  Snapshot s;
  for (int i = 0; i < 2; ++i) {
    s.bytes[i] = g_bytes[i].load(std::memory_order_relaxed);
    s.blocks[i] = g_blocks[i].load(std::memory_order_relaxed);
  }
  return s;
}

}  // namespace heap

// The replacements ([replacement.functions]): every form of the global operator new and delete.
void* operator new(std::size_t n) {
  return heap::New(n);
}
void* operator new[](std::size_t n) {
  return heap::New(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return heap::New(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
void* operator new(std::size_t n, std::align_val_t al) {
  return heap::NewAligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al) {
  return heap::NewAligned(n, al);
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  try {
    return heap::NewAligned(n, al);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t& t) noexcept {
  return operator new(n, al, t);
}
void operator delete(void* p) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  heap::Delete(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::Delete(p);
}
