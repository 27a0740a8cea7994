// securecomm-e2e-compare: our end-to-end layer (libs/e2e) beside libsignal-protocol-c and libolm,
// in one process, on the same machine at the same moment (bench/README.md, "e2e"). Built only
// with -DSC_BENCH_E2E_COMPARE=ON: libsignal-protocol-c is GPL-3.0, so this program is a
// measurement tool, never shipped. bench/e2e/run_e2e_compare.sh installs the two libraries,
// builds and runs it.
//
//   securecomm-e2e-compare                      # about 20 s on a 2-core machine
//   securecomm-e2e-compare --rounds=41 --min_time=0.1 --strict
//
// Rows (100-byte messages; every receive parses the sender's wire bytes and checks the
// plaintext that comes out, on every side):
//   chain    Alice encrypts, Bob decrypts, in an established sending chain (no DH ratchet step).
//   ratchet  Alice and Bob take turns, each message answering the last, so every message starts
//            a new chain: a DH ratchet step on both sides (olm ratchets on each turn too).
//   x3dh     a new session pair from scratch: Alice runs X3DH on Bob's bundle (signed prekey +
//            one-time prekey) and encrypts her first message; Bob runs his side of X3DH from that
//            initial message and decrypts it. libsignal-protocol-c has no X3DH-only call, so the
//            first message is in both halves.
//
// How it measures: CPU time of this thread (CLOCK_THREAD_CPUTIME_ID, so time spent descheduled
// on a shared machine does not count). Round 0 sizes each side's batch to about --min_time
// seconds; then in every round each row runs ours and theirs back to back (which first
// alternates by round), and the row's ratio is the median of the per-round ratios ours rate /
// theirs rate. Rates printed are medians over rounds. Exit status 2 if any side fails to
// decrypt or compare; with --strict, 1 if a goal is missed.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <openssl/crypto.h>

#include "securecomm/base/random.h"
#include "securecomm/crypto/ed25519.h"
#include "securecomm/e2e/prekey.h"
#include "securecomm/e2e/session.h"
#include "securecomm/e2e/wire.h"

#include "olm_side.h"
#include "signal_side.h"

namespace {

using sc::bench::e2e::OlmSide;
using sc::bench::e2e::SignalSide;

constexpr size_t kMessageSize = 100;

// ---------------------------------------------------------------------------------------------
// Our side, with the same three operations as SignalSide / OlmSide, through the public Session
// API a client uses (session.h). Randomness is SystemRandom (getrandom), as in production.

class OurSide {
 public:
  // persist: Serialize both sessions after every message, the way an application stores its
  // session state (libsignal-protocol-c's store interface forces the equivalent on every call).
  explicit OurSide(bool persist = false)
      : persist_(persist),
        alice_id_(sc::crypto::Ed25519KeyPair::Generate(rng_)),
        bob_id_(sc::crypto::Ed25519KeyPair::Generate(rng_)),
        spk_(sc::e2e::SignedPrekeyPair::Generate(bob_id_, 7, rng_)),
        opk_(sc::e2e::OneTimePrekeyPair::Generate(100, rng_)),
        bundle_{bob_id_.public_key(), spk_.PublicPrekey(), opk_.PublicPrekey()} {}

  bool Handshake(std::span<const uint8_t> plaintext) {
    auto alice = sc::e2e::Session::Initiate(alice_id_, bundle_, bob_id_.public_key(), rng_);
    if (!alice) return false;
    auto wire = alice->Encrypt(plaintext);
    if (!wire) return false;
    last_wire_size_ = wire->size();
    auto type = sc::e2e::PeekMessageType(*wire);
    if (!type || *type != sc::e2e::MessageType::kPrekey) return false;
    auto message = sc::e2e::PrekeyMessage::Decode(*wire);
    if (!message) return false;
    auto accepted = sc::e2e::Session::Accept(bob_id_, spk_, &opk_, *message, rng_);
    if (!accepted || !Same(accepted->plaintext.Expose(), plaintext)) return false;
    alice_.emplace(std::move(*alice));
    bob_.emplace(std::move(accepted->session));
    return true;
  }
  bool Establish(std::span<const uint8_t> plaintext) {
    return Handshake(plaintext) && Send(/*from_alice=*/false, plaintext);
  }
  bool Send(bool from_alice, std::span<const uint8_t> plaintext) {
    sc::e2e::Session& sender = from_alice ? *alice_ : *bob_;
    sc::e2e::Session& receiver = from_alice ? *bob_ : *alice_;
    auto wire = sender.Encrypt(plaintext);
    if (!wire) return false;
    last_wire_size_ = wire->size();
    auto out = receiver.Decrypt(*wire, rng_);
    if (!out || !Same(out->Expose(), plaintext)) return false;
    if (persist_) state_bytes_ += sender.Serialize().Expose().size() + receiver.Serialize().Expose().size();
    return true;
  }
  size_t last_wire_size() const { return last_wire_size_; }
  uint64_t state_bytes() const { return state_bytes_; }

 private:
  static bool Same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
  }

  sc::SystemRandom rng_;
  bool persist_;
  sc::crypto::Ed25519KeyPair alice_id_, bob_id_;
  sc::e2e::SignedPrekeyPair spk_;
  sc::e2e::OneTimePrekeyPair opk_;
  sc::e2e::PrekeyBundle bundle_;
  std::optional<sc::e2e::Session> alice_, bob_;
  size_t last_wire_size_ = 0;
  uint64_t state_bytes_ = 0;  // what persisting wrote, so the Serialize calls are used
};

// ---------------------------------------------------------------------------------------------
// The rounds.

using Op = std::function<bool()>;  // one operation; false if it failed

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Run returns the CPU seconds `n` calls of `op` took, or a negative value if one failed.
double Run(const Op& op, uint64_t n) {
  const double start = ThreadCpuSeconds();
  for (uint64_t i = 0; i < n; ++i) {
    if (!op()) return -1;
  }
  return ThreadCpuSeconds() - start;
}

// Calibrate returns a batch size that takes about `min_time` seconds, or 0 if `op` failed.
uint64_t Calibrate(const Op& op, double min_time) {
  uint64_t n = 1;
  for (;;) {
    const double t = Run(op, n);
    if (t < 0) return 0;
    if (t >= min_time) return n;
    const double grow = t <= 0 ? 10 : std::clamp(1.2 * min_time / t, 1.5, 10.0);
    n = static_cast<uint64_t>(static_cast<double>(n) * grow) + 1;
  }
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

struct Row {
  std::string label;
  std::string theirs_name;
  Op ours, theirs;
  double goal = 0;  // ours/theirs rate at least this; 0: informative, no goal
  uint64_t ours_n = 0, theirs_n = 0;
  std::vector<double> ours_rate, theirs_rate, ratio;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "securecomm-e2e-compare: %s\n", what.c_str());
  std::exit(2);
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Die(std::string(what) + (detail.empty() ? "" : ": " + detail));
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 21;
  double min_time = 0.05;
  bool strict = false;
  std::string command = argv[0];
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    command += " " + a;
    if (a.starts_with("--rounds=")) {
      rounds = std::atoi(a.c_str() + 9);
    } else if (a.starts_with("--min_time=")) {
      min_time = std::atof(a.c_str() + 11);
    } else if (a == "--strict") {
      strict = true;
    } else {
      std::fprintf(stderr, "usage: %s [--rounds=N] [--min_time=SECONDS] [--strict]\n", argv[0]);
      return 1;
    }
  }
  if (rounds < 1 || !(min_time > 0)) {
    std::fprintf(stderr, "%s: --rounds must be at least 1 and --min_time positive\n", argv[0]);
    return 1;
  }

  std::vector<uint8_t> plaintext(kMessageSize);
  sc::DeterministicRandom(1).Fill(plaintext);
  const std::span<const uint8_t> pt(plaintext);

  // One instance per row kind, so that no row's operations change another's state.
  OurSide ours_chain, ours_ratchet, ours_x3dh, ours_persist(/*persist=*/true);
  std::string error;
  std::unique_ptr<SignalSide> signal_chain = SignalSide::Create(&error);
  Check(signal_chain != nullptr, "libsignal-protocol-c setup", error);
  std::unique_ptr<SignalSide> signal_ratchet = SignalSide::Create(&error);
  Check(signal_ratchet != nullptr, "libsignal-protocol-c setup", error);
  std::unique_ptr<SignalSide> signal_x3dh = SignalSide::Create(&error);
  Check(signal_x3dh != nullptr, "libsignal-protocol-c setup", error);
  std::unique_ptr<OlmSide> olm_chain = OlmSide::Create(&error);
  Check(olm_chain != nullptr, "libolm setup", error);
  std::unique_ptr<OlmSide> olm_ratchet = OlmSide::Create(&error);
  Check(olm_ratchet != nullptr, "libolm setup", error);

  // Cross-check: every side establishes, exchanges both ways and handshakes; wire sizes noted.
  Check(ours_x3dh.Handshake(pt), "ours: handshake");
  const size_t ours_prekey_size = ours_x3dh.last_wire_size();
  Check(signal_x3dh->Handshake(pt), "libsignal-protocol-c: handshake", signal_x3dh->last_error());
  const size_t signal_prekey_size = signal_x3dh->last_wire_size();
  Check(ours_chain.Establish(pt) && ours_ratchet.Establish(pt) && ours_persist.Establish(pt),
        "ours: establish");
  Check(signal_chain->Establish(pt), "libsignal-protocol-c: establish", signal_chain->last_error());
  Check(signal_ratchet->Establish(pt), "libsignal-protocol-c: establish", signal_ratchet->last_error());
  Check(olm_chain->Establish(pt), "libolm: establish", olm_chain->last_error());
  Check(olm_ratchet->Establish(pt), "libolm: establish", olm_ratchet->last_error());
  Check(ours_chain.Send(true, pt), "ours: send");
  Check(signal_chain->Send(true, pt), "libsignal-protocol-c: send", signal_chain->last_error());
  Check(olm_chain->Send(true, pt), "libolm: send", olm_chain->last_error());
  const size_t ours_size = ours_chain.last_wire_size(), signal_size = signal_chain->last_wire_size(),
               olm_size = olm_chain->last_wire_size();

  bool ours_turn = true, signal_turn = true, olm_turn = true;  // ratchet rows: who sends next
  std::vector<Row> rows;
  auto add = [&rows](std::string label, std::string theirs_name, Op ours, Op theirs, double goal) {
    Row row;
    row.label = std::move(label);
    row.theirs_name = std::move(theirs_name);
    row.ours = std::move(ours);
    row.theirs = std::move(theirs);
    row.goal = goal;
    rows.push_back(std::move(row));
  };
  const Op ours_chain_op = [&] { return ours_chain.Send(true, pt); };
  const Op ours_ratchet_op = [&] { return ours_ratchet.Send(std::exchange(ours_turn, !ours_turn), pt); };
  add(
      "encrypt+decrypt 100 B, established chain", "libsignal-protocol-c", ours_chain_op,
      [&] { return signal_chain->Send(true, pt); }, 10.0);
  add(
      "encrypt+decrypt 100 B, established chain", "libolm", ours_chain_op,
      [&] { return olm_chain->Send(true, pt); }, 3.0);
  add(
      "message with a DH ratchet step (turns)", "libolm", ours_ratchet_op,
      [&] { return olm_ratchet->Send(std::exchange(olm_turn, !olm_turn), pt); }, 3.0);
  add(
      "X3DH both sides + first message", "libsignal-protocol-c", [&] { return ours_x3dh.Handshake(pt); },
      [&] { return signal_x3dh->Handshake(pt); }, 4.0);
  // Informative (no goal in the issue).
  add(
      "message with a DH ratchet step (turns)", "libsignal-protocol-c", ours_ratchet_op,
      [&] { return signal_ratchet->Send(std::exchange(signal_turn, !signal_turn), pt); }, 0);
  add(
      "chain enc+dec, ours + Serialize both", "libsignal-protocol-c",
      [&] { return ours_persist.Send(true, pt); }, [&] { return signal_chain->Send(true, pt); }, 0);

  std::fprintf(stderr, "securecomm-e2e-compare: %d rounds of about %.3f s per side per row\n", rounds,
               min_time);
  for (Row& row : rows) {
    row.ours_n = Calibrate(row.ours, min_time);
    row.theirs_n = Calibrate(row.theirs, min_time);
    Check(row.ours_n > 0 && row.theirs_n > 0, "an operation failed while calibrating", row.label);
  }
  for (int round = 0; round < rounds; ++round) {
    for (Row& row : rows) {
      double t_ours, t_theirs;
      if (round % 2 == 0) {
        t_ours = Run(row.ours, row.ours_n);
        t_theirs = Run(row.theirs, row.theirs_n);
      } else {
        t_theirs = Run(row.theirs, row.theirs_n);
        t_ours = Run(row.ours, row.ours_n);
      }
      Check(t_ours >= 0 && t_theirs >= 0, "an operation failed", row.label + " vs " + row.theirs_name);
      if (t_ours <= 0 || t_theirs <= 0) continue;
      const double ours_rate = static_cast<double>(row.ours_n) / t_ours;
      const double theirs_rate = static_cast<double>(row.theirs_n) / t_theirs;
      row.ours_rate.push_back(ours_rate);
      row.theirs_rate.push_back(theirs_rate);
      row.ratio.push_back(ours_rate / theirs_rate);
    }
  }

  std::printf(
      "\nours vs libsignal-protocol-c %s and libolm %s (OpenSSL %s), 100-byte messages.\n"
      "Rates: operations per CPU second of this thread, medians over %d rounds; ours/theirs: the\n"
      "median of the per-round ratios of rates (ours and theirs back to back in each round);\n"
      "spread: middle half of the per-round ratios. Command: %s\n",
      SC_LIBSIGNAL_VERSION, SC_OLM_VERSION, OpenSSL_version(OPENSSL_VERSION_STRING), rounds, command.c_str());
  std::printf("%-42s %-21s %11s %11s %8s  %-13s %-7s %s\n", "row", "theirs", "ours op/s", "theirs op/s",
              "ours/th", "spread", "goal", "verdict");
  int missed = 0;
  for (const Row& row : rows) {
    const double ratio = Quantile(row.ratio, 0.5);
    char spread[32], goal[16];
    std::snprintf(spread, sizeof spread, "%.2f..%.2f", Quantile(row.ratio, 0.25), Quantile(row.ratio, 0.75));
    std::snprintf(goal, sizeof goal, row.goal > 0 ? ">= %.0fx" : "-", row.goal);
    const char* verdict = "(info)";
    if (row.goal > 0) {
      verdict = ratio >= row.goal ? "ok" : "under";
      if (ratio < row.goal) ++missed;
    }
    std::printf("%-42s %-21s %11.0f %11.0f %7.2fx  %-13s %-7s %s\n", row.label.c_str(),
                row.theirs_name.c_str(), Quantile(row.ours_rate, 0.5), Quantile(row.theirs_rate, 0.5), ratio,
                spread, goal, verdict);
  }
  std::printf(
      "\nwire bytes for a 100-byte message: ours %zu (first message, with X3DH: %zu), libsignal-protocol-c "
      "%zu "
      "(PreKeySignalMessage: %zu), libolm %zu (base64)\n",
      ours_size, ours_prekey_size, signal_size, signal_prekey_size, olm_size);
  std::fflush(stdout);
  if (ours_persist.state_bytes() == 0) Die("persist row wrote nothing");
  return strict && missed > 0 ? 1 : 0;
}
