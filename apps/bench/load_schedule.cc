#include "load_schedule.h"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <cmath>

#include "bench_limits.h"

namespace sc::bench {

LoadSchedule::LoadSchedule(asio::io_context& io, size_t senders, double rate, size_t window, Issue issue)
    : io_(&io),
      senders_(senders),
      rate_(rate),
      window_(window),
      issue_(std::move(issue)),
      inflight_(senders, 0),
      backlog_(senders) {}

void LoadSchedule::Start() {
  if (running_ || senders_ == 0) return;
  running_ = true;
  start_ = std::chrono::steady_clock::now();
  if (rate_ > 0) {
    asio::co_spawn(*io_, Tick(), asio::detached);
    return;
  }
  for (size_t s = 0; s < senders_; ++s) {
    for (size_t w = 0; w < window_; ++w) IssueNow(s, next_++, std::chrono::steady_clock::now());
  }
}

void LoadSchedule::Stop() {
  running_ = false;
  for (auto& b : backlog_) b.clear();
}

asio::awaitable<void> LoadSchedule::Tick() {
  const double ns_per_message = 1e9 / rate_;
  auto wake = start_;
  while (running_) {
    const double elapsed_ns = static_cast<double>((std::chrono::steady_clock::now() - start_).count());
    const auto due = static_cast<uint64_t>(std::floor(elapsed_ns / ns_per_message)) + 1;
    for (; next_ < due && running_; ++next_) {
      const size_t sender = next_ % senders_;
      const SteadyTime scheduled =
          start_ +
          std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(next_) * ns_per_message));
      if (inflight_[sender] < kMaxInflightPerSender) {
        IssueNow(sender, next_, scheduled);
      } else if (backlog_[sender].size() < kMaxBacklogPerSender) {
        backlog_[sender].push_back({next_, scheduled});
      } else {
        ++skipped_;
      }
    }
    wake += kSchedulerTick;
    const auto now = std::chrono::steady_clock::now();
    if (wake < now) wake = now;  // fell behind (a long handler): do not try to catch up in a spin
    co_await SleepUntil(wake);
  }
}

void LoadSchedule::IssueNow(size_t sender, uint64_t sequence, SteadyTime scheduled) {
  ++inflight_[sender];
  ++inflight_total_;
  ++issued_;
  issue_(sender, sequence, scheduled);
}

void LoadSchedule::Done(size_t sender) {
  if (inflight_[sender] > 0) {
    --inflight_[sender];
    --inflight_total_;
  }
  if (!running_) return;
  // The next send is issued from a fresh handler: an issuer whose send fails at once calls Done
  // from inside Issue, and a direct call would recurse.
  asio::post(*io_, [this, sender] {
    if (!running_) return;
    if (rate_ > 0) {
      if (!backlog_[sender].empty() && inflight_[sender] < kMaxInflightPerSender) {
        const Pending p = backlog_[sender].front();
        backlog_[sender].pop_front();
        ++late_;
        IssueNow(sender, p.sequence, p.scheduled);
      }
      return;
    }
    IssueNow(sender, next_++, std::chrono::steady_clock::now());
  });
}

}  // namespace sc::bench
