#include "securecomm/base/metrics.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "securecomm/base/check.h"

namespace sc {
namespace {

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Text exposition format 0.0.4: metric names match [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name) {
  if (name.empty() || IsDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

// Label names match [a-zA-Z_][a-zA-Z0-9_]*; names starting with "__" are reserved for Prometheus.
bool IsValidLabelName(std::string_view name) {
  if (name.empty() || IsDigit(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

// HELP text escapes backslash and line feed; label values also escape the double quote.
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        if (escape_quote) {
          out += "\\\"";
        } else {
          out += c;
        }
        break;
      default:
        out += c;
    }
  }
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(out, help, /*escape_quote=*/false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// The format takes Go's float syntax: NaN, +Inf, -Inf; fmt's shortest round-trip form otherwise.
void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

}  // namespace

void LabeledCounter::Inc(std::string_view label_value, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = counters_.find(label_value);
  if (it == counters_.end()) {
    // The "other" series is not one of the kMaxLabelValues: it is created on the first fold.
    const size_t named = counters_.size() - counters_.count(kOtherLabelValue);
    const bool fits = named < kMaxLabelValues && label_value.size() <= kMaxLabelValueBytes;
    it = counters_.try_emplace(std::string(fits ? label_value : kOtherLabelValue)).first;
  }
  it->second.Inc(n);
}

uint64_t LabeledCounter::value(std::string_view label_value) const {
  std::lock_guard lock(mu_);
  auto it = counters_.find(label_value);
  return it == counters_.end() ? 0 : it->second.value();
}

size_t LabeledCounter::size() const {
  std::lock_guard lock(mu_);
  return counters_.size();
}

void LabeledCounter::AppendSamples(std::string& out, std::string_view name,
                                   std::string_view label_name) const {
  std::lock_guard lock(mu_);
  for (const auto& [label_value, counter] : counters_) {
    out += name;
    out += '{';
    out += label_name;
    out += "=\"";
    AppendEscaped(out, label_value, /*escape_quote=*/true);
    fmt::format_to(std::back_inserter(out), "\"}} {}\n", counter.value());
  }
}

LabeledHistogram::LabeledHistogram(std::vector<std::string> label_values, std::vector<double> bounds_seconds)
    : values_(std::move(label_values)), bounds_(std::move(bounds_seconds)) {
  SC_CHECK(!values_.empty());
  for (size_t i = 0; i < bounds_.size(); ++i) {
    SC_CHECK(bounds_[i] > 0 && (i == 0 || bounds_[i] > bounds_[i - 1]));
    bounds_ns_.push_back(static_cast<int64_t>(bounds_[i] * 1e9));
  }
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(values_.size() * stride());
  sums_ns_ = std::make_unique<std::atomic<uint64_t>[]>(values_.size());
}

void LabeledHistogram::Observe(size_t series, std::chrono::nanoseconds duration) noexcept {
  SC_CHECK(series < values_.size());
  const int64_t ns = std::max<int64_t>(duration.count(), 0);
  // Few buckets (about 15): a linear scan beats a binary search's branches here.
  size_t b = 0;
  while (b < bounds_ns_.size() && ns > bounds_ns_[b]) ++b;
  buckets_[series * stride() + b].fetch_add(1, std::memory_order_relaxed);
  sums_ns_[series].fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
}

uint64_t LabeledHistogram::count(size_t series) const noexcept {
  SC_CHECK(series < values_.size());
  uint64_t n = 0;
  for (size_t b = 0; b < stride(); ++b) n += buckets_[series * stride() + b].load(std::memory_order_relaxed);
  return n;
}

double LabeledHistogram::sum_seconds(size_t series) const noexcept {
  SC_CHECK(series < values_.size());
  return static_cast<double>(sums_ns_[series].load(std::memory_order_relaxed)) / 1e9;
}

void LabeledHistogram::AppendSamples(std::string& out, std::string_view name,
                                     std::string_view label_name) const {
  for (size_t v = 0; v < values_.size(); ++v) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b < stride(); ++b) {
      cumulative += buckets_[v * stride() + b].load(std::memory_order_relaxed);
      out += name;
      out += "_bucket{";
      out += label_name;
      out += "=\"";
      AppendEscaped(out, values_[v], /*escape_quote=*/true);
      out += "\",le=\"";
      if (b < bounds_.size()) {
        AppendDouble(out, bounds_[b]);
      } else {
        out += "+Inf";
      }
      fmt::format_to(std::back_inserter(out), "\"}} {}\n", cumulative);
    }
    for (const std::string_view suffix : {"_sum", "_count"}) {
      out += name;
      out += suffix;
      out += '{';
      out += label_name;
      out += "=\"";
      AppendEscaped(out, values_[v], /*escape_quote=*/true);
      out += "\"} ";
      if (suffix == "_sum") {
        AppendDouble(out, sum_seconds(v));
      } else {
        fmt::format_to(std::back_inserter(out), "{}", cumulative);
      }
      out += '\n';
    }
  }
}

Counter& Metrics::AddCounter(std::string name, std::string help) {
  SC_CHECK(name.ends_with("_total"));
  std::lock_guard lock(mu_);
  Counter& c = counters_.emplace_back();
  Register({.name = std::move(name), .help = std::move(help), .kind = Kind::kCounter, .counter = &c});
  return c;
}

Gauge& Metrics::AddGauge(std::string name, std::string help) {
  std::lock_guard lock(mu_);
  Gauge& g = gauges_.emplace_back();
  Register({.name = std::move(name), .help = std::move(help), .kind = Kind::kGauge, .gauge = &g});
  return g;
}

LabeledCounter& Metrics::AddLabeledCounter(std::string name, std::string help, std::string label_name) {
  SC_CHECK(name.ends_with("_total"));
  SC_CHECK(IsValidLabelName(label_name));
  std::lock_guard lock(mu_);
  LabeledCounter& l = labeled_.emplace_back();
  Register({.name = std::move(name),
            .help = std::move(help),
            .kind = Kind::kLabeledCounter,
            .labeled = &l,
            .label_name = std::move(label_name)});
  return l;
}

void Metrics::AddGaugeCallback(std::string name, std::string help, std::function<double()> compute) {
  SC_CHECK(compute != nullptr);
  std::lock_guard lock(mu_);
  Register({.name = std::move(name),
            .help = std::move(help),
            .kind = Kind::kGaugeCallback,
            .compute = std::move(compute)});
}

LabeledHistogram& Metrics::AddLabeledHistogram(std::string name, std::string help, std::string label_name,
                                               std::vector<std::string> label_values,
                                               std::vector<double> bounds_seconds) {
  SC_CHECK(!name.ends_with("_total"));
  SC_CHECK(IsValidLabelName(label_name) && label_name != "le");
  std::lock_guard lock(mu_);
  LabeledHistogram& h = histograms_.emplace_back(std::move(label_values), std::move(bounds_seconds));
  Register({.name = std::move(name),
            .help = std::move(help),
            .kind = Kind::kHistogram,
            .histogram = &h,
            .label_name = std::move(label_name)});
  return h;
}

void Metrics::Register(Family family) {
  SC_CHECK(IsValidMetricName(family.name));
  // Families are few and registered once at startup: a linear scan is enough.
  for (const Family& f : families_) SC_CHECK(f.name != family.name);
  families_.push_back(std::move(family));
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const Family& f : families_) {
    switch (f.kind) {
      case Kind::kCounter:
        AppendHeader(out, f.name, f.help, "counter");
        fmt::format_to(std::back_inserter(out), "{} {}\n", f.name, f.counter->value());
        break;
      case Kind::kGauge:
        AppendHeader(out, f.name, f.help, "gauge");
        fmt::format_to(std::back_inserter(out), "{} {}\n", f.name, f.gauge->value());
        break;
      case Kind::kLabeledCounter:
        AppendHeader(out, f.name, f.help, "counter");
        f.labeled->AppendSamples(out, f.name, f.label_name);
        break;
      case Kind::kHistogram:
        AppendHeader(out, f.name, f.help, "histogram");
        f.histogram->AppendSamples(out, f.name, f.label_name);
        break;
      case Kind::kGaugeCallback: {
        AppendHeader(out, f.name, f.help, "gauge");
        double v = std::nan("");
        try {
          v = f.compute();
        } catch (...) {  // one failing source must not take the whole scrape down: render NaN
        }
        out += f.name;
        out += ' ';
        AppendDouble(out, v);
        out += '\n';
        break;
      }
    }
  }
  return out;
}

}  // namespace sc
