// RFC 9420 §12.1 (Proposal), §12.4 (ProposalOrRef, Commit).
#include "securecomm/mls/proposal.h"

#include "securecomm/mls/errors.h"

namespace sc::mls {
namespace {

bool KnownProposalType(uint16_t t) {
  return t >= static_cast<uint16_t>(ProposalType::kAdd) &&
         t <= static_cast<uint16_t>(ProposalType::kGroupContextExtensions);
}

Result<Proposal::Body> ReadArm(ProposalType type, Reader& r) {
  switch (type) {
    case ProposalType::kAdd: {
      auto kp = KeyPackage::Decode(r);
      if (!kp) return Fail(kp.error());
      return Proposal::Body(AddProposal{std::move(*kp)});
    }
    case ProposalType::kUpdate: {
      auto leaf = LeafNode::Decode(r);
      if (!leaf) return Fail(leaf.error());
      return Proposal::Body(UpdateProposal{std::move(*leaf)});
    }
    case ProposalType::kRemove: {
      auto v = r.ReadU32();
      if (!v) return Fail(v.error());
      return Proposal::Body(RemoveProposal{*v});
    }
    case ProposalType::kPsk: {
      auto id = PreSharedKeyId::Decode(r);
      if (!id) return Fail(id.error());
      return Proposal::Body(PreSharedKeyProposal{std::move(*id)});
    }
    case ProposalType::kReinit: {
      ReInitProposal p;
      Status s = ReadField(r, p.group_id);
      if (s) s = ReadField(r, p.version);
      if (s) s = ReadField(r, p.cipher_suite);
      if (s) {
        auto ext = DecodeExtensions(r);
        if (ext) {
          p.extensions = std::move(*ext);
        } else {
          s = Fail(ext.error());
        }
      }
      if (!s) return Fail(s.error());
      return Proposal::Body(std::move(p));
    }
    case ProposalType::kExternalInit: {
      ExternalInitProposal p;
      if (auto s = ReadField(r, p.kem_output); !s) return Fail(s.error());
      return Proposal::Body(std::move(p));
    }
    case ProposalType::kGroupContextExtensions: {
      auto ext = DecodeExtensions(r);
      if (!ext) return Fail(ext.error());
      return Proposal::Body(GroupContextExtensionsProposal{std::move(*ext)});
    }
  }
  return Fail(Errc::kUnsupportedProposalType);
}

}  // namespace

Result<Proposal> Proposal::DecodeBody(ProposalType type, Reader& r) {
  if (!KnownProposalType(static_cast<uint16_t>(type))) return Fail(Errc::kUnsupportedProposalType);
  Reader probe = r;
  auto body = ReadArm(type, probe);
  if (!body) return Fail(body.error());
  r = probe;
  return Proposal{std::move(*body)};
}

Result<Proposal> Proposal::Make(ProposalType type, std::span<const uint8_t> body) {
  Reader r(body);
  auto p = DecodeBody(type, r);
  if (!p) return p;
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return p;
}

Status Proposal::EncodeBody(Writer& w) const {
  struct Visitor {
    Writer& w;
    Status operator()(const AddProposal& p) const { return p.key_package.Encode(w); }
    Status operator()(const UpdateProposal& p) const { return p.leaf_node.Encode(w); }
    Status operator()(const RemoveProposal& p) const {
      w.WriteU32(p.removed);
      return OkStatus();
    }
    Status operator()(const PreSharedKeyProposal& p) const { return p.psk.Encode(w); }
    Status operator()(const ReInitProposal& p) const {
      Status s = w.WriteOpaque(p.group_id);
      if (!s) return s;
      w.WriteU16(p.version);
      w.WriteU16(p.cipher_suite);
      return EncodeExtensions(w, p.extensions);
    }
    Status operator()(const ExternalInitProposal& p) const { return w.WriteOpaque(p.kem_output); }
    Status operator()(const GroupContextExtensionsProposal& p) const {
      return EncodeExtensions(w, p.extensions);
    }
  };
  return std::visit(Visitor{w}, body);
}

Status Proposal::Encode(Writer& w) const {
  w.WriteU16(static_cast<uint16_t>(proposal_type()));
  return EncodeBody(w);
}

Result<Proposal> Proposal::Decode(Reader& r) {
  Reader probe = r;
  auto type = probe.ReadU16();
  if (!type) return Fail(type.error());
  if (!KnownProposalType(*type)) return Fail(Errc::kUnsupportedProposalType);
  auto p = DecodeBody(static_cast<ProposalType>(*type), probe);
  if (!p) return p;
  r = probe;
  return p;
}

Status ProposalOrRef::Encode(Writer& w) const {
  w.WriteU8(static_cast<uint8_t>(type));
  if (type == ProposalOrRefType::kReference) return w.WriteOpaque(reference);
  return proposal.Encode(w);
}

Result<ProposalOrRef> ProposalOrRef::Decode(Reader& r) {
  Reader probe = r;
  auto type = probe.ReadU8();
  if (!type) return Fail(type.error());
  ProposalOrRef out;
  switch (*type) {
    case static_cast<uint8_t>(ProposalOrRefType::kProposal): {
      auto p = Proposal::Decode(probe);
      if (!p) return Fail(p.error());
      out.proposal = std::move(*p);
      break;
    }
    case static_cast<uint8_t>(ProposalOrRefType::kReference):
      out.type = ProposalOrRefType::kReference;
      if (auto s = ReadField(probe, out.reference); !s) return Fail(s.error());
      break;
    default:
      return Fail(Errc::kInvalidProposalOrRef);
  }
  r = probe;
  return out;
}

Status Commit::Encode(Writer& w) const {
  Status s = w.WriteVector([&](Writer& v) -> Status {
    for (const ProposalOrRef& p : proposals) {
      if (auto t = p.Encode(v); !t) return t;
    }
    return OkStatus();
  });
  if (!s) return s;
  w.WritePresence(path.has_value());
  if (path) return path->Encode(w);
  return OkStatus();
}

Result<Commit> Commit::Decode(Reader& r) {
  Reader probe = r;
  auto body = probe.ReadVector();
  if (!body) return Fail(body.error());
  Commit c;
  while (!body->empty()) {
    auto p = ProposalOrRef::Decode(*body);
    if (!p) return Fail(p.error());
    c.proposals.push_back(std::move(*p));
  }
  auto present = probe.ReadPresence();
  if (!present) return Fail(present.error());
  if (*present) {
    auto path = UpdatePath::Decode(probe);
    if (!path) return Fail(path.error());
    c.path = std::move(*path);
  }
  r = probe;
  return c;
}

}  // namespace sc::mls
