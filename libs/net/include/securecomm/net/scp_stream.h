// scp_stream.h: SCP over a TCP connection, with asio C++20 coroutines (docs/protocol/scp.md).
// The adapter moves bytes between a socket and a sans-I/O scp::Session and runs its timers.
//
//   asio::awaitable<void> Echo(asio::ip::tcp::socket sock, scp::Session session) {
//     ScpStream s(std::move(sock), std::move(session), clock);
//     if (!co_await s.Handshake()) co_return;
//     while (true) {
//       auto msg = co_await s.Receive();           // DATA payloads; ACK, KEY_UPDATE handled here
//       if (!msg) break;                            // closed, timed out or failed: see the error
//       if (!co_await s.Send(*msg)) break;          // returns when the socket took the bytes
//     }
//   }
//
// Bounded buffers: the read buffer holds at most one frame (at most kMaxFrameSize) plus one read,
// and the peer's announced length is checked before the payload is read. It starts small
// (kInitialReadBuffer), grows only when more of a large frame arrives, and is released whenever
// nothing is buffered and nothing waits in the kernel; the write buffers are released too once
// written while the reader is in that state, so an idle connection holds no read or write buffer.
// Frames in progress (scp.md §10): read-buffer bytes beyond kPartialFrameAllowance are drawn from
// the options' PartialFrameBudget; a frame that needs more than the budget has left ends the
// session with kOverloaded, and a frame not complete within frame_completion_timeout of its first
// byte (counted while a Receive waits) ends it with kTimeout; both send ERROR and free the buffer
// at once. Backpressure: Send
// completes only when the kernel accepted the bytes, so a slow peer slows its sender instead of growing a
// queue. Timers: while a Receive waits, the session's deadline (keepalive, idle timeout, rekey) is
// armed; an owner that stops calling Receive stops the keepalives. One coroutine at a time may
// Receive and one may Send. Run a stream on a single-threaded io_context: a Receive waits with one
// readiness wait in the reactor and one timer, whose shared state has no lock, and the idle wait
// for readability relies on no other thread running the reactor between its check and its wait.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/clock.h"
#include "securecomm/base/error.h"
#include "securecomm/net/limits.h"
#include "securecomm/net/partial_frame_budget.h"
#include "securecomm/scp/session.h"

namespace sc::net {

struct ScpStreamOptions {
  // budget: shared by a server's streams (each keeps it alive); null: no bound beyond
  // kReadBufferSize per stream (a client's one stream).
  std::shared_ptr<PartialFrameBudget> budget;
  // frame_completion_timeout: how long a frame in progress may take (tests shorten it).
  Clock::Duration frame_completion_timeout = kFrameCompletionTimeout;
};

class ScpStream {
 public:
  ScpStream(asio::ip::tcp::socket socket, scp::Session session, const Clock& clock,
            ScpStreamOptions options = {});

  // Handshake runs the SCP handshake to completion (initiator: starts it). Errors: the session's
  // (kUntrustedIdentity, kBadMac, ...), kEndOfStream, kIoError, scp kTimeout.
  [[nodiscard]] asio::awaitable<Status> Handshake();

  // Receive returns the next DATA payload. Errors: scp kClosed after an orderly close, scp
  // kPeerError, kTimeout (idle, or a frame not completed in time), kOverloaded (no budget for the
  // frame in progress), any frame error (the session then failed and ERROR was sent), kEndOfStream.
  [[nodiscard]] asio::awaitable<Result<std::vector<uint8_t>>> Receive();
  // ReceiveView is Receive without the copy: the view is valid until the next call on this stream.
  [[nodiscard]] asio::awaitable<Result<std::span<const uint8_t>>> ReceiveView();

  // Send writes one DATA record (at most scp::kMaxRecordPlaintext bytes) and returns once written.
  [[nodiscard]] asio::awaitable<Status> Send(std::span<const uint8_t> data);
  // Queue seals one DATA record without writing it, for senders of many small messages: they
  // Queue until pending() passes a batch size, then Flush, and pay one system call per batch.
  [[nodiscard]] Status Queue(std::span<const uint8_t> data);
  // QueueDeferred keeps one DATA record's plaintext in the ordinary lane: it is sealed (in order)
  // only while less than kDeferredSealChunk bytes wait in the write buffer, so a record queued
  // later with Queue (the urgent lane) is written before the rest of the lane. Checks the size
  // at once (scp kFrameTooLarge past scp::kMaxRecordPlaintext). A record is sealed at once (no
  // copy) when nothing is deferred and less than kDeferredSealChunk waits; a seal error then
  // returns here, otherwise at the Flush that seals it.
  [[nodiscard]] Status QueueDeferred(std::span<const uint8_t> data);
  // Flush writes everything queued, the deferred lane included, and returns once the kernel
  // took it. Every writer of the stream (the owner's and the receive loop's) goes through it.
  [[nodiscard]] asio::awaitable<Status> Flush();
  // pending: sealed bytes waiting to be written; deferred: what the ordinary lane's records will
  // take once sealed.
  size_t pending() const noexcept { return session_.PendingOutput().size(); }
  size_t deferred() const noexcept { return deferred_bytes_; }
  // writing: a Flush is writing. bytes_written: every byte the kernel has accepted from this
  // stream; less the socket's unsent queue (SIOCOUTQ), what the peer has taken.
  bool writing() const noexcept { return writing_; }
  uint64_t bytes_written() const noexcept { return bytes_written_; }

  // Close sends CLOSE and waits (bounded by the idle timeout) for the peer's ACK, then shuts the
  // socket down.
  [[nodiscard]] asio::awaitable<Status> Close();

  const scp::Session& session() const noexcept { return session_; }
  // read_buffer_capacity: the bytes the read buffer holds now (0: none), for tests.
  size_t read_buffer_capacity() const noexcept { return capacity_; }
  asio::ip::tcp::socket& socket() noexcept { return socket_; }

 private:
  // ReadFrame returns the next whole frame if it is buffered or can be read without waiting, an
  // empty span when Step must wait for readability, or an error (`queued_error`: the session
  // queued an ERROR to flush: a bad header, or kOverloaded). It never blocks.
  Result<std::span<const uint8_t>> ReadFrame(bool& queued_error);
  // MakeRoom gives the read buffer room for the frame in progress (`frame_size` bytes from begin_)
  // plus at least one byte more to read, within the budget: compacts, or allocates or grows the
  // buffer. False (nothing changed) if the budget cannot cover the least buffer that holds the frame.
  [[nodiscard]] bool MakeRoom(size_t frame_size);
  // FrameLate: a frame in progress is past its deadline.
  bool FrameLate(Clock::TimePoint now) const noexcept;
  // Step handles frames and writes what the session answers; while it waits for one, the
  // session's deadline runs OnTick. until_data: returns at the next DATA (its payload), CLOSE or
  // ERROR, as ReceiveView; otherwise after one frame (an empty span; the peer's ERROR fails).
  asio::awaitable<Result<std::span<const uint8_t>>> Step(bool until_data);
  // ResizeBuffer moves the buffered bytes to a new buffer of `capacity` bytes, at its front.
  void ResizeBuffer(size_t capacity);
  // ReleaseReadBuffer frees the read buffer and gives its budget back; buffered bytes are dropped.
  void ReleaseReadBuffer() noexcept;
  // ReleaseWriteBuffers frees the capacity of both write buffers. REQUIRES: no write in progress.
  void ReleaseWriteBuffers() noexcept;

  // ReadWait is Step's wait: a readiness wait in the reactor, whose handler cancels the timer
  // the reading coroutine awaits (one coroutine frame, no parallel group). It is shared with that
  // handler, which may outlive the stream or the Receive that started it.
  struct ReadWait;

  asio::ip::tcp::socket socket_;
  std::shared_ptr<ReadWait> wait_;
  scp::Session session_;
  const Clock* clock_;
  Clock::Duration frame_completion_timeout_;
  // Received bytes live in in_[begin_, end_); capacity_ is the buffer's size (0: none held), of
  // which lease_ holds what is beyond kPartialFrameAllowance.
  std::unique_ptr<uint8_t[]> in_;
  size_t capacity_ = 0;
  PartialFrameBudget::Lease lease_;
  // frame_started_: when a wait first found an incomplete frame buffered; reset once it is handed out.
  std::optional<Clock::TimePoint> frame_started_;
  size_t begin_ = 0, end_ = 0;
  size_t consumed_ = 0;  // bytes at begin_ belonging to the last frame handed out
  // SealDeferred moves records of the deferred lane into the session's output while less than
  // kDeferredSealChunk waits there.
  [[nodiscard]] Status SealDeferred();
  std::deque<std::vector<uint8_t>> deferred_;
  size_t deferred_bytes_ = 0;
  std::vector<uint8_t> out_;  // the bytes of the write in progress
  bool writing_ = false;
  uint64_t bytes_written_ = 0;
  bool idle_ = false;  // Step waits with no read buffer: write buffers are freed once written
};

}  // namespace sc::net
