// DoubleRatchet's state format: RatchetState of docs/protocol/e2e.md §7.2.
//
// struct {
//   opaque dhs_private[32];               // DHs; its public key is derived on reading
//   uint8  has_dhr;  select (has_dhr)  { case 1: opaque dhr[32]; };
//   opaque rk[32];
//   uint8  has_cks;  select (has_cks)  { case 1: opaque cks[32]; };
//   uint8  has_ckr;  select (has_ckr)  { case 1: opaque ckr[32]; };
//   uint32 ns;
//   uint32 nr;
//   uint32 pn;
//   uint16 skipped_count;                 // at most kMaxSkippedKeys
//   SkippedKey skipped[skipped_count];    // oldest first
// } RatchetState;
//
// struct { opaque dh[32]; uint32 n; opaque mk[32]; } SkippedKey;
#include <utility>

#include "securecomm/e2e/errors.h"
#include "securecomm/e2e/limits.h"
#include "securecomm/e2e/ratchet.h"

#include "state_codec.h"

namespace sc::e2e {

using namespace internal;  // NOLINT(google-build-using-namespace): the codec helpers, this file only

namespace {

template <typename Key>
void AppendOptional(SecretBytes& out, const std::optional<Key>& key) {
  AppendU8(out, key ? 1 : 0);
  if (!key) return;
  if constexpr (requires { key->Expose(); }) {
    AppendBytes(out, key->Expose());
  } else {
    AppendBytes(out, key->span());
  }
}

template <typename Key, typename ReadFn>
Result<std::optional<Key>> ReadOptional(ByteReader& r, ReadFn read) {
  auto present = ReadFlag(r);
  if (!present) return Fail(present.error());
  if (!*present) return std::optional<Key>();
  auto key = read(r);
  if (!key) return Fail(key.error());
  return std::optional<Key>(std::move(*key));
}

}  // namespace

void DoubleRatchet::AppendState(SecretBytes& out) const {
  const Chains& c = chains_;
  AppendBytes(out, c.dhs.private_key.Expose());
  AppendOptional(out, c.dhr);
  AppendBytes(out, c.rk.Expose());
  AppendOptional(out, c.cks);
  AppendOptional(out, c.ckr);
  AppendU32(out, c.ns);
  AppendU32(out, c.nr);
  AppendU32(out, c.pn);
  AppendU16(out, static_cast<uint16_t>(skipped_.size()));  // at most kMaxSkippedKeys < 2^16
  skipped_.ForEachOldestFirst([&](const SkippedKeys::Id& id, const MessageKey& mk) {
    AppendBytes(out, id);  // dh || n, exactly SkippedKey's first two fields
    AppendBytes(out, mk.Expose());
  });
}

Result<DoubleRatchet> DoubleRatchet::ReadState(ByteReader& r) {
  static_assert(kMaxSkippedKeys <= UINT16_MAX);
  auto dhs_private = ReadSecret<crypto::X25519PrivateKey>(r);
  if (!dhs_private) return Fail(dhs_private.error());
  auto dhr = ReadOptional<crypto::X25519PublicKey>(r, ReadPublic<crypto::X25519PublicKey>);
  if (!dhr) return Fail(dhr.error());
  auto rk = ReadSecret<RootKey>(r);
  if (!rk) return Fail(rk.error());
  auto cks = ReadOptional<ChainKey>(r, ReadSecret<ChainKey>);
  if (!cks) return Fail(cks.error());
  auto ckr = ReadOptional<ChainKey>(r, ReadSecret<ChainKey>);
  if (!ckr) return Fail(ckr.error());
  auto ns = ReadU32(r);
  if (!ns) return Fail(ns.error());
  auto nr = ReadU32(r);
  if (!nr) return Fail(nr.error());
  auto pn = ReadU32(r);
  if (!pn) return Fail(pn.error());
  // Every chain key belongs to a DH ratchet with a known peer key (DR §3.3: only Bob's initial
  // state lacks DHr, and it has no chain keys).
  if ((cks->has_value() || ckr->has_value()) && !dhr->has_value()) return Fail(Errc::kMalformedState);

  Chains c;
  c.dhs = crypto::X25519KeyPair::FromPrivate(std::move(*dhs_private));
  c.dhr = *dhr;
  c.rk = std::move(*rk);
  c.cks = std::move(*cks);
  c.ckr = std::move(*ckr);
  c.ns = *ns;
  c.nr = *nr;
  c.pn = *pn;

  auto count = ReadU16(r);
  if (!count) return Fail(count.error());
  if (*count > kMaxSkippedKeys) return Fail(Errc::kMalformedState);
  SkippedKeys skipped;
  for (uint16_t i = 0; i < *count; ++i) {
    auto dh = ReadPublic<crypto::X25519PublicKey>(r);
    if (!dh) return Fail(dh.error());
    auto n = ReadU32(r);
    if (!n) return Fail(n.error());
    auto mk = ReadSecret<MessageKey>(r);
    if (!mk) return Fail(mk.error());
    if (!skipped.Insert(*dh, *n, std::move(*mk))) return Fail(Errc::kMalformedState);  // listed twice
  }
  return DoubleRatchet(std::move(c), std::move(skipped));
}

}  // namespace sc::e2e
