// limits.h: bounds of the relay's network adapter, each with its reason (DESIGN.md §7.6).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sc::relay_server {

// Open client connections. A process may hold 20,000 descriptors on our machines and the limit
// cannot be raised; the store, its WAL, the HTTP endpoint and logs need a few dozen (100 kept).
inline constexpr size_t kDescriptorLimit = 20000;
inline constexpr size_t kDescriptorsForTheRelayItself = 100;
inline constexpr size_t kDefaultMaxConnections = kDescriptorLimit - kDescriptorsForTheRelayItself;

// Read-buffer memory beyond each connection's allowance (net::kPartialFrameAllowance) that all
// connections may hold at once for frames in progress (net::PartialFrameBudget): about 500
// maximum-size frames arriving at once (net::kReadBufferSize each), where 19,900 peers that each
// announce one and stall would otherwise hold 2.6 GiB; a connection whose large frame finds the
// budget spent is ended with kOverloaded (scp.md §10), small frames go on.
inline constexpr size_t kDefaultPartialFrameBudget = size_t{64} << 20;

// Requests of one session waiting for the store: enough to pipeline, few enough that one
// session cannot take the whole worker queue (kMaxPendingJobs) for itself.
inline constexpr uint32_t kMaxInflightRequests = 64;

// Malformed frames a session may send before it is closed: a buggy client learns what is wrong
// from the first answers; a fuzzer or attacker does not get to use the relay's CPU for free.
inline constexpr uint32_t kMaxBadFrames = 8;

// While kMaxInflightRequests are out, the receive loop sleeps until an answer wakes it; it also
// re-checks this often, so that a lost wake-up can only delay it, never stall it.
inline constexpr std::chrono::seconds kInflightRecheck{5};

// A request refused RELAY_BUSY (the store worker's queue is full) carries this retry hint: a
// few group commits' time, so that retries arrive after the backlog has moved.
inline constexpr std::chrono::milliseconds kBusyRetryAfter{200};

// A session whose output has been waiting to be written this long without the peer taking a
// single byte is ended with SLOW_READER (relay.md §8.4): a stuck peer must not hold its
// buffers and descriptor for the SCP idle timeout or longer. Well above any healthy reader's
// pause (a phone waking its radio takes ~2 s), well below the idle timeout (30 s).
inline constexpr std::chrono::seconds kDefaultWriteStallTimeout{10};
// How often the server looks for stalled writers: one pass over the sessions a second costs
// ~20,000 pointer checks at most, and cuts a stuck peer within a second of its deadline.
inline constexpr std::chrono::seconds kStallSweepInterval{1};

// After an accept fails for want of descriptors (EMFILE), wait this long before the next accept
// instead of spinning.
inline constexpr std::chrono::milliseconds kAcceptBackoff{50};

// A session ended with a reason (SessionEnded) gets this long to take the notice before its
// socket is closed regardless: a peer that stopped reading cannot hold the connection open.
inline constexpr std::chrono::seconds kEndNoticeTimeout{2};

// SIGTERM: how long in-flight requests get to finish and their answers to be written.
inline constexpr std::chrono::seconds kDefaultDrainTimeout{10};
// While draining, how often the server checks whether every session is idle and written out:
// often enough that an idle relay stops at once, rarely enough to cost nothing.
inline constexpr std::chrono::milliseconds kDrainPoll{10};
// After RELAY_SHUTTING_DOWN is queued to every session, how long the drain waits for the notices
// to be written before it reports (each session also closes after kEndNoticeTimeout).
inline constexpr std::chrono::seconds kDrainNoticeTimeout = kEndNoticeTimeout;

// How often the io thread measures its own lag (a timer's lateness, the `loop_lag` stage): 20
// wake-ups a second cost nothing, and a saturated loop shows within one scrape.
inline constexpr std::chrono::milliseconds kLoopLagProbeInterval{50};

}  // namespace sc::relay_server
