// relay_frame_seeds OUT_DIR: writes the seed corpus of relay_frame_fuzz, one file per request
// type or sequence, in the input format of relay_frame_fixture.h. The seeds address the
// fixture's devices and carry genuine values where random bytes would never pass (an SRP
// verifier and A, a prekey signature by session 0's key), so mutations start past those checks.
//
//   build/fuzz/tests/fuzz/relay_frame_seeds tests/fuzz/corpus/relay_frame_fuzz
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "securecomm/base/random.h"
#include "securecomm/crypto/srp.h"
#include "securecomm/crypto/x25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/relay/service.h"

#include "relay_frame_fixture.h"

namespace {

using namespace sc;
using namespace sc::relay_frame_fuzz;

std::string String(std::span<const uint8_t> b) {
  return {b.begin(), b.end()};
}
std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Seed builds one input: the setup byte, then records.
class Seed {
 public:
  explicit Seed(Setup setup) : bytes_(1, static_cast<char>(setup)) {}
  // Add appends a record; `frame` gets version 1 and the next request id.
  Seed& Add(uint8_t flags, pb::ClientFrame frame) {
    frame.set_version(1);
    frame.set_request_id(++request_id_);
    AppendRecord(bytes_, flags, frame);
    return *this;
  }
  // AddRaw appends a record of arbitrary bytes.
  Seed& AddRaw(uint8_t flags, const std::string& raw) {
    bytes_.push_back(static_cast<char>(flags));
    bytes_.push_back(static_cast<char>(raw.size() >> 8));
    bytes_.push_back(static_cast<char>(raw.size()));
    bytes_ += raw;
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  uint64_t request_id_ = 0;
};

pb::ClientFrame Register(const std::string& name, crypto::SrpGroup group) {
  const auto v = crypto::SrpMakeVerifier(name, Bytes("pw"), std::vector<uint8_t>(16, 0x33), group).value();
  pb::ClientFrame f;
  f.mutable_register_()->set_username(name);
  f.mutable_register_()->set_srp_group(static_cast<uint32_t>(group));
  f.mutable_register_()->set_srp_salt(String(v.salt));
  f.mutable_register_()->set_srp_verifier(String(v.verifier));
  return f;
}

pb::ClientFrame LoginStart(const std::string& name) {
  DeterministicRandom rng(3);
  const auto client = crypto::SrpClient::Start(crypto::SrpGroup::k3072, rng).value();
  pb::ClientFrame f;
  f.mutable_login_start()->set_username(name);
  f.mutable_login_start()->set_srp_a(String(client.A()));
  return f;
}

// LoginStartSmallA: a login start with A = a, padded to len(N) as relay.md §5.3 requires (the
// relay checks A mod N only at the finish: a = 0 is refused there).
pb::ClientFrame LoginStartSmallA(const std::string& name, char a) {
  std::string padded(crypto::SrpGroupBytes(crypto::SrpGroup::k3072), '\0');
  padded.back() = a;
  pb::ClientFrame f;
  f.mutable_login_start()->set_username(name);
  f.mutable_login_start()->set_srp_a(padded);
  return f;
}

pb::ClientFrame LoginFinish(bool send_only) {
  pb::ClientFrame f;
  f.mutable_login_finish()->set_srp_m1(std::string(32, '\x42'));
  f.mutable_login_finish()->set_send_only(send_only);
  return f;
}

pb::ClientFrame ListDevices() {
  pb::ClientFrame f;
  f.mutable_list_devices();
  return f;
}

pb::ClientFrame RemoveDevice(uint32_t id) {
  pb::ClientFrame f;
  f.mutable_remove_device()->set_device_id(id);
  return f;
}

// Upload: a signed prekey signed by `signer`'s key (if signer != 0) and one-time keys `ids`.
pb::ClientFrame Upload(uint8_t signer, uint32_t signed_id, const std::vector<uint32_t>& ids) {
  pb::ClientFrame f;
  auto* u = f.mutable_upload_prekeys();
  if (signer != 0) {
    const auto spk = crypto::X25519KeyPair::FromPrivate(
        crypto::X25519PrivateKey::FromSpan(std::vector<uint8_t>(32, 0xe1)).value());
    const auto sig = Identity(signer).Sign(e2e::SignedPrekeyMessage(signed_id, spk.public_key));
    u->mutable_signed_prekey()->set_id(signed_id);
    u->mutable_signed_prekey()->set_public_key(String(spk.public_key.span()));
    u->mutable_signed_prekey()->set_signature(String(sig.span()));
  }
  for (uint32_t id : ids) {
    auto* k = u->add_one_time_prekeys();
    k->set_id(id);
    k->set_public_key(std::string(32, static_cast<char>(0x80 + id)));
  }
  return f;
}

pb::ClientFrame PrekeyCount() {
  pb::ClientFrame f;
  f.mutable_prekey_count();
  return f;
}

pb::ClientFrame Fetch(store::DeviceAddress d) {
  pb::ClientFrame f;
  f.mutable_fetch_prekey_bundle()->set_account_id(d.account);
  f.mutable_fetch_prekey_bundle()->set_device_id(d.device);
  return f;
}

pb::ClientFrame Lookup(const std::string& name) {
  pb::ClientFrame f;
  f.mutable_lookup_account()->set_username(name);
  return f;
}

pb::ClientFrame Send(const std::vector<std::pair<store::DeviceAddress, std::string>>& to,
                     uint64_t ttl_ms = 0) {
  pb::ClientFrame f;
  for (const auto& [d, payload] : to) {
    auto* e = f.mutable_send()->add_envelopes();
    e->set_recipient_account(d.account);
    e->set_recipient_device(d.device);
    e->set_payload(payload);
  }
  f.mutable_send()->set_ttl_ms(ttl_ms);
  return f;
}

pb::ClientFrame Ack(const std::vector<uint64_t>& ids) {
  pb::ClientFrame f;
  for (auto id : ids) f.mutable_ack()->add_message_ids(id);
  return f;
}

constexpr uint8_t kS0 = 0;
constexpr uint8_t kS1 = kSession1;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::vector<std::pair<std::string, Seed>> seeds;

  seeds.emplace_back("register", Seed(Setup::kStranger)
                                     .Add(kS1, Register("carol", crypto::SrpGroup::k3072))
                                     .Add(kS1, Register("ALICE", crypto::SrpGroup::k3072))
                                     .Add(kS1, Register("weak", crypto::SrpGroup::k1024))
                                     .Add(kS0, Register("dave", crypto::SrpGroup::k3072))
                                     .Add(kS0, Lookup("carol")));
  seeds.emplace_back("login", Seed(Setup::kStranger)
                                  .Add(kS1, LoginStart("alice"))
                                  .Add(kS1, LoginFinish(false))
                                  .Add(kS1, LoginFinish(true))
                                  .Add(kS1, LoginStart("mallory"))
                                  .Add(kS1, LoginFinish(false)));
  {
    // Account failures ~4 minutes apart (each past the backoff) up to the lockout, then unknown
    // usernames from the same address up to its throttle. ~8.7 KB: run_smoke.sh's -max_len
    // keeps the lockout half.
    Seed throttle(Setup::kAlice2LoggedOut);
    for (int i = 0; i < 10; ++i) {
      throttle.Add(kS1 | ClockFlags(19), LoginStart("alice")).Add(kS1, LoginFinish(false));
    }
    throttle.Add(kS1, LoginStart("alice"));
    for (int i = 0; i < 10; ++i) throttle.Add(kS1, LoginStart("mallory")).Add(kS1, LoginFinish(false));
    throttle.Add(kS1, LoginStart("mallory"));
    seeds.emplace_back("login_throttle", throttle);
  }
  {
    pb::ClientFrame short_verifier = Register("erin", crypto::SrpGroup::k3072);
    short_verifier.mutable_register_()->mutable_srp_verifier()->resize(10);
    pb::ClientFrame bad_group = Register("erin", crypto::SrpGroup::k3072);
    bad_group.mutable_register_()->set_srp_group(9);
    seeds.emplace_back("srp_parameters", Seed(Setup::kStranger)
                                             .Add(kS1, short_verifier)
                                             .Add(kS1, bad_group)
                                             .Add(kS1, LoginStartSmallA("alice", '\x00'))
                                             .Add(kS1, LoginFinish(false))
                                             .Add(kS1, LoginStartSmallA("bob", '\x02'))
                                             .Add(kS1, LoginStartSmallA("x", '\x02')));
  }
  seeds.emplace_back("devices", Seed(Setup::kStranger)
                                    .Add(kS0, ListDevices())
                                    .Add(kS0, RemoveDevice(2))
                                    .Add(kS0, RemoveDevice(2))
                                    .Add(kS1, ListDevices())
                                    .Add(kS0, RemoveDevice(1))
                                    .Add(kS0, ListDevices()));
  seeds.emplace_back("prekeys", Seed(Setup::kBob)
                                    .Add(kS0, Upload(kAlice1Key, 7, {1, 2, 3}))
                                    .Add(kS0, PrekeyCount())
                                    .Add(kS1, Fetch(kAlice1))
                                    .Add(kS1, Fetch(kAlice1))
                                    .Add(kS0, Upload(kBob1Key, 8, {}))
                                    .Add(kS0, Upload(0, 0, {4, 4}))
                                    .Add(kS0, Upload(0, 0, {3})));
  seeds.emplace_back("fetch_bundle", Seed(Setup::kStranger)
                                         .Add(kS0, Fetch(kBob1))
                                         .Add(kS0, Fetch(kBob1))
                                         .Add(kS0, Fetch(kAlice2))
                                         .Add(kS0, Fetch({2, 9}))
                                         .Add(kS1, Fetch(kBob1)));
  seeds.emplace_back("lookup", Seed(Setup::kBob)
                                   .Add(kS0, Lookup("bob"))
                                   .Add(kS1, Lookup("Alice"))
                                   .Add(kS0, Lookup("zz"))
                                   .Add(kS0, Lookup("nobody")));
  seeds.emplace_back("send_ack", Seed(Setup::kBob)
                                     .Add(kS0, Send({{kBob1, "hi"}, {kBob1, "again"}, {kAlice2, "self"}}))
                                     .Add(kS1, Ack({1, 2}))
                                     .Add(kS0, Ack({3}))
                                     .Add(kS1, Send({{kAlice1, "reply"}}))
                                     .Add(kS0, Ack({4, 4, 9})));
  seeds.emplace_back(
      "send_refused",
      Seed(Setup::kStranger)
          .Add(kS0, Send({{{2, 9}, "x"}}))
          .Add(kS0, Send({{kBob1, "x"}, {kBob1, ""}}))
          .Add(kS0, Send({{kBob1, "x"}}, uint64_t{1} << 40))
          .Add(kS0, Send(std::vector<std::pair<store::DeviceAddress, std::string>>(9, {kBob1, "full"})))
          .Add(kS0, Send(std::vector<std::pair<store::DeviceAddress, std::string>>(8, {kBob1, "fits"})))
          .Add(kS0, Send({{kBob1, "over"}})));
  seeds.emplace_back(
      "send_too_many",
      Seed(Setup::kStranger)
          .Add(kS0, Send(std::vector<std::pair<store::DeviceAddress, std::string>>(65, {kBob1, "m"})))
          .Add(kS0, Send({{kBob1, "m"}, {kAlice1, "m"}, {kAlice2, "m"}})));
  seeds.emplace_back("expiry", Seed(Setup::kBob)
                                   .Add(kS0, Send({{kBob1, "short"}}, 1000))
                                   .Add(kS0 | ClockFlags(12) | kPurgeAfter, PrekeyCount())
                                   .Add(kS1, Ack({1})));
  seeds.emplace_back("batch", Seed(Setup::kAlice2)
                                  .Add(kS1, Send({{kAlice1, "to one"}}))
                                  .Add(kS0 | kJoinBatch, Ack({1}))
                                  .Add(kS1 | kJoinBatch, Send({{kBob1, "to bob"}}))
                                  .Add(kS0 | kJoinBatch, ListDevices())
                                  .Add(kS1, RemoveDevice(1))
                                  .Add(kS0, ListDevices()));
  {
    pb::ClientFrame v2 = ListDevices();
    Seed framing(Setup::kStranger);
    framing.Add(kS0, pb::ClientFrame()).AddRaw(kS0, "\x0a\xff").AddRaw(kS1, std::string());
    v2.set_version(2);
    framing.AddRaw(kS0, v2.SerializeAsString());
    seeds.emplace_back("framing", framing);
  }

  for (const auto& [name, seed] : seeds) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    out << seed.bytes();
    if (!out) {
      std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
      return 1;
    }
  }
  return 0;
}
