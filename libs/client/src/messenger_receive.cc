// Receiving: the inbox unit (inbox.h) over the live relay session.
#include "messenger_impl.h"

namespace sc::client {

asio::awaitable<PumpEvent> Messenger::Pump(std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  auto link = m.Link();
  if (!link) {
    PumpEvent ev;
    ev.kind = PumpEvent::Kind::kEnded;
    ev.ended = m.link && m.link->end_error() ? *m.link->end_error() : Error(Errc::kDisconnected);
    co_return ev;
  }
  co_return co_await m.inbox->Pump(**link, timeout);
}

Result<std::vector<InboxEntry>> Messenger::TakeInbox() {
  return impl_->inbox->Take();
}

}  // namespace sc::client
