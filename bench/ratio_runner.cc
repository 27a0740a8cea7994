#include "ratio_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

namespace sc::bench {
namespace {

double ToNanoseconds(double t, benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond:
      return t;
    case benchmark::kMicrosecond:
      return t * 1e3;
    case benchmark::kMillisecond:
      return t * 1e6;
    case benchmark::kSecond:
      return t * 1e9;
  }
  return t;
}

// Quantile returns the q-quantile (0 <= q <= 1) of `v`, interpolating between neighbours;
// negative for an empty `v`.
double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}
double Median(std::vector<double> v) {
  return Quantile(std::move(v), 0.5);
}

// RecordingReporter: the display reporter Google Benchmark would have used (so --benchmark_format
// still works), plus a record of each run's CPU time and counters per benchmark and round.
class RecordingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit RecordingReporter(benchmark::BenchmarkReporter* display) : display_(display) {}

  // StartRound sets the round the next runs belong to and whether they are shown.
  void StartRound(int round, bool show) {
    round_ = round;
    show_ = show;
  }

  // The context (machine, library versions) and the column header are shown once, not per round.
  bool ReportContext(const Context& context) override {
    if (context_shown_) return true;
    context_shown_ = true;
    return display_->ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    if (show_) display_->ReportRuns(runs);
    for (const Run& run : runs) {
      // Keyed by the registered name: fixing the iteration count after round one adds an
      // "iterations:N" part to the full name.
      Record& r = records_[run.run_name.function_name];
      if (r.rounds.size() <= static_cast<size_t>(round_)) r.rounds.resize(static_cast<size_t>(round_) + 1);
      RoundRecord& rr = r.rounds[static_cast<size_t>(round_)];
      if (run.error_occurred) {
        r.error = run.error_message;
      } else if (run.run_type == Run::RT_Iteration) {
        rr.reps_ns.push_back(ToNanoseconds(run.GetAdjustedCPUTime(), run.time_unit));
        for (const auto& [counter, value] : run.counters) rr.reps_counters[counter].push_back(value.value);
        r.iterations = run.iterations;
      } else if (run.aggregate_name == "median" && run.aggregate_unit == benchmark::kTime) {
        rr.median_ns = ToNanoseconds(run.GetAdjustedCPUTime(), run.time_unit);
      }
    }
  }
  // Finalize runs after every round; the display is finalized once, by FinishDisplay, so that a
  // JSON or CSV display stays one document.
  void Finalize() override {}
  void FinishDisplay() {
    if (context_shown_) display_->Finalize();
  }

  bool empty() const { return records_.empty(); }
  // Iterations returns the iteration count Google Benchmark chose for `name` (0 if it did not run).
  benchmark::IterationCount Iterations(const std::string& name) const {
    auto it = records_.find(name);
    return it == records_.end() ? 0 : it->second.iterations;
  }
  // Error returns the error message of `name`, empty if none.
  std::string Error(const std::string& name) const {
    auto it = records_.find(name);
    return it == records_.end() ? std::string() : it->second.error;
  }
  // RoundValue returns, for `name` in `round`, the CPU ns/op (empty `counter`: the library's median
  // aggregate if the round had repetitions, else its one run) or the median of the counter's
  // values over the round's repetitions; negative if it did not run.
  double RoundValue(const std::string& name, size_t round, const std::string& counter) const {
    auto it = records_.find(name);
    if (it == records_.end() || round >= it->second.rounds.size()) return -1;
    const RoundRecord& rr = it->second.rounds[round];
    if (counter.empty()) return rr.median_ns >= 0 ? rr.median_ns : Median(rr.reps_ns);
    auto c = rr.reps_counters.find(counter);
    return c == rr.reps_counters.end() ? -1 : Median(c->second);
  }

 private:
  struct RoundRecord {
    std::vector<double> reps_ns;  // CPU ns/op of each repetition
    std::map<std::string, std::vector<double>> reps_counters;
    double median_ns = -1;  // the "median" aggregate, present when repetitions > 1
  };
  struct Record {
    std::vector<RoundRecord> rounds;
    benchmark::IterationCount iterations = 0;
    std::string error;
  };

  benchmark::BenchmarkReporter* display_;
  int round_ = 0;
  bool show_ = true;
  bool context_shown_ = false;
  std::map<std::string, Record> records_;
};

bool HasFlag(const std::vector<std::string>& args, std::string_view flag) {
  for (const std::string& a : args) {
    std::string_view v = a;
    if (v.starts_with(flag) && (v.size() == flag.size() || v[flag.size()] == '=')) return true;
  }
  return false;
}

std::string ShellQuote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_=./,:+@%", c) != nullptr;
  });
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Summary: one row's per-round values and ratios.
struct Summary {
  std::string error;
  std::vector<double> a, b, ratio;
};

}  // namespace

RatioRunner::RatioRunner(RunnerOptions options) : options_(std::move(options)) {}

void RatioRunner::AddPair(std::string label, std::string name, BenchmarkFn ours, BenchmarkFn raw,
                          double goal) {
  rows_.push_back(
      Row{Kind::kPair, std::move(label), std::move(name), std::move(ours), std::move(raw), {}, goal});
}

void RatioRunner::AddCounterPair(std::string label, std::string source, std::string counter, double goal) {
  rows_.push_back(
      Row{Kind::kCounterPair, std::move(label), std::move(source), {}, {}, std::move(counter), goal});
}

void RatioRunner::AddFraction(std::string label, std::string name, BenchmarkFn part, BenchmarkFn whole,
                              double goal) {
  rows_.push_back(
      Row{Kind::kFraction, std::move(label), std::move(name), std::move(part), std::move(whole), {}, goal});
}

void RatioRunner::AddMeasurement(std::string label, double value, std::string unit, double goal) {
  measurements_.push_back(Measurement{std::move(label), std::move(unit), value, goal});
}

void RatioRunner::AddNote(std::string line) {
  notes_.push_back(std::move(line));
}

// RegisterRound replaces the registered benchmarks with one round's: every row's two halves next
// to each other, ours (part) first or raw (whole) first.
void RatioRunner::RegisterRound(bool b_first) const {
  benchmark::ClearRegisteredBenchmarks();
  auto reg = [](const std::string& name, const BenchmarkFn& fn, benchmark::IterationCount iterations) {
    benchmark::internal::Benchmark* b =
        benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kNanosecond);
    if (iterations > 0) b->Iterations(iterations);
  };
  for (const Row& row : rows_) {
    if (row.kind == Kind::kCounterPair) continue;
    const std::string a = row.name + SuffixA(row.kind), b = row.name + SuffixB(row.kind);
    if (b_first) {
      reg(b, row.b, row.b_iterations);
      reg(a, row.a, row.a_iterations);
    } else {
      reg(a, row.a, row.a_iterations);
      reg(b, row.b, row.b_iterations);
    }
  }
}

int RatioRunner::Run(int argc, char** argv, const std::function<bool()>& before_timing) {
  const char* const program = options_.program.c_str();
  std::vector<std::string> args(argv, argv + argc);
  int rounds = options_.default_rounds;
  bool strict = false, all_rounds = false;
  for (const std::string& a : args) {
    if (a == "--sc_strict") {
      strict = true;
    } else if (a == "--sc_all_rounds") {
      all_rounds = true;
    } else if (a.starts_with("--sc_rounds=")) {
      rounds = std::atoi(a.c_str() + std::strlen("--sc_rounds="));
      if (rounds < 1) {
        std::fprintf(stderr, "%s: --sc_rounds must be at least 1\n", program);
        return 1;
      }
    }
  }
  // Many short rounds beat few long ones on a shared machine: a pair that runs for 60 ms rarely
  // straddles a change in machine load, so its ratio is mostly free of it.
  if (!HasFlag(args, "--benchmark_min_time"))
    args.push_back("--benchmark_min_time=" + options_.default_min_time);
  if (!HasFlag(args, "--sc_rounds")) args.push_back("--sc_rounds=" + std::to_string(rounds));
  std::string command;
  for (const std::string& a : args) command += (command.empty() ? "" : " ") + ShellQuote(a);

  std::erase_if(args, [](const std::string& a) {
    return a == "--sc_strict" || a == "--sc_all_rounds" || a.starts_with("--sc_rounds=");
  });
  const bool list_only = HasFlag(args, "--benchmark_list_tests");
  std::vector<char*> cargv;
  cargv.reserve(args.size() + 1);
  for (std::string& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  int cargc = static_cast<int>(args.size());
  benchmark::Initialize(&cargc, cargv.data());
  if (benchmark::ReportUnrecognizedArguments(cargc, cargv.data())) return 1;
  bool console = true;
  for (const std::string& a : args) {
    if (a.starts_with("--benchmark_format=") && a != "--benchmark_format=console") console = false;
  }
  FILE* const table = console ? stdout : stderr;

  if (!list_only && before_timing && !before_timing()) return 2;

  // Rounds: each round runs every benchmark once, a row's halves back to back, so both share
  // whatever the machine was doing then; which half goes first alternates by round. Round one also
  // sizes each benchmark (Google Benchmark's usual iteration search); later rounds reuse that
  // count, so every round of a benchmark does the same work and none is spent searching.
  std::unique_ptr<benchmark::BenchmarkReporter> display(benchmark::CreateDefaultDisplayReporter());
  RecordingReporter reporter(display.get());
  const bool progress = console && isatty(STDERR_FILENO) == 1;
  int rounds_run = 0;
  for (int round = 0; round < rounds; ++round) {
    RegisterRound(/*b_first=*/round % 2 == 1);
    reporter.StartRound(round, /*show=*/round == 0 || all_rounds);
    if (progress && round > 0 && !all_rounds) std::fprintf(stderr, "\rround %d of %d", round + 1, rounds);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    ++rounds_run;
    if (list_only || reporter.empty()) break;  // listing, or a filter that matched nothing
    if (round == 0) {
      for (Row& row : rows_) {
        if (row.kind == Kind::kCounterPair) continue;
        row.a_iterations = reporter.Iterations(row.name + SuffixA(row.kind));
        row.b_iterations = reporter.Iterations(row.name + SuffixB(row.kind));
      }
    }
  }
  if (progress && rounds_run > 1 && !all_rounds) std::fprintf(stderr, "\r%*s\r", 20, "");
  reporter.FinishDisplay();
  benchmark::Shutdown();
  if (list_only) return 0;

  auto summarize = [&](const Row& row) {
    Summary s;
    const std::string a_name = row.name + SuffixA(row.kind), b_name = row.name + SuffixB(row.kind);
    s.error = reporter.Error(a_name).empty() ? reporter.Error(b_name) : reporter.Error(a_name);
    for (size_t r = 0; r < static_cast<size_t>(rounds_run); ++r) {
      const double a = reporter.RoundValue(a_name, r, row.counter),
                   b = reporter.RoundValue(b_name, r, row.counter);
      if (a > 0 && b > 0) {
        s.a.push_back(a);
        s.b.push_back(b);
        s.ratio.push_back(a / b);
      }
    }
    return s;
  };

  std::vector<Summary> summaries;
  for (const Row& row : rows_) summaries.push_back(summarize(row));
  auto shown = [&](bool fraction) {
    for (size_t i = 0; i < rows_.size(); ++i) {
      const bool is_fraction = rows_[i].kind == Kind::kFraction;
      if (is_fraction == fraction && (!summaries[i].error.empty() || !summaries[i].ratio.empty()))
        return true;
    }
    return false;
  };

  int over = 0;
  // A run with only same-goal ours/raw rows (crypto_bench) keeps its one-goal table layout.
  bool one_goal = measurements_.empty();
  for (const Row& row : rows_) one_goal &= row.kind == Kind::kPair && row.goal == rows_.front().goal;
  const int label_width = one_goal ? 30 : 38;
  const bool show_pairs = one_goal ? !reporter.empty() : shown(false);
  const bool show_fractions = shown(true);

  if (show_pairs) {
    std::fprintf(
        table,
        "\nours/raw in CPU time over %d rounds; ns/op are medians over rounds, the ratio is the median of\n"
        "the per-round ratios (ours and raw run back to back in each round); spread = middle half of\n",
        rounds_run);
    if (one_goal) {
      std::fprintf(table, "the per-round ratios. Goal: ratio <= %.2f. Command: %s\n", rows_.front().goal,
                   command.c_str());
      std::fprintf(table, "%-30s %12s %12s %9s  %-11s  %s\n", "row", "ours ns/op", "raw ns/op", "ours/raw",
                   "spread", "verdict");
    } else {
      std::fprintf(table, "the per-round ratios. Command: %s\n", command.c_str());
      std::fprintf(table, "%-*s %12s %12s %9s  %-11s  %-8s  %s\n", label_width, "row", "ours ns/op",
                   "raw ns/op", "ours/raw", "spread", "goal", "verdict");
    }
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Row& row = rows_[i];
      const Summary& s = summaries[i];
      if (row.kind == Kind::kFraction) continue;
      if (!s.error.empty()) {
        std::fprintf(table, "%-*s %12s %12s %9s  %-11s  %serror: %s\n", label_width, row.label.c_str(), "-",
                     "-", "-", "-", one_goal ? "" : "-         ", s.error.c_str());
        ++over;
        continue;
      }
      if (s.ratio.empty()) continue;  // filtered out, or only one half matched the filter
      const double median_ratio = Median(s.ratio);
      const bool ok = median_ratio <= row.goal;
      if (!ok) ++over;
      char spread[32];
      std::snprintf(spread, sizeof spread, "%.2f..%.2f", Quantile(s.ratio, 0.25), Quantile(s.ratio, 0.75));
      if (one_goal) {
        std::fprintf(table, "%-30s %12.1f %12.1f %9.3f  %-11s  %s\n", row.label.c_str(), Median(s.a),
                     Median(s.b), median_ratio, spread, ok ? "ok" : "over");
      } else {
        char goal[16];
        std::snprintf(goal, sizeof goal, "<= %.2f", row.goal);
        std::fprintf(table, "%-*s %12.1f %12.1f %9.3f  %-11s  %-8s  %s\n", label_width, row.label.c_str(),
                     Median(s.a), Median(s.b), median_ratio, spread, goal, ok ? "ok" : "over");
      }
    }
  }

  if (show_fractions) {
    std::fprintf(
        table,
        "\npart/whole in CPU time over %d rounds (not ours vs raw: what the part costs as a fraction of\n"
        "the whole; the two run back to back in each round; medians and spread as for ours/raw)%s%s\n",
        rounds_run, show_pairs ? "" : ". Command: ", show_pairs ? "" : command.c_str());
    std::fprintf(table, "%-*s %12s %12s %10s  %-15s  %-8s  %s\n", label_width, "row", "part ns/op",
                 "whole ns/op", "part/whole", "spread", "goal", "verdict");
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Row& row = rows_[i];
      const Summary& s = summaries[i];
      if (row.kind != Kind::kFraction) continue;
      if (!s.error.empty()) {
        std::fprintf(table, "%-*s %12s %12s %10s  %-15s  %-8s  error: %s\n", label_width, row.label.c_str(),
                     "-", "-", "-", "-", "-", s.error.c_str());
        ++over;
        continue;
      }
      if (s.ratio.empty()) continue;
      const double median_ratio = Median(s.ratio);
      const bool ok = median_ratio <= row.goal;
      if (!ok) ++over;
      char spread[40], goal[16];
      std::snprintf(spread, sizeof spread, "%.4f..%.4f", Quantile(s.ratio, 0.25), Quantile(s.ratio, 0.75));
      std::snprintf(goal, sizeof goal, "<= %.3f", row.goal);
      std::fprintf(table, "%-*s %12.1f %12.1f %10.4f  %-15s  %-8s  %s\n", label_width, row.label.c_str(),
                   Median(s.a), Median(s.b), median_ratio, spread, goal, ok ? "ok" : "over");
    }
  }

  if (!measurements_.empty()) {
    std::fprintf(table, "\nmeasurements (not timings)\n");
    std::fprintf(table, "%-*s %14s  %-14s  %s\n", label_width, "row", "value", "goal", "verdict");
    for (const Measurement& m : measurements_) {
      const bool ok = m.value <= m.goal;
      if (!ok) ++over;
      char value[32], goal[32];
      std::snprintf(value, sizeof value, "%.0f %s", m.value, m.unit.c_str());
      std::snprintf(goal, sizeof goal, "<= %.0f %s", m.goal, m.unit.c_str());
      std::fprintf(table, "%-*s %14s  %-14s  %s\n", label_width, m.label.c_str(), value, goal,
                   ok ? "ok" : "over");
    }
  }
  for (const std::string& note : notes_) std::fprintf(table, "%s\n", note.c_str());
  std::fflush(table);
  return strict && over > 0 ? 1 : 0;
}

}  // namespace sc::bench
