// Checking a stored log against a signed head kept outside the store
// (docs/ARCHITECTURE.md decision 13). VerifyLog (verify.h) shows a log is
// consistent with itself; a log cut short and re-hashed, or a whole store
// put back from an earlier copy, is consistent with itself too. Only a head
// kept elsewhere — by an auditor, or by a witness (witness.h) — tells that
// the store once held more, or something else.
//
// CheckAgainstTrustedHead is the one check for every caller: `mamori audit
// verify --trusted-head` (after VerifyLog), `mamori serve` at start (against
// the last witnessed head), and POST /v1/audit/verify (a head the caller
// supplies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/head.h"
#include "audit/verify.h"
#include "core/status.h"
#include "core/time.h"
#include "crypto/signature.h"
#include "store/storage.h"

namespace mamori::audit {

struct TrustedHeadReport {
  bool ok = false;
  // When !ok: kTrustedHeadInvalid, kBehindTrustedHead, kDivergedFromTrustedHead
  // or kStorage (nothing was concluded).
  Problem problem = Problem::kNone;
  std::string reason;
  std::string reason_ja;
  SignedTreeHead trusted;
  TreeHead current;  // the store's head (state record and stored subtree hashes)
  // True: the signature was checked against the pinned key. False: against
  // the public key the log stores under the fingerprint the head names, which
  // shows a key the store knows made it, not who holds that key.
  bool key_pinned = false;
};

// In order, stopping at the first failure:
//   1. the signature: with `pinned`, the head must name it and verify under
//      it; without, under the key stored in the log for the fingerprint the
//      head names (kTrustedHeadInvalid);
//   2. the size: the log holds at least trusted.size events
//      (kBehindTrustedHead: truncated, or replaced by an earlier copy);
//   3. an RFC 6962 consistency proof from trusted.size to the current size,
//      made from the stored subtree hashes and verified against trusted.root
//      and the current root (kDivergedFromTrustedHead: rewritten, or
//      another store).
// O(log n) reads. Reasons name sizes and roots only. Never fails as a call.
TrustedHeadReport CheckAgainstTrustedHead(store::ReadTxn& txn, const SignedTreeHead& trusted,
                                          const crypto::EcdsaP256PublicKey* pinned);

// What an auditor keeps between verifications: the trusted head and, once a
// verification has written it, how many signed heads that verification saw
// (a later log with fewer lost some: Problem::kFewerSignedHeads).
struct TrustedHeadFile {
  SignedTreeHead head;
  std::optional<uint64_t> signed_heads;
};

// Reads the trusted head from any of the JSON forms mamori prints, so an
// auditor can keep whichever they have:
//   - a signed head (SignedHeadJson; GET /v1/audit/head's "signed");
//   - the output of `mamori audit head [--sign]` ({"size","root","signed"});
//   - the line `mamori serve` prints when it stops ({"stopped",…,"signed_head"});
//   - a file written by TrustedHeadFileJson (adds "signed_heads", "verified_at");
//   - JSON Lines of these (a directory witness's file): the last line.
// kInvalidArgument naming what is wrong (never quoting the input).
Result<TrustedHeadFile> ParseTrustedHead(std::string_view text);

// {"root","signed","signed_heads","size","verified_at"}: `current` is the
// verified log's head, `latest` its latest verified signed head, which the
// next verification starts from.
std::string TrustedHeadFileJson(const TreeHead& current, const SignedTreeHead& latest,
                                uint64_t signed_heads, TimeMicros verified_at);

}  // namespace mamori::audit
