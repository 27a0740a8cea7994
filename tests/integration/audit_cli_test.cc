// The real securecomm-audit binary, driven as an operator, a verifier and a monitor would drive
// it: init, append (files and stdin), checkpoint, both proof kinds proven and verified (and
// tampered proofs refused), a monitor following appends, and the alarms: rollback, split view,
// a forged signature, an inconsistent log, and a SQLite file modified behind the log's back.
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.h"

namespace sc {
namespace {

using testing::Process;
using namespace std::chrono_literals;

constexpr char kOrigin[] = "audit.example.org/itest";

struct RunResult {
  int exit_code = -1;
  std::string out;
  nlohmann::json Json() const {
    nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out;
    return j;
  }
};

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Signer key files are sealed under this passphrase; the tool reads it from the environment
    // that Process::Spawn passes on.
    setenv("SC_AUDIT_PASSPHRASE", "correct horse battery staple", 1);
    std::string tmpl = (std::filesystem::temp_directory_path() / "sc_audit_cli.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), SC_AUDIT_BIN);
    auto p = Process::Spawn(args);
    if (!p) return {};
    RunResult r;
    r.out = p->ReadAll(60s);
    r.exit_code = p->Wait();
    return r;
  }
  // Shell runs a command line through /bin/sh, with $BIN set to the tool (for stdin pipes).
  RunResult Shell(const std::string& command) {
    auto p =
        Process::Spawn({"/bin/sh", "-c",
                        "BIN='" + std::string(SC_AUDIT_BIN) + "'; cd '" + dir_.string() + "' && " + command});
    if (!p) return {};
    RunResult r;
    r.out = p->ReadAll(60s);
    r.exit_code = p->Wait();
    return r;
  }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(P(name), std::ios::binary) << content;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(P(name), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::string JsonEntry(int i) {
    return R"({"time_unix_ms":)" + std::to_string(1700000000000 + i) +
           R"(,"kind":"auth_failure","actor":"ip:198.51.100.)" + std::to_string(i % 250) +
           R"(","subject":"account:user)" + std::to_string(i) + R"("})";
  }

  // Init creates log `name` with key file `key` (new unless `existing_key`) and returns the vkey.
  std::string Init(const std::string& name, const std::string& key, bool existing_key = false) {
    RunResult r =
        Run({"init", "--log", P(name), "--origin", kOrigin, existing_key ? "--key" : "--key-out", P(key)});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::string vkey = r.out;
    while (!vkey.empty() && vkey.back() == '\n') vkey.pop_back();
    return vkey;
  }
  // Append appends entries first..first+count-1 (JSON files) and writes the checkpoint to `cp`.
  void Append(const std::string& log, const std::string& key, int first, int count, const std::string& cp) {
    std::vector<std::string> args = {"append", "--log", P(log), "--key", P(key), "--checkpoint-out", P(cp)};
    for (int i = first; i < first + count; ++i) {
      const std::string name = "entry" + std::to_string(i) + ".json";
      Write(name, JsonEntry(i));
      args.push_back(P(name));
    }
    RunResult r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }

  std::filesystem::path dir_;
};

TEST_F(AuditCliTest, InitAppendCheckpointAndVerifyCheckpoint) {
  const std::string vkey = Init("log.db", "log.key");
  EXPECT_EQ(vkey.rfind(std::string(kOrigin) + "+", 0), 0u) << vkey;
  struct stat st {};
  ASSERT_EQ(stat(P("log.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the signer key must be private";
  // Entries from stdin (JSON lines, a blank line skipped) and from a binary file.
  RunResult piped = Shell("printf '%s\\n\\n%s\\n' '" + JsonEntry(0) + "' '" + JsonEntry(1) +
                          "' | \"$BIN\" append --log log.db --key log.key --json");
  ASSERT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_EQ(piped.Json()["size"], 2);
  ASSERT_EQ(Run({"get-entry", "--log", P("log.db"), "--index", "1", "--out", P("e1.bin")}).exit_code, 0);
  ASSERT_EQ(Run({"append", "--log", P("log.db"), "--key", P("log.key"), P("e1.bin")}).exit_code, 0);
  RunResult cp = Run({"checkpoint", "--log", P("log.db")});
  ASSERT_EQ(cp.exit_code, 0);
  EXPECT_EQ(cp.out.rfind(std::string(kOrigin) + "\n3\n", 0), 0u) << cp.out;
  Write("cp.txt", cp.out);
  RunResult ok = Run({"verify-checkpoint", "--vkey", vkey, "--checkpoint", P("cp.txt"), "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.Json()["size"], 3);
  // The vkey may be given as a file too.
  Write("vkey.txt", vkey + "\n");
  EXPECT_EQ(Run({"verify-checkpoint", "--vkey", P("vkey.txt"), "--checkpoint", P("cp.txt")}).exit_code, 0);
  // Another key with the same name, and a modified checkpoint, are refused.
  const std::string other = Init("other.db", "other.key");
  RunResult wrong_key = Run({"verify-checkpoint", "--vkey", other, "--checkpoint", P("cp.txt"), "--json"});
  EXPECT_EQ(wrong_key.exit_code, 1);
  EXPECT_EQ(wrong_key.Json()["ok"], false);
  std::string forged = cp.out;
  forged[forged.find("\n3\n") + 1] = '4';
  Write("forged.txt", forged);
  EXPECT_EQ(Run({"verify-checkpoint", "--vkey", vkey, "--checkpoint", P("forged.txt")}).exit_code, 1);
  // The key of another log cannot append here.
  EXPECT_EQ(Run({"append", "--log", P("log.db"), "--key", P("other.key"), P("e1.bin")}).exit_code, 2);
}

TEST_F(AuditCliTest, SignerKeyIsSealedUnderThePassphrase) {
  Init("log.db", "log.key");
  const std::string file = Read("log.key");
  EXPECT_EQ(file.rfind("SCAUDITKEY1 ", 0), 0u);
  EXPECT_EQ(file.find("PRIVATE+KEY"), std::string::npos) << "the key must not be stored in the clear";
  Write("e.json", JsonEntry(0));
  setenv("SC_AUDIT_PASSPHRASE", "wrong passphrase", 1);
  RunResult wrong = Run({"append", "--log", P("log.db"), "--key", P("log.key"), P("e.json"), "--json"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  unsetenv("SC_AUDIT_PASSPHRASE");
  EXPECT_EQ(Run({"append", "--log", P("log.db"), "--key", P("log.key"), P("e.json")}).exit_code, 2)
      << "no passphrase and no terminal: a usage error, never an unsealed key";
  setenv("SC_AUDIT_PASSPHRASE", "correct horse battery staple", 1);
  std::string tampered = file;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  Write("tampered.key", tampered);
  EXPECT_EQ(Run({"append", "--log", P("log.db"), "--key", P("tampered.key"), P("e.json")}).exit_code, 1);
  EXPECT_EQ(Run({"append", "--log", P("log.db"), "--key", P("log.key"), P("e.json")}).exit_code, 0);
}

TEST_F(AuditCliTest, InclusionProofsVerifyAndTamperedOnesFail) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 7, "cp.txt");
  ASSERT_EQ(Run({"get-entry", "--log", P("log.db"), "--index", "5", "--out", P("e5.bin")}).exit_code, 0);
  ASSERT_EQ(Run({"prove-inclusion", "--log", P("log.db"), "--index", "5", "--out", P("p5.bin")}).exit_code,
            0);
  auto verify = [&](const std::string& entry, const std::string& index, const std::string& proof) {
    return Run({"verify-inclusion", "--vkey", vkey, "--checkpoint", P("cp.txt"), "--entry", P(entry),
                "--index", index, "--proof", P(proof)})
        .exit_code;
  };
  EXPECT_EQ(verify("e5.bin", "5", "p5.bin"), 0);
  EXPECT_EQ(verify("entry5.json", "5", "p5.bin"), 0) << "the JSON form of the same entry";
  // The base64 form printed on stdout verifies too.
  RunResult b64 = Run({"prove-inclusion", "--log", P("log.db"), "--index", "5"});
  ASSERT_EQ(b64.exit_code, 0);
  Write("p5.b64", b64.out);
  EXPECT_EQ(verify("e5.bin", "5", "p5.b64"), 0);
  // A flipped bit in a hash, the wrong entry, the wrong index, a truncated proof: all fail.
  std::string proof = Read("p5.bin");
  proof[proof.size() - 3] ^= 0x01;
  Write("p5.flipped", proof);
  EXPECT_EQ(verify("e5.bin", "5", "p5.flipped"), 1);
  EXPECT_EQ(verify("entry4.json", "5", "p5.bin"), 1);
  EXPECT_EQ(verify("e5.bin", "4", "p5.bin"), 1);
  Write("p5.short", Read("p5.bin").substr(0, Read("p5.bin").size() - 32));
  EXPECT_EQ(verify("e5.bin", "5", "p5.short"), 1);
  // A proof for another tree size than the checkpoint's.
  ASSERT_EQ(
      Run({"prove-inclusion", "--log", P("log.db"), "--index", "5", "--size", "6", "--out", P("p5s6.bin")})
          .exit_code,
      0);
  RunResult wrong_size = Run({"verify-inclusion", "--vkey", vkey, "--checkpoint", P("cp.txt"), "--entry",
                              P("e5.bin"), "--index", "5", "--proof", P("p5s6.bin"), "--json"});
  EXPECT_EQ(wrong_size.exit_code, 1);
  EXPECT_EQ(wrong_size.Json()["error"], "wrong_proof");
  EXPECT_EQ(Run({"prove-inclusion", "--log", P("log.db"), "--index", "7"}).exit_code, 2) << "beyond the log";
}

TEST_F(AuditCliTest, ConsistencyProofsVerifyAndTamperedOnesFail) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 3, "cp3.txt");
  Append("log.db", "log.key", 3, 8, "cp11.txt");
  ASSERT_EQ(Run({"prove-consistency", "--log", P("log.db"), "--old", "3", "--new", "11", "--out", P("c.bin")})
                .exit_code,
            0);
  auto verify = [&](const std::string& old_cp, const std::string& new_cp, const std::string& proof) {
    return Run({"verify-consistency", "--vkey", vkey, "--old-checkpoint", P(old_cp), "--new-checkpoint",
                P(new_cp), "--proof", P(proof), "--json"});
  };
  RunResult ok = verify("cp3.txt", "cp11.txt", "c.bin");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  std::string proof = Read("c.bin");
  proof[20] = static_cast<char>(proof[20] ^ 0x80);
  Write("c.flipped", proof);
  EXPECT_EQ(verify("cp3.txt", "cp11.txt", "c.flipped").exit_code, 1);
  RunResult swapped = verify("cp11.txt", "cp3.txt", "c.bin");
  EXPECT_EQ(swapped.exit_code, 1);
  EXPECT_EQ(swapped.Json()["error"], "rollback");
  Write("garbage.bin", std::string("\x00\x01\x02", 3));
  EXPECT_EQ(verify("cp3.txt", "cp11.txt", "garbage.bin").exit_code, 1);
  EXPECT_EQ(Run({"prove-consistency", "--log", P("log.db"), "--old", "0", "--new", "3"}).exit_code, 2);
}

TEST_F(AuditCliTest, MonitorFollowsAppends) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 2, "published.txt");
  auto monitor = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"monitor",          "--vkey", vkey,        "--checkpoint-source",
                                     P("published.txt"), "--log",  P("log.db"), "--state",
                                     P("state"),         "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  };
  RunResult first = monitor();
  ASSERT_EQ(first.exit_code, 0) << first.out;
  EXPECT_EQ(first.Json()["status"], "first");
  for (int round = 0; round < 3; ++round) {
    Append("log.db", "log.key", 2 + round * 5, 5, "published.txt");
    RunResult r = monitor();
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.Json()["status"], "consistent");
    EXPECT_EQ(r.Json()["size"], 7 + round * 5);
  }
  EXPECT_EQ(monitor().Json()["status"], "unchanged");
  EXPECT_EQ(Read("state"), Read("published.txt"));

  // One long-running monitor reading the SQLite log itself while the log grows under it.
  auto p = Process::Spawn({SC_AUDIT_BIN, "monitor", "--vkey", vkey, "--checkpoint-source", P("log.db"),
                           "--state", P("state2"), "--interval", "0.5", "--iterations", "20", "--json"});
  ASSERT_TRUE(p.has_value());
  auto line = p->ReadLine(30s);
  ASSERT_TRUE(line.has_value());
  for (int i = 0; i < 3; ++i) Append("log.db", "log.key", 100 + i * 10, 10, "published.txt");
  int lines = 1;
  while (auto next = p->ReadLine(30s)) {
    ++lines;
    nlohmann::json j = nlohmann::json::parse(*next, nullptr, false);
    EXPECT_EQ(j["ok"], true) << *next;
  }
  EXPECT_EQ(p->Wait(), 0);
  EXPECT_EQ(lines, 20);  // 10 s of iterations: the three appends (each unseals the key) end well before
  EXPECT_EQ(Read("state2"), Read("published.txt")) << "the monitor ends trusting the latest checkpoint";
}

TEST_F(AuditCliTest, MonitorDetectsARollback) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 3, "old.txt");
  Append("log.db", "log.key", 3, 3, "new.txt");
  auto monitor = [&](const std::string& source) {
    return Run({"monitor", "--vkey", vkey, "--checkpoint-source", P(source), "--log", P("log.db"), "--state",
                P("state"), "--json"});
  };
  ASSERT_EQ(monitor("new.txt").exit_code, 0);
  RunResult r = monitor("old.txt");  // the operator serves an older tree head again
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.Json()["error"], "rollback");
  EXPECT_NE(r.Json()["message"].get<std::string>().find("rollback"), std::string::npos);
  EXPECT_EQ(Read("state"), Read("new.txt")) << "an alarm never changes what is trusted";
}

TEST_F(AuditCliTest, MonitorDetectsASplitViewAndAnInconsistentLog) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 4, "honest.txt");
  // A second log with the same key and origin, but other entries: what a compromised operator
  // would show some clients.
  EXPECT_EQ(Init("evil.db", "log.key", /*existing_key=*/true), vkey);
  Append("evil.db", "log.key", 1000, 4, "evil4.txt");
  auto monitor = [&](const std::string& source, const std::string& log) {
    return Run({"monitor", "--vkey", vkey, "--checkpoint-source", P(source), "--log", P(log), "--state",
                P("state"), "--json"});
  };
  ASSERT_EQ(monitor("honest.txt", "log.db").exit_code, 0);
  RunResult split = monitor("evil4.txt", "evil.db");
  EXPECT_EQ(split.exit_code, 1) << split.out;
  EXPECT_EQ(split.Json()["error"], "split_view");
  EXPECT_NE(split.Json()["message"].get<std::string>().find("split view"), std::string::npos);
  // Larger than the trusted tree but not an extension of it: no consistency proof verifies.
  Append("evil.db", "log.key", 1004, 3, "evil7.txt");
  RunResult inconsistent = monitor("evil7.txt", "evil.db");
  EXPECT_EQ(inconsistent.exit_code, 1) << inconsistent.out;
  EXPECT_EQ(inconsistent.Json()["error"], "inconsistent");
  // The evil checkpoint is also refused against the honest log (which cannot prove size 7).
  EXPECT_EQ(monitor("evil7.txt", "log.db").exit_code, 1);
  EXPECT_EQ(Read("state"), Read("honest.txt"));
}

TEST_F(AuditCliTest, MonitorRefusesABadSignature) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 2, "published.txt");
  Init("impostor.db", "impostor.key");  // same origin, another key
  Append("impostor.db", "impostor.key", 0, 2, "impostor.txt");
  RunResult r = Run({"monitor", "--vkey", vkey, "--checkpoint-source", P("impostor.txt"), "--log",
                     P("log.db"), "--state", P("state"), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.Json()["message"].get<std::string>().find("bad signature"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(P("state")));
}

TEST_F(AuditCliTest, TamperedDatabaseIsDetectedOnOpen) {
  const std::string vkey = Init("log.db", "log.key");
  Append("log.db", "log.key", 0, 5, "published.txt");
  ASSERT_EQ(
      Run({"monitor", "--vkey", vkey, "--checkpoint-source", P("log.db"), "--state", P("state")}).exit_code,
      0);
  // Change one byte of entry 2 with the sqlite3 C API, as someone with the file could.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(P("log.db").c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT data FROM entries WHERE idx = 2", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const auto* bytes = static_cast<const uint8_t*>(sqlite3_column_blob(st, 0));
  std::vector<uint8_t> data(bytes, bytes + sqlite3_column_bytes(st, 0));
  sqlite3_finalize(st);
  data.back() ^= 0x01;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE entries SET data = ?1 WHERE idx = 2", -1, &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(st, 1, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  RunResult r = Run({"checkpoint", "--log", P("log.db"), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.Json()["error"], "kTamperedEntry");
  EXPECT_NE(r.Json()["message"].get<std::string>().find("entry 2"), std::string::npos) << r.out;
  RunResult m = Run({"monitor", "--vkey", vkey, "--checkpoint-source", P("log.db"), "--state", P("state")});
  EXPECT_EQ(m.exit_code, 1);
  EXPECT_EQ(Run({"prove-inclusion", "--log", P("log.db"), "--index", "0"}).exit_code, 1);
}

TEST_F(AuditCliTest, UsageAndIoErrorsHaveTheirExitCodes) {
  EXPECT_EQ(Run({}).exit_code, 2);
  EXPECT_EQ(Run({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Run({"checkpoint"}).exit_code, 2);
  RunResult bad_flag = Run({"checkpoint", "--log", P("x.db"), "--bogus", "1", "--json"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_EQ(bad_flag.Json()["error"], "usage");
  EXPECT_EQ(Run({"checkpoint", "--log", P("missing.db")}).exit_code, 3);
  Write("not-a-db", std::string(8192, 'x'));
  EXPECT_EQ(Run({"checkpoint", "--log", P("not-a-db")}).exit_code, 3);
  const std::string vkey = Init("log.db", "log.key");
  EXPECT_EQ(Run({"init", "--log", P("log.db"), "--origin", kOrigin, "--key-out", P("k2")}).exit_code, 3)
      << "exists";
  EXPECT_EQ(Run({"init", "--log", P("x.db"), "--origin", "has space", "--key-out", P("k3")}).exit_code, 2);
  EXPECT_EQ(Run({"verify-checkpoint", "--vkey", vkey, "--checkpoint", P("missing.txt")}).exit_code, 3);
  EXPECT_EQ(Run({"get-entry", "--log", P("log.db"), "--index", "-1"}).exit_code, 2);
  Write("bad.json", R"({"kind":"no_such_kind","actor":"a"})");
  EXPECT_EQ(Run({"append", "--log", P("log.db"), "--key", P("log.key"), P("bad.json")}).exit_code, 2);
  EXPECT_EQ(Run({"monitor", "--vkey", vkey, "--checkpoint-source", P("log.db"), "--state", P("s"),
                 "--interval", "x"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace sc
