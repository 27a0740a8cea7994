// securecomm-relay as a program: configuration (file, environment, flags, --check-config), its
// identity across restarts, the health and metrics endpoint, and SIGTERM.
#include <sys/stat.h>

#include <fstream>

#include "relay_test_util.h"

namespace sc::testing {
namespace {

using namespace std::chrono_literals;

std::string RunRelay(std::vector<std::string> args, int& code) {
  args.insert(args.begin(), SC_RELAY_BIN);
  auto p = Process::Spawn(args);
  if (!p) {
    code = -1;
    return "";
  }
  std::string out = p->ReadAll(20s);
  code = p->Wait();
  return out;
}

TEST(RelayProgramTest, CheckConfigAcceptsGoodAndNamesTheBadSetting) {
  const auto dir = std::filesystem::temp_directory_path() / ("sc_relay_cfg_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.toml";
  std::ofstream(good) << "port = 5555\nlog_format = \"json\"\nmessage_ttl_days = 7\n";
  int code = 0;
  auto out = RunRelay({"--config", good.string(), "--check-config", "--max-connections", "100"}, code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("port = 5555"), std::string::npos) << out;
  EXPECT_NE(out.find("max_connections = 100"), std::string::npos) << "flags override the file";

  const auto bad = dir / "bad.toml";
  std::ofstream(bad) << "port = 70000\n";
  RunRelay({"--config", bad.string(), "--check-config"}, code);
  EXPECT_EQ(code, 2);
  const auto unknown = dir / "unknown.toml";
  std::ofstream(unknown) << "prot = 1\n";
  RunRelay({"--config", unknown.string(), "--check-config"}, code);
  EXPECT_EQ(code, 2);
  const auto broken = dir / "broken.toml";
  std::ofstream(broken) << "port = = 1\n";
  RunRelay({"--config", broken.string(), "--check-config"}, code);
  EXPECT_EQ(code, 2);
  RunRelay({"--check-config", "--max-connections", "25000"}, code);
  EXPECT_EQ(code, 2) << "beyond the descriptor limit";
  RunRelay({"--check-config", "--log-format", "xml"}, code);
  EXPECT_EQ(code, 2);
  std::filesystem::remove_all(dir);
}

TEST(RelayProgramTest, IdentityPersistsAndTheKeyFileIsPrivate) {
  RelayProcess relay(SC_RELAY_BIN);
  ASSERT_TRUE(relay.Start()) << relay.log();
  const auto first = relay.connection();
  EXPECT_EQ(relay.Stop(), 0);
  struct stat st {};
  ASSERT_EQ(stat((relay.data_dir() / "relay.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(relay.Start()) << relay.log();
  EXPECT_EQ(relay.connection().identity, first.identity) << "the identity clients pin must not change";
  EXPECT_EQ(relay.connection().noise_static, first.noise_static);
  EXPECT_EQ(relay.Stop(), 0);
  // A key file others can read is refused, as ssh refuses a host key.
  chmod((relay.data_dir() / "relay.key").c_str(), 0644);
  EXPECT_FALSE(relay.Start());
}

TEST(RelayProgramTest, EmptyValuesAndNonFiniteRatesAreRefused) {
  // Without --check-config: the refusal must come before anything is created (an ignored
  // --data-dir "" used to create ./securecomm-data).
  const bool had_default_dir = std::filesystem::exists("securecomm-data");
  int code = 0;
  RunRelay({"--data-dir", "", "--port", "0", "--http-port", "-1"}, code);
  EXPECT_EQ(code, 2);
  if (!had_default_dir) {
    EXPECT_FALSE(std::filesystem::exists("securecomm-data"));
  }
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--port", ""},
                                             {"--port="},
                                             {"--config", ""},
                                             {"--handshakes-per-second", "nan"},
                                             {"--handshakes-per-address-per-second", "inf"},
                                             {"--handshake-burst-per-address", "-inf"},
                                             {"--handshakes-per-second", "0"}}) {
    auto with_check = args;
    with_check.push_back("--check-config");
    RunRelay(with_check, code);
    EXPECT_EQ(code, 2) << args[0];
  }
}

class RelayMetricsTest : public RelayFixture {};

// Two relays on one data directory would both write one store: the second is refused, naming
// the directory and the holder's pid, and the first keeps serving.
TEST_F(RelayMetricsTest, ASecondRelayOnTheSameDataDirIsRefused) {
  StartRelay();
  auto alice = NewUser("alice");
  const auto err_path =
      relay_->data_dir().parent_path() / (relay_->data_dir().filename().string() + ".second");
  auto second = Process::Spawn(
      {SC_RELAY_BIN, "--data-dir", relay_->data_dir().string(), "--port", "0", "--http-port", "-1"},
      err_path.string());
  ASSERT_TRUE(second.has_value());
  second->ReadAll(20s);
  EXPECT_EQ(second->Wait(), 1);
  std::ifstream err_file(err_path);
  const std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
  std::filesystem::remove(err_path);
  EXPECT_NE(err.find("data_dir " + relay_->data_dir().string() + " is in use"), std::string::npos) << err;
  EXPECT_NE(err.find("another securecomm-relay (pid " + std::to_string(relay_->process()->pid()) + ")"),
            std::string::npos)
      << err;
  // The first still serves: its sessions, new logins and its health endpoint.
  auto bob = NewUser("bob");
  EXPECT_EQ(Call(*alice.client, SendTo(bob.info, "still here")).error(), pb::OK);
  EXPECT_NE(HttpGet(relay_->http_port(), "/healthz").find("200 OK"), std::string::npos);
  // Once it has stopped (or died: the kernel drops the lock), the directory is free again.
  relay_->Kill();
  open_.clear();
  ASSERT_TRUE(relay_->Start()) << relay_->log();
}

TEST_F(RelayMetricsTest, HealthAndMetricsOnLoopback) {
  StartRelay();
  ASSERT_NE(relay_->http_port(), 0);
  auto health = HttpGet(relay_->http_port(), "/healthz");
  EXPECT_NE(health.find("200 OK"), std::string::npos) << health;
  auto alice = NewUser("alice");
  auto bob = NewUser("bob");
  ASSERT_EQ(Call(*alice.client, SendTo(bob.info, "counted")).error(), pb::OK);
  pb::ClientFrame bad;
  bad.mutable_list_devices();
  auto anon = Connect();
  EXPECT_EQ(Call(*anon, bad).error(), pb::NOT_AUTHENTICATED);
  auto metrics = HttpGet(relay_->http_port(), "/metrics");
  EXPECT_NE(metrics.find("securecomm_relay_messages_in_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("securecomm_relay_connections_open 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("securecomm_relay_rejected_total{reason=\"NOT_AUTHENTICATED\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("securecomm_relay_store_batches"), std::string::npos);
  EXPECT_NE(metrics.find("securecomm_relay_resident_bytes"), std::string::npos);
  EXPECT_EQ(metrics.find("counted"), std::string::npos) << "payloads never reach the metrics";
  EXPECT_NE(HttpGet(relay_->http_port(), "/nope").find("404"), std::string::npos);
}

TEST_F(RelayMetricsTest, SigtermAnswersWhatIsInFlightAndTellsSessions) {
  StartRelay();
  auto alice = NewUser("alice");
  auto bob = NewUser("bob");
  // A burst of sends in flight when SIGTERM arrives: each gets an answer or a closed session,
  // and every answered one is durable (checked after the restart).
  std::vector<uint64_t> answered;
  int outstanding = 0;
  for (int i = 0; i < 50; ++i) {
    ++outstanding;
    asio::co_spawn(
        io_,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await alice.client->Call(SendTo(bob.info, "inflight-" + std::to_string(i)));
          if (r && r->error() == pb::OK) answered.push_back(r->send().message_ids(0));
          --outstanding;
        },
        asio::detached);
  }
  io_.restart();
  io_.poll();
  relay_->process()->Signal(SIGTERM);
  while (outstanding > 0) io_.run_one_for(100ms);
  EXPECT_EQ(relay_->process()->Wait(), 0);
  relay_->Kill();
  bool told = false;
  while (auto p = NextPush(*bob.client, 2s)) {
    if (p->has_session_ended()) told = p->session_ended().reason() == pb::RELAY_SHUTTING_DOWN;
  }
  EXPECT_TRUE(told) << "sessions are told the relay is shutting down";
  open_.clear();
  ASSERT_TRUE(relay_->Start());
  auto again = Connect(bob.key);
  auto info = Login(*again, "bob", "correct horse battery staple");
  EXPECT_GE(info.queued_messages + 0u, answered.size());
}

}  // namespace
}  // namespace sc::testing

#include "securecomm/e2e/limits.h"
#include "securecomm/relay/limits.h"

namespace sc::testing {
namespace {

// The client's largest message must fit the relay's envelope, and one send's fan-out (every
// device of the recipient and the sender's other devices) must fit one request.
TEST(RelayClientLimitsTest, TheLargestE2eMessageAndFanOutFitTheRelaysLimits) {
  static_assert(e2e::kMaxMessageSize <= relay::kMaxEnvelopeBytes);
  static_assert(2 * relay::kMaxDevicesPerAccount - 1 <= relay::kMaxEnvelopesPerSend);
  EXPECT_EQ(e2e::kMaxMessageSize, relay::kMaxEnvelopeBytes);
}

}  // namespace
}  // namespace sc::testing
