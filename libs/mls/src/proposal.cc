// RFC 9420 §12.1 (Proposal), §12.4 (ProposalOrRef, Commit).
#include "securecomm/mls/proposal.h"

#include "securecomm/mls/errors.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/psk.h"

#include "wire_skim.h"

namespace sc::mls {
namespace {

// SkimProposalBody reads one select arm of `type`.
Status SkimProposalBody(ProposalType type, Reader& r) {
  switch (type) {
    case ProposalType::kAdd:
      return internal::SkimKeyPackage(r);
    case ProposalType::kUpdate:
      return internal::SkimLeafNode(r);
    case ProposalType::kRemove:
      return r.ReadU32().map([](auto) {});
    case ProposalType::kPsk:
      return PreSharedKeyId::Decode(r).map([](auto) {});
    case ProposalType::kReinit: {
      Status s = r.ReadOpaque().map([](auto) {});
      if (s) s = r.ReadU16().map([](auto) {});
      if (s) s = r.ReadU16().map([](auto) {});
      if (s) s = DecodeExtensions(r).map([](auto) {});
      return s;
    }
    case ProposalType::kExternalInit:
      return r.ReadOpaque().map([](auto) {});
    case ProposalType::kGroupContextExtensions:
      return DecodeExtensions(r).map([](auto) {});
  }
  return Fail(Errc::kUnsupportedProposalType);
}

bool KnownProposalType(uint16_t t) {
  return t >= static_cast<uint16_t>(ProposalType::kAdd) &&
         t <= static_cast<uint16_t>(ProposalType::kGroupContextExtensions);
}

}  // namespace

Result<std::span<const uint8_t>> Proposal::ReadBody(ProposalType type, Reader& r) {
  if (!KnownProposalType(static_cast<uint16_t>(type))) return Fail(Errc::kUnsupportedProposalType);
  return internal::Consume(r, [&](Reader& probe) { return SkimProposalBody(type, probe); });
}

Result<Proposal> Proposal::Make(ProposalType type, std::span<const uint8_t> body) {
  Reader r(body);
  auto b = ReadBody(type, r);
  if (!b) return Fail(b.error());
  if (auto s = r.Finish(); !s) return Fail(s.error());
  return Proposal{type, {b->begin(), b->end()}};
}

Status Proposal::Encode(Writer& w) const {
  w.WriteU16(static_cast<uint16_t>(proposal_type));
  w.WriteFixed(body);
  return OkStatus();
}

Result<Proposal> Proposal::Decode(Reader& r) {
  Reader probe = r;
  auto type = probe.ReadU16();
  if (!type) return Fail(type.error());
  if (!KnownProposalType(*type)) return Fail(Errc::kUnsupportedProposalType);
  auto body = ReadBody(static_cast<ProposalType>(*type), probe);
  if (!body) return Fail(body.error());
  r = probe;
  return Proposal{static_cast<ProposalType>(*type), {body->begin(), body->end()}};
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
  if (path) w.WriteFixed(*path);
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
    auto path = internal::Consume(probe, internal::SkimUpdatePath);
    if (!path) return Fail(path.error());
    c.path.emplace(path->begin(), path->end());
  }
  r = probe;
  return c;
}

}  // namespace sc::mls
