// Contacts: reconcile with the relay's directory, safety numbers, verification and trust.
#include "messenger_impl.h"

#include <algorithm>

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/base/log.h"
#include "securecomm/client/errors.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/safety_number.h"
#include "securecomm/store/errors.h"

namespace sc::client {

Result<Contact> Messenger::Impl::Reconcile(const std::string& username, const pb::LookupAccountResponse& dir) {
  auto existing = LoadContact(username);
  if (!existing) return Fail(existing.error());
  std::vector<ContactDevice> listed;
  for (const auto& d : dir.devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(
        {reinterpret_cast<const uint8_t*>(d.identity_key().data()), d.identity_key().size()});
    if (!key) return Fail(Errc::kMalformedRecord);
    listed.push_back({d.device_id(), *key});
  }
  if (listed.size() > kMaxContactDevices / 2) return Fail(Errc::kMalformedRecord);
  // Unchanged records are not rewritten: a send's lookups then cost no store write (no fsync).
  const std::vector<uint8_t> before = existing->has_value() ? (*existing)->Encode() : std::vector<uint8_t>{};
  Contact c;
  if (!existing->has_value()) {
    c.username = username;
    c.account_id = dir.account_id();
    c.devices = listed;
    c.added_ms = clock->UnixMillis();
  } else {
    c = std::move(**existing);
    if (c.account_id != dir.account_id()) {
      c.pending_account_id = dir.account_id();
      c.pending = listed;
    } else {
      std::vector<ContactDevice> kept;
      for (const auto& d : c.devices) {
        const bool present = std::any_of(listed.begin(), listed.end(),
                                         [&](const ContactDevice& l) { return l.device_id == d.device_id; });
        if (present) {
          kept.push_back(d);
        } else {
          auto key = keys::Session(c.account_id, d.device_id);
          if (auto s = vault.Delete(VaultTable::kSessions, key); !s) return Fail(s.error());
        }
      }
      c.devices = std::move(kept);
      for (const auto& l : listed) {
        if (c.Trusts(l.device_id, l.identity_key)) continue;
        std::erase_if(c.pending, [&](const ContactDevice& p) { return p.device_id == l.device_id; });
        c.pending.push_back(l);
      }
      std::erase_if(c.pending, [&](const ContactDevice& p) {
        return std::none_of(listed.begin(), listed.end(), [&](const ContactDevice& l) { return l == p; });
      });
    }
  }
  if (c.Encode() == before) return c;
  if (auto s = SaveContact(c); !s) return Fail(s.error());
  return c;
}

asio::awaitable<Result<Contact>> Messenger::RefreshContact(const std::string& username) {
  Impl& m = *impl_;
  auto dir = co_await m.Lookup(username);
  if (!dir) co_return Fail(dir.error());
  co_return m.InTransaction([&] { return m.Reconcile(username, *dir); });
}

Result<std::vector<Contact>> Messenger::Contacts() {
  auto rows = impl_->vault.List(VaultTable::kContacts);
  if (!rows) return Fail(rows.error());
  std::vector<Contact> out;
  for (const auto& row : *rows) {
    auto c = Contact::Decode(row.value.Expose());
    if (!c) return Fail(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<Contact> Messenger::GetContact(const std::string& username) {
  auto c = impl_->LoadContact(username);
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
  Impl& m = *impl_;
  return m.InTransaction([&]() -> Status {
    auto c = m.LoadContact(username);
    if (!c) return Fail(c.error());
    if (!c->has_value()) return Fail(Errc::kNotAContact);
    Contact& contact = **c;
    if (!contact.pending.empty() || contact.pending_account_id != 0) return Fail(Errc::kIdentityChanged);
    contact.verified = true;
    return m.SaveContact(contact);
  });
}

Status Messenger::Trust(const std::string& username) {
  Impl& m = *impl_;
  auto drop_session = [&](uint64_t account, uint32_t device) -> Status {
    auto key = keys::Session(account, device);
    auto deleted = m.vault.Delete(VaultTable::kSessions, key);
    return deleted ? OkStatus() : Status(Fail(deleted.error()));
  };
  return m.InTransaction([&]() -> Status {
    auto c = m.LoadContact(username);
    if (!c) return Fail(c.error());
    if (!c->has_value()) return Fail(Errc::kNotAContact);
    Contact& contact = **c;
    if (contact.pending_account_id != 0) {
      // Another account now holds the name: nothing of the old one is kept.
      for (const auto& d : contact.devices) {
        if (auto s = drop_session(contact.account_id, d.device_id); !s) return s;
      }
      contact.account_id = contact.pending_account_id;
      contact.pending_account_id = 0;
      contact.devices.clear();
    }
    for (const auto& p : contact.pending) {
      std::erase_if(contact.devices, [&](const ContactDevice& d) { return d.device_id == p.device_id; });
      contact.devices.push_back(p);
      // A session keyed to the old key is dropped: the next send runs X3DH with the new one.
      if (auto s = drop_session(contact.account_id, p.device_id); !s) return s;
    }
    contact.pending.clear();
    contact.verified = false;
    return m.SaveContact(contact);
  });
}

}  // namespace sc::client
