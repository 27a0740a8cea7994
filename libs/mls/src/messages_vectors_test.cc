// messages_vectors_test.cc: messages.json (test-vectors.md "Messages"): each field decodes with
// its structure and re-encodes byte for byte. The file has no cipher suite: every case runs.
//
// Decoded here: the MLSMessage envelopes (PublicMessage and PrivateMessage in full; Welcome,
// GroupInfo and KeyPackage bodies decoded by their own decoders and kept as bytes, framing.h),
// and, each through its typed decoder: Welcome, GroupInfo, KeyPackage inside those envelopes,
// the seven proposal bodies, Commit (with its UpdatePath), GroupSecrets (welcome.h) and the
// ratchet tree (ratchet_tree.h).
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/framing.h"
#include "securecomm/mls/proposal.h"
#include "securecomm/mls/ratchet_tree.h"
#include "securecomm/mls/welcome.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

bool RoundTrip(const Result<std::vector<uint8_t>>& back, std::span<const uint8_t> bytes,
               const std::string& what) {
  if (!back) {
    ADD_FAILURE() << what << " re-encode: " << back.error().name();
    return false;
  }
  return Same(*back, bytes, what + " re-encoded");
}

bool Message(const nlohmann::json& v, const std::string& field, WireFormat want) {
  const std::vector<uint8_t> bytes = Hex(v.at(field));
  auto m = DecodeExact<MlsMessage>(bytes);
  if (!m) {
    ADD_FAILURE() << field << ": " << m.error().name();
    return false;
  }
  EXPECT_EQ(m->wire_format, want) << field;
  return m->wire_format == want && RoundTrip(EncodeToBytes(*m), bytes, field);
}

bool ProposalBody(const nlohmann::json& v, const std::string& field, ProposalType type) {
  const std::vector<uint8_t> bytes = Hex(v.at(field));
  auto p = Proposal::Make(type, bytes);
  if (!p) {
    ADD_FAILURE() << field << ": " << p.error().name();
    return false;
  }
  auto encoded = EncodeToBytes(*p);
  if (!encoded || encoded->size() < 2) return false;
  const std::vector<uint8_t> body(encoded->begin() + 2, encoded->end());  // after proposal_type
  return Same(body, bytes, field + " re-encoded");
}

constexpr std::pair<std::string_view, WireFormat> kMessages[] = {
    {"mls_welcome", WireFormat::kWelcome},
    {"mls_group_info", WireFormat::kGroupInfo},
    {"mls_key_package", WireFormat::kKeyPackage},
    {"public_message_application", WireFormat::kPublicMessage},
    {"public_message_proposal", WireFormat::kPublicMessage},
    {"public_message_commit", WireFormat::kPublicMessage},
    {"private_message", WireFormat::kPrivateMessage},
};

constexpr std::pair<std::string_view, ProposalType> kProposals[] = {
    {"add_proposal", ProposalType::kAdd},
    {"update_proposal", ProposalType::kUpdate},
    {"remove_proposal", ProposalType::kRemove},
    {"pre_shared_key_proposal", ProposalType::kPsk},
    {"re_init_proposal", ProposalType::kReinit},
    {"external_init_proposal", ProposalType::kExternalInit},
    {"group_context_extensions_proposal", ProposalType::kGroupContextExtensions},
};

TEST(MlsVectors, Messages) {
  testing::Tally tally("messages.json");
  std::map<std::string, int> passed;
  for (const auto& v : testing::LoadVectorFile("messages.json")) {
    std::map<std::string, bool> ok;
    for (const auto& [field, format] : kMessages)
      ok[std::string(field)] = Message(v, std::string(field), format);
    for (const auto& [field, type] : kProposals)
      ok[std::string(field)] = ProposalBody(v, std::string(field), type);
    {
      const std::vector<uint8_t> bytes = Hex(v.at("commit"));
      auto c = DecodeExact<Commit>(bytes);
      if (!c) ADD_FAILURE() << "commit: " << c.error().name();
      ok["commit"] = c && RoundTrip(EncodeToBytes(*c), bytes, "commit");
    }
    {
      const std::vector<uint8_t> bytes = Hex(v.at("ratchet_tree"));
      auto t = RatchetTree::Decode(bytes);
      if (!t) ADD_FAILURE() << "ratchet_tree: " << t.error().name();
      ok["ratchet_tree"] = t && RoundTrip(t->Encode(), bytes, "ratchet_tree");
    }
    {
      const std::vector<uint8_t> bytes = Hex(v.at("group_secrets"));
      auto g = DecodeExact<GroupSecrets>(bytes);
      if (!g) ADD_FAILURE() << "group_secrets: " << g.error().name();
      auto back = g ? g->Encode() : Result<SecretBytes>(Fail(g.error()));
      ok["group_secrets"] = back && Same(back->Expose(), bytes, "group_secrets re-encoded");
    }
    {
      // The envelopes' bodies through their typed decoders, re-encoded byte for byte.
      auto body = [&](const char* field, auto decode) {
        auto m = DecodeExact<MlsMessage>(Hex(v.at(field)));
        if (!m) return false;
        auto typed = decode(m->body);
        if (!typed) ADD_FAILURE() << field << " body: " << typed.error().name();
        return typed && RoundTrip(EncodeToBytes(*typed), m->body, std::string(field) + " body");
      };
      ok["welcome_typed"] = body("mls_welcome", [](auto b) { return DecodeExact<Welcome>(b); });
      ok["group_info_typed"] = body("mls_group_info", [](auto b) { return DecodeExact<GroupInfo>(b); });
      ok["key_package_typed"] = body("mls_key_package", [](auto b) { return DecodeExact<KeyPackage>(b); });
    }
    bool all = true;
    for (const auto& [field, good] : ok) {
      passed[field] += good ? 1 : 0;
      all &= good;
    }
    tally.Record(all);
  }
  std::string fields;
  for (const auto& [field, n] : passed)
    fields += (fields.empty() ? "" : ", ") + field + " " + std::to_string(n);
  std::cout << "[mls vectors] messages.json round-trips by field: " << fields << "\n";
  tally.Report();
}

}  // namespace
}  // namespace sc::mls
