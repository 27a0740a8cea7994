// Send: the recipient's trusted devices and this account's other trusted devices, from the
// contact book, fanned out by the outbox in one all-or-nothing relay request.
#include "messenger_impl.h"

namespace sc::client {

asio::awaitable<Result<SendReport>> Messenger::Send(const std::string& to, std::string_view text) {
  Impl& m = *impl_;
  if (!m.account) co_return Fail(Errc::kNotRegistered);
  if (text.size() > kMaxTextBytes) co_return Fail(Errc::kMessageTooLarge);
  const std::string me = m.account->username;
  auto peer = co_await RefreshContact(to);
  if (!peer) co_return Fail(peer.error());
  if (!peer->pending.empty() || peer->pending_account_id != 0) co_return Fail(Errc::kIdentityChanged);
  Contact self;
  if (to == me) {
    self = *peer;
  } else {
    auto s = co_await RefreshContact(me);
    if (!s) co_return Fail(s.error());
    self = std::move(*s);
  }

  Content content;
  Impl::rng().Fill(content.message_id);
  content.sent_at_ms = m.clock->UnixMillis();
  content.sender = me;
  content.body = std::string(text);
  Content copy = content;
  copy.kind = Content::Kind::kSentCopy;
  copy.peer = to;
  const SecretBytes plain = content.Encode();
  const SecretBytes copy_plain = copy.Encode();

  SendReport report;
  report.message_id = content.message_id;
  report.skipped_own_devices = self.pending.size();
  std::vector<OutboundEnvelope> envelopes;
  if (to != me) {
    for (const auto& d : peer->devices) envelopes.push_back({peer->account_id, d, plain.Expose()});
    report.recipient_devices = envelopes.size();
  }
  for (const auto& d : self.devices) {
    if (d.device_id != m.account->device_id) envelopes.push_back({self.account_id, d, copy_plain.Expose()});
  }
  report.own_devices = envelopes.size() - report.recipient_devices;
  if (envelopes.empty()) co_return report;  // a note to self with no other device
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  auto sent = co_await m.outbox->Send(**link, envelopes);
  if (!sent) co_return Fail(sent.error());
  report.server_time_ms = *sent;
  co_return report;
}

}  // namespace sc::client
