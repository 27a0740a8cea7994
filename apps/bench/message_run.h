// message_run.h: the part of a messages run that the relay and MQTT modes share: the window
// (warm-up, measured seconds, drain), the counters and latency histograms, the payload header
// (scheduled send time and sequence number), and the report (human text + one JSON line).
//
//   MessageRun run;                                       // embedded in the mode's state
//   run.StampPayload(payload, seq, scheduled);            // sender
//   run.OnDelivered(payload_bytes);                       // receiver
//   const std::function<bool()> drained = [&] { return everything_arrived; };
//   co_await run.Drive(load, probe, warmup, seconds, drained);
//   run.Report("relay", setup_json, load, extra);
#pragma once

#include <asio/awaitable.hpp>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "latency_histogram.h"
#include "load_schedule.h"
#include "relay_probe.h"

namespace sc::bench {

struct MessageRun {
  SteadyTime window_start = SteadyTime::max(), window_end = SteadyTime::max();
  MessageCounters c;
  LatencyHistogram delivery_latency;  // scheduled send -> receiver got it, for sends scheduled in the window
  LatencyHistogram answer_latency;    // scheduled send -> sender got the server's acknowledgement
  nlohmann::json probe_delta;
  double drain_seconds = 0;
  bool drained = false;

  bool InWindow(SteadyTime t) const { return t >= window_start && t < window_end; }

  // StampPayload writes the scheduled time and sequence number into the first 16 bytes.
  // REQUIRES: payload.size() >= kMinPayload.
  void StampPayload(std::string& payload, uint64_t sequence, SteadyTime scheduled);
  // OnIssued counts a send scheduled in the window.
  void OnIssued(SteadyTime scheduled) {
    if (InWindow(scheduled)) ++c.scheduled_in_window;
  }
  // OnAnswered records the server's answer to a send scheduled at `scheduled`.
  void OnAnswered(SteadyTime scheduled, bool ok, const std::string& error);
  // OnDelivered records a delivery whose payload starts with StampPayload's header.
  void OnDelivered(std::string_view payload);

  // Drive starts `load`, runs warm-up and window (snapshots from `probe` at its edges, queue
  // sampling in between), stops the load, then waits up to kDrainTimeout for `drained()`.
  asio::awaitable<void> Drive(LoadSchedule& load, ServerProbe& probe, uint32_t warmup, uint32_t seconds,
                              const std::function<bool()>& drained);

  // Report prints the results and returns the JSON summary (the caller adds fields and prints it).
  nlohmann::json Report(const std::string& title, const LoadSchedule& load, double seconds) const;
};

}  // namespace sc::bench
