// wire_skim.h (private): structural decoders for the RFC 9420 structures that framing carries
// but that have no decoder of their own yet: UpdatePath (§7.6), Welcome (§12.4.3.1) and
// GroupInfo (§12.4.3); LeafNode (§7.2) and KeyPackage (§10) go to their own decoders. A Skim*
// function reads exactly one such structure from `r`, checking every length, every enum it must
// branch on and every nested vector, and keeps nothing: framing needs to know where a Proposal or
// Commit ends (they are not length-prefixed) and to re-encode it byte for byte, which it does by
// keeping the bytes a skim consumed.
//
// TODO(issue #13, ratchet tree / TreeKEM work): once update_path.h, welcome.h and group_info.h
// have full decoders, Proposal and Commit hold decoded values and these skims go. Errors: the
// Reader's and those of LeafNode::Decode and KeyPackage::Decode. On error `r` may have advanced;
// callers skim a copy (Consume below).
#pragma once

#include <cstdint>
#include <span>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"

namespace sc::mls::internal {

[[nodiscard]] Status SkimLeafNode(Reader& r);
[[nodiscard]] Status SkimKeyPackage(Reader& r);
[[nodiscard]] Status SkimUpdatePath(Reader& r);
[[nodiscard]] Status SkimWelcome(Reader& r);
[[nodiscard]] Status SkimGroupInfo(Reader& r);

// Consume runs `skim` on a copy of `r`, then takes the bytes it read from `r`: the encoding of
// one structure. On error `r` is unchanged.
template <typename F>
[[nodiscard]] Result<std::span<const uint8_t>> Consume(Reader& r, F&& skim) {
  Reader probe = r;
  if (auto s = std::forward<F>(skim)(probe); !s) return Fail(s.error());
  return r.ReadFixed(r.remaining() - probe.remaining());
}

}  // namespace sc::mls::internal
