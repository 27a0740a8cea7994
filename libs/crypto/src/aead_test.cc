// Tests for Aead over every AeadAlgorithm: round trips, in-place use, size checks, and that a
// failed Open never releases plaintext. Known-answer vectors run in tests/vectors (Wycheproof).
// crypto::Errc's names and domain are checked here too.
#include "securecomm/crypto/aead.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/error.h"
#include "securecomm/base/random.h"
#include "securecomm/crypto/errors.h"
#include "securecomm/crypto/limits.h"

namespace sc::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes RandomBytes(size_t n, uint64_t seed) {
  DeterministicRandom rng(seed);
  Bytes out(n);
  rng.Fill(out);
  return out;
}

bool AllZero(std::span<const uint8_t> b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

constexpr AeadAlgorithm kAllAlgorithms[] = {
    AeadAlgorithm::kAes128Gcm,        AeadAlgorithm::kAes192Gcm,         AeadAlgorithm::kAes256Gcm,
    AeadAlgorithm::kChaCha20Poly1305, AeadAlgorithm::kXChaCha20Poly1305,
};

class AeadTest : public ::testing::TestWithParam<AeadAlgorithm> {
 protected:
  AeadAlgorithm Alg() const { return GetParam(); }
  Bytes Key(uint64_t seed = 1) const { return RandomBytes(AeadKeySize(Alg()), seed); }
  Bytes Nonce(uint64_t seed = 2) const { return RandomBytes(AeadNonceSize(Alg()), seed); }

  Aead MakeAead(uint64_t seed = 1) const {
    auto aead = Aead::Create(Alg(), Key(seed));
    EXPECT_TRUE(aead.has_value());
    return std::move(aead).value();
  }

  const Bytes aad_ = {'h', 'e', 'a', 'd', 'e', 'r'};
};

TEST_P(AeadTest, RoundTripsWithAndWithoutAad) {
  Aead aead = MakeAead();
  EXPECT_EQ(aead.algorithm(), Alg());
  const Bytes nonce = Nonce();
  for (size_t size : {size_t{0}, size_t{1000}}) {
    for (const Bytes& aad : {Bytes{}, aad_}) {
      const Bytes pt = RandomBytes(size, 3);
      Bytes ct(size + kAeadTagSize, 0);
      Bytes back(size, 0xee);
      EXPECT_NO_THROW({
        ASSERT_TRUE(aead.Seal(nonce, aad, pt, ct).has_value());
        ASSERT_TRUE(aead.Open(nonce, aad, ct, back).has_value());
      });
      EXPECT_EQ(back, pt) << size << " " << aad.size();
      if (size > 0) {
        EXPECT_NE(Bytes(ct.begin(), ct.begin() + static_cast<std::ptrdiff_t>(size)), pt);
      }
      EXPECT_FALSE(AllZero(std::span(ct).last(kAeadTagSize)));
    }
  }
}

TEST_P(AeadTest, AllocatingOverloadsRoundTrip) {
  Aead aead = MakeAead();
  const Bytes nonce = Nonce();
  for (size_t size : {size_t{0}, size_t{1000}}) {
    const Bytes pt = RandomBytes(size, 4);
    Result<Bytes> ct = Bytes{};
    EXPECT_NO_THROW(ct = aead.Seal(nonce, aad_, pt));
    ASSERT_TRUE(ct.has_value());
    ASSERT_EQ(ct->size(), size + kAeadTagSize);

    // Same bytes as the buffer overload.
    Bytes ct2(size + kAeadTagSize);
    ASSERT_TRUE(aead.Seal(nonce, aad_, pt, ct2).has_value());
    EXPECT_EQ(*ct, ct2);

    Result<SecretBytes> back = SecretBytes();
    EXPECT_NO_THROW(back = aead.Open(nonce, aad_, *ct));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(Bytes(back->Expose().begin(), back->Expose().end()), pt);

    Bytes tampered = *ct;
    tampered.back() ^= 0x01;
    auto failed = aead.Open(nonce, aad_, tampered);
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error(), Errc::kAuthFailed);
  }
}

TEST_P(AeadTest, SealsAndOpensInPlace) {
  Aead aead = MakeAead();
  const Bytes nonce = Nonce();
  const Bytes pt = RandomBytes(1000, 5);
  Bytes expected(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(nonce, aad_, pt, expected).has_value());

  Bytes buf = pt;
  buf.resize(pt.size() + kAeadTagSize);
  const std::span<uint8_t> all(buf);
  ASSERT_TRUE(aead.Seal(nonce, aad_, all.first(pt.size()), all).has_value());
  EXPECT_EQ(buf, expected);
  ASSERT_TRUE(aead.Open(nonce, aad_, all, all.first(pt.size())).has_value());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(pt.size())), pt);

  // In place with `out` covering the whole buffer (longer than the plaintext) works too.
  buf = expected;
  ASSERT_TRUE(aead.Open(nonce, aad_, all, all).has_value());
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(pt.size())), pt);
}

TEST_P(AeadTest, RejectsWrongKeySize) {
  const size_t size = AeadKeySize(Alg());
  for (size_t bad : {size_t{0}, size - 1, size + 1}) {
    auto aead = Aead::Create(Alg(), Bytes(bad, 0x11));
    ASSERT_FALSE(aead.has_value()) << bad;
    EXPECT_EQ(aead.error(), Errc::kInvalidKeySize) << bad;
  }
}

TEST_P(AeadTest, RejectsWrongNonceSize) {
  std::vector<size_t> bad_sizes;
  switch (Alg()) {
    case AeadAlgorithm::kChaCha20Poly1305:
      bad_sizes = {8, 0, 24};
      break;
    case AeadAlgorithm::kXChaCha20Poly1305:
      bad_sizes = {12, 0, 8};
      break;
    default:
      bad_sizes = {0, kMaxGcmNonce + 1};
      break;
  }
  Aead aead = MakeAead();
  const Bytes pt = RandomBytes(32, 6);
  Bytes ct(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(Nonce(), aad_, pt, ct).has_value());
  for (size_t n : bad_sizes) {
    const Bytes nonce(n, 0x22);
    Bytes out(ct.size(), 0xee);
    auto sealed = aead.Seal(nonce, aad_, pt, out);
    ASSERT_FALSE(sealed.has_value()) << n;
    EXPECT_EQ(sealed.error(), Errc::kInvalidNonceSize) << n;
    EXPECT_TRUE(AllZero(out));

    Bytes opened(pt.size(), 0xee);
    auto status = aead.Open(nonce, aad_, ct, opened);
    ASSERT_FALSE(status.has_value()) << n;
    EXPECT_EQ(status.error(), Errc::kInvalidNonceSize) << n;
    EXPECT_TRUE(AllZero(opened));
  }
}

// GCM takes nonces of 1 to 128 bytes (limits.h); the ChaCha20 family only its fixed length.
class GcmTest : public AeadTest {};

TEST_P(GcmTest, AcceptsOtherNonceLengths) {
  Aead aead = MakeAead();
  const Bytes pt = RandomBytes(100, 7);
  Bytes reference(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(Nonce(), aad_, pt, reference).has_value());
  for (size_t n : {size_t{1}, size_t{16}, kMaxGcmNonce}) {
    Bytes nonce = RandomBytes(n, 8);
    Bytes ct(pt.size() + kAeadTagSize);
    ASSERT_TRUE(aead.Seal(nonce, aad_, pt, ct).has_value()) << n;
    Bytes back(pt.size());
    ASSERT_TRUE(aead.Open(nonce, aad_, ct, back).has_value()) << n;
    EXPECT_EQ(back, pt);
    // Every nonce byte counts, also past the twelfth.
    nonce.back() ^= 0x01;
    Bytes ct2(pt.size() + kAeadTagSize);
    ASSERT_TRUE(aead.Seal(nonce, aad_, pt, ct2).has_value());
    EXPECT_NE(ct, ct2) << n;
  }
  // Back to the standard length: the context forgets the other lengths.
  Bytes again(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(Nonce(), aad_, pt, again).has_value());
  EXPECT_EQ(again, reference);
}

TEST_P(AeadTest, ShortCiphertextIsTruncated) {
  Aead aead = MakeAead();
  for (size_t n : {size_t{0}, size_t{1}, kAeadTagSize - 1}) {
    const Bytes ct(n, 0x33);
    Bytes out(16, 0xee);
    auto status = aead.Open(Nonce(), aad_, ct, out);
    ASSERT_FALSE(status.has_value()) << n;
    EXPECT_EQ(status.error(), Errc::kTruncated) << n;
    EXPECT_TRUE(AllZero(out));
    auto allocating = aead.Open(Nonce(), aad_, ct);
    ASSERT_FALSE(allocating.has_value()) << n;
    EXPECT_EQ(allocating.error(), Errc::kTruncated) << n;
  }
}

TEST_P(AeadTest, AnyFlippedBitFailsAndZeroesOutput) {
  Aead aead = MakeAead();
  const Bytes nonce = Nonce();
  const Bytes pt = RandomBytes(64, 9);
  Bytes ct(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(nonce, aad_, pt, ct).has_value());

  auto expect_auth_failure = [&](const Bytes& n, const Bytes& a, const Bytes& c, const char* what) {
    Bytes out(pt.size(), 0xee);
    Status status = OkStatus();
    EXPECT_NO_THROW(status = aead.Open(n, a, c, out));
    ASSERT_FALSE(status.has_value()) << what;
    EXPECT_EQ(status.error(), Errc::kAuthFailed) << what;
    EXPECT_TRUE(AllZero(out)) << what << ": unauthenticated bytes released";
  };
  Bytes bad_ct = ct;
  bad_ct[10] ^= 0x01;
  expect_auth_failure(nonce, aad_, bad_ct, "ciphertext");
  Bytes bad_tag = ct;
  bad_tag[pt.size() + 5] ^= 0x80;
  expect_auth_failure(nonce, aad_, bad_tag, "tag");
  Bytes bad_aad = aad_;
  bad_aad[0] ^= 0x01;
  expect_auth_failure(nonce, bad_aad, ct, "aad");
  expect_auth_failure(nonce, Bytes{}, ct, "aad removed");
  Bytes bad_nonce = nonce;
  bad_nonce.back() ^= 0x01;
  expect_auth_failure(bad_nonce, aad_, ct, "nonce");

  auto other_key = Aead::Create(Alg(), Key(99));
  ASSERT_TRUE(other_key.has_value());
  Bytes out(pt.size(), 0xee);
  auto wrong_key = other_key->Open(nonce, aad_, ct, out);
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error(), Errc::kAuthFailed);
  EXPECT_TRUE(AllZero(out));

  // After failures the context still opens a good message.
  Bytes back(pt.size());
  ASSERT_TRUE(aead.Open(nonce, aad_, ct, back).has_value());
  EXPECT_EQ(back, pt);
}

TEST_P(AeadTest, RejectsTooSmallOutput) {
  Aead aead = MakeAead();
  const Bytes nonce = Nonce();
  const Bytes pt = RandomBytes(40, 10);
  Bytes small(pt.size() + kAeadTagSize - 1, 0xee);
  auto sealed = aead.Seal(nonce, aad_, pt, small);
  ASSERT_FALSE(sealed.has_value());
  EXPECT_EQ(sealed.error(), Errc::kBufferTooSmall);
  EXPECT_TRUE(AllZero(small));

  Bytes ct(pt.size() + kAeadTagSize);
  ASSERT_TRUE(aead.Seal(nonce, aad_, pt, ct).has_value());
  Bytes small_pt(pt.size() - 1, 0xee);
  auto opened = aead.Open(nonce, aad_, ct, small_pt);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error(), Errc::kBufferTooSmall);
  EXPECT_TRUE(AllZero(small_pt));
}

TEST_P(AeadTest, NonceAndKeyChangeTheCiphertext) {
  Aead aead = MakeAead();
  Aead other = MakeAead(/*seed=*/50);
  const Bytes pt = RandomBytes(32, 11);
  auto a = aead.Seal(Nonce(2), {}, pt);
  auto b = aead.Seal(Nonce(3), {}, pt);
  auto c = other.Seal(Nonce(2), {}, pt);
  auto again = aead.Seal(Nonce(2), {}, pt);
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value() && again.has_value());
  EXPECT_NE(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ(*a, *again);  // deterministic for the same key and nonce
}

TEST_P(AeadTest, SeparateSenderAndReceiverInteroperate) {
  // A receiver whose first call is Open, as in a session where each side holds one direction.
  Aead sender = MakeAead();
  Aead receiver = MakeAead();
  const Bytes pt = RandomBytes(300, 13);
  auto ct = sender.Seal(Nonce(), aad_, pt);
  ASSERT_TRUE(ct.has_value());
  auto back = receiver.Open(Nonce(), aad_, *ct);
  ASSERT_TRUE(back.has_value()) << back.error().name();
  EXPECT_EQ(Bytes(back->Expose().begin(), back->Expose().end()), pt);
  // And the other way round, after each has used its first direction.
  auto reply = receiver.Seal(Nonce(4), {}, pt);
  ASSERT_TRUE(reply.has_value());
  auto reply_back = sender.Open(Nonce(4), {}, *reply);
  ASSERT_TRUE(reply_back.has_value()) << reply_back.error().name();
  EXPECT_EQ(Bytes(reply_back->Expose().begin(), reply_back->Expose().end()), pt);
}

TEST_P(AeadTest, MovedAeadKeepsItsKey) {
  Aead aead = MakeAead();
  const Bytes pt = RandomBytes(20, 12);
  auto ct = aead.Seal(Nonce(), aad_, pt);
  ASSERT_TRUE(ct.has_value());
  Aead moved(std::move(aead));
  auto back = moved.Open(Nonce(), aad_, *ct);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(Bytes(back->Expose().begin(), back->Expose().end()), pt);
  Aead assigned = MakeAead(/*seed=*/77);
  assigned = std::move(moved);
  EXPECT_EQ(assigned.algorithm(), Alg());
  EXPECT_TRUE(assigned.Open(Nonce(), aad_, *ct).has_value());
}

std::string ParamName(const ::testing::TestParamInfo<AeadAlgorithm>& param_info) {
  std::string name(AeadName(param_info.param));
  std::erase(name, '-');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, AeadTest, ::testing::ValuesIn(kAllAlgorithms), ParamName);
INSTANTIATE_TEST_SUITE_P(GcmAlgorithms, GcmTest,
                         ::testing::Values(AeadAlgorithm::kAes128Gcm, AeadAlgorithm::kAes192Gcm,
                                           AeadAlgorithm::kAes256Gcm),
                         ParamName);

TEST(AeadInfoTest, SizesAndNames) {
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAes128Gcm), 16u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAes192Gcm), 24u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAes256Gcm), 32u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kChaCha20Poly1305), 32u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kXChaCha20Poly1305), 32u);
  EXPECT_EQ(AeadNonceSize(AeadAlgorithm::kAes256Gcm), 12u);
  EXPECT_EQ(AeadNonceSize(AeadAlgorithm::kChaCha20Poly1305), 12u);
  EXPECT_EQ(AeadNonceSize(AeadAlgorithm::kXChaCha20Poly1305), 24u);
  EXPECT_EQ(AeadName(AeadAlgorithm::kAes128Gcm), "AES-128-GCM");
  EXPECT_EQ(AeadName(AeadAlgorithm::kXChaCha20Poly1305), "XChaCha20-Poly1305");
}

TEST(CryptoErrcTest, NamesAndDomain) {
  EXPECT_EQ(Error(Errc::kInvalidKeySize).name(), "kInvalidKeySize");
  EXPECT_EQ(Error(Errc::kAuthFailed).name(), "kAuthFailed");
  EXPECT_EQ(Error(Errc::kBadSignature).name(), "kBadSignature");
  EXPECT_EQ(Error(Errc::kWeakKey).name(), "kWeakKey");
  EXPECT_EQ(Error(Errc::kOutputTooLarge).name(), "kOutputTooLarge");
  EXPECT_EQ(Error(Errc::kTruncated).name(), "kTruncated");
  EXPECT_EQ(ErrcName(static_cast<Errc>(999)), "kUnknown");
  EXPECT_EQ(Error(Errc::kAuthFailed).domain(), ErrorDomain::kCrypto);
}

TEST(CryptoErrcTest, SeparateFromBaseErrc) {
  // crypto::Errc::kInvalidKeySize and base::Errc::kTruncated are both code 1.
  const Error crypto_error = Errc::kInvalidKeySize;
  const Error base_error = sc::Errc::kTruncated;
  ASSERT_EQ(crypto_error.code(), base_error.code());
  EXPECT_FALSE(crypto_error == base_error);
  EXPECT_FALSE(crypto_error == sc::Errc::kTruncated);
  EXPECT_FALSE(base_error == Errc::kInvalidKeySize);
  EXPECT_TRUE(crypto_error == Errc::kInvalidKeySize);
  // Both layers have a kTruncated and a kBufferTooSmall; they stay distinct.
  EXPECT_FALSE(Error(Errc::kTruncated) == sc::Errc::kTruncated);
  EXPECT_FALSE(Error(Errc::kBufferTooSmall) == sc::Errc::kBufferTooSmall);
  EXPECT_EQ(Error(Errc::kTruncated).name(), Error(sc::Errc::kTruncated).name());
}

}  // namespace
}  // namespace sc::crypto
