// psk_vectors_test.cc: psk_secret.json (test-vectors.md "Pre-Shared Keys"): psk_secret from 0 to
// 10 external PSKs with their psk_id and psk_nonce; each PreSharedKeyID also round-trips.
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/mls/cipher_suite.h"
#include "securecomm/mls/psk.h"

#include "vectors_test_util.h"

namespace sc::mls {
namespace {

using testing::Hex;
using testing::Same;

bool CheckCase(const CipherSuite& /*suite*/, const nlohmann::json& c) {
  std::vector<PskInput> psks;
  bool ok = true;
  for (const auto& p : c.at("psks")) {
    PskInput in;
    in.id.psktype = PskType::kExternal;
    in.id.psk_id = Hex(p.at("psk_id"));
    in.id.psk_nonce = Hex(p.at("psk_nonce"));
    const std::vector<uint8_t> psk = Hex(p.at("psk"));
    in.psk = SecretBytes(psk);
    Writer w;
    ok &= in.id.Encode(w).has_value();
    Reader r(w.bytes());
    auto back = PreSharedKeyId::Decode(r);
    ok &= back && *back == in.id && r.Finish().has_value();
    psks.push_back(std::move(in));
  }
  EXPECT_TRUE(ok) << "PreSharedKeyID round trip";
  auto secret = ComputePskSecret(psks);
  return ok && secret && Same(secret->Expose(), Hex(c.at("psk_secret")), "psk_secret");
}

TEST(MlsVectors, PskSecret) {
  testing::RunSuiteCases("psk_secret.json", CheckCase);
}

}  // namespace
}  // namespace sc::mls
