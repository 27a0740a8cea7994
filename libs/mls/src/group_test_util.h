// group_test_util.h (tests only): a client for group tests: its signature key, KeyPackage with
// init and leaf keys, and the calls that create or join a group with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/mls/group.h"

namespace sc::mls::testing {

inline constexpr uint64_t kNow = 1'800'000'000;  // the injected clock of the group tests

struct Client {
  crypto::Ed25519KeyPair signer;
  crypto::X25519KeyPair init_key;
  crypto::X25519KeyPair leaf_key;
  KeyPackage key_package;

  Client(Random& rng, const std::string& name, uint16_t suite, uint64_t not_after = UINT64_MAX)
      : signer(crypto::Ed25519KeyPair::Generate(rng)),
        init_key(crypto::X25519KeyPair::Generate(rng)),
        leaf_key(crypto::X25519KeyPair::Generate(rng)) {
    key_package.cipher_suite = suite;
    key_package.init_key = FromX25519(init_key.public_key);
    LeafNode& leaf = key_package.leaf_node;
    leaf.encryption_key = FromX25519(leaf_key.public_key);
    leaf.signature_key = FromEd25519(signer.public_key());
    leaf.credential = Credential::Basic(std::vector<uint8_t>(name.begin(), name.end()));
    leaf.capabilities.versions = {kProtocolVersionMls10};
    leaf.capabilities.cipher_suites = {suite};
    leaf.capabilities.credentials = {1};
    leaf.lifetime = {0, not_after};
    EXPECT_TRUE(leaf.Sign(signer, {}, LeafIndex{}));
    EXPECT_TRUE(key_package.Sign(signer));
  }

  MemberKeys Keys() const { return MemberKeys{signer.Clone(), leaf_key.Clone()}; }

  std::optional<Group> Create(Random& rng, std::vector<uint8_t> group_id) const {
    auto suite = CipherSuite::Find(key_package.cipher_suite);
    if (!suite) return std::nullopt;
    auto g = Group::Create(**suite, std::move(group_id), key_package.leaf_node, Keys(), {}, rng);
    EXPECT_TRUE(g) << g.error().name();
    if (!g) return std::nullopt;
    return std::move(*g);
  }

  std::optional<Group> Join(const MlsMessage& welcome) const {
    auto w = DecodeExact<Welcome>(welcome.body);
    EXPECT_TRUE(w);
    if (!w) return std::nullopt;
    auto g = Group::Join(*w, key_package, init_key, Keys(), nullptr, nullptr);
    EXPECT_TRUE(g) << g.error().name();
    if (!g) return std::nullopt;
    return std::move(*g);
  }
};

}  // namespace sc::mls::testing

namespace sc::mls::internal {

// GroupTestAccess signs and protects a hand-made Commit as `g`'s member would, with a given
// confirmation tag: what a malicious or buggy committer could send, for the receiver's checks.
struct GroupTestAccess {
  static Result<MlsMessage> SendCommit(Group& g, struct Commit commit,
                                       std::vector<uint8_t> confirmation_tag) {
    FramedContent content = g.Header();
    content.content_type = ContentType::kCommit;
    content.commit = std::move(commit);
    auto ac = SignContent(WireFormat::kPublicMessage, std::move(content), g.encoded_ctx_, g.keys_.signer);
    if (!ac) return Fail(ac.error());
    ac->auth.confirmation_tag = std::move(confirmation_tag);
    auto pub = ProtectPublic(*ac, g.Epoch());
    if (!pub) return Fail(pub.error());
    MlsMessage m;
    m.wire_format = WireFormat::kPublicMessage;
    m.public_message = std::move(*pub);
    return m;
  }
};

}  // namespace sc::mls::internal
