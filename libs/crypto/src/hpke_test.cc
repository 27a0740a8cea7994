// Tests for HPKE (RFC 9180): every section of RFC 9180 Appendix A for DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256 with AES-128-GCM and ChaCha20-Poly1305 (tests/vectors/hpke/, parsed from the
// markdown at run time), and the refusals the RFC and our policy require.
#include "securecomm/crypto/hpke.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/encoding.h"
#include "securecomm/base/random.h"
#include "securecomm/base/secret.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto::hpke {
namespace {

static_assert(!std::is_copy_constructible_v<SenderContext>);
static_assert(!std::is_copy_constructible_v<RecipientContext>);
static_assert(std::is_nothrow_move_constructible_v<SenderContext>);

using Bytes = std::vector<uint8_t>;
using Record = std::map<std::string, std::string>;  // field name -> value text (hex continued)

Bytes FromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex " << hex;
  return bytes.value_or(Bytes{});
}

Bytes Span(std::span<const uint8_t> s) {
  return Bytes(s.begin(), s.end());
}

// ---- The Appendix A markdown -----------------------------------------------------------------
// "## <suite>", then per mode "### <Mode> Setup Information", "#### Encryptions" and
// "#### Exported Values", each followed by a ~~~ block of "name: value" lines. A value may start on
// the next line and continue over several lines (hex); records in a block are separated by blank
// lines.

struct VectorSection {
  std::string suite_name;
  std::string mode_name;
  Record setup;
  std::vector<Record> encryptions;
  std::vector<Record> exports;
};

std::vector<VectorSection> ParseVectorFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::vector<VectorSection> sections;
  std::string suite;
  enum class Block { kNone, kSetup, kEncryptions, kExports } block = Block::kNone;
  bool in_fence = false;
  Record record;
  std::string last_key;
  auto flush = [&] {
    if (record.empty() || sections.empty()) {
      record.clear();
      return;
    }
    VectorSection& s = sections.back();
    switch (block) {
      case Block::kSetup:
        s.setup = std::move(record);
        break;
      case Block::kEncryptions:
        s.encryptions.push_back(std::move(record));
        break;
      case Block::kExports:
        s.exports.push_back(std::move(record));
        break;
      case Block::kNone:
        break;
    }
    record.clear();
  };
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("~~~", 0) == 0) {
      if (in_fence) flush();
      in_fence = !in_fence;
      continue;
    }
    if (!in_fence) {
      if (line.rfind("#### Encryptions", 0) == 0) {
        block = Block::kEncryptions;
      } else if (line.rfind("#### Exported Values", 0) == 0) {
        block = Block::kExports;
      } else if (line.rfind("### ", 0) == 0 && line.find("Setup Information") != std::string::npos) {
        sections.push_back({suite, line.substr(4, line.find(" Setup") - 4), {}, {}, {}});
        block = Block::kSetup;
      } else if (line.rfind("## ", 0) == 0) {
        suite = line.substr(3);
        block = Block::kNone;
      }
      continue;
    }
    if (line.empty()) {
      flush();
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      record[last_key] += line;  // a continuation line of the previous value
      continue;
    }
    last_key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    record[last_key] = value;
  }
  return sections;
}

std::string VectorPath() {
  return std::string(SC_VECTORS_DIR) + "/hpke/rfc9180_appendix_A_x25519.md";
}

// ---- Running one section ---------------------------------------------------------------------

struct Counts {
  int sections = 0;
  int encryptions = 0;
  int exports = 0;
};

KeyPair CheckedDerive(const Suite& suite, const Record& r, const std::string& who) {
  Result<KeyPair> pair = DeriveKeyPair(suite, FromHex(r.at("ikm" + who)));
  EXPECT_TRUE(pair.has_value());
  if (!pair) return KeyPair{};
  EXPECT_EQ(Span(pair->private_key.Expose()), FromHex(r.at("sk" + who + "m"))) << who;
  EXPECT_EQ(Span(pair->public_key.span()), FromHex(r.at("pk" + who + "m"))) << who;
  return std::move(*pair);
}

// ModeInputs returns the section's info, psk and psk_id (psk and psk_id empty, the defaults,
// where the mode has none).
std::tuple<Bytes, Bytes, Bytes> ModeInputs(const Record& r) {
  Bytes psk;
  Bytes psk_id;
  if (r.contains("psk")) psk = FromHex(r.at("psk"));
  if (r.contains("psk_id")) psk_id = FromHex(r.at("psk_id"));
  return {FromHex(r.at("info")), std::move(psk), std::move(psk_id)};
}

// SetupSender runs the mode's Setup<MODE>S; the ephemeral comes from a ScriptedRandom holding the
// vector's ikmE, so GenerateKeyPair() = DeriveKeyPair(ikmE) gives the vector's skE.
Result<SenderSetup> SetupSender(const Suite& suite, Mode mode, const Record& r, const PublicKey& pkR,
                                const KeyPair* sender) {
  ScriptedRandom rng({FromHex(r.at("ikmE"))});
  const auto [info, psk, psk_id] = ModeInputs(r);
  switch (mode) {
    case Mode::kBase:
      return SetupBaseS(suite, pkR, info, rng);
    case Mode::kPsk:
      return SetupPSKS(suite, pkR, info, psk, psk_id, rng);
    case Mode::kAuth:
      return SetupAuthS(suite, pkR, info, *sender, rng);
    case Mode::kAuthPsk:
      return SetupAuthPSKS(suite, pkR, info, psk, psk_id, *sender, rng);
  }
  return Fail(Errc::kInvalidArgument);
}

Result<RecipientContext> SetupRecipient(const Suite& suite, Mode mode, const Record& r,
                                        const KeyPair& recipient, const PublicKey* pkS) {
  const Bytes enc = FromHex(r.at("enc"));
  const auto [info, psk, psk_id] = ModeInputs(r);
  switch (mode) {
    case Mode::kBase:
      return SetupBaseR(suite, enc, recipient, info);
    case Mode::kPsk:
      return SetupPSKR(suite, enc, recipient, info, psk, psk_id);
    case Mode::kAuth:
      return SetupAuthR(suite, enc, recipient, info, *pkS);
    case Mode::kAuthPsk:
      return SetupAuthPSKR(suite, enc, recipient, info, psk, psk_id, *pkS);
  }
  return Fail(Errc::kInvalidArgument);
}

void RunSection(const VectorSection& section, Counts& counts) {
  SCOPED_TRACE(section.suite_name + " / " + section.mode_name);
  const Record& r = section.setup;
  ASSERT_TRUE(r.contains("mode") && r.contains("ikmE") && r.contains("ikmR") && r.contains("enc"));
  Result<Suite> suite_or = Suite::FromIds(static_cast<uint16_t>(std::stoul(r.at("kem_id"))),
                                          static_cast<uint16_t>(std::stoul(r.at("kdf_id"))),
                                          static_cast<uint16_t>(std::stoul(r.at("aead_id"))));
  ASSERT_TRUE(suite_or.has_value());
  const Suite suite = *suite_or;
  const auto mode = static_cast<Mode>(std::stoul(r.at("mode")));
  const bool auth = mode == Mode::kAuth || mode == Mode::kAuthPsk;
  const bool psk_mode = mode == Mode::kPsk || mode == Mode::kAuthPsk;
  ASSERT_EQ(auth, r.contains("ikmS"));
  ASSERT_EQ(psk_mode, r.contains("psk") && r.contains("psk_id"));

  // DeriveKeyPair(ikmX) for E, R and (auth modes) S: §7.1.3.
  const KeyPair ephemeral = CheckedDerive(suite, r, "E");
  const KeyPair recipient = CheckedDerive(suite, r, "R");
  KeyPair sender;
  if (auth) sender = CheckedDerive(suite, r, "S");

  // Encap/AuthEncap with the derived ephemeral, and Decap/AuthDecap: enc and shared_secret (§4.1).
  Result<EncapOutput> encap = auth ? AuthEncapWithEphemeral(suite, recipient.public_key, sender, ephemeral)
                                   : EncapWithEphemeral(suite, recipient.public_key, ephemeral);
  ASSERT_TRUE(encap.has_value());
  EXPECT_EQ(Span(encap->enc.span()), FromHex(r.at("enc")));
  EXPECT_EQ(Span(encap->shared_secret.Expose()), FromHex(r.at("shared_secret")));
  Result<SharedSecret> decap = auth ? AuthDecap(suite, FromHex(r.at("enc")), recipient, sender.public_key)
                                    : Decap(suite, FromHex(r.at("enc")), recipient);
  ASSERT_TRUE(decap.has_value());
  EXPECT_EQ(Span(decap->Expose()), FromHex(r.at("shared_secret")));

  // KeySchedule (§5.1): every intermediate value and output.
  const auto [info, psk, psk_id] = ModeInputs(r);
  Result<KeyScheduleOutput> schedule = KeySchedule(suite, mode, *decap, info, psk, psk_id);
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->key_schedule_context, FromHex(r.at("key_schedule_context")));
  EXPECT_EQ(Span(schedule->secret.Expose()), FromHex(r.at("secret")));
  EXPECT_EQ(Span(schedule->key.Expose()), FromHex(r.at("key")));
  const Bytes base_nonce = FromHex(r.at("base_nonce"));
  EXPECT_EQ(Span(schedule->base_nonce.Expose()), base_nonce);
  EXPECT_EQ(Span(schedule->exporter_secret.Expose()), FromHex(r.at("exporter_secret")));

  // Contexts built straight from KeySchedule outputs reproduce the first listed encryption.
  {
    Result<KeyScheduleOutput> again = KeySchedule(suite, mode, *decap, info, psk, psk_id);
    ASSERT_TRUE(again.has_value());
    Result<SenderContext> s = SenderContextFromSchedule(suite, std::move(*schedule));
    Result<RecipientContext> rc = RecipientContextFromSchedule(suite, std::move(*again));
    ASSERT_TRUE(s.has_value() && rc.has_value() && !section.encryptions.empty());
    const Record& first = section.encryptions.front();
    ASSERT_EQ(first.at("sequence number"), "0");
    Result<Bytes> ct = s->Seal(FromHex(first.at("aad")), FromHex(first.at("pt")));
    ASSERT_TRUE(ct.has_value());
    EXPECT_EQ(*ct, FromHex(first.at("ct")));
    Result<SecretBytes> pt = rc->Open(FromHex(first.at("aad")), *ct);
    ASSERT_TRUE(pt.has_value());
    EXPECT_EQ(Span(pt->Expose()), FromHex(first.at("pt")));
  }

  // The mode's Setup<MODE>S / Setup<MODE>R (§5.1.1-§5.1.4).
  const PublicKey* pkS = auth ? &sender.public_key : nullptr;
  Result<SenderSetup> sender_setup =
      SetupSender(suite, mode, r, recipient.public_key, auth ? &sender : nullptr);
  ASSERT_TRUE(sender_setup.has_value());
  EXPECT_EQ(Span(sender_setup->enc.span()), FromHex(r.at("enc")));
  Result<RecipientContext> receiver = SetupRecipient(suite, mode, r, recipient, pkS);
  ASSERT_TRUE(receiver.has_value());

  // Encryptions (§5.2). Each listed one is checked on fresh contexts at its sequence number (Seal
  // gives ct, Open gives pt back), and along one walk from 0 that seals and opens every sequence
  // number up to the last listed one, so the counter's own increments reach the same values.
  std::map<uint64_t, const Record*> by_seq;
  for (const Record& e : section.encryptions) {
    const uint64_t seq = std::stoull(e.at("sequence number"));
    by_seq[seq] = &e;
    const Bytes pt = FromHex(e.at("pt"));
    const Bytes aad = FromHex(e.at("aad"));
    const Bytes ct = FromHex(e.at("ct"));
    // nonce = base_nonce XOR I2OSP(seq, Nn): the file's nonce is what our counter must produce.
    Bytes nonce = base_nonce;
    for (size_t i = 0; i < 8; ++i) nonce[kNn - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
    EXPECT_EQ(nonce, FromHex(e.at("nonce"))) << "seq " << seq;

    Result<SenderSetup> s = SetupSender(suite, mode, r, recipient.public_key, auth ? &sender : nullptr);
    ASSERT_TRUE(s.has_value());
    s->context.SetSequenceNumberForTesting(seq);
    Result<Bytes> sealed = s->context.Seal(aad, pt);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(*sealed, ct) << "seq " << seq;
    EXPECT_EQ(s->context.sequence_number(), seq + 1);

    Result<RecipientContext> rc = SetupRecipient(suite, mode, r, recipient, pkS);
    ASSERT_TRUE(rc.has_value());
    rc->SetSequenceNumberForTesting(seq);
    Result<SecretBytes> opened = rc->Open(aad, ct);
    ASSERT_TRUE(opened.has_value()) << "seq " << seq;
    EXPECT_EQ(Span(opened->Expose()), pt);
    ++counts.encryptions;
  }
  ASSERT_FALSE(by_seq.empty());
  const Bytes filler = {'f', 'i', 'l', 'l'};
  for (uint64_t seq = 0; seq <= by_seq.rbegin()->first; ++seq) {
    const auto listed = by_seq.find(seq);
    const Bytes aad = listed != by_seq.end() ? FromHex(listed->second->at("aad")) : filler;
    const Bytes pt = listed != by_seq.end() ? FromHex(listed->second->at("pt")) : filler;
    Result<Bytes> ct = sender_setup->context.Seal(aad, pt);
    ASSERT_TRUE(ct.has_value());
    if (listed != by_seq.end()) {
      EXPECT_EQ(*ct, FromHex(listed->second->at("ct"))) << "walk seq " << seq;
    }
    Result<SecretBytes> opened = receiver->Open(aad, *ct);
    ASSERT_TRUE(opened.has_value()) << "walk seq " << seq;
    EXPECT_EQ(Span(opened->Expose()), pt);
  }

  // Exported values (§5.3), from both sides.
  for (const Record& x : section.exports) {
    const Bytes context = FromHex(x.at("exporter_context"));
    const size_t length = std::stoul(x.at("L"));
    const Bytes value = FromHex(x.at("exported_value"));
    Result<SecretBytes> a = sender_setup->context.Export(context, length);
    Result<SecretBytes> b = receiver->Export(context, length);
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ(Span(a->Expose()), value);
    EXPECT_EQ(Span(b->Expose()), value);
    ++counts.exports;
  }
  ++counts.sections;
}

TEST(HpkeVectors, Rfc9180AppendixAX25519) {
  const std::vector<VectorSection> sections = ParseVectorFile(VectorPath());
  Counts counts;
  for (const VectorSection& section : sections) RunSection(section, counts);
  std::cout << "hpke/rfc9180_appendix_A_x25519.md: " << counts.sections << " sections run, "
            << counts.encryptions << " encryptions checked (Seal and Open), " << counts.exports
            << " exports checked, 0 skipped\n";
  // The file has 2 suites x 4 modes, 6 encryptions and 3 exports each: a parser that dropped a
  // record would lower these.
  EXPECT_EQ(counts.sections, 8);
  EXPECT_EQ(counts.encryptions, 48);
  EXPECT_EQ(counts.exports, 24);
}

// ---- Refusals and properties of our own ------------------------------------------------------

constexpr Suite kAesSuite{KemId::kX25519Sha256, KdfId::kHkdfSha256, AeadId::kAes128Gcm};
constexpr Suite kChaChaSuite{KemId::kX25519Sha256, KdfId::kHkdfSha256, AeadId::kChaCha20Poly1305};
constexpr Suite kExportOnlySuite{KemId::kX25519Sha256, KdfId::kHkdfSha256, AeadId::kExportOnly};

KeyPair NewPair(Random& rng) {
  Result<KeyPair> pair = GenerateKeyPair(kAesSuite, rng);
  EXPECT_TRUE(pair.has_value());
  return pair ? std::move(*pair) : KeyPair{};
}

constexpr std::array<uint8_t, 4> kInfo = {'i', 'n', 'f', 'o'};
constexpr std::array<uint8_t, 3> kAad = {'a', 'a', 'd'};
constexpr std::array<uint8_t, 9> kPt = {'p', 'l', 'a', 'i', 'n', 't', 'e', 'x', 't'};
constexpr std::array<uint8_t, 32> kPsk = {'a', 'p', 'r', 'e', '-', 's', 'h', 'a', 'r', 'e', 'd',
                                          ' ', 'k', 'e', 'y', ' ', 'o', 'f', ' ', '3', '2', ' ',
                                          'b', 'y', 't', 'e', 's', ' ', '.', '.', '.', '.'};
constexpr std::array<uint8_t, 2> kPskId = {'i', 'd'};

TEST(Hpke, SuiteFromIds) {
  EXPECT_TRUE(Suite::FromIds(0x0020, 0x0001, 0x0001).has_value());
  EXPECT_TRUE(Suite::FromIds(0x0020, 0x0001, 0x0003).has_value());
  EXPECT_TRUE(Suite::FromIds(0x0020, 0x0001, 0xFFFF).has_value());
  EXPECT_EQ(Suite::FromIds(0x0010, 0x0001, 0x0001).error(), Errc::kUnsupportedAlgorithm);  // P-256
  EXPECT_EQ(Suite::FromIds(0x0020, 0x0003, 0x0001).error(), Errc::kUnsupportedAlgorithm);  // SHA-512
  EXPECT_EQ(Suite::FromIds(0x0020, 0x0001, 0x0002).error(), Errc::kUnsupportedAlgorithm);  // AES-256
  EXPECT_EQ(Error(Errc::kMessageLimitReached).name(), "kMessageLimitReached");
  EXPECT_EQ(Error(Errc::kInvalidPsk).name(), "kInvalidPsk");
  EXPECT_EQ(Error(Errc::kUnsupportedAlgorithm).name(), "kUnsupportedAlgorithm");
}

TEST(Hpke, SealBaseOpenBaseRoundTripBothAeads) {
  DeterministicRandom rng(1);
  const KeyPair r = NewPair(rng);
  for (const Suite& suite : {kAesSuite, kChaChaSuite}) {
    Result<SealOutput> sealed = SealBase(suite, r.public_key, kInfo, kAad, kPt, rng);
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(sealed->ct.size(), kPt.size() + kNt);
    Result<SecretBytes> opened = OpenBase(suite, sealed->enc.span(), r, kInfo, kAad, sealed->ct);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(Span(opened->Expose()), Span(kPt));
    // The other AEAD's recipient cannot open it (the suite is bound by suite_id).
    const Suite other = suite == kAesSuite ? kChaChaSuite : kAesSuite;
    EXPECT_EQ(OpenBase(other, sealed->enc.span(), r, kInfo, kAad, sealed->ct).error(), Errc::kAuthFailed);
  }
}

TEST(Hpke, TamperedCiphertextAadEncOrInfoIsRefused) {
  DeterministicRandom rng(2);
  const KeyPair r = NewPair(rng);
  Result<SealOutput> sealed = SealBase(kAesSuite, r.public_key, kInfo, kAad, kPt, rng);
  ASSERT_TRUE(sealed.has_value());
  for (size_t i = 0; i < sealed->ct.size(); ++i) {
    Bytes ct = sealed->ct;
    ct[i] ^= 0x01;
    EXPECT_EQ(OpenBase(kAesSuite, sealed->enc.span(), r, kInfo, kAad, ct).error(), Errc::kAuthFailed) << i;
  }
  Bytes aad(kAad.begin(), kAad.end());
  aad[0] ^= 0x80;
  EXPECT_EQ(OpenBase(kAesSuite, sealed->enc.span(), r, kInfo, aad, sealed->ct).error(), Errc::kAuthFailed);
  Bytes info(kInfo.begin(), kInfo.end());
  info.push_back(0);
  EXPECT_EQ(OpenBase(kAesSuite, sealed->enc.span(), r, info, kAad, sealed->ct).error(), Errc::kAuthFailed);
  Bytes enc = Span(sealed->enc.span());
  enc[5] ^= 0x04;
  EXPECT_EQ(OpenBase(kAesSuite, enc, r, kInfo, kAad, sealed->ct).error(), Errc::kAuthFailed);
  // enc must be Nenc bytes (DeserializePublicKey).
  enc.pop_back();
  EXPECT_EQ(OpenBase(kAesSuite, enc, r, kInfo, kAad, sealed->ct).error(), Errc::kInvalidKeySize);
  // Shorter than a tag.
  EXPECT_EQ(OpenBase(kAesSuite, sealed->enc.span(), r, kInfo, kAad, Bytes(kNt - 1, 0)).error(),
            Errc::kTruncated);
  // Another recipient key.
  const KeyPair other = NewPair(rng);
  EXPECT_EQ(OpenBase(kAesSuite, sealed->enc.span(), other, kInfo, kAad, sealed->ct).error(),
            Errc::kAuthFailed);
}

TEST(Hpke, OpenFailureKeepsTheSequenceNumber) {
  DeterministicRandom rng(3);
  const KeyPair r = NewPair(rng);
  Result<SenderSetup> s = SetupBaseS(kChaChaSuite, r.public_key, kInfo, rng);
  ASSERT_TRUE(s.has_value());
  Result<RecipientContext> rc = SetupBaseR(kChaChaSuite, s->enc.span(), r, kInfo);
  ASSERT_TRUE(rc.has_value());
  Result<Bytes> ct0 = s->context.Seal(kAad, kPt);
  Result<Bytes> ct1 = s->context.Seal(kAad, kPt);
  ASSERT_TRUE(ct0.has_value() && ct1.has_value());
  EXPECT_NE(*ct0, *ct1);  // a fresh nonce per sequence number
  // Out of order: ct1 at seq 0 fails, and seq stays 0.
  EXPECT_EQ(rc->Open(kAad, *ct1).error(), Errc::kAuthFailed);
  EXPECT_EQ(rc->sequence_number(), 0U);
  EXPECT_TRUE(rc->Open(kAad, *ct0).has_value());
  EXPECT_TRUE(rc->Open(kAad, *ct1).has_value());
  EXPECT_EQ(rc->sequence_number(), 2U);
}

TEST(Hpke, PskModeRules) {
  DeterministicRandom rng(4);
  const KeyPair r = NewPair(rng);
  // psk without psk_id, psk_id without psk: "Inconsistent PSK inputs".
  EXPECT_EQ(SetupPSKS(kAesSuite, r.public_key, kInfo, kPsk, {}, rng).error(), Errc::kInvalidPsk);
  EXPECT_EQ(SetupPSKS(kAesSuite, r.public_key, kInfo, {}, kPskId, rng).error(), Errc::kInvalidPsk);
  // "Missing required PSK input".
  EXPECT_EQ(SetupPSKS(kAesSuite, r.public_key, kInfo, {}, {}, rng).error(), Errc::kInvalidPsk);
  // A psk under 32 bytes (§5.1.2).
  EXPECT_EQ(SetupPSKS(kAesSuite, r.public_key, kInfo, Bytes(31, 1), kPskId, rng).error(), Errc::kInvalidPsk);
  // "PSK input provided when not needed": base and auth modes through KeySchedule.
  const SharedSecret ss;
  EXPECT_EQ(KeySchedule(kAesSuite, Mode::kBase, ss, kInfo, kPsk, kPskId).error(), Errc::kInvalidPsk);
  EXPECT_EQ(KeySchedule(kAesSuite, Mode::kAuth, ss, kInfo, kPsk, kPskId).error(), Errc::kInvalidPsk);
  EXPECT_EQ(KeySchedule(kAesSuite, Mode::kAuthPsk, ss, kInfo, {}, {}).error(), Errc::kInvalidPsk);
  // The recipient checks too.
  Result<SenderSetup> s = SetupPSKS(kAesSuite, r.public_key, kInfo, kPsk, kPskId, rng);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(SetupPSKR(kAesSuite, s->enc.span(), r, kInfo, kPsk, {}).error(), Errc::kInvalidPsk);
  Result<Bytes> ct = s->context.Seal(kAad, kPt);
  ASSERT_TRUE(ct.has_value());
  // A wrong psk or psk_id gives another key: Open fails.
  Bytes wrong_psk(kPsk.begin(), kPsk.end());
  wrong_psk[31] ^= 1;
  Result<RecipientContext> wrong = SetupPSKR(kAesSuite, s->enc.span(), r, kInfo, wrong_psk, kPskId);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->Open(kAad, *ct).error(), Errc::kAuthFailed);
  Result<RecipientContext> wrong_id = SetupPSKR(kAesSuite, s->enc.span(), r, kInfo, kPsk, Bytes{'x'});
  ASSERT_TRUE(wrong_id.has_value());
  EXPECT_EQ(wrong_id->Open(kAad, *ct).error(), Errc::kAuthFailed);
  Result<RecipientContext> right = SetupPSKR(kAesSuite, s->enc.span(), r, kInfo, kPsk, kPskId);
  ASSERT_TRUE(right.has_value());
  EXPECT_TRUE(right->Open(kAad, *ct).has_value());
}

TEST(Hpke, AuthModeBindsTheSender) {
  DeterministicRandom rng(5);
  const KeyPair r = NewPair(rng);
  const KeyPair sender = NewPair(rng);
  const KeyPair impostor = NewPair(rng);
  Result<SenderSetup> s = SetupAuthPSKS(kChaChaSuite, r.public_key, kInfo, kPsk, kPskId, sender, rng);
  ASSERT_TRUE(s.has_value());
  Result<Bytes> ct = s->context.Seal(kAad, kPt);
  ASSERT_TRUE(ct.has_value());
  Result<RecipientContext> wrong =
      SetupAuthPSKR(kChaChaSuite, s->enc.span(), r, kInfo, kPsk, kPskId, impostor.public_key);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->Open(kAad, *ct).error(), Errc::kAuthFailed);
  Result<RecipientContext> right =
      SetupAuthPSKR(kChaChaSuite, s->enc.span(), r, kInfo, kPsk, kPskId, sender.public_key);
  ASSERT_TRUE(right.has_value());
  EXPECT_TRUE(right->Open(kAad, *ct).has_value());
}

TEST(Hpke, SequenceNumberOverflowIsRefused) {
  DeterministicRandom rng(6);
  const KeyPair r = NewPair(rng);
  Result<SenderSetup> s = SetupBaseS(kAesSuite, r.public_key, kInfo, rng);
  ASSERT_TRUE(s.has_value());
  Result<RecipientContext> rc = SetupBaseR(kAesSuite, s->enc.span(), r, kInfo);
  ASSERT_TRUE(rc.has_value());
  // The last usable sequence number works once on both sides.
  s->context.SetSequenceNumberForTesting(kMaxHpkeSequence);
  rc->SetSequenceNumberForTesting(kMaxHpkeSequence);
  Result<Bytes> last = s->context.Seal(kAad, kPt);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(rc->Open(kAad, *last).has_value());
  // Then both refuse, and stay refused: MessageLimitReachedError (§5.2).
  EXPECT_EQ(s->context.Seal(kAad, kPt).error(), Errc::kMessageLimitReached);
  EXPECT_EQ(s->context.Seal(kAad, kPt).error(), Errc::kMessageLimitReached);
  EXPECT_EQ(rc->Open(kAad, *last).error(), Errc::kMessageLimitReached);
  EXPECT_EQ(s->context.sequence_number(), kMaxHpkeSequence + 1);
  // Export still works: it uses no nonce.
  EXPECT_TRUE(s->context.Export({}, 32).has_value());
}

TEST(Hpke, AllZeroDhIsRefused) {
  DeterministicRandom rng(7);
  const KeyPair r = NewPair(rng);
  const KeyPair sender = NewPair(rng);
  // u = 0 and u = 1 are small-order points: DH with them is all zero (RFC 7748 §6.1).
  for (const uint8_t u : {uint8_t{0}, uint8_t{1}}) {
    Bytes point(32, 0);
    point[0] = u;
    const PublicKey low_order(std::span<const uint8_t, 32>(point.data(), 32));
    // Sender side: Encap to a low-order pkR.
    EXPECT_EQ(SealBase(kAesSuite, low_order, kInfo, kAad, kPt, rng).error(), Errc::kWeakKey);
    EXPECT_EQ(SetupAuthS(kAesSuite, low_order, kInfo, sender, rng).error(), Errc::kWeakKey);
    // Recipient side: a low-order enc (§7.1.4), and a low-order pkS in AuthDecap.
    EXPECT_EQ(Decap(kAesSuite, point, r).error(), Errc::kWeakKey);
    EXPECT_EQ(OpenBase(kAesSuite, point, r, kInfo, kAad, Bytes(32, 0)).error(), Errc::kWeakKey);
    Result<SenderSetup> s = SetupAuthS(kAesSuite, r.public_key, kInfo, sender, rng);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(AuthDecap(kAesSuite, s->enc.span(), r, low_order).error(), Errc::kWeakKey);
  }
}

TEST(Hpke, ExportOnlySuite) {
  DeterministicRandom rng(8);
  const KeyPair r = NewPair(rng);
  Result<SenderSetup> s = SetupBaseS(kExportOnlySuite, r.public_key, kInfo, rng);
  ASSERT_TRUE(s.has_value());
  Result<RecipientContext> rc = SetupBaseR(kExportOnlySuite, s->enc.span(), r, kInfo);
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(s->context.Seal(kAad, kPt).error(), Errc::kUnsupportedAlgorithm);
  EXPECT_EQ(rc->Open(kAad, Bytes(32, 0)).error(), Errc::kUnsupportedAlgorithm);
  Result<SecretBytes> a = s->context.Export(kAad, 64);
  Result<SecretBytes> b = rc->Export(kAad, 64);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(*a == *b);
  // No key or base_nonce is derived (§5.3), and the AEAD id is in suite_id: the same shared
  // secret gives another exporter secret than under AES-128-GCM.
  const SharedSecret ss;
  Result<KeyScheduleOutput> export_only = KeySchedule(kExportOnlySuite, Mode::kBase, ss, kInfo, {}, {});
  Result<KeyScheduleOutput> aes = KeySchedule(kAesSuite, Mode::kBase, ss, kInfo, {}, {});
  ASSERT_TRUE(export_only.has_value() && aes.has_value());
  EXPECT_TRUE(export_only->key.empty());
  EXPECT_EQ(Nk(AeadId::kExportOnly), 0U);
  EXPECT_FALSE(export_only->exporter_secret == aes->exporter_secret);
}

TEST(Hpke, ExportLengthLimit) {
  DeterministicRandom rng(9);
  const KeyPair r = NewPair(rng);
  Result<SenderSetup> s = SetupBaseS(kAesSuite, r.public_key, kInfo, rng);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->context.Export({}, 255 * kNh).has_value());
  EXPECT_EQ(s->context.Export({}, 255 * kNh + 1).error(), Errc::kOutputTooLarge);
  Result<SecretBytes> empty = s->context.Export({}, 0);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  // A prefix property does not hold across lengths: L is in labeled_info.
  Result<SecretBytes> short_export = s->context.Export({}, 16);
  Result<SecretBytes> long_export = s->context.Export({}, 32);
  ASSERT_TRUE(short_export.has_value() && long_export.has_value());
  EXPECT_NE(Span(short_export->Expose()), Span(long_export->Expose().first(16)));
}

TEST(Hpke, DeriveKeyPairIsDeterministicAndGenerateDrawsNsk) {
  const Bytes ikm(32, 7);
  Result<KeyPair> a = DeriveKeyPair(kAesSuite, ikm);
  Result<KeyPair> b = DeriveKeyPair(kChaChaSuite, ikm);  // the KEM's suite_id only
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(a->private_key == b->private_key);
  EXPECT_EQ(a->public_key, b->public_key);
  ScriptedRandom rng({ikm});
  Result<KeyPair> c = GenerateKeyPair(kAesSuite, rng);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(a->public_key, c->public_key);
  EXPECT_TRUE(rng.exhausted());
}

}  // namespace
}  // namespace sc::crypto::hpke
