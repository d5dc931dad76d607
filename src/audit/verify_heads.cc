#include "audit/verify_heads.h"

#include "audit/log.h"
#include "audit/log_internal.h"

namespace mamori::audit::internal {
namespace {

constexpr size_t kHeadPage = 256;

}  // namespace

bool Failed(VerifyReport& r, Problem p, std::optional<uint64_t> seq, std::string en,
            std::string ja) {
  r.problem = p;
  r.bad_seq = seq;
  r.reason = std::move(en);
  r.reason_ja = std::move(ja);
  return false;
}

bool StoreFailed(VerifyReport& r, const Status& s) {
  return Failed(r, Problem::kStorage, std::nullopt, "the store could not be read: " + s.ToString(),
                "ストアを読み出せません: " + s.ToString());
}

std::string Printable(std::string_view key) {
  std::string out;
  for (char c : key) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  return out;
}

HeadChecker::HeadChecker(store::ReadTxn& txn, const crypto::EcdsaP256PublicKey* pinned,
                         VerifyReport& report)
    : txn_(txn),
      pinned_(pinned),
      r_(report),
      heads_(std::string(kHeadPrefix), store::PrefixEnd(kHeadPrefix), kHeadPage) {}

bool HeadChecker::Bad(Problem p, uint64_t size, std::optional<uint64_t> seq, const std::string& en,
                      const std::string& ja) {
  r_.bad_head_size = size;
  return Failed(r_, p, seq, "signed head for size " + std::to_string(size) + ": " + en,
                "サイズ " + std::to_string(size) + " の署名付きツリーヘッド: " + ja);
}

bool HeadChecker::CheckThrough(uint64_t size, const merkle::Frontier& frontier,
                               merkle::TreeHasher& hasher) {
  // Called after every event: the cached next size keeps that to a compare.
  while (size >= next_size_) {
    auto row = heads_.Peek(txn_);
    if (!row) return StoreFailed(r_, row.error());
    if (*row == nullptr) {
      next_size_ = std::numeric_limits<uint64_t>::max();
      return true;
    }
    const auto head_size = ParseHeadKey((*row)->key);
    if (!head_size) {
      return Failed(
          r_, Problem::kMalformedKey, std::nullopt,
          "key \"" + Printable((*row)->key) + "\" is not a signed head key",
          "キー \"" + Printable((*row)->key) + "\" は署名付きツリーヘッドのキーではありません");
    }
    next_size_ = *head_size;
    if (*head_size > size) return true;
    if (!Check(**row, *head_size, frontier, hasher)) return false;
    heads_.Pop();
    next_size_ = 0;
  }
  return true;
}

const crypto::EcdsaP256PublicKey* HeadChecker::SignerKey(const SignedTreeHead& sth) {
  if (pinned_ != nullptr) {
    if (pinned_->Fingerprint() == sth.key_fingerprint) return pinned_;
    Bad(Problem::kHeadInvalid, sth.size, std::nullopt,
        "signed by key " + sth.key_fingerprint + ", not the pinned key",
        "固定された鍵ではなく鍵 " + sth.key_fingerprint + " で署名されています");
    return nullptr;
  }
  for (const auto& [fp, key] : keys_) {
    if (fp == sth.key_fingerprint) return &key;
  }
  auto stored = StoredPublicKey(txn_, sth.key_fingerprint);
  if (!stored || !*stored) {
    Bad(Problem::kHeadInvalid, sth.size, std::nullopt,
        "its key " + sth.key_fingerprint + " is " + (stored ? "not stored" : "malformed") +
            " under audit/key/",
        "鍵 " + sth.key_fingerprint + " が audit/key/ に" +
            (stored ? "ありません" : "正しく保存されていません"));
    return nullptr;
  }
  keys_.emplace_back(sth.key_fingerprint, std::move(stored->value()));
  return &keys_.back().second;
}

bool HeadChecker::Check(const Row& row, uint64_t size, const merkle::Frontier& frontier,
                        merkle::TreeHasher& hasher) {
  auto sth = ParseStoredHead(row.key, row.value);
  if (!sth)
    return Bad(Problem::kHeadInvalid, size, std::nullopt, "malformed", "形式が壊れています");
  const crypto::EcdsaP256PublicKey* key = SignerKey(*sth);
  if (key == nullptr) return false;
  if (!VerifySignedHead(*sth, *key).ok()) {
    return Bad(Problem::kHeadInvalid, size, std::nullopt, "signature invalid (forged or modified)",
               "署名が不正です（偽造または改ざん）");
  }
  const uint64_t n = frontier.size();
  if (size > n) {
    return Bad(
        Problem::kHeadBeyondLog, size, n,
        "covers more events than the " + std::to_string(n) + " stored (deleted from the end)",
        "保存されている " + std::to_string(n) +
            " 件より多くのイベントを覆っています（末尾の削除）");
  }
  if (frontier.Root(hasher) != sth->root) {
    // Heads checked before matched, so the rewrite lies after the last of them.
    const uint64_t from = r_.signed_size;
    const std::string where =
        from == 0 ? "before entry " + std::to_string(size)
                  : "between entries " + std::to_string(from) + " and " + std::to_string(size - 1);
    const std::string where_ja =
        from == 0 ? "エントリ " + std::to_string(size) + " より前の"
                  : "エントリ " + std::to_string(from) + "〜" + std::to_string(size - 1) + " の";
    return Bad(Problem::kHeadRoot, size, from, "root mismatch (history rewritten " + where + ")",
               "根が一致しません（" + where_ja + "履歴が書き換えられました）");
  }
  ++r_.heads_checked;
  r_.signed_size = size;
  bool known = false;
  for (const auto& fp : r_.signer_fingerprints) known = known || fp == sth->key_fingerprint;
  if (!known) r_.signer_fingerprints.push_back(sth->key_fingerprint);
  return true;
}

}  // namespace mamori::audit::internal
