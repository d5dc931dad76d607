// Tree heads: the root of the log at a given size, and signed tree heads
// (STHs) — the server's ECDSA P-256 signature over one. An auditor who keeps
// an STH can later demand a consistency proof from it to any newer head, so
// rewriting anything it covers is detectable without trusting the server.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"
#include "crypto/hash.h"
#include "crypto/signature.h"

namespace mamori::audit {

struct TreeHead {
  uint64_t size = 0;      // number of events
  crypto::Digest root{};  // RFC 6962 MTH over their leaf hashes
  bool operator==(const TreeHead&) const = default;
};

struct SignedTreeHead {
  uint64_t size = 0;
  crypto::Digest root{};
  TimeMicros time = 0;          // when it was signed
  std::string key_fingerprint;  // EcdsaP256PublicKey::Fingerprint() of the signer
  std::string signature;        // DER ECDSA-SHA256 over SignedHeadMessage()
  bool operator==(const SignedTreeHead&) const = default;
};

// Domain separation: the signed bytes name what they are, so a signature made
// for a tree head can never be passed off as one over anything else.
inline constexpr std::string_view kSignedHeadType = "mamori-audit-sth-v1";

// The exact bytes signed, RFC 8785 JSON:
//   {"key":"<fingerprint>","root":"<hex>","size":N,"time":"<FormatUtc>",
//    "type":"mamori-audit-sth-v1"}
// Anyone can rebuild them from the head's fields to check the signature.
std::string SignedHeadMessage(const SignedTreeHead& sth);

// OK when `key` is the one the head names and its signature verifies;
// kDataLoss otherwise.
Status VerifySignedHead(const SignedTreeHead& sth, const crypto::EcdsaP256PublicKey& key);

// {"key","root" (hex),"signature" (base64 DER),"size","time" (FormatUtc)}:
// the stored form (canonical) and the CLI/API form.
std::string SignedHeadJson(const SignedTreeHead& sth);
nlohmann::json SignedHeadToJson(const SignedTreeHead& sth);
// Strict inverse of both; kInvalidArgument naming the offending member.
Result<SignedTreeHead> SignedHeadFromJson(const nlohmann::json& j);

}  // namespace mamori::audit
