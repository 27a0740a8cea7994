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
// Every select arm is decoded into its typed struct: the KeyPackage of an Add and the LeafNode
// of an Update by key_package.h and leaf_node.h, a Commit's UpdatePath by update_path.h. The
// arms are not length-prefixed, so an unknown proposal type cannot be delimited and is refused
// (kUnsupportedProposalType). Decoding checks the form only; the group (group.h) validates.
//
//   Proposal p = Proposal::Remove(3);
//   Result<Proposal> q = Proposal::Make(ProposalType::kRemove, remove_body);  // the arm alone
//   if (const auto* add = std::get_if<AddProposal>(&q->body)) { ... add->key_package ... }
//   Result<Commit> c = DecodeExact<Commit>(bytes);    // one Commit, no trailing bytes
//
// Value types, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

#include "securecomm/base/error.h"
#include "securecomm/mls/codec.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/key_package.h"
#include "securecomm/mls/leaf_node.h"
#include "securecomm/mls/psk.h"
#include "securecomm/mls/update_path.h"

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

struct AddProposal {
  KeyPackage key_package;
  friend bool operator==(const AddProposal&, const AddProposal&) = default;
};
struct UpdateProposal {
  LeafNode leaf_node;
  friend bool operator==(const UpdateProposal&, const UpdateProposal&) = default;
};
struct RemoveProposal {
  uint32_t removed = 0;  // a leaf index
  friend bool operator==(const RemoveProposal&, const RemoveProposal&) = default;
};
struct PreSharedKeyProposal {
  PreSharedKeyId psk;
  friend bool operator==(const PreSharedKeyProposal&, const PreSharedKeyProposal&) = default;
};
struct ReInitProposal {
  std::vector<uint8_t> group_id;
  uint16_t version = kProtocolVersionMls10;
  uint16_t cipher_suite = 0;
  std::vector<Extension> extensions;
  friend bool operator==(const ReInitProposal&, const ReInitProposal&) = default;
};
struct ExternalInitProposal {
  std::vector<uint8_t> kem_output;
  friend bool operator==(const ExternalInitProposal&, const ExternalInitProposal&) = default;
};
struct GroupContextExtensionsProposal {
  std::vector<Extension> extensions;
  friend bool operator==(const GroupContextExtensionsProposal&,
                         const GroupContextExtensionsProposal&) = default;
};

struct Proposal {
  // The alternatives are in ProposalType order: index + 1 is the type.
  using Body = std::variant<AddProposal, UpdateProposal, RemoveProposal, PreSharedKeyProposal, ReInitProposal,
                            ExternalInitProposal, GroupContextExtensionsProposal>;
  Body body = RemoveProposal{};

  ProposalType proposal_type() const noexcept { return static_cast<ProposalType>(body.index() + 1); }

  static Proposal Add(KeyPackage kp) { return {AddProposal{std::move(kp)}}; }
  static Proposal Update(LeafNode leaf) { return {UpdateProposal{std::move(leaf)}}; }
  static Proposal Remove(uint32_t leaf) { return {RemoveProposal{leaf}}; }

  // Make decodes `body`, exactly one encoded select arm of `type`.
  [[nodiscard]] static Result<Proposal> Make(ProposalType type, std::span<const uint8_t> body);
  // DecodeBody reads one select arm of `type` from `r` (nothing consumed on error).
  // Errors: kUnsupportedProposalType, those of the structures inside.
  [[nodiscard]] static Result<Proposal> DecodeBody(ProposalType type, Reader& r);
  // EncodeBody writes the select arm alone; Encode the type, then the arm.
  [[nodiscard]] Status EncodeBody(Writer& w) const;
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
  std::optional<UpdatePath> path;

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
