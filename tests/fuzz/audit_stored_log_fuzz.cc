// Fuzz target: StoredLog::Open (docs/protocol/audit.md §9.2) on stored rows an attacker has
// edited. A genuine log (9 entries in 3 batches, each with a signed checkpoint) is put in a
// MemoryLogStore, then the input is read as edits: flip a byte of an entry, a leaf hash, a root or
// a checkpoint; remove or add entries, heads or checkpoints with attacker bytes.
// Invariants: no crash; an unedited log opens; a log that opens has exactly its stored leaves,
// every one readable, and its checkpoints' roots are the rebuilt tree's.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "securecomm/audit/checkpoint.h"
#include "securecomm/audit/entry.h"
#include "securecomm/audit/memory_log_store.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/base/byte_reader.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"

namespace {

using namespace sc::audit;

void RequireAt(bool ok, int line) {
  if (!ok) {
    std::fprintf(stderr, "invariant failed at %s:%d\n", __FILE__, line);
    std::abort();
  }
}
#define Require(ok) RequireAt((ok), __LINE__)

// Genuine returns the rows of the genuine log (built once).
const MemoryLogStore::Contents& Genuine() {
  static const MemoryLogStore::Contents contents = [] {
    sc::DeterministicRandom rng(1);
    NoteSigner signer =
        NoteSigner::Create("fuzz.example.org/log", sc::crypto::Ed25519KeyPair::Generate(rng)).value();
    auto store = MemoryLogStore::Create({"fuzz.example.org/log", signer.verifier().ToString()}).value();
    auto rows = store->contents();
    StoredLog log = StoredLog::Open(std::move(store)).value();
    uint64_t next = 0;
    for (uint64_t n : {2, 3, 4}) {
      std::vector<std::vector<uint8_t>> batch;
      for (uint64_t i = 0; i < n; ++i, ++next) {
        batch.push_back(EncodeEntry(Entry{static_cast<int64_t>(next),
                                          EventKind::kLockout,
                                          "ip:192.0.2.1",
                                          "account:" + std::to_string(next),
                                          {}})
                            .value());
      }
      Require(log.Append(batch, &signer).has_value());
    }
    return *rows;
  }();
  return contents;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rows = std::make_shared<MemoryLogStore::Contents>(Genuine());
  sc::ByteReader in(std::span<const uint8_t>(data, size));
  bool edited = false;
  for (int edits = 0; edits < 16; ++edits) {
    auto op = in.ReadU8();
    auto at = in.ReadU8();
    if (!op || !at) break;
    const size_t k = *at;
    edited = true;
    switch (*op % 9) {
      case 0:  // flip a byte of an entry
        if (auto it = rows->leaves.find(k % 12); it != rows->leaves.end() && !it->second.data.empty()) {
          it->second.data[k % it->second.data.size()] ^= static_cast<uint8_t>(1 + k);
        }
        break;
      case 1:  // flip a byte of a leaf hash
        if (auto it = rows->leaves.find(k % 12); it != rows->leaves.end())
          it->second.leaf_hash.mutable_span()[k % 32] ^= 1;
        break;
      case 2:  // remove an entry
        rows->leaves.erase(k % 12);
        break;
      case 3: {  // add (or replace) an entry with attacker bytes, hashed correctly
        auto len = in.ReadU8();
        auto bytes = in.ReadBytes(len ? *len : 0);
        if (!bytes) break;
        std::vector<uint8_t> d(bytes->begin(), bytes->end());
        rows->leaves[k % 16] = LeafRecord{d, LeafHash(d)};
        break;
      }
      case 4:  // flip a byte of a root
        if (!rows->heads.empty()) rows->heads[k % rows->heads.size()].root.mutable_span()[k % 32] ^= 1;
        break;
      case 5:  // change a head's size
        if (!rows->heads.empty()) rows->heads[k % rows->heads.size()].size = k % 20;
        break;
      case 6:  // remove a head
        if (!rows->heads.empty())
          rows->heads.erase(rows->heads.begin() + static_cast<long>(k % rows->heads.size()));
        break;
      case 7: {  // replace a checkpoint note with attacker bytes
        auto len = in.ReadU8();
        auto bytes = in.ReadBytes(len ? *len : 0);
        if (!bytes || rows->checkpoints.empty()) break;
        rows->checkpoints[k % rows->checkpoints.size()].note.assign(bytes->begin(), bytes->end());
        break;
      }
      default:  // flip a byte of a checkpoint note, or change its stored size
        if (rows->checkpoints.empty()) break;
        if (k % 2 == 0) {
          std::string& note = rows->checkpoints[k % rows->checkpoints.size()].note;
          if (!note.empty()) note[k % note.size()] ^= 1;
        } else {
          rows->checkpoints[k % rows->checkpoints.size()].size = k % 20;
        }
        break;
    }
  }
  auto log = StoredLog::Open(MemoryLogStore::Open(rows));
  if (!edited) Require(log.has_value());
  if (!log) return 0;
  Require(log->size() == rows->leaves.size());
  for (uint64_t i = 0; i < log->size(); ++i) Require(log->ReadEntry(i).has_value());
  for (const StoredCheckpoint& cp : rows->checkpoints) {
    auto parsed = ParseNote(cp.note);
    Require(parsed.has_value());
    auto body = ParseCheckpoint(parsed->text);
    Require(body.has_value() && body->size == cp.size && log->RootAt(cp.size).value() == body->root);
  }
  return 0;
}
