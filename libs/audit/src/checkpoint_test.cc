// Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).
#include "securecomm/audit/checkpoint.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/base/random.h"

#include "test_util.h"

namespace sc::audit {
namespace {

const char kOrigin[] = "audit.example.org/relay1";
const char kRootB64[] = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

std::string Body(const std::string& size, const std::string& root = kRootB64, const std::string& more = "") {
  return std::string(kOrigin) + "\n" + size + "\n" + root + "\n" + more;
}

TEST(Checkpoint, ParseAndFormatRoundTrip) {
  for (const std::string& text : {Body("0"), Body("1"), Body("20852163"), Body("18446744073709551615"),
                                  Body("7", kRootB64, "ext one\next\xC3\xA9 two\n")}) {
    auto cp = ParseCheckpoint(text);
    ASSERT_TRUE(cp.has_value()) << text;
    EXPECT_EQ(cp->origin, kOrigin);
    EXPECT_EQ(Base64Encode(cp->root.span()), kRootB64);
    EXPECT_EQ(FormatCheckpoint(*cp).value(), text);
  }
  EXPECT_EQ(ParseCheckpoint(Body("18446744073709551615"))->size, UINT64_MAX);
  auto ext = ParseCheckpoint(Body("7", kRootB64, "a\nb\n"));
  ASSERT_TRUE(ext.has_value());
  EXPECT_EQ(ext->extensions, (std::vector<std::string>{"a", "b"}));
  // The origin is opaque: clients must not assume it is a URL (spaces and '+' allowed).
  EXPECT_TRUE(ParseCheckpoint("go.sum database tree\n1\n" + std::string(kRootB64) + "\n").has_value());
}

TEST(Checkpoint, Malformed) {
  const std::string root31 = Base64Encode(std::vector<uint8_t>(31, 1));
  const std::string root33 = Base64Encode(std::vector<uint8_t>(33, 1));
  for (const std::string& bad : {
           Body("01"),
           Body("00"),
           Body("-1"),
           Body("+1"),
           Body(" 1"),
           Body("1 "),
           Body("0x10"),
           Body(""),
           Body("18446744073709551616"),  // 2^64
           Body("99999999999999999999"),  // overflow
           Body("1", root31),
           Body("1", root33),
           Body("1", ""),
           Body("1", std::string(kRootB64).substr(0, 43)),                   // missing padding
           Body("1", std::string(kRootB64) + "="),                           // extra padding
           Body("1", "CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I="),        // URL-safe alphabet
           Body("1", "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\xC7\x9BI="),  // non-ASCII ("//" to libsodium)
           Body("1", kRootB64, "\n"),                                        // empty extension line
           Body("1", kRootB64, "ext\n\n"),                                   // empty line after one
           Body("1", kRootB64, "e\txt\n"),                                   // control character
           std::string("\n1\n") + kRootB64 + "\n",                           // empty origin
           std::string(kOrigin) + "\n1\n",                                   // two lines
           std::string(kOrigin) + "\n1\n" + kRootB64,                        // no final newline
           std::string(kOrigin) + "\r\n1\n" + kRootB64 + "\n",               // CRLF
           std::string("\xFF") + "\n1\n" + kRootB64 + "\n",                  // not UTF-8
           std::string(),
       }) {
    EXPECT_EQ(ParseCheckpoint(bad).error(), Errc::kMalformedCheckpoint) << bad;
  }
  Checkpoint cp{kOrigin, 1, Hash(), {}};
  cp.origin = "";
  EXPECT_EQ(FormatCheckpoint(cp).error(), Errc::kMalformedCheckpoint);
  cp.origin = "two\nlines";
  EXPECT_EQ(FormatCheckpoint(cp).error(), Errc::kMalformedCheckpoint);
  cp.origin = kOrigin;
  cp.extensions = {""};
  EXPECT_EQ(FormatCheckpoint(cp).error(), Errc::kMalformedCheckpoint);
  cp.extensions = {"a\nb"};
  EXPECT_EQ(FormatCheckpoint(cp).error(), Errc::kMalformedCheckpoint);
}

struct Fixture {
  DeterministicRandom rng{77};
  NoteSigner log = NoteSigner::Create(kOrigin, crypto::Ed25519KeyPair::Generate(rng)).value();
  CosignatureSigner w1 =
      CosignatureSigner::Create("w1.example.net", crypto::Ed25519KeyPair::Generate(rng)).value();
  CosignatureSigner w2 =
      CosignatureSigner::Create("w2.example.net", crypto::Ed25519KeyPair::Generate(rng)).value();
  CosignatureSigner w3 =
      CosignatureSigner::Create("w3.example.net", crypto::Ed25519KeyPair::Generate(rng)).value();
  std::vector<NoteVerifier> witnesses = {w1.verifier(), w2.verifier(), w3.verifier()};
  Checkpoint cp;

  Fixture() {
    MerkleLog l;
    for (int i = 0; i < 10; ++i) l.Append(LeafHash(std::vector<uint8_t>{static_cast<uint8_t>(i)}));
    cp = Checkpoint{kOrigin, l.size(), l.Root(), {}};
  }

  // The log signs; w1 and w2 cosign at the given times.
  std::string Witnessed(uint64_t t1 = 1700000000, uint64_t t2 = 1700000005) const {
    Note note = ParseNote(SignCheckpoint(cp, log).value()).value();
    note.signatures.push_back(w1.Cosign(note.text, t1).value());
    note.signatures.push_back(w2.Cosign(note.text, t2).value());
    return FormatNote(note).value();
  }
};

TEST(Cosignature, WitnessedCheckpointOpens) {
  Fixture f;
  const std::string note = f.Witnessed();
  auto opened = OpenCheckpoint(note, kOrigin, f.log.verifier(), f.witnesses);
  ASSERT_TRUE(opened.has_value()) << opened.error().name();
  EXPECT_EQ(opened->checkpoint, f.cp);
  EXPECT_EQ(opened->text, FormatCheckpoint(f.cp).value());
  ASSERT_EQ(opened->cosignatures.size(), 2u);
  EXPECT_EQ(opened->cosignatures[0].name, "w1.example.net");
  EXPECT_EQ(opened->cosignatures[0].type, SignatureType::kCosignatureV1);
  EXPECT_EQ(opened->cosignatures[0].timestamp, 1700000000u);
  EXPECT_EQ(opened->cosignatures[1].timestamp, 1700000005u);
  // Without witnesses configured, the cosignatures are ignored, not errors.
  auto alone = OpenCheckpoint(note, kOrigin, f.log.verifier(), {});
  ASSERT_TRUE(alone.has_value());
  EXPECT_TRUE(alone->cosignatures.empty());
  EXPECT_EQ(alone->unverified.size(), 2u);
  // The cosigned message is the spec's: two header lines, then the body.
  EXPECT_EQ(CosignedMessage("o\n1\nr\n", 1679315147), "cosignature/v1\ntime 1679315147\no\n1\nr\n");
  EXPECT_EQ(CosignedMessage("o\n1\nr\n", 0), "cosignature/v1\ntime 0\no\n1\nr\n");
}

TEST(Cosignature, FailuresAreSpecific) {
  Fixture f;
  const std::string note = f.Witnessed();
  EXPECT_EQ(OpenCheckpoint(note, "audit.example.org/other", f.log.verifier(), f.witnesses).error(),
            Errc::kOriginMismatch);
  // The log's key must have signed: witnesses alone are not enough.
  DeterministicRandom rng(5);
  const NoteSigner stranger = NoteSigner::Create(kOrigin, crypto::Ed25519KeyPair::Generate(rng)).value();
  EXPECT_EQ(OpenCheckpoint(note, kOrigin, stranger.verifier(), f.witnesses).error(), Errc::kUnknownKey);
  // A tampered cosignature from a configured witness rejects the checkpoint.
  Note parsed = ParseNote(note).value();
  parsed.signatures[2].signature[20] ^= 0x40;
  EXPECT_EQ(OpenCheckpoint(FormatNote(parsed).value(), kOrigin, f.log.verifier(), f.witnesses).error(),
            Errc::kBadSignature);
  // A cosignature's timestamp is signed: changing it breaks the signature.
  parsed = ParseNote(note).value();
  parsed.signatures[1].signature[7] ^= 1;
  EXPECT_EQ(OpenCheckpoint(FormatNote(parsed).value(), kOrigin, f.log.verifier(), f.witnesses).error(),
            Errc::kBadSignature);
  // A timestamp above 2^63 - 1 is refused before any signature check.
  parsed = ParseNote(note).value();
  parsed.signatures[1].signature[0] |= 0x80;
  EXPECT_EQ(OpenCheckpoint(FormatNote(parsed).value(), kOrigin, f.log.verifier(), f.witnesses).error(),
            Errc::kBadTimestamp);
  EXPECT_EQ(f.w1.Cosign(FormatCheckpoint(f.cp).value(), kMaxCosignatureTimestamp + 1).error(),
            Errc::kBadTimestamp);
  EXPECT_TRUE(f.w1.Cosign(FormatCheckpoint(f.cp).value(), kMaxCosignatureTimestamp).has_value());
  // A cosignature moved to another checkpoint does not verify there.
  Fixture g;
  g.cp.size += 1;
  Note other = ParseNote(SignCheckpoint(g.cp, g.log).value()).value();
  other.signatures.push_back(ParseNote(note).value().signatures[1]);
  EXPECT_EQ(OpenCheckpoint(FormatNote(other).value(), kOrigin, g.log.verifier(), g.witnesses).error(),
            Errc::kBadSignature);
  // A witness cosigns checkpoints only, and a cosignature is not a plain note signature.
  EXPECT_EQ(f.w1.Cosign("not a checkpoint\n", 1).error(), Errc::kMalformedCheckpoint);
  const NoteSignature plain = f.log.Sign(FormatCheckpoint(f.cp).value()).value();
  auto as_cosig = NoteVerifier::Create(kOrigin, SignatureType::kCosignatureV1, f.log.verifier().public_key());
  ASSERT_TRUE(as_cosig.has_value());
  EXPECT_EQ(as_cosig->Verify(FormatCheckpoint(f.cp).value(), plain.signature).error(), Errc::kBadSignature);
  // A body that is a valid note but not a checkpoint.
  const std::string not_cp = FormatNote(Note{"hello\n", {f.log.Sign("hello\n").value()}}).value();
  EXPECT_EQ(OpenCheckpoint(not_cp, kOrigin, f.log.verifier(), {}).error(), Errc::kMalformedCheckpoint);
}

}  // namespace
}  // namespace sc::audit
