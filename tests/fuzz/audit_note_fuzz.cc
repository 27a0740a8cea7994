// Fuzz target: the signed-note, vkey, signer-key and checkpoint parsers of libs/audit
// (docs/protocol/audit.md §4) on arbitrary text, and OpenNote / OpenCheckpoint with fixed keys.
// Invariants: no crash; every parser either fails or round-trips exactly (the formats are
// canonical); a note that opens also parses; verified signatures come from the trusted keys only.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/limits.h"
#include "securecomm/audit/note.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/base/bytes.h"

namespace {

using namespace sc::audit;

// Require aborts with the failed invariant's line, so a crash report names it.
void RequireAt(bool ok, int line) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed at %s:%d\n", __FILE__, line);
    std::abort();
  }
}
#define Require(ok) RequireAt((ok), __LINE__)

sc::crypto::Ed25519KeyPair Key(uint8_t fill) {
  const std::vector<uint8_t> seed(32, fill);
  return sc::crypto::Ed25519KeyPair::FromSeed(*sc::crypto::Ed25519Seed::FromSpan(seed));
}

// The keys of the seed corpus (tests/fuzz/corpus/audit_note_fuzz): a log and two witnesses from
// fixed seeds, and the golang.org/x/mod vector key, so mutations of the seeds reach verification.
struct Keys {
  NoteVerifier log = NoteSigner::Create("audit.example.org/log", Key(0x01)).value().verifier();
  std::vector<NoteVerifier> witnesses = {
      CosignatureSigner::Create("w1.example.net", Key(0x02)).value().verifier(),
      CosignatureSigner::Create("w2.example.net", Key(0x03)).value().verifier(),
  };
  std::vector<NoteVerifier> all = {
      log,
      witnesses[0],
      witnesses[1],
      NoteVerifier::Parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").value(),
  };
};

const Keys& TheKeys() {
  static const Keys keys;
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = sc::AsChars({data, size});
  const Keys& keys = TheKeys();

  auto note = ParseNote(text);
  if (note) {
    Require(!note->signatures.empty() && note->signatures.size() <= kMaxNoteSignatures);
    Require(FormatNote(*note).value() == text);
  }
  auto opened = OpenNote(text, keys.all);
  if (opened) {
    Require(note.has_value() && opened->text == note->text && !opened->verified.empty());
    for (const VerifiedSignature& v : opened->verified) {
      bool trusted = false;
      for (const NoteVerifier& k : keys.all) {
        trusted = trusted || (k.name() == v.name && k.key_id() == v.key_id);
      }
      Require(trusted);
    }
  }
  auto cp_opened = OpenCheckpoint(text, "audit.example.org/log", keys.log, keys.witnesses);
  if (cp_opened) {
    Require(opened.has_value() && cp_opened->checkpoint.origin == "audit.example.org/log");
    Require(cp_opened->cosignatures.size() <= keys.witnesses.size());
  }

  auto cp = ParseCheckpoint(text);
  if (cp) Require(FormatCheckpoint(*cp).value() == text);

  auto vkey = NoteVerifier::Parse(text);
  if (vkey) Require(vkey->ToString() == text);
  auto skey = NoteSigner::Parse(text);
  if (skey) {
    const sc::SecretBytes back = skey->ToString();
    Require(sc::AsChars(back.Expose()) == text);
  }
  return 0;
}
