// group_test.cc: the group state machine (group.h): create, add by Welcome, commit with and
// without a path, updates, removes, application messages; each refusal of a Commit by its code
// with the group left in its epoch; the acceptance hook; old, future and removed senders.
#include "securecomm/mls/group.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/mls/errors.h"

#include "group_test_util.h"

namespace sc::mls {
namespace {

using testing::Client;
using testing::kNow;

std::vector<uint8_t> Bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

struct TwoMembers {
  DeterministicRandom rng{7};
  Client alice_client{rng, "alice", 1};
  Client bob_client{rng, "bob", 1};
  std::optional<Group> alice;
  std::optional<Group> bob;

  TwoMembers() {
    alice = alice_client.Create(rng, Bytes("group"));
    auto out = alice->Commit({{Proposal::Add(bob_client.key_package)}, false}, kNow, rng);
    EXPECT_TRUE(out) << out.error().name();
    EXPECT_TRUE(alice->MergePendingCommit());
    bob = bob_client.Join(*out->welcome);
  }
};

TEST(MlsGroup, CreateAddJoinAgree) {
  TwoMembers g;
  ASSERT_TRUE(g.bob);
  EXPECT_EQ(g.alice->epoch(), 1u);
  EXPECT_EQ(g.bob->epoch(), 1u);
  EXPECT_EQ(g.bob->own_leaf().value, 1u);
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
  EXPECT_EQ(g.alice->Export("x", {}, 16).value().Expose().size(), 16u);
  EXPECT_TRUE(std::ranges::equal(g.alice->Export("x", {}, 16).value().Expose(),
                                 g.bob->Export("x", {}, 16).value().Expose()));
}

TEST(MlsGroup, ApplicationMessagesBothWays) {
  TwoMembers g;
  auto m = g.alice->Protect(Bytes("hello"), Bytes("aad"), g.rng);
  ASSERT_TRUE(m);
  auto in = g.bob->Handle(*m, kNow);
  ASSERT_TRUE(in) << in.error().name();
  EXPECT_EQ(in->content_type, ContentType::kApplication);
  EXPECT_EQ(in->sender.value, 0u);
  EXPECT_TRUE(std::ranges::equal(in->application_data.Expose(), Bytes("hello")));
  EXPECT_EQ(in->authenticated_data, Bytes("aad"));
  EXPECT_EQ(g.bob->Handle(*m, kNow).error(), Errc::kGenerationConsumed);  // replay
  auto back = g.bob->Protect(Bytes("hi"), {}, g.rng);
  ASSERT_TRUE(back);
  EXPECT_TRUE(g.alice->Handle(*back, kNow));
}

TEST(MlsGroup, UpdateProposalCommittedByOtherAndEmptyCommit) {
  TwoMembers g;
  auto update = g.bob->ProposeUpdate(g.rng);
  ASSERT_TRUE(update);
  ASSERT_TRUE(g.alice->Handle(*update, kNow));
  auto out = g.alice->Commit({}, kNow, g.rng);
  ASSERT_TRUE(out) << out.error().name();
  ASSERT_TRUE(g.alice->MergePendingCommit());
  auto in = g.bob->Handle(out->message, kNow);
  ASSERT_TRUE(in) << in.error().name();
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
  // An empty Commit (path required) from Bob.
  auto empty = g.bob->Commit({}, kNow, g.rng);
  ASSERT_TRUE(empty);
  ASSERT_TRUE(g.bob->MergePendingCommit());
  ASSERT_TRUE(g.alice->Handle(empty->message, kNow));
  EXPECT_EQ(g.alice->epoch(), 3u);
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
}

TEST(MlsGroup, RemovedMemberIsOutAndCannotReadLaterEpochs) {
  TwoMembers g;
  Client carol_client(g.rng, "carol", 1);
  auto add = g.alice->Commit({{Proposal::Add(carol_client.key_package)}, true}, kNow, g.rng);
  ASSERT_TRUE(add);
  ASSERT_TRUE(g.alice->MergePendingCommit());
  ASSERT_TRUE(g.bob->Handle(add->message, kNow));
  auto carol = carol_client.Join(*add->welcome);
  ASSERT_TRUE(carol);
  EXPECT_TRUE(carol->epoch_authenticator() == g.bob->epoch_authenticator());

  auto old_epoch_msg = g.bob->Protect(Bytes("old"), {}, g.rng);
  auto remove = g.alice->Commit({{Proposal::Remove(1)}, true}, kNow, g.rng);
  ASSERT_TRUE(remove);
  ASSERT_TRUE(g.alice->MergePendingCommit());
  auto removed = g.bob->Handle(remove->message, kNow);
  ASSERT_TRUE(removed) << removed.error().name();
  EXPECT_TRUE(removed->removed);
  EXPECT_TRUE(g.bob->removed());
  ASSERT_TRUE(carol->Handle(remove->message, kNow));
  EXPECT_TRUE(carol->epoch_authenticator() == g.alice->epoch_authenticator());

  // A later epoch's message: Bob is out (kNotMember) and cannot send either.
  auto later = g.alice->Protect(Bytes("secret"), {}, g.rng);
  ASSERT_TRUE(later);
  EXPECT_EQ(g.bob->Handle(*later, kNow).error(), Errc::kNotMember);
  EXPECT_EQ(g.bob->Protect(Bytes("x"), {}, g.rng).error(), Errc::kNotMember);
  // Bob's message of the epoch before: in the past for the others.
  ASSERT_TRUE(old_epoch_msg);
  EXPECT_EQ(carol->Handle(*old_epoch_msg, kNow).error(), Errc::kEpochInPast);
  // A message from the future: Carol's commit not yet seen by Alice.
  auto next = carol->Commit({}, kNow, g.rng);
  ASSERT_TRUE(next);
  ASSERT_TRUE(carol->MergePendingCommit());
  auto future = carol->Protect(Bytes("future"), {}, g.rng);
  ASSERT_TRUE(future);
  EXPECT_EQ(g.alice->Handle(*future, kNow).error(), Errc::kEpochInFuture);
}

TEST(MlsGroup, AcceptanceHookRefusalKeepsEpoch) {
  TwoMembers g;
  Client carol_client(g.rng, "carol", 1);
  g.bob->SetAcceptanceHook([](const Group&, const CommitSummary& c) -> Status {
    for (const ProposalWithSender& p : c.proposals) {
      if (p.proposal.proposal_type() == ProposalType::kAdd && c.committer.value != 0)
        return Fail(Errc::kInvalidProposal);
    }
    return OkStatus();
  });
  // Alice (leaf 0) may add; make Bob's view refuse when the committer is not leaf 0.
  auto ok = g.alice->Commit({{Proposal::Add(carol_client.key_package)}, false}, kNow, g.rng);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(g.alice->MergePendingCommit());
  ASSERT_TRUE(g.bob->Handle(ok->message, kNow));
  EXPECT_EQ(g.bob->epoch(), 2u);

  g.alice->SetAcceptanceHook([](const Group&, const CommitSummary& c) -> Status {
    return c.committer.value == 0 ? OkStatus() : Status(Fail(Errc::kInvalidProposal));
  });
  const std::vector<uint8_t> before(g.alice->epoch_authenticator().Expose().begin(),
                                    g.alice->epoch_authenticator().Expose().end());
  auto refused = g.bob->Commit({}, kNow, g.rng);
  ASSERT_TRUE(refused);
  EXPECT_EQ(g.alice->Handle(refused->message, kNow).error(), Errc::kCommitRefused);
  EXPECT_EQ(g.alice->epoch(), 2u);
  EXPECT_TRUE(std::ranges::equal(g.alice->epoch_authenticator().Expose(), before));
  // The old epoch still works after the refusal.
  auto m = g.alice->Protect(Bytes("still here"), {}, g.rng);
  ASSERT_TRUE(m);
}

TEST(MlsGroup, CommitRefusalsEachCodeStateUnchanged) {
  TwoMembers g;
  auto expect_refused = [&](CommitOptions opts, Errc want) {
    auto out = g.bob->Commit(std::move(opts), kNow, g.rng);
    if (!out) {
      EXPECT_EQ(out.error(), want);
      return;
    }
    g.bob->ClearPendingCommit();
    const uint64_t epoch = g.alice->epoch();
    EXPECT_EQ(g.alice->Handle(out->message, kNow).error(), want);
    EXPECT_EQ(g.alice->epoch(), epoch);
  };
  // The committer's own checks run first: each is refused at creation too.
  expect_refused({{Proposal::Remove(1)}, true}, Errc::kCommitterRemoved);
  expect_refused({{Proposal::Remove(5)}, true}, Errc::kInvalidProposal);
  expect_refused({{Proposal::Remove(0), Proposal::Remove(0)}, true}, Errc::kDuplicateLeafChange);
  expect_refused({{Proposal::Add(g.bob_client.key_package)}, true}, Errc::kDuplicateAdd);
  expect_refused(
      {{Proposal{GroupContextExtensionsProposal{}}, Proposal{GroupContextExtensionsProposal{}}}, true},
      Errc::kMultipleGroupContextExtensions);
  expect_refused({{Proposal{ReInitProposal{}}, Proposal::Remove(0)}, true}, Errc::kReInitNotAlone);
  expect_refused({{Proposal{ExternalInitProposal{}}}, true}, Errc::kExternalInitFromMember);
  PreSharedKeyId psk;
  psk.psk_id = {1};
  psk.psk_nonce.assign(32, 0);
  expect_refused({{Proposal{PreSharedKeyProposal{psk}}}, true}, Errc::kUnknownPsk);
  Client expired(g.rng, "old", 1, /*not_after=*/kNow - 1);
  expect_refused({{Proposal::Add(expired.key_package)}, true}, Errc::kLifetimeExpired);
  Client other_suite(g.rng, "three", 3);
  expect_refused({{Proposal::Add(other_suite.key_package)}, true}, Errc::kKeyPackageMismatch);

  // A Commit tampered after signing: alice refuses it by the check that catches it.
  auto out = g.bob->Commit({}, kNow, g.rng);
  ASSERT_TRUE(out);
  g.bob->ClearPendingCommit();
  MlsMessage bad = std::move(out->message);
  bad.public_message.auth.confirmation_tag[0] ^= 1;
  EXPECT_EQ(g.alice->Handle(bad, kNow).error(), Errc::kBadMembershipTag);
  EXPECT_EQ(g.alice->epoch(), 1u);
  // Own commit handed back.
  auto own = g.alice->Commit({}, kNow, g.rng);
  ASSERT_TRUE(own);
  EXPECT_EQ(g.alice->Handle(own->message, kNow).error(), Errc::kOwnCommit);
  EXPECT_TRUE(g.alice->MergePendingCommit());
  EXPECT_EQ(g.alice->MergePendingCommit().error(), Errc::kNoPendingCommit);
}

TEST(MlsGroup, UnknownProposalReference) {
  TwoMembers g;
  Client carol_client(g.rng, "carol", 1);
  auto p = g.bob->ProposeAdd(carol_client.key_package, g.rng);
  ASSERT_TRUE(p);
  auto out = g.bob->Commit({}, kNow, g.rng);  // covers its own Add by reference
  ASSERT_TRUE(out);
  EXPECT_EQ(g.alice->Handle(out->message, kNow).error(), Errc::kUnknownProposalRef);
  EXPECT_EQ(g.alice->epoch(), 1u);
  ASSERT_TRUE(g.alice->Handle(*p, kNow));
  auto in = g.alice->Handle(out->message, kNow);
  ASSERT_TRUE(in) << in.error().name();
  ASSERT_TRUE(g.bob->MergePendingCommit());
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
}

// Hand-made Commits from Bob that Group::Commit would refuse to make: Alice refuses each with its
// own code and stays in her epoch; a good Commit still works afterwards.
TEST(MlsGroup, ReceiverRefusesEachInvalidCommit) {
  TwoMembers g;
  Client carol_client(g.rng, "carol", 1);
  auto add = g.alice->Commit({{Proposal::Add(carol_client.key_package)}, false}, kNow, g.rng);
  ASSERT_TRUE(add);
  ASSERT_TRUE(g.alice->MergePendingCommit());
  ASSERT_TRUE(g.bob->Handle(add->message, kNow));
  ASSERT_TRUE(carol_client.Join(*add->welcome));

  const LeafNode bob_leaf = *g.bob->tree().leaf_node(LeafIndex{1});
  Client dave(g.rng, "dave", 1);
  Client expired(g.rng, "old", 1, kNow - 1);
  PreSharedKeyId unknown_psk;
  unknown_psk.psk_id = {9};
  unknown_psk.psk_nonce.assign(32, 1);
  PreSharedKeyId short_nonce = unknown_psk;
  short_nonce.psk_nonce.resize(4);
  auto value = [](std::vector<Proposal> ps) {
    struct Commit c;
    for (Proposal& p : ps)
      c.proposals.push_back(ProposalOrRef{ProposalOrRefType::kProposal, std::move(p), {}});
    return c;
  };
  struct Case {
    struct Commit commit;
    Errc want;
  };
  std::vector<Case> cases;
  cases.push_back({value({Proposal::Update(bob_leaf)}), Errc::kCommitterUpdate});
  cases.push_back({value({Proposal::Remove(1)}), Errc::kCommitterRemoved});
  cases.push_back({value({Proposal::Remove(7)}), Errc::kInvalidProposal});
  cases.push_back({value({Proposal::Remove(0), Proposal::Remove(0)}), Errc::kDuplicateLeafChange});
  cases.push_back({value({Proposal::Add(carol_client.key_package)}), Errc::kDuplicateAdd});
  cases.push_back(
      {value({Proposal::Add(dave.key_package), Proposal::Add(dave.key_package)}), Errc::kDuplicateAdd});
  cases.push_back(
      {value({Proposal{GroupContextExtensionsProposal{}}, Proposal{GroupContextExtensionsProposal{}}}),
       Errc::kMultipleGroupContextExtensions});
  cases.push_back({value({Proposal{ReInitProposal{}}, Proposal::Remove(0)}), Errc::kReInitNotAlone});
  cases.push_back({value({Proposal{ReInitProposal{}}}), Errc::kUnsupportedProposal});
  cases.push_back({value({Proposal{ExternalInitProposal{}}}), Errc::kExternalInitFromMember});
  cases.push_back({value({Proposal{PreSharedKeyProposal{unknown_psk}}}), Errc::kUnknownPsk});
  cases.push_back({value({Proposal{PreSharedKeyProposal{short_nonce}}}), Errc::kInvalidPsk});
  cases.push_back(
      {value({Proposal{PreSharedKeyProposal{unknown_psk}}, Proposal{PreSharedKeyProposal{unknown_psk}}}),
       Errc::kDuplicatePsk});
  cases.push_back({value({Proposal::Add(expired.key_package)}), Errc::kLifetimeExpired});
  cases.push_back({value({Proposal::Remove(2)}), Errc::kPathRequired});
  cases.push_back({value({}), Errc::kPathRequired});
  cases.push_back({value({Proposal::Add(dave.key_package)}), Errc::kBadConfirmationTag});
  struct Commit by_ref;
  by_ref.proposals.push_back(ProposalOrRef{ProposalOrRefType::kReference, {}, std::vector<uint8_t>(32, 7)});
  cases.push_back({std::move(by_ref), Errc::kUnknownProposalRef});

  const std::vector<uint8_t> before(g.alice->epoch_authenticator().Expose().begin(),
                                    g.alice->epoch_authenticator().Expose().end());
  for (Case& c : cases) {
    auto m = internal::GroupTestAccess::SendCommit(*g.bob, std::move(c.commit), std::vector<uint8_t>(32, 0));
    ASSERT_TRUE(m);
    auto r = g.alice->Handle(*m, kNow);
    ASSERT_FALSE(r) << "expected " << Error(c.want).name();
    EXPECT_EQ(r.error(), c.want) << r.error().name() << " instead of " << Error(c.want).name();
    EXPECT_EQ(g.alice->epoch(), 2u);
    EXPECT_TRUE(std::ranges::equal(g.alice->epoch_authenticator().Expose(), before));
  }
  // A good Commit still goes through.
  auto good = g.bob->Commit({}, kNow, g.rng);
  ASSERT_TRUE(good);
  ASSERT_TRUE(g.bob->MergePendingCommit());
  ASSERT_TRUE(g.alice->Handle(good->message, kNow));
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
}

// A member that missed a Commit is told so (kEpochInFuture) by the next Commit and message, and
// stays usable for the epoch it is in; nothing is applied silently.
TEST(MlsGroup, MissedCommitIsReportedNotDesynchronised) {
  TwoMembers g;
  auto first = g.alice->Commit({}, kNow, g.rng);
  ASSERT_TRUE(first);
  ASSERT_TRUE(g.alice->MergePendingCommit());  // Bob never sees `first`
  auto second = g.alice->Commit({}, kNow, g.rng);
  ASSERT_TRUE(second);
  ASSERT_TRUE(g.alice->MergePendingCommit());
  EXPECT_EQ(g.bob->Handle(second->message, kNow).error(), Errc::kEpochInFuture);
  auto m = g.alice->Protect(Bytes("x"), {}, g.rng);
  ASSERT_TRUE(m);
  EXPECT_EQ(g.bob->Handle(*m, kNow).error(), Errc::kEpochInFuture);
  EXPECT_EQ(g.bob->epoch(), 1u);
  // Delivered in order, Bob catches up.
  ASSERT_TRUE(g.bob->Handle(first->message, kNow));
  ASSERT_TRUE(g.bob->Handle(second->message, kNow));
  EXPECT_TRUE(g.alice->epoch_authenticator() == g.bob->epoch_authenticator());
  EXPECT_EQ(g.bob->Handle(first->message, kNow).error(), Errc::kEpochInPast);
}

}  // namespace
}  // namespace sc::mls
