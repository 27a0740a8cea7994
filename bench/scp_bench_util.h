// scp_bench_util.h: small helpers shared by scp_bench's translation units (scp_bench.cc and its
// anchors, tls_anchor.cc and raw_records.cc): a fatal setup error, deterministic test bytes, and
// SideTimes, the per-side CPU accounting behind the "initiator vs TLS client" and "responder vs
// TLS server" rows.
//
//   if (ctx == nullptr) Die("SSL_CTX");                   // prints, exits with status 2
//   const std::vector<uint8_t> pt = Bytes(64, /*seed=*/23);
//   SideTimes t;
//   SideTimes::Add(t.initiator, [&] { client.Start(); });  // adds the call's thread CPU time
//   t.Report(state);                                       // as per-iteration counters
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include <benchmark/benchmark.h>

#include "securecomm/base/random.h"

namespace sc::bench {

// Die reports that setting up a benchmark failed (a key, certificate or context could not be made)
// and ends the program with status 2: nothing after it would measure what it claims.
[[noreturn]] inline void Die(const char* what) {
  std::fprintf(stderr, "scp_bench: setup failed: %s\n", what);
  std::exit(2);
}

// Bytes returns `n` bytes of sc::DeterministicRandom seeded with `seed`: the same on every run.
inline std::vector<uint8_t> Bytes(size_t n, uint64_t seed) {
  std::vector<uint8_t> v(n);
  sc::DeterministicRandom rng(seed);
  rng.Fill(v);
  return v;
}

// ThreadCpuNs returns the calling thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID).
inline int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// SideTimes: CPU ns spent in each side's calls over a benchmark run (per-side rows).
// Not thread-safe; one per benchmark run.
struct SideTimes {
  int64_t initiator = 0, responder = 0;
  // Add runs f() and adds the thread CPU time it took to `acc` (initiator or responder).
  template <typename F>
  static void Add(int64_t& acc, F&& f) {
    const int64_t t0 = ThreadCpuNs();
    f();
    acc += ThreadCpuNs() - t0;
  }
  // Report sets the counters "initiator_ns" and "responder_ns" of `state`, averaged per iteration,
  // which RatioRunner::AddCounterPair rows compare.
  void Report(benchmark::State& state) const {
    state.counters["initiator_ns"] =
        benchmark::Counter(static_cast<double>(initiator), benchmark::Counter::kAvgIterations);
    state.counters["responder_ns"] =
        benchmark::Counter(static_cast<double>(responder), benchmark::Counter::kAvgIterations);
  }
};

}  // namespace sc::bench
