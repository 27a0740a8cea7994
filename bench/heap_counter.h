// heap_counter.h: heap accounting for scp_bench's idle-session row (row d). heap_counter.cc
// replaces the global operator new and delete (every form), and provides OpenSSL allocator hooks
// for CRYPTO_set_mem_functions, so that every C++ and every OpenSSL allocation passes through
// here. All of them are plain malloc/free while counting is off (all of the timing), so the timed
// code pays nothing for it. While counting is on they add malloc_usable_size of each block: what
// the allocator actually reserved for the request (glibc's 8-byte chunk header aside). A trace of
// the blocks allocated while tracing is on gives the breakdown by OpenSSL source line.
//
//   // First thing in main, before OpenSSL allocates:
//   CRYPTO_set_mem_functions(heap::OsslMalloc, heap::OsslRealloc, heap::OsslFree);
//   heap::g_counting = true;
//   const heap::Snapshot before = heap::Now();
//   ... make the objects to measure ...
//   const heap::Snapshot held = heap::Now() - before;  // bytes and blocks they keep, per source
//
// heap_counter.cc must be linked into scp_bench only (its operators replace the program's), and
// exactly once. Counting may be read from any thread; tracing is single-threaded only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace heap {

// Source: who asked for a block; indexes Snapshot's arrays.
enum Source : uint8_t { kCxx = 0, kOpenSsl = 1 };

// g_counting: while false (the default) the operators and hooks only allocate and free.
extern std::atomic<bool> g_counting;

// TraceEntry: one block allocated while g_tracing was on. `file` and `line` are OpenSSL's (null
// and 0 for operator new); `live` turns false when the block is freed.
struct TraceEntry {
  const void* p;
  size_t size;
  const char* file;
  int line;
  Source source;
  bool live;
};
constexpr size_t kTraceCapacity = 8192;  // later blocks are counted but not traced
extern TraceEntry g_trace[kTraceCapacity];
extern size_t g_trace_len;
extern bool g_tracing;  // single-threaded use only: set around the measured block
// Blocks freed while tracing that were allocated before it (per-thread state OpenSSL replaces,
// e.g. the HKDF context's copies of its last key and info): they net out of the live count.
extern int64_t g_untraced_freed_bytes, g_untraced_freed_blocks;

// OsslMalloc, OsslRealloc, OsslFree: OpenSSL's allocator hooks for CRYPTO_set_mem_functions,
// which accepts them only before OpenSSL's first allocation. CRYPTO_malloc(0) returns NULL by
// default; so do these.
void* OsslMalloc(size_t n, const char* file, int line);
void* OsslRealloc(void* old, size_t n, const char* file, int line);
void OsslFree(void* p, const char* file, int line);

// Snapshot: live bytes (malloc_usable_size) and blocks counted per source at one moment; the
// difference of two is what was allocated and not freed between them.
struct Snapshot {
  int64_t bytes[2] = {0, 0};
  int64_t blocks[2] = {0, 0};
  int64_t total() const { return bytes[kCxx] + bytes[kOpenSsl]; }
  Snapshot operator-(const Snapshot& o) const {
    Snapshot d;
    for (int s = 0; s < 2; ++s) {
      d.bytes[s] = bytes[s] - o.bytes[s];
      d.blocks[s] = blocks[s] - o.blocks[s];
    }
    return d;
  }
};

// Now returns the counts so far (only blocks allocated or freed while g_counting was on).
Snapshot Now();

}  // namespace heap
