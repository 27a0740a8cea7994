// Tests for SecretArray, SecretBytes and ZeroizingAllocator: no copy, no print, wipes observed.
//
// The same static checks for the crypto key types (X25519PrivateKey, Ed25519Seed) live in
// libs/crypto/src/x25519_test.cc and ed25519_test.cc, since base_test does not link sc::crypto.
#include "securecomm/base/secret.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <ostream>
#include <span>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace sc {
namespace {

template <typename T>
concept Streamable = requires(std::ostream& o, const T& t) {
  o << t;
};

template <typename T>
constexpr bool kIsSecretType =
    !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
    std::is_nothrow_move_constructible_v<T> && !Streamable<T> && !fmt::is_formattable<T>::value;

// The probes themselves work: a printable, copyable type passes each of them.
static_assert(Streamable<int> && fmt::is_formattable<int>::value);
static_assert(!kIsSecretType<std::vector<uint8_t>>);

static_assert(!std::is_copy_constructible_v<SecretArray<32>>);
static_assert(!std::is_copy_assignable_v<SecretArray<32>>);
static_assert(std::is_nothrow_move_constructible_v<SecretArray<32>>);
static_assert(std::is_nothrow_move_assignable_v<SecretArray<32>>);
static_assert(!Streamable<SecretArray<32>>);
static_assert(!fmt::is_formattable<SecretArray<32>>::value);

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(std::is_nothrow_move_assignable_v<SecretBytes>);
static_assert(!Streamable<SecretBytes>);
static_assert(!fmt::is_formattable<SecretBytes>::value);

static_assert(kIsSecretType<SecretArray<1>> && kIsSecretType<SecretArray<64>>);

bool AllZero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

bool AllEqual(std::span<const uint8_t> bytes, uint8_t value) {
  return std::all_of(bytes.begin(), bytes.end(), [value](uint8_t b) { return b == value; });
}

TEST(SecretArrayTest, DestructorWipesStorage) {
  alignas(SecretArray<32>) unsigned char storage[sizeof(SecretArray<32>)];
  auto* secret = new (storage) SecretArray<32>();
  std::fill(secret->MutableExpose().begin(), secret->MutableExpose().end(), uint8_t{0xa5});
  ASSERT_TRUE(AllEqual(std::span<const uint8_t>(storage, sizeof(storage)), 0xa5));
  secret->~SecretArray();
  EXPECT_TRUE(AllZero(std::span<const uint8_t>(storage, sizeof(storage))));
}

TEST(SecretArrayTest, MoveLeavesSourceZeroed) {
  SecretArray<32> a;
  std::fill(a.MutableExpose().begin(), a.MutableExpose().end(), uint8_t{0x5a});
  SecretArray<32> b(std::move(a));
  EXPECT_TRUE(AllEqual(b.Expose(), 0x5a));
  EXPECT_TRUE(AllZero(a.Expose()));  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)

  SecretArray<32> c;
  c = std::move(b);
  EXPECT_TRUE(AllEqual(c.Expose(), 0x5a));
  EXPECT_TRUE(AllZero(b.Expose()));  // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)

  auto* alias = &c;
  c = std::move(*alias);  // self-move keeps the bytes
  EXPECT_TRUE(AllEqual(c.Expose(), 0x5a));
}

TEST(SecretArrayTest, StartsZeroCopiesExplicitlyAndComparesContents) {
  SecretArray<16> zero;
  EXPECT_TRUE(AllZero(zero.Expose()));
  EXPECT_EQ(SecretArray<16>::size(), 16u);

  std::array<uint8_t, 16> raw{};
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = static_cast<uint8_t>(i + 1);
  }
  SecretArray<16> a = SecretArray<16>::FromSpan(raw);
  EXPECT_TRUE(std::equal(raw.begin(), raw.end(), a.Expose().begin()));
  SecretArray<16> b = a.Clone();
  EXPECT_TRUE(a == b);
  b.MutableExpose()[15] ^= 0x01;  // a change in the last byte is seen
  EXPECT_FALSE(a == b);
  EXPECT_EQ(a.Expose()[15], 16);  // the clone is independent
  EXPECT_FALSE(a == zero);
}

TEST(SecretBytesTest, HoldsComparesAndMoves) {
  const std::vector<uint8_t> raw = {1, 2, 3, 4, 5};
  SecretBytes a(raw);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_TRUE(std::equal(raw.begin(), raw.end(), a.Expose().begin()));
  SecretBytes b = a.Clone();
  EXPECT_TRUE(a == b);
  b.MutableExpose()[0] = 9;
  EXPECT_FALSE(a == b);

  SecretBytes shorter{std::span(raw).first(4)};
  EXPECT_FALSE(a == shorter);  // a prefix is not equal

  SecretBytes zeros(3);
  EXPECT_TRUE(AllZero(zeros.Expose()));
  zeros.Resize(6);
  EXPECT_EQ(zeros.size(), 6u);
  EXPECT_TRUE(AllZero(zeros.Expose()));

  SecretBytes moved(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.size(), 5u);
  b = std::move(moved);
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(std::equal(raw.begin(), raw.end(), b.Expose().begin()));
}

// RecordingAllocator: a std::allocator-like allocator that, before freeing a block, records
// whether every byte of it is zero. Used as the Base of ZeroizingAllocator to observe its wipes.
struct AllocationLog {
  size_t deallocations = 0;
  size_t dirty_blocks = 0;  // blocks that reached deallocate() with a nonzero byte
};

AllocationLog& Log() {
  static AllocationLog log;
  return log;
}

template <typename T>
class RecordingAllocator {
 public:
  using value_type = T;
  template <typename U>
  struct rebind {  // NOLINT(readability-identifier-naming)
    using other = RecordingAllocator<U>;
  };

  RecordingAllocator() noexcept = default;
  template <typename U>
  RecordingAllocator(const RecordingAllocator<U>&) noexcept {}  // NOLINT: allocator rebind

  // NOLINTNEXTLINE(readability-identifier-naming): the allocator interface names these.
  T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
  // NOLINTNEXTLINE(readability-identifier-naming)
  void deallocate(T* p, size_t n) noexcept {
    // The freed block's object representation: was it wiped? (unsigned char may alias any object.)
    const auto* bytes = reinterpret_cast<const unsigned char*>(p);
    const bool clean = std::all_of(bytes, bytes + n * sizeof(T), [](unsigned char b) { return b == 0; });
    ++Log().deallocations;
    if (!clean) {
      ++Log().dirty_blocks;
    }
    std::allocator<T>().deallocate(p, n);
  }
  friend bool operator==(const RecordingAllocator&, const RecordingAllocator&) noexcept { return true; }
};

using RecordedSecretBytes = BasicSecretBytes<ZeroizingAllocator<uint8_t, RecordingAllocator<uint8_t>>>;

TEST(ZeroizingAllocatorTest, RecorderSeesUnwipedBlocks) {
  // Without ZeroizingAllocator the recorder reports dirty blocks: the check below can fail.
  Log() = {};
  { std::vector<uint8_t, RecordingAllocator<uint8_t>> plain(64, 0xee); }
  EXPECT_EQ(Log().deallocations, 1u);
  EXPECT_EQ(Log().dirty_blocks, 1u);
}

TEST(ZeroizingAllocatorTest, EveryFreedBlockIsWiped) {
  Log() = {};
  const std::array<uint8_t, 7> chunk = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7};
  size_t after_appends = 0;
  {
    RecordedSecretBytes s;
    for (int i = 0; i < 64; ++i) {
      s.Append(chunk);  // capacity 7, 14, 28, ..., 448: six reallocations
    }
    ASSERT_EQ(s.size(), 64u * chunk.size());
    EXPECT_EQ(s.Expose()[447], 0xa7);
    after_appends = Log().deallocations;
    EXPECT_GE(after_appends, 6u);

    s.Resize(4 * s.size());  // grows past the capacity: one more reallocation
    EXPECT_GT(Log().deallocations, after_appends);
    EXPECT_EQ(s.Expose()[447], 0xa7);
    EXPECT_EQ(s.Expose()[448], 0);
  }
  EXPECT_GE(Log().deallocations, after_appends + 2);  // the Resize and the destructor
  EXPECT_EQ(Log().dirty_blocks, 0u);
}

TEST(ZeroizingAllocatorTest, MoveAssignmentWipesTheOverwrittenBlock) {
  Log() = {};
  const std::array<uint8_t, 4> bytes = {0xde, 0xad, 0xbe, 0xef};
  {
    RecordedSecretBytes a(bytes);
    RecordedSecretBytes b(bytes);
    a = std::move(b);  // a's old block is freed here
    EXPECT_EQ(Log().deallocations, 1u);
  }
  EXPECT_EQ(Log().deallocations, 2u);
  EXPECT_EQ(Log().dirty_blocks, 0u);
}

TEST(SecureWipeTest, ZeroesExactlyTheGivenBytes) {
  std::array<uint8_t, 8> buf{};
  buf.fill(0xff);
  SecureWipe(std::span(buf).subspan(2, 4));
  EXPECT_EQ(buf, (std::array<uint8_t, 8>{0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff}));
  SecureWipe(buf.data(), buf.size());
  EXPECT_TRUE(AllZero(buf));
  SecureWipe(nullptr, 0);  // no-op
  SecureWipe(std::span<uint8_t>{});
}

TEST(ConstantTimeEqualTest, ComparesLengthAndContents) {
  const std::vector<uint8_t> abc = {1, 2, 3};
  const std::vector<uint8_t> abc2 = {1, 2, 3};
  const std::vector<uint8_t> abd = {1, 2, 4};
  const std::vector<uint8_t> xbc = {9, 2, 3};
  const std::vector<uint8_t> ab = {1, 2};
  const std::vector<uint8_t> empty;
  EXPECT_TRUE(ConstantTimeEqual(abc, abc2));
  EXPECT_FALSE(ConstantTimeEqual(abc, abd));
  EXPECT_FALSE(ConstantTimeEqual(abc, xbc));
  EXPECT_FALSE(ConstantTimeEqual(abc, ab));
  EXPECT_FALSE(ConstantTimeEqual(ab, abc));
  EXPECT_TRUE(ConstantTimeEqual(empty, empty));
  EXPECT_FALSE(ConstantTimeEqual(empty, abc));
}

}  // namespace
}  // namespace sc
