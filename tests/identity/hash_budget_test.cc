// The memory budget of password hashing (hash_budget.h): leases within the
// budget, waiting first come first served, refusals past the wait and past
// the queue, a cost beyond the whole budget, growing a lease; and identity's
// logons through it — a flood beyond it is refused busy and audited without
// the ID, and a locked ID's answer still costs a hash check.
#include "identity/hash_budget.h"

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "identity/attempts.h"
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

using std::chrono::milliseconds;

HashBudgetOptions Budget(uint64_t kib, size_t waiting, milliseconds wait) {
  return HashBudgetOptions{.memory_kib = kib, .max_waiting = waiting, .max_wait = wait};
}

TEST(HashBudgetTest, LeasesUpToTheBudgetAndGivesBackOnRelease) {
  HashBudget budget(Budget(100, 4, milliseconds(0)));
  auto a = budget.Acquire(60);
  ASSERT_TRUE(a.has_value());
  auto b = budget.Acquire(40);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(budget.stats().in_use_kib, 100u);
  // Full: with no wait allowed, the next is refused at once.
  auto c = budget.Acquire(1);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code(), Code::kUnavailable);
  EXPECT_EQ(c.error().subject(), "login.busy");
  b->Release();
  EXPECT_EQ(budget.stats().in_use_kib, 60u);
  EXPECT_TRUE(budget.Acquire(40).has_value());  // released again at once
  {
    HashBudget::Lease moved = std::move(*a);
    EXPECT_EQ(moved.kib(), 60u);
    EXPECT_EQ(budget.stats().in_use_kib, 60u);
  }
  EXPECT_EQ(budget.stats().in_use_kib, 0u);
  const auto stats = budget.stats();
  EXPECT_EQ(stats.peak_kib, 100u);
  EXPECT_EQ(stats.granted, 3u);
  EXPECT_EQ(stats.refused, 1u);
}

TEST(HashBudgetTest, AWaiterGetsTheMemoryWhenItIsGivenBack) {
  HashBudget budget(Budget(100, 4, milliseconds(60'000)));
  auto held = budget.Acquire(100);
  ASSERT_TRUE(held.has_value());
  auto waiter = std::async(std::launch::async, [&] { return budget.Acquire(50).has_value(); });
  while (budget.stats().waiting == 0) std::this_thread::yield();
  held->Release();
  EXPECT_TRUE(waiter.get());
  EXPECT_EQ(budget.stats().refused, 0u);
}

TEST(HashBudgetTest, AWaiterIsRefusedAfterTheWait) {
  HashBudget budget(Budget(100, 4, milliseconds(50)));
  auto held = budget.Acquire(100);
  ASSERT_TRUE(held.has_value());
  auto late = budget.Acquire(10);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().subject(), "login.busy");
  EXPECT_EQ(budget.stats().waiting, 0u);
  EXPECT_EQ(budget.stats().in_use_kib, 100u);
}

TEST(HashBudgetTest, BeyondTheQueueACallIsRefusedAtOnce) {
  HashBudget budget(Budget(100, 2, milliseconds(60'000)));
  auto held = budget.Acquire(100);
  ASSERT_TRUE(held.has_value());
  std::vector<std::future<bool>> queued;
  for (int i = 0; i < 2; ++i) {
    queued.push_back(
        std::async(std::launch::async, [&] { return budget.Acquire(100).has_value(); }));
  }
  while (budget.stats().waiting < 2) std::this_thread::yield();
  // The queue is full: refused without waiting (the wait is a minute).
  auto third = budget.Acquire(1);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(budget.stats().refused, 1u);
  held->Release();
  // The two queued ones are served, one after the other.
  for (auto& q : queued) EXPECT_TRUE(q.get());
  EXPECT_EQ(budget.stats().peak_kib, 100u);
}

TEST(HashBudgetTest, WaitersAreServedInOrderOfArrival) {
  HashBudget budget(Budget(100, 8, milliseconds(60'000)));
  auto held = budget.Acquire(100);
  ASSERT_TRUE(held.has_value());
  // A large request first, then a small one: the small one must not
  // overtake it, or a stream of small ones would starve the large one. The
  // two do not fit together, so the small one is granted only once the
  // large one has given its lease back.
  std::atomic<int> order{0};
  int big_at = 0, small_at = 0;
  auto big = std::async(std::launch::async, [&] {
    auto l = budget.Acquire(90);
    big_at = ++order;
    return l.has_value();
  });
  while (budget.stats().waiting < 1) std::this_thread::yield();
  auto small = std::async(std::launch::async, [&] {
    auto l = budget.Acquire(20);
    small_at = ++order;
    return l.has_value();
  });
  while (budget.stats().waiting < 2) std::this_thread::yield();
  held->Release();
  EXPECT_TRUE(big.get());
  EXPECT_TRUE(small.get());
  EXPECT_LT(big_at, small_at);
}

TEST(HashBudgetTest, ACostBeyondTheWholeBudgetIsGrantedAlone) {
  HashBudget budget(Budget(100, 4, milliseconds(0)));
  auto huge = budget.Acquire(500);
  ASSERT_TRUE(huge.has_value());
  EXPECT_FALSE(budget.Acquire(1).has_value());
  huge->Release();
  auto some = budget.Acquire(10);
  ASSERT_TRUE(some.has_value());
  EXPECT_FALSE(budget.Acquire(500).has_value());  // not alongside another
}

TEST(HashBudgetTest, ALeaseGrowsWithinTheBudget) {
  HashBudget budget(Budget(100, 4, milliseconds(0)));
  auto lease = budget.Acquire(40);
  ASSERT_TRUE(lease.has_value());
  auto other = budget.Acquire(40);
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(lease->GrowTo(60).ok());
  EXPECT_EQ(lease->kib(), 60u);
  EXPECT_EQ(budget.stats().in_use_kib, 100u);
  Status more = lease->GrowTo(61);
  EXPECT_EQ(more.subject(), "login.busy");
  EXPECT_EQ(lease->kib(), 60u);  // kept what it had
  other->Release();
  EXPECT_TRUE(lease->GrowTo(400).ok());  // alone: beyond the budget is allowed
  lease->Release();
  EXPECT_EQ(budget.stats().in_use_kib, 0u);
}

// Identity's logons through a budget of one check at a time that does not wait.
class BudgetedLoginTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    IdentityOptions io;
    io.argon2 = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};
    io.hash_budget = Budget(64, 0, milliseconds(0));
    auto id = Identity::Open(engine_->data_store(), key_, std::move(io));
    ASSERT_TRUE(id.has_value()) << id.error().ToString();
    id_ = std::move(*id);
  }
};

TEST_F(BudgetedLoginTest, ALogonBeyondTheBudgetIsRefusedBusyAndAudited) {
  AddUser("sato");
  const size_t before = Events("identity.login").size();
  auto held = dir().hash_budget().Acquire(64);  // another check in progress
  ASSERT_TRUE(held.has_value());
  auto r = auth().Login(Req("sato", kGoodPassword));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kUnavailable);
  EXPECT_EQ(r.error().subject(), "login.busy");
  const auto events = Events("identity.login");
  ASSERT_EQ(events.size(), before + 1);
  const audit::Event& ev = events.back();
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.reason, "busy");
  EXPECT_EQ(ev.actor, "");  // the ID only as a keyed reference
  EXPECT_EQ(ev.subject.size(), 32u);
  EXPECT_EQ(audit::CanonicalJson(ev).find("sato"), std::string::npos);
  // Nothing was reserved, nothing counted.
  auto u = dir().GetUser("sato");
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->pending.empty());
  EXPECT_EQ(u->failed_count, 0u);
  held->Release();
  EXPECT_TRUE(auth().Login(Req("sato", kGoodPassword)).has_value());
  EXPECT_EQ(dir().hash_budget().stats().in_use_kib, 0u);
}

TEST_F(BudgetedLoginTest, AChangeOfPasswordBeyondTheBudgetLeavesNoAttemptBehind) {
  AddUser("mori");
  auto login = auth().Login(Req("mori", kGoodPassword, kT0));
  ASSERT_TRUE(login.has_value());
  auto held = dir().hash_budget().Acquire(64);
  ASSERT_TRUE(held.has_value());
  Status s = auth().ChangePassword(login->token, kGoodPassword, kOtherPassword, At(kT0));
  EXPECT_EQ(s.subject(), "login.busy");
  EXPECT_EQ(LastEvent("identity.password_change").reason, "busy");
  EXPECT_TRUE(dir().GetUser("mori")->pending.empty());
  held->Release();
  EXPECT_TRUE(auth().ChangePassword(login->token, kGoodPassword, kOtherPassword, At(kT0)).ok());
}

// A locked ID answers exactly as a wrong password does, and its password is
// still put through a hash check (so it takes about as long; the timing
// itself is not asserted here).
using LockedLoginTest = IdentityTest;

TEST_F(LockedLoginTest, ALockedIdAnswersAsAnyFailureAndIsStillChecked) {
  AddUser("kimura");
  std::optional<Status> wrong;
  for (int i = 0; i < 5; ++i) {
    auto r = auth().Login(Req("kimura", kOtherPassword, kT0 + i * kMinute));
    ASSERT_FALSE(r.has_value());
    wrong = r.error();
  }
  ASSERT_TRUE(IsLocked(*dir().GetUser("kimura"), kT0 + 5 * kMinute));
  auto unknown = auth().Login(Req("kimurb", kOtherPassword, kT0 + 5 * kMinute));
  ASSERT_FALSE(unknown.has_value());
  for (const std::string& password : {std::string(kGoodPassword), std::string(kOtherPassword)}) {
    const uint64_t checks = dir().hash_budget().stats().granted;
    auto locked = auth().Login(Req("kimura", password, kT0 + 5 * kMinute));
    ASSERT_FALSE(locked.has_value());
    // One hash check, as for a wrong password or an unknown ID.
    EXPECT_EQ(dir().hash_budget().stats().granted, checks + 1);
    for (const Status& other : {*wrong, unknown.error()}) {
      EXPECT_EQ(locked.error().code(), other.code());
      EXPECT_EQ(locked.error().subject(), other.subject());
      EXPECT_EQ(locked.error().message(), other.message());
      EXPECT_EQ(locked.error().message_ja(), other.message_ja());
    }
    EXPECT_EQ(LastEvent("identity.login").reason, "locked");
  }
  EXPECT_EQ(dir().GetUser("kimura")->failed_count, 5u);
  EXPECT_EQ(Events("identity.lockout").size(), 1u);
}

// TOTP users: without a code, the right and a wrong password get the same
// answer (no password oracle); only the wrong one counts.
TEST_F(LockedLoginTest, WithoutACodeTheAnswerDoesNotDependOnThePassword) {
  AddUser("boss", {"admin"});
  // Enrol (restricted session from inside), as TotpLoginTest does.
  auto first = auth().Login(Req("boss", kGoodPassword, kT0));
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  auto enrolment = auth().BeginTotpEnrolment(first->token, At(kT0));
  ASSERT_TRUE(enrolment.has_value());
  const crypto::SecretBytes secret = Base32Decode(enrolment->secret_base32);
  ASSERT_TRUE(
      auth().ConfirmTotpEnrolment(first->token, TotpCode(secret, TotpStep(kT0)), At(kT0)).ok());

  const TimeMicros t1 = kT0 + 10 * kMinute;
  for (const Terminal& where : {Inside(), Outside()}) {
    auto right = auth().Login(Req("boss", kGoodPassword, t1, where));
    auto wrong_pw = auth().Login(Req("boss", kOtherPassword, t1, where));
    auto nobody = auth().Login(Req("nobody", kOtherPassword, t1, where));
    ASSERT_FALSE(right.has_value());
    ASSERT_FALSE(wrong_pw.has_value());
    ASSERT_FALSE(nobody.has_value());
    for (const Status& other : {wrong_pw.error(), nobody.error()}) {
      EXPECT_EQ(right.error().code(), other.code());
      EXPECT_EQ(right.error().subject(), other.subject());
      EXPECT_EQ(right.error().message(), other.message());
      EXPECT_EQ(right.error().message_ja(), other.message_ja());
    }
  }
  // Two wrong passwords counted; the right ones without a code were not.
  EXPECT_EQ(dir().GetUser("boss")->failed_count, 2u);
  size_t missing = 0;
  for (const auto& e : Events("identity.login")) missing += e.reason == "totp_missing";
  EXPECT_EQ(missing, 2u);
  // With the code the logon succeeds and shows the refused attempt before it.
  LoginRequest req = Req("boss", kGoodPassword, t1 + kMinute);
  req.totp = TotpCode(secret, TotpStep(t1 + kMinute));
  auto ok = auth().Login(req);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(ok->failures_since_previous_success, 2u);
}

}  // namespace
}  // namespace mamori::identity
