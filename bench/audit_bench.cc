// audit_bench: the audit log (libs/audit, libs/store) beside raw SHA-256 of 64-byte inputs, the
// ceiling every Merkle operation is made of. See bench/README.md.
//
//   audit_bench                                   # whole run, about a minute on 2 cores
//   audit_bench --benchmark_filter=inclusion      # some rows
//
// Two parts:
//  - Proofs in a 1,000,000-entry log (ratio table): inclusion and consistency proof generation
//    (MerkleLog, what StoredLog serves from) and verification, each paired with one raw SHA-256
//    of 64 bytes (a reused EVP_MD_CTX) in the same round. The ratio is the operation's cost in
//    SHA-256s; the goal, 100 us per operation (issue 4), is converted to SHA-256s with the
//    anchor's speed measured at startup.
//  - Durable appends into SQLite (measurements, wall clock): StoredLog::Append over a
//    SqliteLogStore in a temporary directory, batches of 1, 100 and 1000 entries, each batch
//    one transaction with its tree head and a signed checkpoint, fsync'd (WAL, synchronous=FULL)
//    before Append returns. Goal (issue 4): at least 50,000 entries/s with batching, i.e. at
//    most 20,000 ns of wall time per entry at batch 1000.
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "securecomm/audit/entry.h"
#include "securecomm/audit/merkle_log.h"
#include "securecomm/audit/note_key.h"
#include "securecomm/audit/proof.h"
#include "securecomm/audit/stored_log.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/store/sqlite_log_store.h"

#include "ratio_runner.h"

namespace {

using sc::audit::Hash;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kLogSize = 1'000'000;
constexpr size_t kSamples = 4096;  // distinct indices and sizes, cycled through
constexpr double kProofGoalNs = 100'000;
constexpr double kAppendGoalNsPerEntry = 1e9 / 50'000;  // 50,000 entries/s
constexpr size_t kAnchorInput = 64;

struct Fixture {
  sc::audit::MerkleLog log;
  std::vector<uint64_t> indices, old_sizes;
  std::vector<std::vector<Hash>> inclusion, consistency;  // one proof per sample
  std::vector<Hash> roots_old;
  Hash root;
};
Fixture* g = nullptr;

// The anchor: SHA-256 of 64 bytes through a reused, pre-fetched context, the fastest way to call
// OpenSSL 3 for a small input.
struct RawSha256 {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  uint8_t input[kAnchorInput] = {1, 2, 3};
  uint8_t out[32]{};
  ~RawSha256() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
  void Hash() {
    EVP_DigestInit_ex2(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, input, sizeof input);
    EVP_DigestFinal_ex(ctx, out, nullptr);
    input[0] = out[0];  // a dependency chain, as in a Merkle path
  }
};

void RawAnchor(benchmark::State& state) {
  RawSha256 sha;
  for (auto _ : state) {
    sha.Hash();
    benchmark::DoNotOptimize(sha.out);
  }
}

void ProveInclusionBench(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto path = g->log.ProveInclusion(g->indices[i++ % kSamples], kLogSize);
    benchmark::DoNotOptimize(path);
  }
}

void VerifyInclusionBench(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ % kSamples;
    auto ok = sc::audit::VerifyInclusion(g->indices[k], kLogSize, *g->log.LeafHashAt(g->indices[k]),
                                         g->inclusion[k], g->root);
    benchmark::DoNotOptimize(ok);
  }
}

void ProveConsistencyBench(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    auto proof = g->log.ProveConsistency(g->old_sizes[i++ % kSamples], kLogSize);
    benchmark::DoNotOptimize(proof);
  }
}

void VerifyConsistencyBench(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ % kSamples;
    auto ok =
        sc::audit::VerifyConsistency(g->old_sizes[k], kLogSize, g->consistency[k], g->roots_old[k], g->root);
    benchmark::DoNotOptimize(ok);
  }
}

std::vector<uint8_t> EntryBytes(uint64_t i) {
  sc::audit::Entry e{1'700'000'000'000 + static_cast<int64_t>(i),
                     sc::audit::EventKind::kAuthFailure,
                     "ip:198.51.100.7",
                     "account:user" + std::to_string(i),
                     {0x01, static_cast<uint8_t>(i)}};
  return sc::audit::EncodeEntry(e).value();
}

void BuildFixture(Fixture& f) {
  for (uint64_t i = 0; i < kLogSize; ++i) f.log.Append(sc::audit::LeafHash(EntryBytes(i)));
  f.root = f.log.Root();
  sc::DeterministicRandom rng(7);
  for (size_t k = 0; k < kSamples; ++k) {
    uint8_t bytes[2 * sizeof(uint64_t)];
    rng.Fill(bytes);
    uint64_t r[2];
    std::memcpy(r, bytes, sizeof r);  // native order, as the samples have always been drawn
    f.indices.push_back(r[0] % kLogSize);
    f.old_sizes.push_back(1 + r[1] % (kLogSize - 1));
    f.inclusion.push_back(f.log.ProveInclusion(f.indices.back(), kLogSize).value());
    f.consistency.push_back(f.log.ProveConsistency(f.old_sizes.back(), kLogSize).value());
    f.roots_old.push_back(f.log.RootAt(f.old_sizes.back()).value());
  }
}

// CrossCheck: every prepared proof verifies, and a flipped one does not, so the rows time real
// verifications.
bool CrossCheck(const Fixture& f) {
  for (size_t k = 0; k < kSamples; ++k) {
    const Hash leaf = *f.log.LeafHashAt(f.indices[k]);
    if (!sc::audit::VerifyInclusion(f.indices[k], kLogSize, leaf, f.inclusion[k], f.root)) return false;
    if (!sc::audit::VerifyConsistency(f.old_sizes[k], kLogSize, f.consistency[k], f.roots_old[k], f.root)) {
      return false;
    }
  }
  std::vector<Hash> bad = f.inclusion[0];
  bad[0].mutable_span()[0] ^= 1;
  return !sc::audit::VerifyInclusion(f.indices[0], kLogSize, *f.log.LeafHashAt(f.indices[0]), bad, f.root);
}

// AnchorNs measures the anchor for about 0.2 s (wall), to convert the 100 us goal.
double AnchorNs() {
  RawSha256 sha;
  uint64_t n = 0;
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::milliseconds(200)) {
    for (int i = 0; i < 1000; ++i) sha.Hash();
    n += 1000;
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(n);
}

std::string FilesystemOf(const std::filesystem::path& p) {
  struct statfs s {};
  if (statfs(p.c_str(), &s) != 0) return "unknown";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs (fsync is free: numbers are NOT durable-write numbers)";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default:
      return "other";
  }
}

struct AppendFigures {
  double ns_per_entry = 0;
  double entries_per_s = 0;
  uint64_t entries = 0;
  double open_ms = 0;
};

// MeasureAppends appends batches of `batch` entries for about `seconds` of wall time into a
// fresh SQLite log, then reopens it (every row checked) and times that.
AppendFigures MeasureAppends(const std::filesystem::path& dir, size_t batch, double seconds,
                             const sc::audit::NoteSigner& signer) {
  const std::filesystem::path path = dir / ("append_" + std::to_string(batch) + ".db");
  AppendFigures f;
  {
    auto store =
        sc::store::SqliteLogStore::Create(path, {signer.verifier().name(), signer.verifier().ToString()});
    if (!store) return {};
    auto log = sc::audit::StoredLog::Open(std::move(*store));
    if (!log) return {};
    std::vector<std::vector<uint8_t>> entries;
    for (size_t i = 0; i < batch; ++i) entries.push_back(EntryBytes(i));
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
      if (!log->Append(entries, &signer)) return {};
      f.entries += batch;
    }
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    f.ns_per_entry = ns / static_cast<double>(f.entries);
    f.entries_per_s = 1e9 / f.ns_per_entry;
  }  // closes the log
  const auto open_start = Clock::now();
  auto reopened = sc::store::OpenSqliteLog(path);
  f.open_ms = std::chrono::duration<double, std::milli>(Clock::now() - open_start).count();
  if (!reopened || reopened->size() != f.entries) return {};
  return f;
}

// Format is snprintf into a std::string (the table notes are short).
__attribute__((format(printf, 1, 2))) std::string Format(const char* fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

// RawSyncNs: the anchor of durable writes, a 4 KiB append to a file in `dir` followed by
// fdatasync (what SQLite's unix VFS calls to sync the WAL), in wall ns per write, over ~1 s.
double RawSyncNs(const std::filesystem::path& dir) {
  const std::string path = (dir / "raw_sync").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  std::vector<uint8_t> page(4096, 0x5a);
  uint64_t n = 0;
  const auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(1)) {
    if (::pwrite(fd, page.data(), page.size(), static_cast<off_t>(n * page.size())) != 4096 ||
        ::fdatasync(fd) != 0) {
      ::close(fd);
      return -1;
    }
    ++n;
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  return ns / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  Fixture fixture;
  g = &fixture;
  sc::bench::RatioRunner runner({.program = "audit_bench"});
  const double anchor_ns = AnchorNs();
  const double goal = kProofGoalNs / anchor_ns;  // 100 us in SHA-256s of 64 bytes, this machine
  runner.AddPair("inclusion proof, generate (1M)", "inclusion_prove", ProveInclusionBench, RawAnchor, goal);
  runner.AddPair("inclusion proof, verify (1M)", "inclusion_verify", VerifyInclusionBench, RawAnchor, goal);
  runner.AddPair("consistency proof, generate (1M)", "consistency_prove", ProveConsistencyBench, RawAnchor,
                 goal);
  runner.AddPair("consistency proof, verify (1M)", "consistency_verify", VerifyConsistencyBench, RawAnchor,
                 goal);
  return runner.Run(argc, argv, [&]() {
    BuildFixture(fixture);
    if (!CrossCheck(fixture)) {
      std::fprintf(stderr, "audit_bench: a prepared proof does not verify\n");
      return false;
    }
    runner.AddNote(Format(
        "\nproof rows: raw = one SHA-256 of 64 bytes (%.0f ns at startup); ours/raw = the operation in "
        "SHA-256s; goal = 100 us = %.0f SHA-256s.",
        anchor_ns, goal));
    runner.AddNote(
        Format("ceiling: one core hashes %.2f M 64-byte inputs/s; an append hashes its leaf and about one "
               "node, so no log appends faster than ~%.2f M entries/s.",
               1e3 / anchor_ns, 1e3 / anchor_ns / 2));
    std::string tmpl = (std::filesystem::temp_directory_path() / "audit_bench.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return false;
    const std::filesystem::path dir = tmpl;
    sc::DeterministicRandom rng(11);
    const auto signer =
        sc::audit::NoteSigner::Create("bench.example.org/log", sc::crypto::Ed25519KeyPair::Generate(rng))
            .value();
    const double sync_ns = RawSyncNs(dir);
    if (sync_ns <= 0) {
      std::fprintf(stderr, "audit_bench: cannot write and fdatasync in %s\n", dir.c_str());
      return false;
    }
    runner.AddNote(
        "durable appends (wall clock; " + dir.string() + " on " + FilesystemOf(dir) +
        "; each batch = 1 SQLite transaction with its tree head and a signed checkpoint, fsync'd):");
    runner.AddNote(
        Format("  anchor: raw 4 KiB pwrite + fdatasync in the same directory: %.0f us; a batch of N entries "
               "cannot beat N / that per second",
               sync_ns / 1e3));
    for (const auto& [batch, seconds] : {std::pair<size_t, double>{1, 2.0}, {100, 2.0}, {1000, 3.0}}) {
      const AppendFigures f = MeasureAppends(dir, batch, seconds, signer);
      if (f.entries == 0) {
        std::fprintf(stderr, "audit_bench: appending to SQLite failed\n");
        return false;
      }
      if (batch == 1000) {
        runner.AddMeasurement("durable append, batch 1000, ns/entry", f.ns_per_entry, "ns",
                              kAppendGoalNsPerEntry);
      }
      const double ceiling = static_cast<double>(batch) * 1e9 / sync_ns;
      runner.AddNote(
          Format("  batch %4zu: %9.0f entries/s = %4.2f of the fsync ceiling (%.0f/s); %llu entries, "
                 "reopened and checked in %.0f ms",
                 batch, f.entries_per_s, f.entries_per_s / ceiling, ceiling,
                 static_cast<unsigned long long>(f.entries), f.open_ms));
    }
    runner.AddNote("  goal: >= 50,000 entries/s with batching (batch 1000: <= 20000 ns/entry).");
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return true;
  });
}
