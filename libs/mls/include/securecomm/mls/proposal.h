// proposal.h: Proposal (RFC 9420 §12.1), ProposalOrRef and Commit (§12.4), the handshake
// contents that a FramedContent carries (framing.h), with strict encode and decode.
//
//   uint16 ProposalType;
//   struct {
//       ProposalType proposal_type;
//       select (Proposal.proposal_type) {
//           case add:                      Add;       // KeyPackage key_package;
//           case update:                   Update;    // LeafNode leaf_node;
//           case remove:                   Remove;    // uint32 removed;
//           case psk:                      PreSharedKey;            // PreSharedKeyID psk;
//           case reinit:                   ReInit;    // group_id<V>, version, cipher_suite, extensions<V>
//           case external_init:            ExternalInit;            // opaque kem_output<V>;
//           case group_context_extensions: GroupContextExtensions;  // Extension extensions<V>;
//       };
//   } Proposal;
//
//   enum { reserved(0), proposal(1), reference(2), (255) } ProposalOrRefType;
//   struct {
//       ProposalOrRefType type;
//       select (ProposalOrRef.type) {
//           case proposal:  Proposal proposal;
//           case reference: ProposalRef reference;   // opaque HashReference<V>
//       };
//   } ProposalOrRef;
//
//   struct { ProposalOrRef proposals<V>; optional<UpdatePath> path; } Commit;
//
// A Proposal keeps its select arm as the encoded bytes, checked structurally when decoded or made
// (every length, enum and nested vector; the KeyPackage and LeafNode inside Add and Update too),
// and a Commit keeps its UpdatePath the same way. Neither is length-prefixed on the wire, so an
// unknown proposal type cannot be delimited and is refused (kUnsupportedProposalType).
// TODO(issue #13, ratchet tree / TreeKEM work): decoded Add/Update/UpdatePath values once
// key_package.h, leaf_node.h and update_path.h decode them; the bytes stay for re-encoding.
//
//   Result<Proposal> p = Proposal::Make(ProposalType::kRemove, remove_body);
//   Result<Commit> c = DecodeExact<Commit>(bytes);    // one Commit, no trailing bytes
//
// Value types, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"

namespace sc::mls {

// ProposalType (§17.4). Append only; never renumber.
enum class ProposalType : uint16_t {
  kAdd = 1,
  kUpdate = 2,
  kRemove = 3,
  kPsk = 4,
  kReinit = 5,
  kExternalInit = 6,
  kGroupContextExtensions = 7,
};

struct Proposal {
  ProposalType proposal_type = ProposalType::kRemove;
  std::vector<uint8_t> body;  // the encoded Add, Update, Remove... (the select arm)

  // Make checks that `body` is exactly one encoded select arm of `type`.
  [[nodiscard]] static Result<Proposal> Make(ProposalType type, std::span<const uint8_t> body);
  // ReadBody reads one select arm of `type` from `r` and returns its bytes (a view into r's
  // input). Errors: kUnsupportedProposalType, those of the structures inside.
  [[nodiscard]] static Result<std::span<const uint8_t>> ReadBody(ProposalType type, Reader& r);

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Proposal> Decode(Reader& r);
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

enum class ProposalOrRefType : uint8_t { kProposal = 1, kReference = 2 };

struct ProposalOrRef {
  ProposalOrRefType type = ProposalOrRefType::kProposal;
  Proposal proposal;               // kProposal
  std::vector<uint8_t> reference;  // kReference: the ProposalRef

  [[nodiscard]] Status Encode(Writer& w) const;
  // Decode refuses a reserved or unknown type (kInvalidProposalOrRef).
  [[nodiscard]] static Result<ProposalOrRef> Decode(Reader& r);
  friend bool operator==(const ProposalOrRef&, const ProposalOrRef&) = default;
};

struct Commit {
  std::vector<ProposalOrRef> proposals;
  std::optional<std::vector<uint8_t>> path;  // the encoded UpdatePath, if present

  [[nodiscard]] Status Encode(Writer& w) const;
  [[nodiscard]] static Result<Commit> Decode(Reader& r);
  friend bool operator==(const Commit&, const Commit&) = default;
};

// DecodeExact decodes exactly one T from `bytes` with T::Decode(Reader&); kTrailingData if bytes
// are left over.
template <typename T>
[[nodiscard]] Result<T> DecodeExact(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto v = T::Decode(r);
  if (!v) return v;
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return v;
}

// EncodeToBytes returns the encoding of `v` by v.Encode(Writer&).
template <typename T>
[[nodiscard]] Result<std::vector<uint8_t>> EncodeToBytes(const T& v) {
  Writer w;
  if (auto s = v.Encode(w); !s) return Fail(s.error());
  return std::move(w).Take();
}

}  // namespace sc::mls
