// The real `securecomm` CLI processes against the real `securecomm-relay` process: two people
// (and a second device) message each other end to end. Also: the relay's files and log never
// hold a message's text, a captured ciphertext cannot be read from the state taken later
// (forward secrecy), and a changed key is warned about, refused, then accepted with `trust`.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "securecomm/base/clock.h"
#include "securecomm/client/records.h"
#include "securecomm/client/relay_client.h"
#include "securecomm/crypto/random.h"
#include "securecomm/e2e/session.h"
#include "securecomm/store/client_vault.h"

#include "process.h"
#include "relay_harness.h"

namespace sc::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "a long local passphrase";

struct Outcome {
  int rc = -1;
  std::string out;
  std::vector<json> lines;  // stdout parsed as JSON lines
};

std::vector<json> ParseLines(const std::string& out) {
  std::vector<json> lines;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    if (!line.empty()) lines.push_back(json::parse(line, nullptr, /*allow_exceptions=*/false));
    start = end + 1;
  }
  return lines;
}

std::string FileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SC_TEST_RELAY_DEBUG", "1", 1);  // the relay logs all it can: none of it may be plaintext
    relay_ = std::make_unique<RelayProcess>(SC_RELAY_BIN);
    relay_->capture_stderr();
    ASSERT_TRUE(relay_->Start()) << relay_->log();
    dir_ = fs::temp_directory_path() / ("sc_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "relay.txt") << scp::FormatConnectionString(relay_->connection()) << "\n";
  }
  void TearDown() override {
    relay_.reset();
    fs::remove_all(dir_);
    ::unsetenv("SC_TEST_RELAY_DEBUG");
  }

  std::string Home(const std::string& device) const { return (dir_ / device).string(); }

  // Argv builds `env SECURECOMM_PASSPHRASE=... SECURECOMM_PASSWORD=... securecomm --home H --json args`.
  std::vector<std::string> Argv(const std::string& device, const std::string& password,
                                const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     std::string("SECURECOMM_PASSPHRASE=") + kPassphrase,
                                     "SECURECOMM_PASSWORD=" + password,
                                     SC_CLI_BIN,
                                     "--home",
                                     Home(device),
                                     "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  Outcome Finish(Process& p, std::chrono::seconds timeout = std::chrono::seconds(180)) {
    Outcome o;
    o.out = p.ReadAll(timeout);
    o.rc = p.Wait();
    o.lines = ParseLines(o.out);
    return o;
  }

  Outcome Cli(const std::string& device, const std::string& password, const std::vector<std::string>& args) {
    auto p = Process::Spawn(Argv(device, password, args));
    EXPECT_TRUE(p.has_value());
    return Finish(*p);
  }

  // CliWithStdin runs the CLI with `input` on its standard input (through the shell).
  Outcome CliWithStdin(const std::string& device, const std::string& password,
                       const std::vector<std::string>& args, const std::string& input) {
    const fs::path in = dir_ / (device + ".stdin");
    std::ofstream(in) << input;
    std::string cmd = "exec";
    auto quote = [](const std::string& a) {
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    for (const auto& a : Argv(device, password, args)) cmd += " " + quote(a);
    cmd += " < " + quote(in.string());
    auto p = Process::Spawn({"/bin/sh", "-c", cmd});
    EXPECT_TRUE(p.has_value());
    return Finish(*p);
  }

  void NewUser(const std::string& device, const std::string& user, const std::string& password) {
    auto init = Cli(device, password,
                    {"init", "--relay", "@" + (dir_ / "relay.txt").string(), "--kdf", "interactive"});
    ASSERT_EQ(init.rc, 0) << init.out;
    auto reg = Cli(device, password, {"register", user});
    ASSERT_EQ(reg.rc, 0) << reg.out;
    ASSERT_EQ(reg.lines.size(), 1u);
    EXPECT_EQ(reg.lines[0]["username"], user);
  }
  void NewDevice(const std::string& device, const std::string& user, const std::string& password) {
    auto init = Cli(device, password,
                    {"init", "--relay", "@" + (dir_ / "relay.txt").string(), "--kdf", "interactive"});
    ASSERT_EQ(init.rc, 0) << init.out;
    auto login = Cli(device, password, {"login", user});
    ASSERT_EQ(login.rc, 0) << login.out;
  }

  // Messages returns the texts of the "message" events, in order.
  static std::vector<std::string> Texts(const Outcome& o, const std::string& event = "message") {
    std::vector<std::string> texts;
    for (const auto& l : o.lines) {
      if (l.value("event", "") == event) texts.push_back(l.value("text", ""));
    }
    return texts;
  }

  std::unique_ptr<RelayProcess> relay_;
  fs::path dir_;
};

constexpr const char* kAlicePw = "alice's account password";
constexpr const char* kBobPw = "bob's account password";

TEST_F(CliTest, AThousandMessagesEachWayOnlineAndOffline) {
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  std::string to_bob, to_alice;
  for (int i = 0; i < 1000; ++i) {
    to_bob += "alice to bob #" + std::to_string(i) + "\n";
    to_alice += "bob to alice #" + std::to_string(i) + "\n";
  }
  // Online: bob listens while alice sends 1,000 from one process.
  auto listener = Process::Spawn(Argv("bob", kBobPw, {"listen", "--count", "1000", "--timeout", "150"}));
  ASSERT_TRUE(listener.has_value());
  auto connected = listener->ReadLine(std::chrono::seconds(30));
  ASSERT_TRUE(connected.has_value());
  EXPECT_NE(connected->find("connected"), std::string::npos) << *connected;
  auto sent = CliWithStdin("alice", kAlicePw, {"send", "bob", "-"}, to_bob);
  ASSERT_EQ(sent.rc, 0) << sent.out.substr(0, 2000);
  EXPECT_EQ(sent.lines.size(), 1000u);
  auto heard = Finish(*listener);
  ASSERT_EQ(heard.rc, 0) << heard.out.substr(0, 2000);
  auto texts = Texts(heard);
  ASSERT_EQ(texts.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(texts[i], "alice to bob #" + std::to_string(i));
  for (const auto& l : heard.lines) {
    if (l.value("event", "") == "message") {
      ASSERT_TRUE(l["warnings"].empty()) << l.dump();
    }
  }

  // Offline: alice is not connected while bob sends 1,000; she fetches them afterwards.
  auto back = CliWithStdin("bob", kBobPw, {"send", "alice", "-"}, to_alice);
  ASSERT_EQ(back.rc, 0) << back.out.substr(0, 2000);
  auto got = Cli("alice", kAlicePw, {"recv"});
  ASSERT_EQ(got.rc, 0) << got.out.substr(0, 2000);
  auto replies = Texts(got);
  ASSERT_EQ(replies.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(replies[i], "bob to alice #" + std::to_string(i));
  // Nothing is shown twice.
  auto again = Cli("alice", kAlicePw, {"recv"});
  ASSERT_EQ(again.rc, 0);
  EXPECT_TRUE(Texts(again).empty());
}

TEST_F(CliTest, ARecipientWithTwoDevicesAndSentCopies) {
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  NewDevice("bob-laptop", "bob", kBobPw);
  auto devices = Cli("bob-laptop", kBobPw, {"devices"});
  ASSERT_EQ(devices.rc, 0);
  ASSERT_EQ(devices.lines.at(0)["devices"].size(), 2u);

  // Alice meets bob now: both devices are trusted on first use and both get the message.
  auto sent = Cli("alice", kAlicePw, {"send", "bob", "hello", "both", "devices"});
  ASSERT_EQ(sent.rc, 0) << sent.out;
  EXPECT_EQ(sent.lines.at(0)["devices"], 2);
  for (const char* device : {"bob", "bob-laptop"}) {
    auto got = Cli(device, kBobPw, {"recv"});
    ASSERT_EQ(got.rc, 0) << got.out;
    EXPECT_EQ(Texts(got), std::vector<std::string>{"hello both devices"}) << device;
  }
  // The laptop joined after bob's phone registered: the phone does not trust it silently, so
  // its copy is held back until bob accepts his own new device.
  auto reply = Cli("bob", kBobPw, {"send", "alice", "hi from the phone"});
  ASSERT_EQ(reply.rc, 0) << reply.out;
  EXPECT_EQ(reply.lines.at(0)["own_devices"], 0);
  ASSERT_EQ(Cli("bob", kBobPw, {"trust", "bob"}).rc, 0);
  auto reply2 = Cli("bob", kBobPw, {"send", "alice", "second from the phone"});
  ASSERT_EQ(reply2.rc, 0) << reply2.out;
  EXPECT_EQ(reply2.lines.at(0)["own_devices"], 1);
  auto copies = Cli("bob-laptop", kBobPw, {"recv"});
  ASSERT_EQ(copies.rc, 0);
  EXPECT_EQ(Texts(copies, "sent_copy"), std::vector<std::string>{"second from the phone"});
  auto at_alice = Cli("alice", kAlicePw, {"recv"});
  EXPECT_EQ(Texts(at_alice), (std::vector<std::string>{"hi from the phone", "second from the phone"}));
  // The laptop answers too: alice trusts it since first contact.
  ASSERT_EQ(Cli("bob-laptop", kBobPw, {"send", "alice", "and from the laptop"}).rc, 0);
  auto last = Cli("alice", kAlicePw, {"recv"});
  ASSERT_EQ(Texts(last), std::vector<std::string>{"and from the laptop"});
  EXPECT_TRUE(last.lines.at(0)["warnings"].empty());
}

TEST_F(CliTest, AChangedKeyIsWarnedRefusedAndAcceptedWithTrust) {
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "before"}).rc, 0);
  auto first = Cli("bob", kBobPw, {"recv"});
  ASSERT_EQ(Texts(first), std::vector<std::string>{"before"});
  auto number_before = Cli("alice", kAlicePw, {"verify", "bob", "--mark"});
  ASSERT_EQ(number_before.rc, 0) << number_before.out;
  EXPECT_EQ(number_before.lines.at(0)["verified"], true);

  // Bob "reinstalls": a new device with a new key joins, and the old one is removed.
  NewDevice("bob-new", "bob", kBobPw);
  ASSERT_EQ(Cli("bob-new", kBobPw, {"devices", "--remove", "1"}).rc, 0);

  // Receiving from the new key: shown, with a warning.
  ASSERT_EQ(Cli("bob-new", kBobPw, {"send", "alice", "it is me, new phone"}).rc, 0);
  auto warned = Cli("alice", kAlicePw, {"recv"});
  ASSERT_EQ(warned.rc, 0);
  ASSERT_EQ(Texts(warned), std::vector<std::string>{"it is me, new phone"});
  EXPECT_EQ(warned.lines.at(0)["warnings"], json::array({"untrusted_key"}));

  // Sending: refused (exit 6) and nothing reaches the new key.
  auto refused = Cli("alice", kAlicePw, {"send", "bob", "secret plan"});
  EXPECT_EQ(refused.rc, 6) << refused.out;
  EXPECT_EQ(refused.lines.at(0)["error"], "kIdentityChanged");
  auto contacts = Cli("alice", kAlicePw, {"contacts"});
  bool saw_changed = false;
  for (const auto& c : contacts.lines.at(0)["contacts"]) {
    if (c["username"] == "bob") saw_changed = c["state"] == "changed";
  }
  EXPECT_TRUE(saw_changed) << contacts.out;
  EXPECT_EQ(Cli("alice", kAlicePw, {"verify", "bob", "--mark"}).rc, 6)
      << "a changed contact cannot be marked";

  // Accepted with trust: the safety number changed, sending works, the new device reads it.
  ASSERT_EQ(Cli("alice", kAlicePw, {"trust", "bob"}).rc, 0);
  auto number_after = Cli("alice", kAlicePw, {"verify", "bob"});
  ASSERT_EQ(number_after.rc, 0);
  EXPECT_NE(number_after.lines.at(0)["safety_number"], number_before.lines.at(0)["safety_number"]);
  EXPECT_EQ(number_after.lines.at(0)["verified"], false);
  auto sent = Cli("alice", kAlicePw, {"send", "bob", "welcome back"});
  ASSERT_EQ(sent.rc, 0) << sent.out;
  EXPECT_EQ(sent.lines.at(0)["devices"], 1);
  auto got = Cli("bob-new", kBobPw, {"recv"});
  EXPECT_EQ(Texts(got), std::vector<std::string>{"welcome back"});
  // Both sides now compute the same safety number.
  auto theirs = Cli("bob-new", kBobPw, {"verify", "alice"});
  EXPECT_EQ(theirs.lines.at(0)["safety_number"], number_after.lines.at(0)["safety_number"]);
  // The QR code of it, saved as a PNG.
  const fs::path png = dir_ / "safety.png";
  ASSERT_EQ(Cli("alice", kAlicePw, {"verify", "bob", "--png", png.string()}).rc, 0);
  EXPECT_EQ(FileBytes(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(CliTest, ListenReconnectsWhenTheRelayRestarts) {
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  relay_->keep_port();
  auto listener = Process::Spawn(Argv("bob", kBobPw, {"listen", "--count", "2", "--timeout", "90"}));
  ASSERT_TRUE(listener.has_value());
  ASSERT_TRUE(listener->ReadLine(std::chrono::seconds(30)).has_value());  // connected
  ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "before the restart"}).rc, 0);
  auto first = listener->ReadLine(std::chrono::seconds(30));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(json::parse(*first)["text"], "before the restart");
  // The relay stops (its sessions are told RELAY_SHUTTING_DOWN) and comes back on the same port.
  EXPECT_EQ(relay_->Stop(), 0);
  ASSERT_TRUE(relay_->Start()) << relay_->log();
  ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "after the restart"}).rc, 0);
  auto rest = Finish(*listener);
  EXPECT_EQ(rest.rc, 0) << rest.out;
  EXPECT_EQ(Texts(rest), std::vector<std::string>{"after the restart"});
  size_t connections = 0;
  for (const auto& l : rest.lines) connections += l.value("event", "") == "connected";
  EXPECT_EQ(connections, 1u) << "one reconnection after the restart";
}

TEST_F(CliTest, WrongPassphraseAndMissingSetupHaveTheirExitCodes) {
  NewUser("alice", "alice", kAlicePw);
  auto wrong = Process::Spawn({"/usr/bin/env", "SECURECOMM_PASSPHRASE=not it", SC_CLI_BIN, "--home",
                               Home("alice"), "--json", "contacts"});
  ASSERT_TRUE(wrong.has_value());
  auto w = Finish(*wrong);
  EXPECT_EQ(w.rc, 3);
  EXPECT_EQ(w.lines.at(0)["error"], "kWrongPassphrase");
  EXPECT_EQ(Cli("nobody", kAlicePw, {"recv"}).rc, 8);
  auto unknown = Cli("alice", kAlicePw, {"send", "no-such-user", "hello"});
  EXPECT_EQ(unknown.rc, 7) << unknown.out;
  auto again = Cli("alice", kAlicePw, {"init", "--relay", "@" + (dir_ / "relay.txt").string()});
  EXPECT_EQ(again.rc, 2) << "init never overwrites a device";
  auto contacts = Cli("alice", kAlicePw, {"contacts"});
  EXPECT_EQ(contacts.rc, 0) << "and the device is intact";
}

TEST_F(CliTest, OneTimePrekeysAreReplenished) {
  NewUser("bob", "bob", kBobPw);
  // A stranger drains bob's one-time prekeys by fetching bundles (as 80 first contacts would).
  asio::io_context io;
  SystemClock clock;
  auto key = std::make_shared<const crypto::Ed25519KeyPair>(
      crypto::Ed25519KeyPair::Generate(crypto::SystemCsprng()));
  auto stranger = RunSync(io, client::RelayClient::Connect(io, relay_->connection(), key, clock));
  ASSERT_TRUE(stranger.has_value());
  const std::string pw = "stranger password";
  const std::span<const uint8_t> pw_bytes(reinterpret_cast<const uint8_t*>(pw.data()), pw.size());
  ASSERT_TRUE(RunSync(io, (*stranger)->Register("stranger", pw_bytes)).has_value());
  ASSERT_TRUE(RunSync(io, (*stranger)->Login("stranger", pw_bytes)).has_value());
  client::pb::ClientFrame lookup;
  lookup.mutable_lookup_account()->set_username("bob");
  auto dir = RunSync(io, (*stranger)->Call(lookup));
  ASSERT_TRUE(dir.has_value());
  const uint64_t bob = dir->lookup_account().account_id();
  auto fetch = [&]() {
    client::pb::ClientFrame f;
    f.mutable_fetch_prekey_bundle()->set_account_id(bob);
    f.mutable_fetch_prekey_bundle()->set_device_id(1);
    auto r = RunSync(io, (*stranger)->Call(f));
    EXPECT_TRUE(r.has_value() && r->error() == client::pb::OK);
    return r && r->fetch_prekey_bundle().has_one_time_prekey();
  };
  for (int i = 0; i < 80; ++i) ASSERT_TRUE(fetch()) << i;  // 20 of the first 100 left
  // Bob's next connection sees fewer than 25 and uploads a new batch of 100.
  ASSERT_EQ(Cli("bob", kBobPw, {"recv"}).rc, 0);
  for (int i = 0; i < 120; ++i)
    ASSERT_TRUE(fetch()) << "bundle " << i << " after the refill has a one-time prekey";
  RunSync(io, (*stranger)->Close());
}

TEST_F(CliTest, TheCanaryNeverReachesTheRelaysFilesOrLogs) {
  const std::string canary = "CANARY-d41d8cd98f00b204e980";
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  std::string lines;
  for (int i = 0; i < 50; ++i) lines += canary + " message " + std::to_string(i) + "\n";
  ASSERT_EQ(CliWithStdin("alice", kAlicePw, {"send", "bob", "-"}, lines).rc, 0);
  // Checked while the messages wait in bob's queue (in the database and its WAL) ...
  auto scan = [&](const char* when) {
    for (const auto& entry : fs::recursive_directory_iterator(relay_->data_dir())) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(FileBytes(entry.path()).find(canary), std::string::npos) << entry.path() << " " << when;
    }
    EXPECT_EQ(FileBytes(relay_->stderr_path()).find(canary), std::string::npos) << "relay log " << when;
    for (const char* home : {"alice", "bob"}) {
      for (const char* f : {"client.db", "client.db-wal"}) {
        const fs::path p = fs::path(Home(home)) / f;
        if (fs::exists(p)) {
          EXPECT_EQ(FileBytes(p).find(canary), std::string::npos) << p << " " << when;
        }
      }
    }
  };
  scan("while queued");
  auto got = Cli("bob", kBobPw, {"recv"});
  ASSERT_EQ(Texts(got).size(), 50u);
  EXPECT_EQ(Texts(got)[0], canary + " message 0");
  ASSERT_EQ(Cli("bob", kBobPw, {"send", "alice", canary + " reply"}).rc, 0);
  scan("after delivery");
  EXPECT_FALSE(FileBytes(relay_->stderr_path()).empty()) << "the relay logged at debug level";
}

// ReadQueuedPayloads returns the payloads waiting in the relay's store.
std::vector<std::string> ReadQueuedPayloads(const fs::path& db_path) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT payload FROM messages ORDER BY id", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      out.emplace_back(static_cast<const char*>(sqlite3_column_blob(st, 0)), sqlite3_column_bytes(st, 0));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST_F(CliTest, ACapturedCiphertextCannotBeReadFromTheLaterState) {
  NewUser("alice", "alice", kAlicePw);
  NewUser("bob", "bob", kBobPw);
  ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "the first secret"}).rc, 0);
  ASSERT_EQ(Cli("bob", kBobPw, {"recv"}).rc, 0);
  ASSERT_EQ(Cli("bob", kBobPw, {"send", "alice", "ack"}).rc, 0);
  ASSERT_EQ(Cli("alice", kAlicePw, {"recv"}).rc, 0);
  // The adversary records this ciphertext on the wire (here: from the relay's queue).
  ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "the captured secret"}).rc, 0);
  const auto captured = ReadQueuedPayloads(relay_->data_dir() / "relay.db");
  ASSERT_EQ(captured.size(), 1u);
  // Bob's state at this moment can read it (so the check below is not vacuous).
  const fs::path snapshot = dir_ / "bob-snapshot";
  fs::create_directories(snapshot);
  for (const char* f : {"client.db", "client.db-wal"}) {
    if (fs::exists(fs::path(Home("bob")) / f)) fs::copy_file(fs::path(Home("bob")) / f, snapshot / f);
  }
  const std::span<const uint8_t> wire(reinterpret_cast<const uint8_t*>(captured[0].data()),
                                      captured[0].size());
  const std::span<const uint8_t> pass(reinterpret_cast<const uint8_t*>(kPassphrase),
                                      std::strlen(kPassphrase));
  {
    auto then = store::ClientVault::Open((snapshot / "client.db").string(), pass);
    ASSERT_TRUE(then.has_value());
    auto sessions = then->List(store::VaultTable::kSessions);
    ASSERT_TRUE(sessions.has_value());
    ASSERT_EQ(sessions->size(), 1u);
    auto session = e2e::Session::Deserialize((*sessions)[0].value.Expose());
    ASSERT_TRUE(session.has_value());
    auto plain = session->Decrypt(wire, crypto::SystemCsprng());
    ASSERT_TRUE(plain.has_value()) << plain.error().name();
    auto content = client::Content::Decode(plain->Expose());
    ASSERT_TRUE(content.has_value());
    EXPECT_EQ(content->body, "the captured secret");
  }
  // The conversation moves on: several turns, each a DH ratchet step.
  ASSERT_EQ(Texts(Cli("bob", kBobPw, {"recv"})), std::vector<std::string>{"the captured secret"});
  for (int turn = 0; turn < 3; ++turn) {
    ASSERT_EQ(Cli("bob", kBobPw, {"send", "alice", "turn " + std::to_string(turn)}).rc, 0);
    ASSERT_EQ(Cli("alice", kAlicePw, {"recv"}).rc, 0);
    ASSERT_EQ(Cli("alice", kAlicePw, {"send", "bob", "turn back " + std::to_string(turn)}).rc, 0);
    ASSERT_EQ(Cli("bob", kBobPw, {"recv"}).rc, 0);
  }
  // Then bob's complete state is taken, passphrase included: every session and every prekey.
  auto vault = store::ClientVault::Open((fs::path(Home("bob")) / "client.db").string(), pass);
  ASSERT_TRUE(vault.has_value());
  auto sessions = vault->List(store::VaultTable::kSessions);
  ASSERT_TRUE(sessions.has_value());
  ASSERT_FALSE(sessions->empty());
  for (const auto& row : *sessions) {
    auto session = e2e::Session::Deserialize(row.value.Expose());
    ASSERT_TRUE(session.has_value());
    auto plain = session->Decrypt(wire, crypto::SystemCsprng());
    EXPECT_FALSE(plain.has_value()) << "the message key was deleted when it was used";
  }
}

}  // namespace
}  // namespace sc::testing
