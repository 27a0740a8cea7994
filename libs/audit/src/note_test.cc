// Signed notes: the C2SP / golang.org/x/mod vectors (tests/vectors/c2sp-tlog/signed_note_vectors.json)
// give their expected verdicts, every malformed case included; then the spec's rules one by one.
#include "securecomm/audit/note.h"

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/errors.h"
#include "securecomm/audit/limits.h"
#include "securecomm/base/bytes.h"
#include "securecomm/base/random.h"

#include "test_util.h"

namespace sc::audit {
namespace {

using nlohmann::json;
using testing::ReadJson;
using testing::VectorsDir;

std::string NoteOf(const json& v) {
  if (v.contains("note_hex")) {
    auto b = HexDecode(v["note_hex"].get<std::string>());
    EXPECT_TRUE(b.has_value());
    return std::string(b->begin(), b->end());
  }
  return v["note"].get<std::string>();
}

std::vector<NoteVerifier> VerifiersOf(const json& v) {
  std::vector<NoteVerifier> out;
  std::vector<std::string> keys;
  if (v.contains("vkey")) keys.push_back(v["vkey"].get<std::string>());
  if (v.contains("vkeys")) {
    for (const json& k : v["vkeys"]) keys.push_back(k.get<std::string>());
  }
  for (const std::string& k : keys) {
    auto parsed = NoteVerifier::Parse(k);
    EXPECT_TRUE(parsed.has_value()) << k;
    if (parsed) {
      EXPECT_EQ(parsed->ToString(), k);  // vkeys round-trip exactly
      out.push_back(*parsed);
    }
  }
  return out;
}

TEST(SignedNoteVectors, EveryCaseGivesItsVerdict) {
  const json file = ReadJson(VectorsDir() / "c2sp-tlog" / "signed_note_vectors.json");
  const json& vectors = file["vectors"];
  size_t valid = 0, malformed = 0, bad_signature = 0, bad_key = 0, checkpoints = 0;
  for (const json& v : vectors) {
    const std::string id = v["id"].get<std::string>();
    const std::string expect = v["expect"].get<std::string>();
    SCOPED_TRACE(id);
    if (expect.starts_with("reject verifier key")) {
      auto parsed = NoteVerifier::Parse(v["vkey"].get<std::string>());
      ASSERT_FALSE(parsed.has_value());
      EXPECT_EQ(parsed.error(), Errc::kMalformedKey);
      ++bad_key;
    } else if (id == "go-tlog-format-tree") {
      const std::string text = v["text"].get<std::string>();
      auto cp = ParseCheckpoint(text);
      ASSERT_TRUE(cp.has_value());
      EXPECT_EQ(cp->origin, "go.sum database tree");
      EXPECT_EQ(cp->size, 123456789012u);
      EXPECT_EQ(cp->root, LeafHash(testing::Bytes("hello world")));  // the vector's root_is
      EXPECT_EQ(FormatCheckpoint(*cp).value(), text);
      // The bad variants named by the vector.
      EXPECT_EQ(
          ParseCheckpoint("go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n")
              .error(),
          Errc::kMalformedCheckpoint);
      EXPECT_EQ(ParseCheckpoint(
                    "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n")
                    .error(),
                Errc::kMalformedCheckpoint);
      ++checkpoints;
    } else if (expect.starts_with("parse")) {
      // The checkpoint and cosignature examples of the C2SP specs: no public key is published.
      const std::string note = NoteOf(v);
      auto parsed = ParseNote(note);
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(FormatNote(*parsed).value(), note);
      auto cp = ParseCheckpoint(parsed->text);
      ASSERT_TRUE(cp.has_value());
      EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
      EXPECT_EQ(cp->size, 20852163u);
      EXPECT_EQ(Base64Encode(cp->root.span()), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
      // Unknown signatures are ignored; with no trusted signature the note is refused.
      EXPECT_EQ(OpenNote(note, {}).error(), Errc::kUnknownKey);
      if (v.contains("cosigned_message_v1")) {
        ASSERT_EQ(parsed->signatures.size(), 2u);
        const NoteSignature& cosig = parsed->signatures[1];
        EXPECT_EQ(cosig.name, "witness.example.com/w1");
        ASSERT_EQ(cosig.signature.size(), 8u + 64u);  // timestamped_signature
        const uint64_t t = LoadBe64(std::span(cosig.signature).first<8>());
        EXPECT_EQ(t, 1679315147u);
        EXPECT_EQ(CosignedMessage(parsed->text, t), v["cosigned_message_v1"].get<std::string>());
      }
      ++checkpoints;
    } else if (expect == "malformed") {
      const std::string note = NoteOf(v);
      auto parsed = ParseNote(note);
      ASSERT_FALSE(parsed.has_value());
      EXPECT_EQ(parsed.error(), Errc::kMalformedNote);
      EXPECT_EQ(OpenNote(note, VerifiersOf(v)).error(), Errc::kMalformedNote);
      ++malformed;
    } else if (expect.starts_with("invalid signature")) {
      const std::string note = NoteOf(v);
      EXPECT_TRUE(ParseNote(note).has_value());  // well-formed, but the known key's signature fails
      EXPECT_EQ(OpenNote(note, VerifiersOf(v)).error(), Errc::kBadSignature);
      ++bad_signature;
    } else if (expect.starts_with("valid")) {
      const std::string note = NoteOf(v);
      const std::vector<NoteVerifier> keys = VerifiersOf(v);
      auto opened = OpenNote(note, keys);
      ASSERT_TRUE(opened.has_value()) << opened.error().name();
      EXPECT_EQ(opened->text, v["text"].get<std::string>());
      EXPECT_EQ(opened->verified.size(), keys.size());
      EXPECT_TRUE(opened->unverified.empty());
      EXPECT_EQ(FormatNote(ParseNote(note).value()).value(), note);
      if (keys.size() == 2) {  // "with only Peter trusted: 1 verified + 1 unverified; none: error"
        auto one = OpenNote(note, std::vector<NoteVerifier>{keys[0]});
        ASSERT_TRUE(one.has_value());
        EXPECT_EQ(one->verified.size(), 1u);
        EXPECT_EQ(one->verified[0].name, "PeterNeumann");
        ASSERT_EQ(one->unverified.size(), 1u);
        EXPECT_EQ(one->unverified[0].name, "EnochRoot");
        EXPECT_EQ(OpenNote(note, {}).error(), Errc::kUnknownKey);
      }
      if (v.contains("skey")) {
        // Ed25519 is deterministic: the signer key must reproduce the exact note.
        auto signer = NoteSigner::Parse(v["skey"].get<std::string>());
        ASSERT_TRUE(signer.has_value());
        EXPECT_EQ(signer->verifier(), keys[0]);
        const std::string text = v["text"].get<std::string>();
        EXPECT_EQ(FormatNote(Note{text, {signer->Sign(text).value()}}).value(), note);
        const SecretBytes skey = signer->ToString();
        EXPECT_EQ(std::string(skey.Expose().begin(), skey.Expose().end()), v["skey"].get<std::string>());
      }
      ++valid;
    } else {
      ADD_FAILURE() << "unhandled expectation: " << expect;
    }
  }
  std::printf(
      "signed_note_vectors.json: %zu cases: %zu valid, %zu malformed, %zu bad signature, "
      "%zu bad verifier key, %zu checkpoint/cosignature parses\n",
      vectors.size(), valid, malformed, bad_signature, bad_key, checkpoints);
  EXPECT_EQ(vectors.size(), valid + malformed + bad_signature + bad_key + checkpoints);
  EXPECT_EQ(vectors.size(), 17u);
  EXPECT_EQ(malformed, 8u);
}

// ---- our own cases -------------------------------------------------------------------------

const char kText[] = "hello\n";

// NonCanonical returns `b64` (ending in one '=') with a non-zero bit in the unused low bits of
// its last character: the same bytes to a lax decoder, refused by a strict one.
std::string NonCanonical(std::string b64) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t pos = b64.size() - 2;
  EXPECT_EQ(b64.back(), '=');
  b64[pos] = alphabet[alphabet.find(b64[pos]) | 1];
  return b64;
}

// WithType returns the vkey with its type byte replaced (name and id unchanged).
std::string WithType(const std::string& vkey, uint8_t type) {
  const size_t p = vkey.rfind('+');
  auto raw = Base64Decode(vkey.substr(p + 1)).value();
  raw[0] = type;
  return vkey.substr(0, p + 1) + Base64Encode(raw);
}

NoteSigner Signer(const char* name, uint64_t seed) {
  DeterministicRandom rng(seed);
  return NoteSigner::Create(name, crypto::Ed25519KeyPair::Generate(rng)).value();
}

std::string SignedNote(const NoteSigner& s, std::string_view text) {
  return FormatNote(Note{std::string(text), {s.Sign(text).value()}}).value();
}

TEST(SignedNote, SpecRulesOnText) {
  const NoteSigner s = Signer("example.org/a", 1);
  const std::string sig_line = SignedNote(s, kText).substr(sizeof(kText));  // "— ...\n"
  auto parse = [](const std::string& n) { return ParseNote(n); };
  EXPECT_TRUE(parse(std::string(kText) + "\n" + sig_line).has_value());
  // The text may contain blank lines; the last blank line separates.
  auto multi = parse("a\n\nb\n\n" + sig_line);
  ASSERT_TRUE(multi.has_value());
  EXPECT_EQ(multi->text, "a\n\nb\n");
  auto only_newline = parse("\n\n" + sig_line);
  ASSERT_TRUE(only_newline.has_value());
  EXPECT_EQ(only_newline->text, "\n");
  auto trailing_blank = parse("a\n\n\n" + sig_line);
  ASSERT_TRUE(trailing_blank.has_value());
  EXPECT_EQ(trailing_blank->text, "a\n\n");
  // Malformed texts.
  for (const std::string& bad : {
           std::string("hello\n") + sig_line,               // no blank line
           std::string("\n") + sig_line,                    // empty text, no blank line
           std::string("hel\rlo\n\n") + sig_line,           // CR is a control character
           std::string("hel\tlo\n\n") + sig_line,           // so is TAB
           std::string("he\0lo\n\n", 7) + sig_line,         // and NUL
           std::string("\xC0\xAF\n\n") + sig_line,          // overlong '/'
           std::string("\xED\xA0\x80\n\n") + sig_line,      // a UTF-16 surrogate
           std::string("\xF4\x90\x80\x80\n\n") + sig_line,  // above U+10FFFF
           std::string("\xE2\x80\n\n") + sig_line,          // truncated sequence
           std::string("hello\n\n") + sig_line + "\n",      // a blank line after the signatures
           std::string("hello\n\n") + sig_line.substr(0, sig_line.size() - 1),  // no final newline
           std::string("hello\n\n"),                                            // no signature
       }) {
    EXPECT_EQ(parse(bad).error(), Errc::kMalformedNote) << bad;
  }
  // DEL and non-ASCII are fine in the text (only code points below U+0020 are controls).
  EXPECT_TRUE(parse("caf\xC3\xA9 \x7F\n\n" + sig_line).has_value());
}

TEST(SignedNote, SpecRulesOnSignatureLines) {
  const std::string head = "hello\n\n";
  const std::string b64 = Base64Encode(std::vector<uint8_t>(4 + 64, 0xAB));
  auto line = [&](const std::string& name, const std::string& sig) {
    return head + "\xE2\x80\x94 " + name + " " + sig + "\n";
  };
  EXPECT_TRUE(ParseNote(line("example.org/k", b64)).has_value());
  EXPECT_TRUE(ParseNote(line("caf\xC3\xA9", b64)).has_value());  // non-ASCII names are fine
  for (const std::string& bad : {
           line("", b64),     // empty name
           line("a+b", b64),  // '+' in the name
           line("a\xC2\xA0"
                "b",
                b64),  // U+00A0 NO-BREAK SPACE
           line("a\xE3\x80\x80"
                "b",
                b64),  // U+3000 IDEOGRAPHIC SPACE
           line("a\xE2\x80\xA8"
                "b",
                b64),  // U+2028 LINE SEPARATOR
           line("a\xC2\x85"
                "b",
                b64),                                            // U+0085 NEXT LINE
           line("a b", b64),                                     // a space splits the name
           line(std::string(kMaxKeyNameSize + 1, 'k'), b64),     // over the name limit
           line("k", Base64Encode(std::vector<uint8_t>(4, 1))),  // key id but no signature
           line("k", "AAAA"),                                    // 3 bytes
           line("k", b64.substr(0, b64.size() - 1)),             // bad padding
           line("k", b64 + " "),                                 // trailing space
           line("k", NonCanonical(b64)),                         // non-zero unused bits in base64
           line("k", "\xC7\x9B" + b64.substr(2)),                // non-ASCII bytes (libsodium reads '/')
           line("k", "\x80" + b64.substr(1)),
           head + "- k " + b64 + "\n",            // ASCII hyphen, not U+2014
           head + "\xE2\x80\x94k " + b64 + "\n",  // no space after the dash
           head + "\xE2\x80\x94 k\n",             // no signature at all
       }) {
    EXPECT_EQ(ParseNote(bad).error(), Errc::kMalformedNote) << bad;
  }
  EXPECT_TRUE(ParseNote(line(std::string(kMaxKeyNameSize, 'k'), b64)).has_value());
}

TEST(SignedNote, Limits) {
  const NoteSigner s = Signer("example.org/a", 1);
  Note note{kText, {}};
  for (size_t i = 0; i < kMaxNoteSignatures; ++i) note.signatures.push_back(s.Sign(kText).value());
  const std::string max = FormatNote(note).value();
  auto opened = OpenNote(max, std::vector<NoteVerifier>{s.verifier()});
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->verified.size(), 1u);  // one key signing 100 times counts once
  note.signatures.push_back(s.Sign(kText).value());
  EXPECT_EQ(FormatNote(note).error(), Errc::kMalformedNote);
  const std::string over = max + SignedNote(s, kText).substr(sizeof(kText));
  EXPECT_EQ(ParseNote(over).error(), Errc::kMalformedNote);
  // Size: a text that fits alone but not with its signature line, and one that does not fit.
  const std::string text = std::string(kMaxNoteSize - 10, 'x') + "\n";
  auto sig = s.Sign(text);
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(FormatNote(Note{text, {*sig}}).error(), Errc::kMalformedNote);
  EXPECT_EQ(ParseNote(text + "\n" + SignedNote(s, kText).substr(sizeof(kText))).error(),
            Errc::kMalformedNote);
  EXPECT_EQ(s.Sign(std::string(kMaxNoteSize, 'x') + "\n").error(), Errc::kMalformedNote);
  EXPECT_EQ(s.Sign("no final newline").error(), Errc::kMalformedNote);
}

TEST(SignedNote, OpenRules) {
  const NoteSigner a = Signer("example.org/a", 1);
  const NoteSigner b = Signer("example.org/b", 2);
  const NoteSigner a_other_key = Signer("example.org/a", 3);  // same name, another key id
  Note note{kText, {a.Sign(kText).value(), b.Sign(kText).value(), a.Sign(kText).value()}};
  const std::string text = FormatNote(note).value();
  // Both known: both verified, each once.
  auto both = OpenNote(text, std::vector<NoteVerifier>{a.verifier(), b.verifier()});
  ASSERT_TRUE(both.has_value());
  ASSERT_EQ(both->verified.size(), 2u);
  EXPECT_EQ(both->verified[0].name, "example.org/a");
  EXPECT_EQ(both->verified[0].type, SignatureType::kEd25519);
  EXPECT_EQ(both->verified[1].name, "example.org/b");
  // A key that shares the name but not the id is a different key: its lines are ignored.
  EXPECT_EQ(OpenNote(text, std::vector<NoteVerifier>{a_other_key.verifier()}).error(), Errc::kUnknownKey);
  // A signature line with a known name and id that does not verify rejects the whole note.
  Note forged = note;
  forged.signatures[2].signature[0] ^= 1;
  EXPECT_EQ(
      OpenNote(FormatNote(forged).value(), std::vector<NoteVerifier>{a.verifier(), b.verifier()}).error(),
      Errc::kBadSignature);
  // ... even when another trusted key's signature verifies.
  EXPECT_EQ(
      OpenNote(FormatNote(forged).value(), std::vector<NoteVerifier>{b.verifier(), a.verifier()}).error(),
      Errc::kBadSignature);
  // Wrong length from a known key.
  Note shortsig = note;
  shortsig.signatures[0].signature.resize(63);
  EXPECT_EQ(OpenNote(FormatNote(shortsig).value(), std::vector<NoteVerifier>{a.verifier()}).error(),
            Errc::kBadSignature);
  // The text is covered: change it and the signature fails.
  Note other_text = note;
  other_text.text = "hellp\n";
  EXPECT_EQ(OpenNote(FormatNote(other_text).value(), std::vector<NoteVerifier>{a.verifier()}).error(),
            Errc::kBadSignature);
  // An ambiguous trusted set is refused.
  EXPECT_EQ(OpenNote(text, std::vector<NoteVerifier>{a.verifier(), a.verifier()}).error(),
            Errc::kMalformedKey);
}

TEST(NoteKeys, VerifierKeyStrings) {
  // The spec's example key (signed-note.md §"Verifier keys").
  const std::string vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
  auto v = NoteVerifier::Parse(vkey);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->name(), "example.com/foo");
  EXPECT_EQ(v->key_id(), 0x530d903au);
  EXPECT_EQ(v->type(), SignatureType::kEd25519);
  EXPECT_EQ(ComputeKeyId("example.com/foo", SignatureType::kEd25519, v->public_key()), 0x530d903au);
  for (const std::string& bad : {
           std::string(
               "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),  // upper-case id
           std::string("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),  // wrong id
           std::string("example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),   // 7 digits
           std::string(
               "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),         // other name
           std::string("+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),                // empty name
           std::string("example.com/foo+530d903a"),                                              // no key
           std::string("example.com/foo"),                                                       // nothing
           std::string("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2"),  // bad base64
           WithType(vkey, 0x04),  // id is 0x01's
           WithType(vkey, 0x02),  // ECDSA: unsupported
       }) {
    EXPECT_EQ(NoteVerifier::Parse(bad).error(), Errc::kMalformedKey) << bad;
  }
  // Non-ASCII bytes where base64 is expected (audit_note_fuzz regression).
  std::string high = vkey;
  high.replace(high.size() - 2, 1, "\xFF");
  EXPECT_EQ(NoteVerifier::Parse(high).error(), Errc::kMalformedKey);
  EXPECT_EQ(NoteVerifier::Create("a b", SignatureType::kEd25519, v->public_key()).error(),
            Errc::kMalformedKey);
  EXPECT_EQ(NoteVerifier::Create("ok", static_cast<SignatureType>(2), v->public_key()).error(),
            Errc::kMalformedKey);
  // A cosigner vkey (type 0x04) gets a different id for the same name and key.
  auto cosigner = NoteVerifier::Create("example.com/foo", SignatureType::kCosignatureV1, v->public_key());
  ASSERT_TRUE(cosigner.has_value());
  EXPECT_NE(cosigner->key_id(), v->key_id());
  EXPECT_EQ(NoteVerifier::Parse(cosigner->ToString()).value(), *cosigner);
}

TEST(NoteKeys, SignerKeysRoundTrip) {
  DeterministicRandom rng(9);
  const NoteSigner s = NoteSigner::Create("log.example.org", crypto::Ed25519KeyPair::Generate(rng)).value();
  const SecretBytes skey_bytes = s.ToString();
  const std::string skey(skey_bytes.Expose().begin(), skey_bytes.Expose().end());
  EXPECT_TRUE(skey.starts_with("PRIVATE+KEY+log.example.org+"));
  auto back = NoteSigner::Parse(skey);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->verifier(), s.verifier());
  // A note signer key is not a cosigner key and vice versa.
  EXPECT_EQ(CosignatureSigner::Parse(skey).error(), Errc::kMalformedKey);
  const CosignatureSigner w =
      CosignatureSigner::Create("w.example.org", crypto::Ed25519KeyPair::Generate(rng)).value();
  const SecretBytes wkey_bytes = w.ToString();
  const std::string wkey(wkey_bytes.Expose().begin(), wkey_bytes.Expose().end());
  EXPECT_EQ(CosignatureSigner::Parse(wkey).value().verifier(), w.verifier());
  EXPECT_EQ(NoteSigner::Parse(wkey).error(), Errc::kMalformedKey);
  // Malformed signer keys.
  EXPECT_EQ(NoteSigner::Parse(skey.substr(1)).error(), Errc::kMalformedKey);
  EXPECT_EQ(NoteSigner::Parse(s.verifier().ToString()).error(), Errc::kMalformedKey);
  std::string wrong_id = skey;
  wrong_id[std::string("PRIVATE+KEY+log.example.org+").size()] ^= 1;
  EXPECT_EQ(NoteSigner::Parse(wrong_id).error(), Errc::kMalformedKey);
  EXPECT_EQ(NoteSigner::Create("bad+name", crypto::Ed25519KeyPair::Generate(rng)).error(),
            Errc::kMalformedKey);
}

}  // namespace
}  // namespace sc::audit
