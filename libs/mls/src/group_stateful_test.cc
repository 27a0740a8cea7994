// group_stateful_test.cc: groups of 2 to 50 members driven through a seeded random schedule of
// adds, removes, updates (proposed by one member, committed by another), empty commits and
// application messages. After every Commit each member, old and new, holds the same epoch
// authenticator and tree hash; every application message opens at every other member; a removed
// member learns it was removed and cannot open any later epoch's message (kNotMember).
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "securecomm/base/random.h"
#include "securecomm/mls/errors.h"
#include "securecomm/mls/group.h"

#include "group_test_util.h"

namespace sc::mls {
namespace {

using testing::Client;
using testing::kNow;

struct Member {
  std::unique_ptr<Client> client;
  std::optional<Group> group;
};

class World {
 public:
  World(uint64_t seed, uint16_t suite) : rng_(seed), schedule_(seed), suite_(suite) {
    members_.push_back(NewMember());
    members_[0].group = members_[0].client->Create(rng_, {'g', static_cast<uint8_t>(seed)});
  }

  size_t size() const { return members_.size(); }
  uint64_t commits() const { return commits_; }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(schedule_); }

  // Add `n` new members in one Commit by a random member.
  void Add(size_t n) {
    std::vector<Member> joiners;
    CommitOptions opts{{}, Pick(2) == 0};
    for (size_t i = 0; i < n; ++i) {
      joiners.push_back(NewMember());
      opts.proposals.push_back(Proposal::Add(joiners.back().client->key_package));
    }
    Commit(Pick(size()), std::move(opts), std::move(joiners));
  }

  // Remove a random member (not the committer).
  void Remove() {
    const size_t committer = Pick(size());
    size_t victim = Pick(size() - 1);
    if (victim >= committer) ++victim;
    Commit(committer, {{Proposal::Remove(members_[victim].group->own_leaf().value)}, true}, {});
  }

  // One member proposes an Update, everyone receives it, another member commits it.
  void Update() {
    const size_t proposer = Pick(size());
    auto p = members_[proposer].group->ProposeUpdate(rng_);
    ASSERT_TRUE(p);
    for (size_t i = 0; i < size(); ++i) {
      if (i == proposer) continue;
      auto r = members_[i].group->Handle(*p, kNow);
      ASSERT_TRUE(r) << r.error().name();
    }
    size_t committer = Pick(size() - 1);
    if (committer >= proposer) ++committer;
    Commit(committer, {}, {});
  }

  void EmptyCommit() { Commit(Pick(size()), {}, {}); }

  // A random member sends application data; everyone else opens it; removed members cannot.
  void Message() {
    const size_t sender = Pick(size());
    const std::vector<uint8_t> data = {'m', static_cast<uint8_t>(messages_++)};
    auto m = members_[sender].group->Protect(data, {}, rng_);
    ASSERT_TRUE(m);
    for (size_t i = 0; i < size(); ++i) {
      if (i == sender) continue;
      auto r = members_[i].group->Handle(*m, kNow);
      ASSERT_TRUE(r) << r.error().name();
      EXPECT_TRUE(std::ranges::equal(r->application_data.Expose(), data));
    }
    for (Member& gone : removed_) EXPECT_EQ(gone.group->Handle(*m, kNow).error(), Errc::kNotMember);
    checked_removed_ += removed_.size();
  }

  size_t checked_removed() const { return checked_removed_; }

 private:
  Member NewMember() {
    return Member{std::make_unique<Client>(rng_, "m" + std::to_string(next_id_++), suite_), std::nullopt};
  }

  void Commit(size_t committer, CommitOptions opts, std::vector<Member> joiners) {
    auto out = members_[committer].group->Commit(std::move(opts), kNow, rng_);
    ASSERT_TRUE(out) << out.error().name();
    ASSERT_TRUE(members_[committer].group->MergePendingCommit());
    ++commits_;
    std::vector<Member> stay;
    for (size_t i = 0; i < size(); ++i) {
      if (i != committer) {
        auto r = members_[i].group->Handle(out->message, kNow);
        ASSERT_TRUE(r) << "member " << i << ": " << r.error().name();
        if (r->removed) {
          EXPECT_TRUE(members_[i].group->removed());
          removed_.push_back(std::move(members_[i]));
          continue;
        }
      }
      stay.push_back(std::move(members_[i]));
    }
    members_ = std::move(stay);
    for (Member& j : joiners) {
      ASSERT_TRUE(out->welcome);
      j.group = j.client->Join(*out->welcome);
      ASSERT_TRUE(j.group);
      members_.push_back(std::move(j));
    }
    // Everyone agrees on the epoch (authenticator and tree).
    const Group& first = *members_[0].group;
    for (const Member& m : members_) {
      EXPECT_EQ(m.group->epoch(), first.epoch());
      EXPECT_TRUE(m.group->epoch_authenticator() == first.epoch_authenticator());
      EXPECT_EQ(m.group->context().tree_hash, first.context().tree_hash);
    }
    // Keep a few removed members only: they are checked against every later message.
    while (removed_.size() > 4) removed_.erase(removed_.begin());
  }

  DeterministicRandom rng_;
  std::mt19937_64 schedule_;
  uint16_t suite_;
  std::vector<Member> members_;
  std::vector<Member> removed_;
  uint64_t next_id_ = 0;
  uint64_t commits_ = 0;
  uint64_t messages_ = 0;
  size_t checked_removed_ = 0;
};

void RunSchedule(uint64_t seed, int steps, uint16_t suite) {
  World w(seed, suite);
  w.Add(1);  // two members
  size_t max_size = w.size();
  for (int step = 0; step < steps && !::testing::Test::HasFatalFailure(); ++step) {
    switch (w.Pick(6)) {
      case 0:
      case 1:
        if (w.size() < 50) {
          w.Add(1 + w.Pick(std::min<size_t>(8, 50 - w.size())));
        } else {
          w.Remove();
        }
        break;
      case 2:
        if (w.size() > 2) {
          w.Remove();
        } else {
          w.Add(1);
        }
        break;
      case 3:
        w.Update();
        break;
      case 4:
        w.EmptyCommit();
        break;
      default:
        w.Message();
        break;
    }
    max_size = std::max(max_size, w.size());
  }
  w.Message();
  EXPECT_GE(w.size(), 2u);
  EXPECT_LE(max_size, 50u);
  std::cout << "[mls group] suite " << suite << " seed " << seed << ": " << w.commits()
            << " commits, largest group " << max_size << ", final " << w.size()
            << " members, removed-member checks " << w.checked_removed() << "\n";
}

TEST(MlsGroupStateful, RandomSchedulesAgree) {
  for (uint64_t seed : {1, 2, 3}) RunSchedule(seed, 80, 1);
  RunSchedule(4, 40, 3);
}

}  // namespace
}  // namespace sc::mls
