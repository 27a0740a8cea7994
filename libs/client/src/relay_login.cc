// RegisterAccount and LogIn (relay_link.h): the account steps of relay.md §5 over any RelayLink.
#include <string>
#include <vector>

#include "securecomm/base/bytes.h"
#include "securecomm/client/relay_link.h"
#include "securecomm/crypto/random.h"

namespace sc::client {
namespace {

// SrpIdentity: the SRP identity I of relay.md §5.1, the username with ASCII letters lowercased
// (the relay checks the rest of the username rules).
std::string SrpIdentity(std::string_view username) {
  std::string out(username);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

asio::awaitable<Status> RegisterAccount(RelayLink& link, const std::string& given_username,
                                        std::span<const uint8_t> password, crypto::SrpGroup group) {
  const std::string username = SrpIdentity(given_username);
  std::vector<uint8_t> salt(crypto::kSrpSaltSize);
  crypto::SystemCsprng().Fill(salt);
  auto verifier = crypto::SrpMakeVerifier(username, password, salt, group);
  if (!verifier) co_return Fail(verifier.error());
  pb::ClientFrame frame;
  auto* r = frame.mutable_register_();
  r->set_username(username);
  r->set_srp_group(static_cast<uint32_t>(group));
  r->set_srp_salt(verifier->salt.data(), verifier->salt.size());
  r->set_srp_verifier(verifier->verifier.data(), verifier->verifier.size());
  auto answer = co_await link.Request(std::move(frame));
  if (!answer) co_return Fail(answer.error());
  co_return OkStatus();
}

asio::awaitable<Result<LoginInfo>> LogIn(RelayLink& link, const std::string& given_username,
                                         std::span<const uint8_t> password, bool send_only) {
  const std::string username = SrpIdentity(given_username);
  // The group is not known before the relay answers; A is computed for the default group and
  // the login restarts once if the account uses another.
  crypto::SrpGroup group = crypto::SrpGroup::k3072;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto srp = crypto::SrpClient::Start(group, crypto::SystemCsprng());
    if (!srp) co_return Fail(srp.error());
    pb::ClientFrame start;
    start.mutable_login_start()->set_username(username);
    start.mutable_login_start()->set_srp_a(srp->A().data(), srp->A().size());
    auto challenge = co_await link.Request(std::move(start));
    if (!challenge) co_return Fail(challenge.error());
    const auto& c = challenge->login_start();
    if (c.srp_group() != static_cast<uint32_t>(group)) {
      if (c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k3072) &&
          c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k4096) &&
          c.srp_group() != static_cast<uint32_t>(crypto::SrpGroup::k1024)) {
        co_return Fail(crypto::Errc::kInvalidArgument);
      }
      group = static_cast<crypto::SrpGroup>(c.srp_group());
      continue;
    }
    auto m1 = srp->Respond(username, password, AsBytes(c.srp_salt()), AsBytes(c.srp_b()));
    if (!m1) co_return Fail(m1.error());
    pb::ClientFrame finish;
    finish.mutable_login_finish()->set_srp_m1(m1->data(), m1->size());
    finish.mutable_login_finish()->set_send_only(send_only);
    auto done = co_await link.Request(std::move(finish));
    if (!done) co_return Fail(done.error());
    const auto& f = done->login_finish();
    if (auto ok = srp->VerifyServer(AsBytes(f.srp_m2())); !ok) co_return Fail(ok.error());
    co_return LoginInfo{f.account_id(), f.device_id(), f.new_device(), f.queued_messages()};
  }
  co_return Fail(crypto::Errc::kInvalidArgument);
}

}  // namespace sc::client
