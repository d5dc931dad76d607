// The signed-head half of log.h: signing, listing and the stored public keys.
#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "audit/log_internal.h"

namespace mamori::audit {
namespace {

Result<std::vector<SignedTreeHead>> ScanHeads(store::ReadTxn& txn, size_t limit, bool reverse) {
  const std::string end = store::PrefixEnd(kHeadPrefix);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kHeadPrefix, end, limit, reverse));
  std::vector<SignedTreeHead> out;
  out.reserve(rows.size());
  for (const auto& kv : rows) {
    MAMORI_ASSIGN_OR_RETURN(SignedTreeHead sth, internal::ParseStoredHead(kv.key, kv.value));
    out.push_back(std::move(sth));
  }
  return out;
}

}  // namespace

namespace internal {

Result<SignedTreeHead> ParseStoredHead(std::string_view key, std::string_view value) {
  const auto bad = [key] {
    return Fail(
        Status::DataLoss("stored signed tree head " + std::string(key) + " is malformed",
                         "保存された署名付きツリーヘッド " + std::string(key) + " が壊れています"));
  };
  const auto size = ParseHeadKey(key);
  if (!size) return bad();
  const auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad();
  auto sth = SignedHeadFromJson(j);
  if (!sth || sth->size != *size) return bad();
  return sth;
}

}  // namespace internal

Result<std::vector<SignedTreeHead>> ListSignedHeads(store::ReadTxn& txn) {
  return ScanHeads(txn, 0, false);
}

Result<std::optional<SignedTreeHead>> LatestSignedHead(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto heads, ScanHeads(txn, 1, true));
  if (heads.empty()) return std::optional<SignedTreeHead>();
  return std::optional<SignedTreeHead>(std::move(heads.front()));
}

Result<std::optional<crypto::EcdsaP256PublicKey>> StoredPublicKey(store::ReadTxn& txn,
                                                                  std::string_view fingerprint) {
  using Out = std::optional<crypto::EcdsaP256PublicKey>;
  MAMORI_ASSIGN_OR_RETURN(auto pem, txn.Get(PublicKeyKey(fingerprint)));
  if (!pem) return Out();
  auto key = crypto::EcdsaP256PublicKey::FromPem(*pem);
  if (!key || key->Fingerprint() != fingerprint) {
    return Fail(Status::DataLoss(
        "stored audit public key " + std::string(fingerprint) + " is malformed or misfiled",
        "保存された監査用公開鍵 " + std::string(fingerprint) + " が壊れているか別の鍵です"));
  }
  return Out(std::move(*key));
}

Result<SignedTreeHead> SignHead(store::WriteTxn& txn, const crypto::EcdsaP256PrivateKey& key,
                                TimeMicros now) {
  // The key is the caller's: signed through a borrowed reference.
  class Borrowed final : public keys::AuditSigner {
   public:
    explicit Borrowed(const crypto::EcdsaP256PrivateKey& k) : key_(k), public_(k.PublicKey()) {}
    Result<std::string> Sign(std::string_view message) override { return key_.Sign(message); }
    const crypto::EcdsaP256PublicKey& PublicKey() const override { return public_; }
    std::string Describe() const override { return "in memory"; }

   private:
    const crypto::EcdsaP256PrivateKey& key_;
    crypto::EcdsaP256PublicKey public_;
  } signer(key);
  return SignHead(txn, signer, now);
}

Result<SignedTreeHead> SignHead(store::WriteTxn& txn, keys::AuditSigner& signer, TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(TreeHead head, CurrentHead(txn));
  MAMORI_ASSIGN_OR_RETURN(auto latest, LatestSignedHead(txn));
  if (latest) {
    // Cheap (O(log n)) guard against endorsing a history that no longer
    // extends what was signed before; VerifyLog does the full check.
    const auto refuse = [&](const std::string& en, const std::string& ja) {
      return Fail(Status::DataLoss("signed head for size " + std::to_string(latest->size) + " " +
                                       en + "; run the audit log verification",
                                   "サイズ " + std::to_string(latest->size) +
                                       " の署名付きツリーヘッド" + ja +
                                       "。監査ログの検証を実行してください"));
    };
    if (latest->size > head.size) {
      return refuse("covers more than the " + std::to_string(head.size) + " events in the log",
                    "がログの " + std::to_string(head.size) + " 件を超えています");
    }
    MAMORI_ASSIGN_OR_RETURN(crypto::Digest then,
                            merkle::RootFromSubtrees(latest->size, internal::NodeReader(txn)));
    if (then != latest->root) {
      return refuse("no longer matches the stored log", "が保存されたログと一致しません");
    }
    if (latest->size == head.size) return std::move(*latest);
  }
  const crypto::EcdsaP256PublicKey& pub = signer.PublicKey();
  SignedTreeHead sth{head.size, head.root, now, pub.Fingerprint(), {}};
  MAMORI_ASSIGN_OR_RETURN(sth.signature, signer.Sign(SignedHeadMessage(sth)));
  MAMORI_RETURN_IF_ERROR(txn.Put(HeadKey(sth.size), SignedHeadJson(sth)));
  const std::string key_key = PublicKeyKey(sth.key_fingerprint);
  MAMORI_ASSIGN_OR_RETURN(auto stored_pem, txn.Get(key_key));
  if (!stored_pem) MAMORI_RETURN_IF_ERROR(txn.Put(key_key, pub.ToPem()));
  return sth;
}

}  // namespace mamori::audit
