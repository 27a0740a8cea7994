// key_schedule_vectors_test.cc: key-schedule.json (test-vectors.md "Key Schedule"): for each
// epoch, the GroupContext encoding, joiner and welcome secrets, every epoch-derived secret, the
// next init_secret, external_pub (KEM.DeriveKeyPair(external_secret)) and one exporter value;
// each epoch starts from the previous one's init_secret.
#include <string>

#include <gtest/gtest.h>

#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/group_context.h"
#include "securecomm/mls/key_schedule.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;
using testing::ToSecret;

bool CheckEpoch(const CipherSuite& suite, const nlohmann::json& e, const GroupContext& ctx,
                Secret& init_secret, const std::string& at) {
  auto encoded = ctx.Encode();
  if (!encoded || !Same(*encoded, Hex(e.at("group_context")), at + " group_context")) return false;
  auto decoded = GroupContext::Decode(*encoded);
  bool ok = decoded && *decoded == ctx;
  EXPECT_TRUE(ok) << at << ": GroupContext does not round-trip";

  auto commit = ToSecret(e.at("commit_secret"));
  auto psk = ToSecret(e.at("psk_secret"));
  if (!commit || !psk) return false;
  auto step = KeyScheduleEpoch::FromInitSecret(init_secret, *commit, *psk, *encoded);
  if (!step) {
    ADD_FAILURE() << at << ": " << step.error().name();
    return false;
  }
  const EpochSecrets& s = step->secrets;
  const struct {
    const char* name;
    const Secret& got;
  } fields[] = {{"joiner_secret", step->joiner_secret},
                {"welcome_secret", step->welcome_secret},
                {"init_secret", s.init_secret},
                {"sender_data_secret", s.sender_data_secret},
                {"encryption_secret", s.encryption_secret},
                {"exporter_secret", s.exporter_secret},
                {"epoch_authenticator", s.epoch_authenticator},
                {"external_secret", s.external_secret},
                {"confirmation_key", s.confirmation_key},
                {"membership_key", s.membership_key},
                {"resumption_psk", s.resumption_psk}};
  for (const auto& f : fields) ok &= Same(f.got.Expose(), Hex(e.at(f.name)), at + " " + f.name);

  auto external = ExternalKeyPair(suite, s.external_secret);
  ok &= external && Same(external->public_key.span(), Hex(e.at("external_pub")), at + " external_pub");

  // The exporter label is a string (test-vectors.md), used as it is: the generator happens to
  // pick 64 hex digits, which are not decoded.
  const auto& x = e.at("exporter");
  const std::string label = x.at("label").get<std::string>();
  auto exported = MlsExporter(s.exporter_secret, label, Hex(x.at("context")), x.at("length").get<size_t>());
  ok &= exported && Same(exported->Expose(), Hex(x.at("secret")), at + " exporter");

  init_secret = s.init_secret.Clone();
  return ok;
}

bool CheckCase(const CipherSuite& suite, const nlohmann::json& c) {
  auto init = ToSecret(c.at("initial_init_secret"));
  if (!init) return false;
  Secret init_secret = std::move(*init);
  const auto suite_id = static_cast<uint16_t>(suite.id);
  bool ok = true;
  uint64_t epoch = 0;
  for (const auto& e : c.at("epochs")) {
    GroupContext ctx;
    ctx.cipher_suite = suite_id;
    ctx.group_id = Hex(c.at("group_id"));
    ctx.epoch = epoch;
    ctx.tree_hash = Hex(e.at("tree_hash"));
    ctx.confirmed_transcript_hash = Hex(e.at("confirmed_transcript_hash"));
    ok &= CheckEpoch(suite, e, ctx, init_secret,
                     "suite " + std::to_string(suite_id) + " epoch " + std::to_string(epoch));
    ++epoch;
  }
  return ok;
}

TEST(MlsVectors, KeySchedule) {
  testing::RunSuiteCases("key-schedule.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
