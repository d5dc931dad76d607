// Signed receipts (受領の証跡): what each side of an exchange signs so that
// either party can prove what was exchanged (docs/REQUIREMENTS.md §9). The
// sender signs the facts of what it sent; the receiver signs the same facts
// as received; each side keeps the other's signature in its provision
// record (provisions.h).
//
// The facts, as canonical JSON (RFC 8785, audit/jcs.h; the signed bytes
// cannot change with a JSON library's version):
//   v "1", role "sender" | "receiver", kind, from, to (node names),
//   idempotency_key, digest (SHA-256 hex of the exact message bytes), count
//   (records), items (the item names, comma-separated, in the flow's order),
//   legal_basis, time (UTC).
// Nothing personal: counts, names of items, codes, a digest.
// Signature: ECDSA P-256 with SHA-256 over those bytes, DER, base64, by the
// node key (node_identity.h); verified with the public key of the pinned
// counterpart certificate.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "crypto/signature.h"
#include "exchange/node_identity.h"

namespace mamori::exchange {

struct ReceiptFacts {
  std::string role;  // "sender" | "receiver"
  std::string kind;
  std::string from, to;
  std::string idempotency_key;
  std::string digest;
  uint64_t count = 0;
  std::string items;
  std::string legal_basis;
  TimeMicros time = 0;
  bool operator==(const ReceiptFacts&) const = default;
};

std::string CanonicalReceipt(const ReceiptFacts& facts);

// {"body": canonical text, "signature": base64 DER}.
Result<nlohmann::json> SignReceipt(const ReceiptFacts& facts,
                                   const crypto::EcdsaP256PrivateKey& key);

// The facts of a receipt signed by `signer`'s key. kDataLoss naming
// "receipt" when it is malformed or the signature does not verify.
Result<ReceiptFacts> VerifyReceipt(const nlohmann::json& receipt, const PeerCertificate& signer);

// Whether two receipts are about the same exchange: every fact but the role
// and the time equal.
bool SameExchange(const ReceiptFacts& a, const ReceiptFacts& b);

}  // namespace mamori::exchange
