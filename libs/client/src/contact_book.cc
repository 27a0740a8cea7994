#include "contact_book.h"

#include <algorithm>

#include "securecomm/base/bytes.h"
#include "securecomm/client/errors.h"

#include "vault_keys.h"
#include "vault_tx.h"

namespace sc::client {

using store::VaultTable;

Result<std::optional<Contact>> ContactBook::Load(const std::string& username) {
  auto key = keys::Contact(username);
  auto v = vault_->Get(VaultTable::kContacts, key);
  if (!v) return Fail(v.error());
  if (!v->has_value()) return std::optional<Contact>{};
  auto c = Contact::Decode((*v)->Expose());
  if (!c) return Fail(c.error());
  return std::optional<Contact>(std::move(*c));
}

Status ContactBook::Save(const Contact& c) {
  auto key = keys::Contact(c.username);
  auto bytes = c.Encode();
  return vault_->Put(VaultTable::kContacts, key, bytes);
}

Result<std::vector<Contact>> ContactBook::List() {
  auto rows = vault_->List(VaultTable::kContacts);
  if (!rows) return Fail(rows.error());
  std::vector<Contact> out;
  for (const auto& row : *rows) {
    auto c = Contact::Decode(row.value.Expose());
    if (!c) return Fail(c.error());
    out.push_back(std::move(*c));
  }
  return out;
}

Result<Contact> ContactBook::Reconcile(const std::string& username, const pb::LookupAccountResponse& dir) {
  auto existing = Load(username);
  if (!existing) return Fail(existing.error());
  std::vector<ContactDevice> listed;
  for (const auto& d : dir.devices()) {
    auto key = crypto::Ed25519PublicKey::FromSpan(AsBytes(d.identity_key()));
    if (!key) return Fail(Errc::kMalformedRecord);
    listed.push_back({d.device_id(), *key});
  }
  if (listed.size() > kMaxContactDevices / 2) return Fail(Errc::kMalformedRecord);
  const std::vector<uint8_t> before = existing->has_value() ? (*existing)->Encode() : std::vector<uint8_t>{};
  Contact c;
  if (!existing->has_value()) {  // trust on first use
    c.username = username;
    c.account_id = dir.account_id();
    c.devices = listed;
    c.added_ms = clock_->UnixMillis();
  } else {
    c = std::move(**existing);
    if (c.account_id != dir.account_id()) {  // another account holds the name now
      c.pending_account_id = dir.account_id();
      c.pending = listed;
    } else {
      std::vector<ContactDevice> kept;
      for (const auto& d : c.devices) {
        const bool present = std::any_of(listed.begin(), listed.end(),
                                         [&](const ContactDevice& l) { return l.device_id == d.device_id; });
        if (present) {
          kept.push_back(d);
        } else if (auto s = DropSession(*vault_, c.account_id, d.device_id); !s) {
          return Fail(s.error());
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
  if (auto s = Save(c); !s) return Fail(s.error());
  return c;
}

Result<bool> ContactBook::ObserveSender(Contact& c, uint32_t device, const crypto::Ed25519PublicKey& key) {
  if (c.Trusts(device, key)) return true;
  const ContactDevice seen{device, key};
  if (std::find(c.pending.begin(), c.pending.end(), seen) == c.pending.end()) {
    std::erase_if(c.pending, [&](const ContactDevice& p) { return p.device_id == device; });
    c.pending.push_back(seen);
    if (auto s = Save(c); !s) return Fail(s.error());
  }
  return false;
}

Status ContactBook::Trust(const std::string& username) {
  return InTransaction(*vault_, [&]() -> Status {
    auto c = Load(username);
    if (!c) return Fail(c.error());
    if (!c->has_value()) return Fail(Errc::kNotAContact);
    Contact& contact = **c;
    if (contact.pending_account_id != 0) {
      // Another account now holds the name: nothing of the old one is kept.
      for (const auto& d : contact.devices) {
        if (auto s = DropSession(*vault_, contact.account_id, d.device_id); !s) return s;
      }
      contact.account_id = contact.pending_account_id;
      contact.pending_account_id = 0;
      contact.devices.clear();
    }
    for (const auto& p : contact.pending) {
      std::erase_if(contact.devices, [&](const ContactDevice& d) { return d.device_id == p.device_id; });
      contact.devices.push_back(p);
      // A session keyed to the old key is dropped: the next send runs X3DH with the new one.
      if (auto s = DropSession(*vault_, contact.account_id, p.device_id); !s) return s;
    }
    contact.pending.clear();
    contact.verified = false;
    return Save(contact);
  });
}

Status ContactBook::MarkVerified(const std::string& username) {
  return InTransaction(*vault_, [&]() -> Status {
    auto c = Load(username);
    if (!c) return Fail(c.error());
    if (!c->has_value()) return Fail(Errc::kNotAContact);
    Contact& contact = **c;
    if (!contact.pending.empty() || contact.pending_account_id != 0) return Fail(Errc::kIdentityChanged);
    contact.verified = true;
    return Save(contact);
  });
}

}  // namespace sc::client
