// securecomm-relay's settings without a process: empty values refused wherever they are given
// (flag, environment, file), non-finite and out-of-range floating-point settings refused, and the
// data directory lock (issue #11).
#include "config.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data_dir_lock.h"

namespace sc::relay_app {
namespace {

namespace fs = std::filesystem;

// Every setting's flag, and the floating-point ones.
constexpr std::array<std::string_view, 17> kFlags = {"data-dir",
                                                     "listen",
                                                     "port",
                                                     "public-host",
                                                     "http-listen",
                                                     "http-port",
                                                     "log-format",
                                                     "log-level",
                                                     "max-connections",
                                                     "handshakes-per-address-per-second",
                                                     "handshake-burst-per-address",
                                                     "handshakes-per-second",
                                                     "message-ttl-days",
                                                     "max-queued-per-device",
                                                     "drain-timeout-seconds",
                                                     "write-stall-timeout-seconds",
                                                     "disk-reserve-mib"};
constexpr std::array<std::string_view, 3> kFloatFlags = {
    "handshakes-per-address-per-second", "handshake-burst-per-address", "handshakes-per-second"};

std::string EnvName(std::string_view flag) {
  std::string var = "SC_RELAY_";
  for (char ch : flag)
    var += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return var;
}

class RelayConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("SC_RELAY_CONFIG");
    for (const auto& f : kFlags) ::unsetenv(EnvName(f).c_str());
    dir_ = fs::temp_directory_path() / ("sc_relay_config_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    ::unsetenv("SC_RELAY_CONFIG");
    for (const auto& f : kFlags) ::unsetenv(EnvName(f).c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Load runs LoadConfig on `args` (after the program name); returns its error ("" on success).
  std::string Load(std::vector<std::string> args) {
    args.insert(args.begin(), "securecomm-relay");
    std::vector<char*> argv;
    argv.reserve(args.size());
    for (auto& a : args) argv.push_back(a.data());
    config_ = RelayConfig{};
    bool exit_now = false;
    return LoadConfig(static_cast<int>(argv.size()), argv.data(), config_, exit_now);
  }
  std::string File(const std::string& text) {
    const auto path = dir_ / "relay.toml";
    std::ofstream(path, std::ios::trunc) << text;
    return path.string();
  }
  fs::path dir_;
  RelayConfig config_;
};

TEST_F(RelayConfigTest, DefaultsAndGoodValuesLoad) {
  EXPECT_EQ(Load({}), "");
  EXPECT_EQ(config_.data_dir, "securecomm-data");
  EXPECT_EQ(Load({"--data-dir", "/tmp/x", "--port", "0", "--handshakes-per-second", "1000000",
                  "--handshake-burst-per-address", "1", "--handshakes-per-address-per-second", "0.5"}),
            "");
  EXPECT_EQ(config_.data_dir, "/tmp/x");
  EXPECT_EQ(config_.port, 0);
  EXPECT_EQ(config_.handshakes_per_address_per_second, 0.5);
}

TEST_F(RelayConfigTest, AnEmptyFlagValueIsRefusedNamingTheFlag) {
  for (const std::string_view view : kFlags) {
    const std::string flag(view);
    for (const auto& args :
         {std::vector<std::string>{"--" + flag, ""}, std::vector<std::string>{"--" + flag + "="}}) {
      const auto e = Load(args);
      EXPECT_NE(e.find("--" + flag + ": empty value"), std::string::npos) << flag << ": " << e;
      EXPECT_NE(e.find("leave the flag out"), std::string::npos) << e;
    }
  }
  EXPECT_NE(Load({"--config", ""}).find("--config: empty value"), std::string::npos);
  EXPECT_NE(Load({"--config="}).find("--config: empty value"), std::string::npos);
}

TEST_F(RelayConfigTest, AnEmptyEnvironmentValueIsRefusedNamingTheVariable) {
  for (const std::string_view view : kFlags) {
    const std::string flag(view);
    ::setenv(EnvName(flag).c_str(), "", 1);
    const auto e = Load({});
    EXPECT_NE(e.find("environment " + EnvName(flag) + " is set but empty"), std::string::npos) << e;
    ::unsetenv(EnvName(flag).c_str());
  }
  ::setenv("SC_RELAY_CONFIG", "", 1);
  EXPECT_NE(Load({}).find("SC_RELAY_CONFIG is set but empty"), std::string::npos);
}

TEST_F(RelayConfigTest, AnEmptyStringInTheFileIsRefusedNamingTheSetting) {
  for (const std::string name :
       {"data_dir", "listen", "public_host", "http_listen", "log_format", "log_level"}) {
    const auto e = Load({"--config", File(name + " = \"\"\n")});
    EXPECT_NE(e.find(name + " is empty"), std::string::npos) << e;
  }
}

TEST_F(RelayConfigTest, NonFiniteAndOutOfRangeRatesAreRefused) {
  for (const std::string_view view : kFloatFlags) {
    const std::string flag(view);
    std::string name = flag;
    for (char& ch : name) ch = ch == '-' ? '_' : ch;
    for (const std::string bad : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e999"}) {
      const auto e = Load({"--" + flag, bad});
      EXPECT_NE(e.find(name + ": must be a finite number"), std::string::npos)
          << flag << "=" << bad << ": " << e;
      ::setenv(EnvName(flag).c_str(), bad.c_str(), 1);
      EXPECT_NE(Load({}).find(name + ": must be a finite number"), std::string::npos)
          << "environment " << bad;
      ::unsetenv(EnvName(flag).c_str());
    }
    for (const std::string bad : {"nan", "inf", "-inf"}) {
      const auto e = Load({"--config", File(name + " = " + bad + "\n")});
      EXPECT_NE(e.find(name + ": must be a finite number"), std::string::npos) << "file " << bad << ": " << e;
    }
    for (const std::string bad : {"0", "-1", "-0.5", "1000001", "1e300"}) {
      const auto e = Load({"--" + flag, bad});
      EXPECT_EQ(e.rfind(name + ": must be", 0), 0u) << flag << "=" << bad << ": " << e;
    }
  }
  EXPECT_NE(Load({"--handshake-burst-per-address", "0.5"}).find("handshake_burst_per_address: must be 1.."),
            std::string::npos);
}

TEST_F(RelayConfigTest, TheDiskReserveIsBounded) {
  EXPECT_EQ(Load({}), "");
  EXPECT_EQ(config_.disk_reserve_mib, kDefaultDiskReserveMib);
  EXPECT_EQ(Load({"--disk-reserve-mib", "0"}), "") << "0: no reserve";
  EXPECT_EQ(Load({"--disk-reserve-mib", std::to_string(kMaxDiskReserveMib)}), "");
  EXPECT_EQ(Load({"--disk-reserve-mib", std::to_string(kMaxDiskReserveMib + 1)})
                .rfind("disk_reserve_mib: must be 0..", 0),
            0u);
  EXPECT_NE(Load({"--disk-reserve-mib", "-1"}), "");
}

TEST_F(RelayConfigTest, TheDataDirLockAdmitsOneHolder) {
  std::optional<DataDirLock> first(std::in_place);
  ASSERT_EQ(first->Acquire(dir_), "");
  std::ifstream pid_file(dir_ / kLockFileName);
  std::string pid;
  pid_file >> pid;
  EXPECT_EQ(pid, std::to_string(::getpid()));
  {
    // flock locks belong to the open file, so a second open in this process conflicts too.
    DataDirLock second;
    const auto e = second.Acquire(dir_);
    EXPECT_NE(e.find("data_dir " + dir_.string() + " is in use"), std::string::npos) << e;
    EXPECT_NE(e.find("another securecomm-relay (pid " + pid + ")"), std::string::npos) << e;
  }
  first.reset();  // released (as by the kernel when a relay exits): the next one takes it
  DataDirLock third;
  EXPECT_EQ(third.Acquire(dir_), "");
  EXPECT_NE(DataDirLock().Acquire(dir_ / "missing"), "") << "a directory that does not exist";
}

}  // namespace
}  // namespace sc::relay_app
