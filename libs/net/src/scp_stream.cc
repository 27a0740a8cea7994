#include "securecomm/net/scp_stream.h"

#include <algorithm>
#include <cstring>
#include <variant>

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "securecomm/net/errors.h"
#include "securecomm/net/limits.h"

namespace sc::net {
namespace {

using asio::experimental::awaitable_operators::operator||;
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

ScpStream::ScpStream(asio::ip::tcp::socket socket, scp::Session session, const Clock& clock)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), session_(std::move(session)), clock_(&clock) {
  asio::error_code ignored;  // a peer that already vanished fails later, with an error, not a throw
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
}

asio::awaitable<Status> ScpStream::Flush() {
  // One writer at a time: a Flush that finds another in progress leaves its bytes to that writer.
  if (writing_) co_return OkStatus();
  writing_ = true;
  while (session_.HasOutput()) {
    session_.SwapOutput(out_);  // the session queues into the other buffer while this one is written
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(out_), kNoThrow);
    if (ec) {
      writing_ = false;
      co_return Fail(Errc::kIoError);
    }
  }
  writing_ = false;
  co_return OkStatus();
}

void ScpStream::ResizeBuffer(size_t capacity) {
  auto bigger = std::make_unique<uint8_t[]>(capacity);
  if (end_ > begin_) std::memcpy(bigger.get(), in_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  in_ = std::move(bigger);
  capacity_ = capacity;
}

asio::awaitable<Result<std::span<const uint8_t>>> ScpStream::ReadFrame() {
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
      (void)co_await Flush();
      co_return Fail(size.error());
    }
    if (size->has_value() && buffered.size() >= **size) {
      consumed_ = **size;
      co_return buffered.first(**size);
    }
    // The frame in progress, plus room to read, must fit after begin_: move it to the front, or
    // grow the buffer (up to kReadBufferSize) for a frame larger than the buffer.
    const size_t frame_size = size->has_value() ? **size : scp::kHeaderSize;
    if (in_ && capacity_ - begin_ < frame_size + kMinReadRoom) {
      if (capacity_ >= frame_size + kMinReadRoom) {
        std::memmove(in_.get(), in_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      } else {
        ResizeBuffer(std::min(kReadBufferSize, frame_size + kReadChunk));
      }
    }
    const auto wait = session_.NextDeadline() - clock_->Now();
    timer_.expires_after(std::max(wait, Clock::Duration::zero()));
    if (begin_ == end_) {
      // Nothing buffered. If nothing is waiting in the kernel either, give the buffer back and
      // wait for readability without one: an idle connection then holds no read memory. (On a
      // single-threaded io_context no readiness edge can be consumed between the check and the
      // wait; see the class comment.)
      asio::error_code aec;
      const size_t waiting = socket_.available(aec);
      if (aec) co_return Fail(Errc::kIoError);
      if (waiting == 0) {
        in_.reset();
        capacity_ = 0;
        begin_ = end_ = 0;
        auto ready = co_await (socket_.async_wait(asio::socket_base::wait_read, kNoThrow) || timer_.async_wait(kNoThrow));
        if (ready.index() == 1) {  // the deadline: keepalive, rekey or idle timeout
          auto tick = session_.OnTick();
          (void)co_await Flush();
          if (!tick) co_return Fail(tick.error());
          continue;
        }
        if (auto [ec] = std::get<0>(ready); ec) co_return Fail(Errc::kIoError);
      }
      if (!in_) ResizeBuffer(kInitialReadBuffer);
    }
    auto result = co_await (socket_.async_read_some(asio::buffer(in_.get() + end_, capacity_ - end_), kNoThrow) ||
                            timer_.async_wait(kNoThrow));
    if (result.index() == 1) {  // the deadline: keepalive, rekey or idle timeout
      auto tick = session_.OnTick();
      (void)co_await Flush();
      if (!tick) co_return Fail(tick.error());
      continue;
    }
    auto [ec, n] = std::get<0>(result);
    end_ += n;
    if (ec == asio::error::eof) co_return Fail(Errc::kEndOfStream);
    if (ec) co_return Fail(Errc::kIoError);
  }
}

asio::awaitable<Result<scp::SessionEvent>> ScpStream::Step() {
  auto frame = co_await ReadFrame();
  if (!frame) co_return Fail(frame.error());
  auto event = session_.HandleFrame(*frame);
  auto flushed = co_await Flush();  // answers (ACK, KEY_UPDATE, RESPONSE) or the ERROR
  if (!event) co_return Fail(event.error());
  if (!flushed) co_return Fail(flushed.error());
  co_return *event;
}

asio::awaitable<Status> ScpStream::Handshake() {
  if (session_.state() == scp::SessionState::kStart && !session_.PendingOutput().size()) {
    (void)session_.Start();  // fails harmlessly on a responder, which waits for INIT instead
  }
  if (auto s = co_await Flush(); !s) co_return s;
  while (session_.state() != scp::SessionState::kEstablished) {
    auto event = co_await Step();
    if (!event) co_return Fail(event.error());
    if (event->kind == scp::SessionEvent::kPeerError) co_return Fail(scp::Errc::kPeerError);
  }
  co_return OkStatus();
}

asio::awaitable<Result<std::vector<uint8_t>>> ScpStream::Receive() {
  auto view = co_await ReceiveView();
  if (!view) co_return Fail(view.error());
  co_return std::vector<uint8_t>(view->begin(), view->end());
}

asio::awaitable<Result<std::span<const uint8_t>>> ScpStream::ReceiveView() {
  while (true) {
    auto event = co_await Step();
    if (!event) co_return Fail(event.error());
    switch (event->kind) {
      case scp::SessionEvent::kData: co_return session_.received();
      case scp::SessionEvent::kClosed: co_return Fail(scp::Errc::kClosed);
      case scp::SessionEvent::kPeerError: co_return Fail(scp::Errc::kPeerError);
      default: break;
    }
  }
}

Status ScpStream::Queue(std::span<const uint8_t> data) { return session_.Send(data); }

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
    auto event = co_await Step();  // bounded by the idle timeout through ReadFrame's deadline
    if (!event) break;
  }
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return session_.state() == scp::SessionState::kClosed ? OkStatus() : Fail(scp::Errc::kTimeout);
}

}  // namespace sc::net
