// The real relay on a really full disk (issue #11): its data directory on a small tmpfs that the
// test fills. The relay refuses sends with STORAGE_FAILURE and a retry hint, releases its
// reserve so that acks still commit, shows securecomm_relay_disk_full 1, and once space is freed
// recreates the reserve and serves sends again by itself. Mounting needs root or a user
// namespace: the test is skipped where neither is allowed (the unit tests in
// libs/relay/src/disk_full_test.cc cover the same rules through a page quota).
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "relay_test_util.h"

namespace sc::testing {
namespace {

namespace fs = std::filesystem;

class RelayDiskFullTest : public RelayFixture {
 protected:
  // StartOnSmallDisk starts the relay with its data directory on a tmpfs of `bytes` and a reserve
  // of `reserve_mib`; false (and the test skips) if no tmpfs can be mounted here.
  bool StartOnSmallDisk(uint64_t bytes, uint32_t reserve_mib) {
    relay_ = std::make_unique<RelayProcess>(
        SC_RELAY_BIN, std::vector<std::string>{"--disk-reserve-mib", std::to_string(reserve_mib)});
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    mounted_ =
        ::mount("tmpfs", relay_->data_dir().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    if (!mounted_) return false;
    EXPECT_TRUE(relay_->Start()) << relay_->log();
    return true;
  }
  void TearDown() override {
    RelayFixture::TearDown();
    if (mounted_) ::umount2(relay_->data_dir().c_str(), MNT_DETACH);
    relay_.reset();
  }

  // FillDisk writes a file until the filesystem is full.
  void FillDisk() {
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    std::vector<char> block(16 * 1024, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  fs::path filler() const { return relay_->data_dir() / "filler"; }

  // DiskFullGauge reads securecomm_relay_disk_full from /metrics: 0, 1, or -1 if absent.
  int DiskFullGauge() {
    const std::string metrics = HttpGet(relay_->http_port(), "/metrics");
    const std::string name = "\nsecurecomm_relay_disk_full ";
    const size_t at = metrics.find(name);
    if (at == std::string::npos) return -1;
    return metrics[at + name.size()] == '1' ? 1 : 0;
  }

  // Send sends one envelope of `bytes` to `to`; returns OK or the refusal with its retry hint.
  Refusal Send(RelayClient& from, const client::LoginInfo& to, size_t bytes) {
    auto r = Call(from, SendTo(to, std::string(bytes, 'm')));
    return Refusal{r.error(), r.retry_after_ms()};
  }

  bool mounted_ = false;
};

TEST_F(RelayDiskFullTest, AcksWorkWhileFullAndTheRelayRecoversWhenSpaceIsFreed) {
  if (!StartOnSmallDisk(16 << 20, 2))
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root or a user namespace)";
  const fs::path reserve = relay_->data_dir() / "relay.reserve";
  EXPECT_TRUE(fs::exists(reserve));
  EXPECT_EQ(DiskFullGauge(), 0);
  auto alice = NewUser("alice");
  auto bob = NewUser("bob");
  constexpr int kQueued = 20;
  for (int i = 0; i < kQueued; ++i) ASSERT_EQ(Send(*alice.client, bob.info, 30000).code, pb::OK);
  std::vector<uint64_t> ids;
  while (ids.size() < static_cast<size_t>(kQueued)) {
    auto push = NextPush(*bob.client);
    ASSERT_TRUE(push);
    if (push->has_delivery()) ids.push_back(push->delivery().message_id());
  }

  ASSERT_NO_FATAL_FAILURE(FillDisk());
  // The first send that finds no room fails; the relay releases its reserve and refuses sends.
  Refusal first;
  for (int i = 0; i < 50 && first.code == pb::OK; ++i) first = Send(*alice.client, bob.info, 30000);
  EXPECT_EQ(first.code, pb::STORAGE_FAILURE);
  EXPECT_FALSE(fs::exists(reserve)) << "the reserve was released";
  EXPECT_EQ(DiskFullGauge(), 1);
  const Refusal refused = Send(*alice.client, bob.info, 100);
  EXPECT_EQ(refused.code, pb::STORAGE_FAILURE);
  EXPECT_EQ(refused.retry_after_ms, 30000u);
  auto carol = Connect();
  EXPECT_EQ(Register(*carol, "carol", "pw pw pw pw"), pb::STORAGE_FAILURE);

  // Acks commit on the reserve's space and shrink the queue; a device can still log in.
  auto acked = Call(*bob.client, AckOf(ids));
  EXPECT_EQ(acked.error(), pb::OK);
  EXPECT_EQ(acked.ack().removed(), static_cast<uint32_t>(kQueued));
  auto bob_again = Connect(bob.key);
  EXPECT_NE(Login(*bob_again, "bob", "correct horse battery staple").device_id, 0u);

  // Still full: the mode stays however long one waits.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  EXPECT_EQ(DiskFullGauge(), 1);
  EXPECT_EQ(Send(*alice.client, bob.info, 100).code, pb::STORAGE_FAILURE);

  // The operator frees space: within a few checks the relay leaves the mode by itself.
  fs::remove(filler());
  for (int i = 0; i < 150 && DiskFullGauge() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(DiskFullGauge(), 0);
  EXPECT_TRUE(fs::exists(reserve)) << "the reserve was recreated";
  EXPECT_EQ(Send(*alice.client, bob.info, 30000).code, pb::OK);
  EXPECT_EQ(Register(*carol, "carol", "pw pw pw pw"), pb::OK);
}

}  // namespace
}  // namespace sc::testing
