// Tests for the metrics registry: exact text exposition output of each kind, escaping, the label
// bound, misuse checks and concurrent increments.
#include "securecomm/base/metrics.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(Metrics, EmptyRegistryRendersNothing) {
  Metrics m;
  EXPECT_EQ(m.Render(), "");
}

TEST(Metrics, CounterRendersExactly) {
  Metrics m;
  Counter& c = m.AddCounter("sc_frames_total", "SCP frames received.");
  c.Inc();
  c.Inc(41);
  EXPECT_EQ(c.value(), 42u);
  EXPECT_EQ(m.Render(),
            "# HELP sc_frames_total SCP frames received.\n"
            "# TYPE sc_frames_total counter\n"
            "sc_frames_total 42\n");
}

TEST(Metrics, CounterRendersFullUint64Range) {
  Metrics m;
  m.AddCounter("big_total", "h").Inc(UINT64_MAX);
  EXPECT_EQ(m.Render(), "# HELP big_total h\n# TYPE big_total counter\nbig_total 18446744073709551615\n");
}

TEST(Metrics, GaugeRendersExactlyIncludingNegative) {
  Metrics m;
  Gauge& g = m.AddGauge("sc_sessions", "Open sessions.");
  g.Set(5);
  g.Add(-7);
  EXPECT_EQ(g.value(), -2);
  EXPECT_EQ(m.Render(),
            "# HELP sc_sessions Open sessions.\n"
            "# TYPE sc_sessions gauge\n"
            "sc_sessions -2\n");
}

TEST(Metrics, LabeledCounterRendersSortedByValue) {
  Metrics m;
  LabeledCounter& l = m.AddLabeledCounter("sc_drops_total", "Drops by reason.", "reason");
  EXPECT_EQ(m.Render(), "# HELP sc_drops_total Drops by reason.\n# TYPE sc_drops_total counter\n");
  l.Inc("kReplay", 3);
  l.Inc("kBadMac");
  l.Inc("kReplay");
  EXPECT_EQ(l.value("kReplay"), 4u);
  EXPECT_EQ(l.value("never"), 0u);
  EXPECT_EQ(m.Render(),
            "# HELP sc_drops_total Drops by reason.\n"
            "# TYPE sc_drops_total counter\n"
            "sc_drops_total{reason=\"kBadMac\"} 1\n"
            "sc_drops_total{reason=\"kReplay\"} 4\n");
}

TEST(Metrics, GaugeCallbackComputedAtRenderTime) {
  Metrics m;
  double depth = 1.5;
  m.AddGaugeCallback("sc_queue_depth", "Queued messages.", [&] { return depth; });
  EXPECT_EQ(m.Render(),
            "# HELP sc_queue_depth Queued messages.\n# TYPE sc_queue_depth gauge\nsc_queue_depth 1.5\n");
  depth = 7;
  EXPECT_EQ(m.Render(),
            "# HELP sc_queue_depth Queued messages.\n# TYPE sc_queue_depth gauge\nsc_queue_depth 7\n");
}

TEST(Metrics, GaugeCallbackSpecialValuesAndThrowing) {
  Metrics m;
  m.AddGaugeCallback("a", "h", [] { return INFINITY; });
  m.AddGaugeCallback("b", "h", [] { return -INFINITY; });
  m.AddGaugeCallback("c", "h", [] { return std::nan(""); });
  m.AddGaugeCallback("d", "h", []() -> double { throw std::runtime_error("source gone"); });
  m.AddGaugeCallback("e", "h", [] { return 1e21; });
  EXPECT_EQ(m.Render(),
            "# HELP a h\n# TYPE a gauge\na +Inf\n"
            "# HELP b h\n# TYPE b gauge\nb -Inf\n"
            "# HELP c h\n# TYPE c gauge\nc NaN\n"
            "# HELP d h\n# TYPE d gauge\nd NaN\n"
            "# HELP e h\n# TYPE e gauge\ne 1e+21\n");
}

TEST(Metrics, FamiliesRenderInRegistrationOrder) {
  Metrics m;
  m.AddGauge("z_gauge", "last name, first registered").Set(1);
  m.AddCounter("a_total", "first name, second registered").Inc(2);
  EXPECT_EQ(m.Render(),
            "# HELP z_gauge last name, first registered\n# TYPE z_gauge gauge\nz_gauge 1\n"
            "# HELP a_total first name, second registered\n# TYPE a_total counter\na_total 2\n");
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  LabeledCounter& l = m.AddLabeledCounter("x_total", "h", "v");
  l.Inc("a\\b");
  l.Inc("say \"hi\"");
  l.Inc("two\nlines");
  EXPECT_EQ(m.Render(),
            "# HELP x_total h\n# TYPE x_total counter\n"
            "x_total{v=\"a\\\\b\"} 1\n"
            "x_total{v=\"say \\\"hi\\\"\"} 1\n"
            "x_total{v=\"two\\nlines\"} 1\n");
}

TEST(Metrics, HelpIsEscapedButQuotesAreKept) {
  Metrics m;
  m.AddGauge("g", "back\\slash \"quoted\"\nnext");
  EXPECT_EQ(m.Render(), "# HELP g back\\\\slash \"quoted\"\\nnext\n# TYPE g gauge\ng 0\n");
}

TEST(Metrics, LabelValuesAreBounded) {
  Metrics m;
  LabeledCounter& l = m.AddLabeledCounter("peer_total", "h", "v");
  for (size_t i = 0; i < kMaxLabelValues; ++i) l.Inc("v" + std::to_string(i));
  EXPECT_EQ(l.size(), kMaxLabelValues);
  l.Inc("new1");
  l.Inc("new2", 5);
  l.Inc("v0");  // an existing value keeps its own series
  EXPECT_EQ(l.size(), kMaxLabelValues + 1);
  EXPECT_EQ(l.value("new1"), 0u);
  EXPECT_EQ(l.value(kOtherLabelValue), 6u);
  EXPECT_EQ(l.value("v0"), 2u);
  for (int i = 0; i < 1000; ++i) l.Inc("flood" + std::to_string(i));
  EXPECT_EQ(l.size(), kMaxLabelValues + 1);
  EXPECT_EQ(l.value(kOtherLabelValue), 1006u);
  EXPECT_NE(m.Render().find("peer_total{v=\"other\"} 1006\n"), std::string::npos);
}

TEST(Metrics, OverlongLabelValueFoldsIntoOther) {
  Metrics m;
  LabeledCounter& l = m.AddLabeledCounter("len_total", "h", "v");
  l.Inc(std::string(kMaxLabelValueBytes, 'a'));
  l.Inc(std::string(kMaxLabelValueBytes + 1, 'b'));
  EXPECT_EQ(l.value(std::string(kMaxLabelValueBytes, 'a')), 1u);
  EXPECT_EQ(l.value(kOtherLabelValue), 1u);
  // "other" does not use up one of the kMaxLabelValues named series.
  for (size_t i = 1; i < kMaxLabelValues; ++i) l.Inc("v" + std::to_string(i));
  EXPECT_EQ(l.value("v63"), 1u);
  EXPECT_EQ(l.size(), kMaxLabelValues + 1);
}

TEST(Metrics, ConcurrentIncSumsExactly) {
  Metrics m;
  Counter& c = m.AddCounter("hits_total", "h");
  Gauge& g = m.AddGauge("level", "h");
  LabeledCounter& l = m.AddLabeledCounter("by_thread_total", "h", "t");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string mine = "t" + std::to_string(t);
      for (int i = 0; i < kPerThread; ++i) {
        c.Inc();
        g.Add(2);
        g.Add(-1);
        l.Inc(i % 2 == 0 ? std::string_view{"shared"} : std::string_view{mine});
        if (i % 10000 == 0) (void)m.Render();  // scraping while writers run is safe
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(g.value(), int64_t{kThreads} * kPerThread);
  EXPECT_EQ(l.value("shared"), uint64_t{kThreads} * kPerThread / 2);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(l.value("t" + std::to_string(t)), uint64_t{kPerThread} / 2);
}

TEST(Metrics, ReferencesStayValidAcrossRegistrations) {
  Metrics m;
  Counter& first = m.AddCounter("first_total", "h");
  for (int i = 0; i < 1000; ++i) m.AddCounter("c" + std::to_string(i) + "_total", "h");
  first.Inc(3);
  EXPECT_TRUE(m.Render().starts_with(
      "# HELP first_total h\n# TYPE first_total counter\nfirst_total 3\n# HELP c0_total"));
}

TEST(Metrics, HistogramRendersCumulativeBucketsSumAndCount) {
  Metrics m;
  LabeledHistogram& h =
      m.AddLabeledHistogram("stage_seconds", "Time per stage.", "stage", {"read", "write"}, {0.001, 0.01});
  using std::chrono::microseconds;
  h.Observe(0, microseconds(500));    // <= 1 ms
  h.Observe(0, microseconds(1000));   // on the bound: <= 1 ms
  h.Observe(0, microseconds(5000));   // <= 10 ms
  h.Observe(0, microseconds(20000));  // +Inf
  h.Observe(1, microseconds(-5));     // negative counts as zero
  EXPECT_EQ(h.count(0), 4u);
  EXPECT_DOUBLE_EQ(h.sum_seconds(0), 0.0265);
  EXPECT_EQ(h.count(1), 1u);
  EXPECT_EQ(m.Render(),
            "# HELP stage_seconds Time per stage.\n"
            "# TYPE stage_seconds histogram\n"
            "stage_seconds_bucket{stage=\"read\",le=\"0.001\"} 2\n"
            "stage_seconds_bucket{stage=\"read\",le=\"0.01\"} 3\n"
            "stage_seconds_bucket{stage=\"read\",le=\"+Inf\"} 4\n"
            "stage_seconds_sum{stage=\"read\"} 0.0265\n"
            "stage_seconds_count{stage=\"read\"} 4\n"
            "stage_seconds_bucket{stage=\"write\",le=\"0.001\"} 1\n"
            "stage_seconds_bucket{stage=\"write\",le=\"0.01\"} 1\n"
            "stage_seconds_bucket{stage=\"write\",le=\"+Inf\"} 1\n"
            "stage_seconds_sum{stage=\"write\"} 0\n"
            "stage_seconds_count{stage=\"write\"} 1\n");
}

using MetricsDeathTest = ::testing::Test;

TEST(MetricsDeathTest, MisuseAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(Metrics().AddGauge("9starts_with_digit", "h"), "check failed");
  EXPECT_DEATH(Metrics().AddGauge("has-dash", "h"), "check failed");
  EXPECT_DEATH(Metrics().AddGauge("", "h"), "check failed");
  EXPECT_DEATH(Metrics().AddCounter("no_suffix", "h"), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledCounter("x_total", "h", "__reserved"), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledCounter("x_total", "h", "has:colon"), "check failed");
  EXPECT_DEATH(Metrics().AddGaugeCallback("cb", "h", nullptr), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledHistogram("h_seconds", "h", "le", {"a"}, {1.0}), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledHistogram("h_seconds", "h", "s", {}, {1.0}), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledHistogram("h_seconds", "h", "s", {"a"}, {2.0, 1.0}), "check failed");
  EXPECT_DEATH(Metrics().AddLabeledHistogram("h_seconds", "h", "s", {"a"}, {1.0}).Observe(1, {}),
               "check failed");
  EXPECT_DEATH(
      {
        Metrics m;
        m.AddGauge("dup", "h");
        m.AddGauge("dup", "h");
      },
      "check failed");
  // A valid name with colons and underscores is accepted.
  Metrics ok;
  ok.AddGauge("_ns:sub_name1", "h");
  SUCCEED();
}

}  // namespace
}  // namespace sc
