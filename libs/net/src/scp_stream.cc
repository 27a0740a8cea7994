#include "securecomm/net/scp_stream.h"

#include <sys/socket.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "securecomm/net/errors.h"
#include "securecomm/net/limits.h"

namespace sc::net {
namespace {

constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

struct ScpStream::ReadWait {
  explicit ReadWait(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;  // the session's next deadline while a read waits; reused per read
  bool pending = false;      // an async_wait(wait_read) is in the reactor
  bool ready = false;        // it completed and `ec` holds its result, not yet taken by ReadFrame
  asio::error_code ec;
};

ScpStream::ScpStream(asio::ip::tcp::socket socket, scp::Session session, const Clock& clock,
                     ScpStreamOptions options)
    : socket_(std::move(socket)),
      wait_(std::make_shared<ReadWait>(socket_.get_executor())),
      session_(std::move(session)),
      clock_(&clock),
      frame_completion_timeout_(options.frame_completion_timeout),
      lease_(std::move(options.budget)) {
  asio::error_code ignored;  // a peer that already vanished fails later, with an error, not a throw
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
}

asio::awaitable<Status> ScpStream::Flush() {
  // One writer at a time: a Flush that finds another in progress leaves its bytes to that writer.
  if (writing_) co_return OkStatus();
  writing_ = true;
  while (true) {
    if (auto s = SealDeferred(); !s) {
      writing_ = false;
      co_return s;
    }
    if (!session_.HasOutput()) break;
    session_.SwapOutput(out_);  // the session queues into the other buffer while this one is written
    // write_some, not write: each chunk the kernel takes is counted (bytes_written()).
    for (size_t done = 0; done < out_.size();) {
      auto [ec, n] =
          co_await socket_.async_write_some(asio::buffer(out_.data() + done, out_.size() - done), kNoThrow);
      if (ec) {
        writing_ = false;
        co_return Fail(Errc::kIoError);
      }
      done += n;
      bytes_written_ += n;
    }
  }
  writing_ = false;
  if (idle_) ReleaseWriteBuffers();  // e.g. a push or keepalive to an idle peer: keep no capacity
  co_return OkStatus();
}

void ScpStream::ReleaseWriteBuffers() noexcept {
  out_ = std::vector<uint8_t>();
  if (!session_.HasOutput()) (void)session_.TakeOutput();  // drops the session's empty buffer
}

void ScpStream::ReleaseReadBuffer() noexcept {
  in_.reset();
  capacity_ = 0;
  begin_ = end_ = consumed_ = 0;
  (void)lease_.Resize(0);  // shrinking always succeeds
  frame_started_.reset();
}

bool ScpStream::MakeRoom(size_t frame_size) {
  const size_t room = frame_size + kMinReadRoom;
  if (in_ && capacity_ - begin_ >= room) return true;
  auto compact = [this] {
    std::memmove(in_.get(), in_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  };
  if (in_ && capacity_ >= room) {
    compact();
    return true;
  }
  // Beyond the allowance, the buffer is paid for from the budget before it is allocated.
  auto charge = [](size_t capacity) {
    return capacity > kPartialFrameAllowance ? capacity - kPartialFrameAllowance : 0;
  };
  const size_t wanted =
      room <= kInitialReadBuffer ? kInitialReadBuffer : std::min(kReadBufferSize, frame_size + kReadChunk);
  if (lease_.Resize(charge(wanted))) {  // wanted >= room > capacity_
    ResizeBuffer(wanted);
    return true;
  }
  // The budget cannot pay for a roomy buffer: the least one that holds the frame (a frame within
  // the allowance always gets it), read in smaller steps.
  const size_t least = std::max(frame_size, kPartialFrameAllowance);
  if (least > capacity_) {
    if (!lease_.Resize(charge(least))) return false;
    ResizeBuffer(least);
  }
  if (begin_ > 0) compact();
  return true;
}

bool ScpStream::FrameLate(Clock::TimePoint now) const noexcept {
  return frame_started_ && now - *frame_started_ >= frame_completion_timeout_;
}

void ScpStream::ResizeBuffer(size_t capacity) {
  auto bigger = std::make_unique<uint8_t[]>(capacity);
  if (end_ > begin_) std::memcpy(bigger.get(), in_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  in_ = std::move(bigger);
  capacity_ = capacity;
}

Result<std::span<const uint8_t>> ScpStream::ReadFrame(bool& queued_error) {
  static_assert(kReadBufferSize >= scp::kMaxFrameSize + kReadChunk);
  begin_ += consumed_;  // drop the frame handed out last time; keep what followed it
  consumed_ = 0;
  if (begin_ == end_) begin_ = end_ = 0;
  while (true) {
    const std::span<const uint8_t> buffered(in_.get() + begin_, end_ - begin_);
    auto size = scp::PeekFrameSize(buffered);
    if (!size) {
      // A bad header: let the session judge the header bytes, so it fails and queues ERROR.
      (void)session_.HandleFrame(buffered.first(scp::kHeaderSize));
      queued_error = true;
      return Fail(size.error());
    }
    if (size->has_value() && buffered.size() >= **size) {
      consumed_ = **size;
      frame_started_.reset();  // the next frame's deadline starts when a wait finds it incomplete
      return buffered.first(**size);
    }
    const size_t frame_size = size->has_value() ? **size : scp::kHeaderSize;
    if (wait_->ready) {  // the readiness wait completed: take its result, then read
      wait_->ready = false;
      if (std::exchange(wait_->ec, {})) return Fail(Errc::kIoError);  // e.g. the socket was closed
    } else {
      asio::error_code ec;
      const size_t waiting = socket_.available(ec);
      if (ec) return Fail(Errc::kIoError);
      if (waiting == 0) {
        if (begin_ == end_) {
          // Nothing buffered and nothing waiting in the kernel: give the buffers back and wait
          // for readability without them, so an idle connection holds no read or write memory.
          // (On a single-threaded io_context no readiness edge can be consumed between the check
          // and the wait; see the class comment.)
          ReleaseReadBuffer();
          if (!writing_) ReleaseWriteBuffers();
        }
        return std::span<const uint8_t>();  // Step waits for readability or the deadline
      }
    }
    // Bytes are waiting: the frame in progress, plus room to read, must fit after begin_. The
    // buffer grows only now, so a peer that announces a large frame and sends no more of it holds
    // the small buffer its header arrived in.
    if (!MakeRoom(frame_size)) {
      (void)session_.Abort(scp::Errc::kOverloaded);
      queued_error = true;
      return Fail(scp::Errc::kOverloaded);
    }
    // The socket is readable (or has bytes waiting): a read that cannot block, whatever the
    // socket's blocking mode. MakeRoom leaves capacity_ > end_.
    const ssize_t n = ::recv(socket_.native_handle(), in_.get() + end_, capacity_ - end_, MSG_DONTWAIT);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return Fail(Errc::kEndOfStream);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::span<const uint8_t>();
    return Fail(Errc::kIoError);
  }
}

asio::awaitable<Result<std::span<const uint8_t>>> ScpStream::Step(bool until_data) {
  // One coroutine frame while a connection idles: ReadFrame is synchronous, ReceiveView is this
  // coroutine, and the one wait (and the one Flush) are here. Every outcome that writes (an
  // answer, an ERROR, a keepalive) passes through the same Flush below.
  while (true) {
    std::optional<Result<std::span<const uint8_t>>> done;  // set: flush (if `flush`), return it
    bool queued_error = false;
    bool flush = true;
    bool flush_must_succeed = false;
    if (auto frame = ReadFrame(queued_error); !frame) {
      done = Fail(frame.error());
      flush = queued_error;  // the ERROR the session queued (bad header, kOverloaded)
    } else if (!frame->empty()) {
      // Answers (ACK, KEY_UPDATE, RESPONSE) or the ERROR are flushed below.
      if (auto event = session_.HandleFrame(*frame); !event) {
        done = Fail(event.error());
      } else {
        flush_must_succeed = true;
        switch (event->kind) {
          case scp::SessionEvent::kData:
            done = until_data ? session_.received() : std::span<const uint8_t>();
            break;
          case scp::SessionEvent::kClosed:
            if (until_data) {
              done = Fail(scp::Errc::kClosed);
            } else {
              done = std::span<const uint8_t>();
            }
            break;
          case scp::SessionEvent::kPeerError:
            done = Fail(scp::Errc::kPeerError);
            break;
          default:
            if (!until_data) done = std::span<const uint8_t>();
            break;
        }
      }
    } else if (const auto now = clock_->Now(); begin_ != end_ && FrameLate(now)) {
      // scp.md §10: a frame in progress past its deadline ends the session (also when a trickle
      // of bytes keeps the readiness wait completing before the timer).
      done = Fail(session_.Abort(scp::Errc::kTimeout));
    } else {
      // Anything buffered at a wait is an incomplete frame: its deadline runs from the first such wait.
      if (begin_ == end_) {
        frame_started_.reset();
      } else if (!frame_started_) {
        frame_started_ = now;
      }
      auto deadline = session_.NextDeadline();
      if (frame_started_) deadline = std::min(deadline, *frame_started_ + frame_completion_timeout_);
      // Wait for readability or the deadline, whichever comes first: the readiness wait stays in
      // the reactor across deadlines (keepalives), and its handler cancels the timer awaited here.
      if (!wait_->pending) {
        wait_->pending = true;
        socket_.async_wait(asio::socket_base::wait_read, [w = wait_](const asio::error_code& ec) {
          w->pending = false;
          w->ready = true;
          w->ec = ec;
          w->timer.cancel();
        });
      }
      wait_->timer.expires_after(std::max(deadline - now, Clock::Duration::zero()));
      idle_ = in_ == nullptr;
      auto [ec] = co_await wait_->timer.async_wait(kNoThrow);
      idle_ = false;
      if (wait_->ready) continue;  // readable: ReadFrame reads
      if (ec) {                    // cancelled, not by readiness
        ReleaseReadBuffer();
        co_return Fail(Errc::kIoError);
      }
      // The deadline: a frame in progress, keepalive, rekey or idle timeout.
      if (begin_ != end_ && FrameLate(clock_->Now())) {
        done = Fail(session_.Abort(scp::Errc::kTimeout));
      } else if (auto tick = session_.OnTick(); !tick) {
        done = Fail(tick.error());
      }
    }
    // A failed stream keeps no read buffer (nor its budget) while its ERROR is written.
    if (done && !done->has_value()) ReleaseReadBuffer();
    if (flush) {
      auto flushed = co_await Flush();
      if (flush_must_succeed && !flushed) co_return Fail(flushed.error());
    }
    if (done) co_return *done;
  }
}

asio::awaitable<Status> ScpStream::Handshake() {
  if (session_.state() == scp::SessionState::kStart && !session_.PendingOutput().size()) {
    (void)session_.Start();  // fails harmlessly on a responder, which waits for INIT instead
  }
  if (auto s = co_await Flush(); !s) co_return s;
  while (session_.state() != scp::SessionState::kEstablished) {
    auto step = co_await Step(/*until_data=*/false);  // fails on the peer's ERROR too
    if (!step) co_return Fail(step.error());
  }
  // The handshake's last frame is nobody's to read: without more bytes behind it, free the
  // buffer (and its budget) now rather than at the first Receive.
  begin_ += std::exchange(consumed_, 0);
  if (begin_ == end_) ReleaseReadBuffer();
  co_return OkStatus();
}

asio::awaitable<Result<std::vector<uint8_t>>> ScpStream::Receive() {
  auto view = co_await ReceiveView();
  if (!view) co_return Fail(view.error());
  co_return std::vector<uint8_t>(view->begin(), view->end());
}

// Not a coroutine: an idle connection's Receive is Step's frame alone.
asio::awaitable<Result<std::span<const uint8_t>>> ScpStream::ReceiveView() {
  return Step(/*until_data=*/true);
}

Status ScpStream::Queue(std::span<const uint8_t> data) {
  return session_.Send(data);
}

// SealedSize: the bytes a DATA record of `plaintext` bytes takes on the wire (header and tag), so
// that deferred() counts like pending() and an owner's bound means the same for both lanes.
namespace {
constexpr size_t SealedSize(size_t plaintext) noexcept {
  return scp::kHeaderSize + plaintext + scp::kTagSize;
}
}  // namespace

Status ScpStream::QueueDeferred(std::span<const uint8_t> data) {
  if (data.size() > scp::kMaxRecordPlaintext) return Fail(scp::Errc::kFrameTooLarge);
  // The usual case, nothing deferred and little waiting: seal now, as Queue does (no copy).
  if (deferred_.empty() && session_.PendingOutput().size() < kDeferredSealChunk) return session_.Send(data);
  deferred_.emplace_back(data.begin(), data.end());
  deferred_bytes_ += SealedSize(data.size());
  return OkStatus();
}

Status ScpStream::SealDeferred() {
  while (!deferred_.empty() && session_.PendingOutput().size() < kDeferredSealChunk) {
    std::vector<uint8_t> record = std::move(deferred_.front());
    deferred_.pop_front();
    deferred_bytes_ -= SealedSize(record.size());
    if (auto s = session_.Send(record); !s) return s;
  }
  if (deferred_.empty()) deferred_ = {};  // an idle stream keeps no capacity
  return OkStatus();
}

asio::awaitable<Status> ScpStream::Send(std::span<const uint8_t> data) {
  if (auto s = session_.Send(data); !s) {
    (void)co_await Flush();
    co_return s;
  }
  co_return co_await Flush();
}

asio::awaitable<Status> ScpStream::Close() {
  if (auto s = session_.Close(); !s) co_return s;
  if (auto s = co_await Flush(); !s) co_return s;
  while (session_.state() == scp::SessionState::kClosing) {
    auto step = co_await Step(/*until_data=*/false);  // bounded by the idle timeout through Step's deadline
    if (!step) break;
  }
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return session_.state() == scp::SessionState::kClosed ? OkStatus() : Fail(scp::Errc::kTimeout);
}

}  // namespace sc::net
