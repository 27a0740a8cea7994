#include "prekey_manager.h"

#include "securecomm/base/byte_reader.h"
#include "securecomm/base/byte_writer.h"
#include "securecomm/client/errors.h"
#include "securecomm/client/messenger.h"
#include "securecomm/e2e/errors.h"

#include "vault_keys.h"
#include "vault_tx.h"

namespace sc::client {

using store::VaultTable;

Result<uint32_t> PrekeyManager::NextIds(uint32_t count) {
  auto key = keys::Setting("next_prekey_id");
  auto v = vault_->Get(VaultTable::kSettings, key);
  if (!v) return Fail(v.error());
  uint32_t next = 1;
  if (v->has_value()) {
    ByteReader r((*v)->Expose());
    auto n = r.ReadU32();
    if (!n) return Fail(Errc::kMalformedRecord);
    next = *n;
  }
  ByteWriter w;
  (void)w.WriteU32(next + count);
  if (auto s = vault_->Put(VaultTable::kSettings, key, w.bytes()); !s) return Fail(s.error());
  return next;
}

asio::awaitable<Status> PrekeyManager::Upload(RelayLink& link, bool with_signed) {
  pb::ClientFrame f;
  auto* up = f.mutable_upload_prekeys();
  auto stored = InTransaction(*vault_, [&]() -> Status {
    auto first = NextIds(kPrekeyBatch + 1);
    if (!first) return Fail(first.error());
    uint32_t id = *first;
    if (with_signed) {
      auto spk = e2e::SignedPrekeyPair::Generate(*identity_, id++, *rng_);
      ByteWriter w;
      (void)w.WriteBytes(spk.key_pair.private_key.Expose());
      (void)w.WriteBytes(spk.signature.span());
      auto key = keys::SignedPrekey(spk.id);
      auto bytes = std::move(w).Take();
      Status s = vault_->Put(VaultTable::kPrekeys, key, bytes);
      SecureWipe(bytes);
      if (!s) return s;
      ByteWriter cur;
      (void)cur.WriteU32(spk.id);
      auto cur_key = keys::Setting("signed_prekey_id");
      if (auto c = vault_->Put(VaultTable::kSettings, cur_key, cur.bytes()); !c) return c;
      auto* sp = up->mutable_signed_prekey();
      sp->set_id(spk.id);
      sp->set_public_key(
          std::string(spk.key_pair.public_key.span().begin(), spk.key_pair.public_key.span().end()));
      sp->set_signature(std::string(spk.signature.span().begin(), spk.signature.span().end()));
    }
    for (uint32_t i = 0; i < kPrekeyBatch; ++i) {
      auto opk = e2e::OneTimePrekeyPair::Generate(id++, *rng_);
      auto key = keys::OneTimePrekey(opk.id);
      if (auto s = vault_->Put(VaultTable::kPrekeys, key, opk.key_pair.private_key.Expose()); !s) return s;
      auto* o = up->add_one_time_prekeys();
      o->set_id(opk.id);
      o->set_public_key(
          std::string(opk.key_pair.public_key.span().begin(), opk.key_pair.public_key.span().end()));
    }
    return OkStatus();
  });
  if (!stored) co_return stored;
  auto r = co_await link.Request(std::move(f));
  if (!r) co_return Fail(r.error());
  co_return OkStatus();
}

asio::awaitable<Result<bool>> PrekeyManager::Refill(RelayLink& link) {
  auto cur_key = keys::Setting("signed_prekey_id");
  auto has_signed = vault_->Contains(VaultTable::kSettings, cur_key);
  if (!has_signed) co_return Fail(has_signed.error());
  pb::ClientFrame f;
  f.mutable_prekey_count();
  auto r = co_await link.Request(std::move(f));
  // A refusal of the count is no reason not to upload: only a lost session is.
  if (!r && r.error().domain() != ErrorDomain::kRelay) co_return Fail(r.error());
  if (*has_signed && r && r->prekey_count().one_time_remaining() >= kPrekeyLowWater) co_return false;
  auto s = co_await Upload(link, !*has_signed);
  if (!s) co_return Fail(s.error());
  co_return true;
}

Result<e2e::SignedPrekeyPair> PrekeyManager::LoadSigned(uint32_t id) {
  auto key = keys::SignedPrekey(id);
  auto v = vault_->Get(VaultTable::kPrekeys, key);
  if (!v) return Fail(v.error());
  if (!v->has_value() || (*v)->size() != 32 + 64) return Fail(e2e::Errc::kUnknownPrekey);
  auto priv = crypto::X25519PrivateKey::FromSpan((*v)->Expose().subspan(0, 32));
  auto sig = crypto::Ed25519Signature::FromSpan((*v)->Expose().subspan(32));
  if (!priv || !sig) return Fail(Errc::kMalformedRecord);
  e2e::SignedPrekeyPair p;
  p.id = id;
  p.key_pair = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
  p.signature = *sig;
  return p;
}

Result<e2e::OneTimePrekeyPair> PrekeyManager::LoadOneTime(uint32_t id) {
  auto key = keys::OneTimePrekey(id);
  auto v = vault_->Get(VaultTable::kPrekeys, key);
  if (!v) return Fail(v.error());
  // Gone: used by an earlier prekey message (this one is a replay) or never ours.
  if (!v->has_value()) return Fail(e2e::Errc::kUnknownPrekey);
  auto priv = crypto::X25519PrivateKey::FromSpan((*v)->Expose());
  if (!priv) return Fail(Errc::kMalformedRecord);
  e2e::OneTimePrekeyPair p;
  p.id = id;
  p.key_pair = crypto::X25519KeyPair::FromPrivate(std::move(*priv));
  return p;
}

Status PrekeyManager::ConsumeOneTime(uint32_t id) {
  auto key = keys::OneTimePrekey(id);
  auto deleted = vault_->Delete(VaultTable::kPrekeys, key);
  return deleted ? OkStatus() : Status(Fail(deleted.error()));
}

}  // namespace sc::client
