// A log against a head kept outside the store (trusted_head.h): the cuts and
// rewrites that VerifyLog alone passes, because the log stays consistent
// with itself, and the trusted-head file forms an auditor keeps.
#include "audit/trusted_head.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "audit/audit_test_util.h"
#include "audit/log.h"
#include "audit/verify.h"

namespace mamori::audit {
namespace {

using test::MustUpdate;

constexpr uint64_t kLogSize = 1000;
constexpr uint64_t kHeadEvery = 250;

class TrustedHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.db");
    store_ = test::OpenStore(path_);
    ASSERT_NE(store_, nullptr);
    auto key = crypto::EcdsaP256PrivateKey::Generate();
    ASSERT_TRUE(key.has_value());
    key_.emplace(std::move(*key));
    pub_.emplace(key_->PublicKey());
    test::AppendEvents(*store_, kLogSize, &*key_, kHeadEvery);
  }

  SignedTreeHead StoredHead(uint64_t size) {
    SignedTreeHead out;
    const Status s = store_->View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto heads, ListSignedHeads(txn));
      for (const auto& h : heads) {
        if (h.size == size) out = h;
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    EXPECT_EQ(out.size, size);
    return out;
  }

  TrustedHeadReport Check(const SignedTreeHead& trusted, bool pinned = true) {
    TrustedHeadReport r;
    EXPECT_TRUE(store_
                    ->View([&](store::ReadTxn& txn) {
                      r = CheckAgainstTrustedHead(txn, trusted, pinned ? &*pub_ : nullptr);
                      return Status::Ok();
                    })
                    .ok());
    return r;
  }

  VerifyReport Verify() {
    VerifyReport r;
    EXPECT_TRUE(store_
                    ->View([&](store::ReadTxn& txn) {
                      r = VerifyLog(txn, &*pub_);
                      return Status::Ok();
                    })
                    .ok());
    return r;
  }

  // The attack of docs/ARCHITECTURE.md decision 13: an insider who also holds
  // the signing key (it is wrapped under the root key beside the data) edits
  // the events, rebuilds every hash and link and the state, drops the signed
  // heads and signs the new history. VerifyLog passes what is left.
  void RewriteAndResign(const std::function<void(std::vector<Event>&)>& edit) {
    MustUpdate(*store_, [&](store::WriteTxn& txn) -> Status {
      std::vector<Event> events;
      for (uint64_t seq = 0;; ++seq) {
        MAMORI_ASSIGN_OR_RETURN(auto ev, ReadEvent(txn, seq));
        if (!ev) break;
        events.push_back(std::move(*ev));
      }
      edit(events);
      for (std::string_view prefix : {kEventPrefix, kNodePrefix, kHeadPrefix}) {
        MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
        for (const auto& kv : rows) MAMORI_RETURN_IF_ERROR(txn.Delete(kv.key));
      }
      MAMORI_RETURN_IF_ERROR(txn.Delete(kStateKey));
      for (Event& ev : events) MAMORI_RETURN_IF_ERROR(StatusOf(Append(txn, ev)));
      return StatusOf(SignHead(txn, *key_, events.back().time));
    });
  }

  void ExpectProblem(const TrustedHeadReport& r, Problem p, std::string_view reason) {
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(ProblemName(r.problem), ProblemName(p)) << r.reason;
    EXPECT_NE(r.reason.find(reason), std::string::npos) << r.reason;
    EXPECT_FALSE(r.reason_ja.empty());
  }

  test::TempDir dir_;
  std::string path_;
  std::unique_ptr<store::Storage> store_;
  std::optional<crypto::EcdsaP256PrivateKey> key_;
  std::optional<crypto::EcdsaP256PublicKey> pub_;
};

TEST_F(TrustedHeadTest, TheLogExtendsAnEarlierOrEqualHead) {
  for (uint64_t size : {250u, 500u, 1000u}) {
    const TrustedHeadReport r = Check(StoredHead(size));
    EXPECT_TRUE(r.ok) << size << ": " << r.reason;
    EXPECT_EQ(r.current.size, kLogSize);
    EXPECT_TRUE(r.key_pinned);
  }
  test::AppendEvents(*store_, 37, nullptr, 0);  // grown since, unsigned tail
  const TrustedHeadReport r = Check(StoredHead(1000));
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.current.size, kLogSize + 37);
}

TEST_F(TrustedHeadTest, TruncatedAndResignedPassesVerifyButIsBehindTheTrustedHead) {
  const SignedTreeHead kept = StoredHead(1000);
  RewriteAndResign([](std::vector<Event>& events) { events.resize(990); });
  EXPECT_TRUE(Verify().ok) << "the truncated log is consistent with itself";
  ExpectProblem(Check(kept), Problem::kBehindTrustedHead,
                "the log holds 990 events, fewer than the 1000 the trusted head signed");
}

TEST_F(TrustedHeadTest, RewrittenAndResignedPassesVerifyButDivergesFromTheTrustedHead) {
  const SignedTreeHead at_500 = StoredHead(500);
  const SignedTreeHead at_750 = StoredHead(750);
  const SignedTreeHead at_1000 = StoredHead(1000);
  RewriteAndResign([](std::vector<Event>& events) { events[600].actor = "someone-else"; });
  EXPECT_TRUE(Verify().ok) << "the rewritten log is consistent with itself";
  ExpectProblem(Check(at_1000), Problem::kDivergedFromTrustedHead,
                "the log does not extend the trusted head for size 1000");
  ExpectProblem(Check(at_750), Problem::kDivergedFromTrustedHead, "for size 750");
  // A head from before the rewrite still holds: the history it covers is intact.
  EXPECT_TRUE(Check(at_500).ok);
}

TEST_F(TrustedHeadTest, AStoreReplacedByAnEarlierCopyOfItselfIsBehind) {
  store_.reset();
  const std::string copy = dir_.File("copy.db");
  std::filesystem::copy_file(path_, copy);
  store_ = test::OpenStore(path_);
  test::AppendEvents(*store_, 300, &*key_, 100);
  const SignedTreeHead kept = StoredHead(1300);
  store_.reset();
  std::filesystem::copy_file(copy, path_, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(path_ + "-wal");
  std::filesystem::remove(path_ + "-shm");
  store_ = test::OpenStore(path_);
  EXPECT_TRUE(Verify().ok) << "the earlier copy is a valid log";
  ExpectProblem(Check(kept), Problem::kBehindTrustedHead, "fewer than the 1300");
}

TEST_F(TrustedHeadTest, TheTrustedHeadItselfMustVerify) {
  SignedTreeHead forged = StoredHead(500);
  forged.root[0] ^= 1;
  ExpectProblem(Check(forged), Problem::kTrustedHeadInvalid, "signature does not verify");
  ExpectProblem(Check(forged, /*pinned=*/false), Problem::kTrustedHeadInvalid,
                "signature does not verify");

  // Signed by a key the auditor did not pin.
  auto other = crypto::EcdsaP256PrivateKey::Generate();
  ASSERT_TRUE(other.has_value());
  SignedTreeHead foreign = StoredHead(500);
  foreign.key_fingerprint = other->PublicKey().Fingerprint();
  auto sig = other->Sign(SignedHeadMessage(foreign));
  ASSERT_TRUE(sig.has_value());
  foreign.signature = *sig;
  ExpectProblem(Check(foreign), Problem::kTrustedHeadInvalid, "not the pinned key");
  // Unpinned, its key must be one the log stores.
  ExpectProblem(Check(foreign, false), Problem::kTrustedHeadInvalid,
                "which this log does not store");
  const TrustedHeadReport stored_key = Check(StoredHead(500), false);
  EXPECT_TRUE(stored_key.ok) << stored_key.reason;
  EXPECT_FALSE(stored_key.key_pinned);
}

TEST_F(TrustedHeadTest, ParsesEveryFormMamoriPrints) {
  const SignedTreeHead h = StoredHead(500);
  const std::string sth = SignedHeadJson(h);
  const std::vector<std::string> forms = {
      sth,
      R"({"root":"00","signed":)" + sth + R"(,"size":500})",
      R"({"clean":true,"signed_head":)" + sth + R"(,"stopped":"SIGTERM"})",
      TrustedHeadFileJson(TreeHead{1000, {}}, h, 4, 1'790'000'000'000'000),
      "garbage line\n" + sth + "\n",
      sth + "\n" + sth.substr(0, 40),  // a torn last line, as a crash leaves it
  };
  for (const auto& text : forms) {
    auto parsed = ParseTrustedHead(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().ToString();
    EXPECT_EQ(parsed->head, h);
  }
  EXPECT_EQ(ParseTrustedHead(forms[3])->signed_heads, 4u);
  EXPECT_FALSE(ParseTrustedHead(forms[0])->signed_heads.has_value());

  for (const std::string& bad : std::vector<std::string>{
           "", "{}", "[]", R"({"signed":null,"size":1})", R"({"signed":{"size":1}})",
           R"({"signed":)" + sth + R"(,"extra":1})",
           R"({"signed":)" + sth + R"(,"signed_heads":-1})", sth.substr(0, 40)}) {
    auto parsed = ParseTrustedHead(bad);
    EXPECT_FALSE(parsed.has_value()) << bad;
    if (!parsed) {
      EXPECT_EQ(parsed.error().code(), Code::kInvalidArgument);
      EXPECT_FALSE(parsed.error().message_ja().empty());
    }
  }
}

}  // namespace
}  // namespace mamori::audit
