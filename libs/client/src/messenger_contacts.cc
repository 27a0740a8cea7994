// Contacts: the contact book's answers (contact_book.h), refreshed from the relay's directory, and safety
// numbers.
#include <algorithm>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/log.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/safety_number.h"
#include "securecomm/store/errors.h"

#include "messenger_impl.h"

namespace sc::client {

asio::awaitable<Result<Contact>> Messenger::RefreshContact(const std::string& username) {
  Impl& m = *impl_;
  auto link = m.Link();
  if (!link) co_return Fail(link.error());
  auto dir = co_await LookupAccount(**link, username);
  if (!dir) co_return Fail(dir.error());
  co_return InTransaction(m.vault, [&] { return m.contacts->Reconcile(username, *dir); });
}

Result<std::vector<Contact>> Messenger::Contacts() {
  return impl_->contacts->List();
}

Result<Contact> Messenger::GetContact(const std::string& username) {
  auto c = impl_->contacts->Load(username);
  if (!c) return Fail(c.error());
  if (!c->has_value()) return Fail(Errc::kNotAContact);
  return std::move(**c);
}

Result<std::string> Messenger::SafetyNumber(const std::string& username) {
  if (!impl_->account) return Fail(Errc::kNotRegistered);
  auto peer = GetContact(username);
  if (!peer) return Fail(peer.error());
  auto self = GetContact(impl_->account->username);
  if (!self) return Fail(self.error());
  std::vector<crypto::Ed25519PublicKey> mine, theirs;
  for (const auto& d : self->devices) mine.push_back(d.identity_key);
  for (const auto& d : peer->devices) theirs.push_back(d.identity_key);
  // No trusted key left on one side (every device replaced): nothing to compare until Trust.
  if (mine.empty() || theirs.empty()) return Fail(Errc::kIdentityChanged);
  return e2e::SafetyNumber(self->username, mine, peer->username, theirs);
}

Status Messenger::MarkVerified(const std::string& username) {
  return impl_->contacts->MarkVerified(username);
}

Status Messenger::Trust(const std::string& username) {
  return impl_->contacts->Trust(username);
}

}  // namespace sc::client
