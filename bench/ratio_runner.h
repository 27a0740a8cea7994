// ratio_runner.h: the "rounds" runner shared by the benchmarks of bench/ (see bench/README.md).
//
// A benchmark binary describes rows, each a pair of Google Benchmark functions measured in the
// same binary, and hands its command line to Run:
//
//   sc::bench::RatioRunner runner({.program = "crypto_bench"});
//   runner.AddPair("HMAC-SHA256 64 B", "hmac_sha256", HmacOurs, HmacRaw, /*goal=*/1.05);
//   return runner.Run(argc, argv, CrossCheck);
//
// The suite runs in rounds. In each round every benchmark runs once and a row's two halves run
// back to back (which one first alternates by round), so drift on a shared machine lands on both
// alike; the row's ratio is the median of its per-round ratios, in CPU time. Round one lets Google
// Benchmark choose each benchmark's iteration count, later rounds reuse it.
//
// Row kinds:
//   AddPair         ours vs raw: <name>/ours and <name>/raw, printed as ours/raw.
//   AddCounterPair  registers nothing: ours/raw of a per-iteration counter (ns) that the two
//                   halves of another pair row report, e.g. the CPU time of one side of a handshake.
//   AddFraction     part vs whole (not ours vs raw): <name>/part and <name>/whole, printed in their
//                   own section as part/whole, e.g. rejecting a forged message vs a full handshake.
//   AddMeasurement  a figure that is not a timing (bytes of heap), printed after the timings with
//                   its goal and verdict. May be called from the before_timing hook.
//
// Flags (removed before Google Benchmark sees the rest; every other flag passes through):
//   --sc_rounds=N     rounds (default RunnerOptions::default_rounds)
//   --sc_all_rounds   show every round's runs, not only the first round's
//   --sc_strict       exit status 1 if any row misses its goal (or failed)
// --benchmark_min_time defaults to RunnerOptions::default_min_time unless given.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace sc::bench {

using BenchmarkFn = std::function<void(benchmark::State&)>;

struct RunnerOptions {
  std::string program;  // for messages, e.g. "crypto_bench"
  int default_rounds = 30;
  std::string default_min_time = "0.03";  // seconds per benchmark per round
};

class RatioRunner {
 public:
  explicit RatioRunner(RunnerOptions options);
  RatioRunner(const RatioRunner&) = delete;
  RatioRunner& operator=(const RatioRunner&) = delete;

  // AddPair: ours vs raw; the table prints ours/raw in CPU time per op against `goal` (at most).
  void AddPair(std::string label, std::string name, BenchmarkFn ours, BenchmarkFn raw, double goal);
  // AddCounterPair: ours/raw of the per-iteration counter `counter` (in ns; set it with
  // benchmark::Counter::kAvgIterations) reported by both halves of the pair row named `source`.
  void AddCounterPair(std::string label, std::string source, std::string counter, double goal);
  // AddFraction: part/whole in CPU time per op, against `goal` (at most).
  void AddFraction(std::string label, std::string name, BenchmarkFn part, BenchmarkFn whole, double goal);
  // AddMeasurement: `value` in `unit`, against `goal` (at most).
  void AddMeasurement(std::string label, double value, std::string unit, double goal);
  // AddNote: a free line printed after the table (details of a measurement, a breakdown).
  void AddNote(std::string line);

  // Run parses the flags, calls `before_timing` (unless only listing benchmarks; a false return
  // ends the program with status 2: the pairs would not compare the same work), runs the rounds
  // and prints the table: on stdout under the console format, else on stderr so JSON or CSV stay
  // clean. Returns the exit status for main.
  int Run(int argc, char** argv, const std::function<bool()>& before_timing = {});

 private:
  enum class Kind { kPair, kCounterPair, kFraction };
  struct Row {
    Kind kind;
    std::string label;  // printed in the table
    std::string name;   // benchmark name prefix (kCounterPair: the source row's)
    BenchmarkFn a, b;   // ours / raw, or part / whole; empty for kCounterPair
    std::string counter;
    double goal;
    benchmark::IterationCount a_iterations = 0, b_iterations = 0;  // 0: let the library choose
  };
  struct Measurement {
    std::string label, unit;
    double value, goal;
  };
  static const char* SuffixA(Kind kind) { return kind == Kind::kFraction ? "/part" : "/ours"; }
  static const char* SuffixB(Kind kind) { return kind == Kind::kFraction ? "/whole" : "/raw"; }
  void RegisterRound(bool b_first) const;

  RunnerOptions options_;
  std::vector<Row> rows_;
  std::vector<Measurement> measurements_;
  std::vector<std::string> notes_;
};

}  // namespace sc::bench
