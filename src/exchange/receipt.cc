#include "exchange/receipt.h"

#include "audit/jcs.h"
#include "core/encoding.h"

namespace mamori::exchange {

namespace {

Status Invalid() {
  return Status::DataLoss("a receipt is malformed or its signature does not verify",
                          "受領の証跡の形式または署名が正しくありません", "receipt");
}

}  // namespace

std::string CanonicalReceipt(const ReceiptFacts& f) {
  audit::jcs::ObjectWriter w;
  w.String("v", "1");
  w.String("role", f.role);
  w.String("kind", f.kind);
  w.String("from", f.from);
  w.String("to", f.to);
  w.String("idempotency_key", f.idempotency_key);
  w.String("digest", f.digest);
  w.Uint("count", f.count);
  w.String("items", f.items);
  w.String("legal_basis", f.legal_basis);
  w.String("time", FormatUtc(f.time));
  return w.Finish();
}

Result<nlohmann::json> SignReceipt(const ReceiptFacts& facts,
                                   const crypto::EcdsaP256PrivateKey& key) {
  const std::string body = CanonicalReceipt(facts);
  MAMORI_ASSIGN_OR_RETURN(std::string sig, key.Sign(body));
  return nlohmann::json{{"body", body}, {"signature", Base64Encode(sig)}};
}

Result<ReceiptFacts> VerifyReceipt(const nlohmann::json& receipt, const PeerCertificate& signer) {
  if (!receipt.is_object() || !receipt.contains("body") || !receipt.contains("signature") ||
      !receipt["body"].is_string() || !receipt["signature"].is_string()) {
    return Fail(Invalid());
  }
  const std::string body = receipt["body"].get<std::string>();
  auto sig = Base64Decode(receipt["signature"].get<std::string>());
  if (!sig) return Fail(Invalid());
  auto key = crypto::EcdsaP256PublicKey::FromDer(signer.spki_der);
  if (!key) return Fail(Invalid());
  if (!key->Verify(body, *sig).ok()) return Fail(Invalid());
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail(Invalid());
  try {
    ReceiptFacts f;
    if (j.at("v") != "1") return Fail(Invalid());
    f.role = j.at("role").get<std::string>();
    f.kind = j.at("kind").get<std::string>();
    f.from = j.at("from").get<std::string>();
    f.to = j.at("to").get<std::string>();
    f.idempotency_key = j.at("idempotency_key").get<std::string>();
    f.digest = j.at("digest").get<std::string>();
    f.count = j.at("count").get<uint64_t>();
    f.items = j.at("items").get<std::string>();
    f.legal_basis = j.at("legal_basis").get<std::string>();
    auto t = ParseUtc(j.at("time").get<std::string>());
    if (!t) return Fail(Invalid());
    f.time = *t;
    // The signed bytes must be the canonical form of what they say.
    if (CanonicalReceipt(f) != body) return Fail(Invalid());
    return f;
  } catch (const nlohmann::json::exception&) {
    return Fail(Invalid());
  }
}

bool SameExchange(const ReceiptFacts& a, const ReceiptFacts& b) {
  return a.kind == b.kind && a.from == b.from && a.to == b.to &&
         a.idempotency_key == b.idempotency_key && a.digest == b.digest && a.count == b.count &&
         a.items == b.items && a.legal_basis == b.legal_basis;
}

}  // namespace mamori::exchange
