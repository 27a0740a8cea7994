// load_schedule.h: when each message is sent, for the messages modes (relay and MQTT alike).
//
// Open loop (rate > 0): message k is due at start + k / rate and goes to sender k % senders,
// whatever happened to earlier messages; a scheduler wakes every kSchedulerTick and issues what
// has come due. Latency is measured from the scheduled time, so a slow server shows up as
// queueing instead of slowing the schedule down (no coordinated omission). A sender with
// kMaxInflightPerSender sends unanswered keeps later ones in a bounded backlog.
// Closed loop (rate 0): each sender keeps `window` sends outstanding, as fast as answers come;
// the scheduled time is the moment of issue.
//
//   LoadSchedule load(io, senders, rate, window, [&](size_t s, uint64_t k, SteadyTime t) { Send(s, k, t); });
//   load.Start();  ...  load.Done(s);   // when sender s's send is answered (or failed)
//   load.Stop();   // nothing more is issued
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "bench_common.h"

namespace sc::bench {

class LoadSchedule {
 public:
  using Issue = std::function<void(size_t sender, uint64_t sequence, SteadyTime scheduled)>;

  LoadSchedule(asio::io_context& io, size_t senders, double rate, size_t window, Issue issue);

  void Start();
  void Stop();
  // Done: one of `sender`'s sends was answered; its backlog (open loop) or window (closed) moves.
  void Done(size_t sender);

  uint64_t issued() const noexcept { return issued_; }
  // skipped: scheduled sends dropped because a sender's backlog was full (open loop only).
  uint64_t skipped() const noexcept { return skipped_; }
  // late: sends issued after their scheduled time because the sender was at its in-flight limit.
  uint64_t late() const noexcept { return late_; }
  size_t inflight() const noexcept { return inflight_total_; }

 private:
  struct Pending {
    uint64_t sequence{};
    SteadyTime scheduled;
  };
  asio::awaitable<void> Tick();
  void IssueNow(size_t sender, uint64_t sequence, SteadyTime scheduled);

  asio::io_context* io_;
  size_t senders_;
  double rate_;
  size_t window_;
  Issue issue_;
  bool running_ = false;
  SteadyTime start_;
  uint64_t next_ = 0;
  uint64_t issued_ = 0, skipped_ = 0, late_ = 0;
  size_t inflight_total_ = 0;
  std::vector<uint32_t> inflight_;
  std::vector<std::deque<Pending>> backlog_;
};

}  // namespace sc::bench
