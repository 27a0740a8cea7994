// ReserveFile (disk_reserve.h): allocated for real, released, and recreated only when the
// filesystem has room for it twice over. On a real full filesystem (a small tmpfs, when this
// process may mount one: root or a user namespace; skipped otherwise) the reserve is what gives
// space back.
#include "disk_reserve.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sc::relay_app {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = uint64_t{1} << 20;

uint64_t AllocatedBytes(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

class ReserveFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sc_disk_reserve_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // MountSmallFilesystem puts a tmpfs of `bytes` on dir_; false if this process may not.
  bool MountSmallFilesystem(uint64_t bytes) {
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    return mounted_;
  }
  fs::path dir_;
  bool mounted_ = false;
};

TEST_F(ReserveFileTest, CreateAllocatesReleaseFreesRestoreRecreates) {
  ReserveFile reserve(dir_ / kReserveFileName, kMiB);
  EXPECT_FALSE(reserve.held());
  ASSERT_EQ(reserve.Create(), "");
  EXPECT_TRUE(reserve.held());
  EXPECT_EQ(fs::file_size(reserve.path()), kMiB);
  EXPECT_GE(AllocatedBytes(reserve.path()), kMiB) << "blocks really allocated, not a sparse file";
  EXPECT_EQ(fs::status(reserve.path()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_EQ(reserve.Create(), "") << "an existing reserve is kept";
  EXPECT_TRUE(reserve.Restore()) << "held: nothing to do";

  reserve.Release();
  EXPECT_FALSE(reserve.held());
  EXPECT_FALSE(fs::exists(reserve.path()));
  reserve.Release();  // idempotent
  EXPECT_TRUE(reserve.Restore()) << "this filesystem has 2 MiB free";
  EXPECT_TRUE(fs::exists(reserve.path()));
}

TEST_F(ReserveFileTest, ALargerFileLeftByAnEarlierSettingIsCut) {
  ReserveFile big(dir_ / kReserveFileName, 2 * kMiB);
  ASSERT_EQ(big.Create(), "");
  ReserveFile small(dir_ / kReserveFileName, kMiB);
  ASSERT_EQ(small.Create(), "");
  EXPECT_EQ(fs::file_size(small.path()), kMiB);
}

TEST_F(ReserveFileTest, RestoreWaitsForTwiceTheReserveFree) {
  const uint64_t half_the_free_space = ReserveFile::FreeBytes(dir_) / 2 + kMiB;
  ReserveFile reserve(dir_ / kReserveFileName, half_the_free_space);
  EXPECT_FALSE(reserve.Restore()) << "the free space is less than twice the reserve";
  EXPECT_FALSE(fs::exists(reserve.path()));
}

TEST_F(ReserveFileTest, OnAFullFilesystemTheReserveIsWhatGivesSpaceBack) {
  if (!MountSmallFilesystem(4 * kMiB))
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root or a user namespace)";
  ReserveFile reserve(dir_ / kReserveFileName, kMiB);
  ASSERT_EQ(reserve.Create(), "");
  // Fill the filesystem.
  const fs::path filler = dir_ / "filler";
  const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  std::vector<char> block(64 * 1024, 'x');
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  ::close(fd);
  EXPECT_LT(ReserveFile::FreeBytes(dir_), 64 * 1024u);
  ReserveFile another(dir_ / "another.reserve", kMiB);
  EXPECT_NE(another.Create().find("No space left"), std::string::npos) << "a full disk is said";
  EXPECT_FALSE(fs::exists(another.path())) << "a failed Create leaves no file";

  reserve.Release();
  EXPECT_GE(ReserveFile::FreeBytes(dir_), kMiB - 64 * 1024) << "the reserve's space is free again";
  EXPECT_FALSE(reserve.Restore()) << "only the reserve's own space is free";
  fs::resize_file(filler, 0);  // the operator frees space
  EXPECT_TRUE(reserve.Restore());
  EXPECT_GE(AllocatedBytes(reserve.path()), kMiB);
}

}  // namespace
}  // namespace sc::relay_app
