// Offline verification of a stored audit log, needing no secret: what an
// auditor runs against a copy of the data file (docs/REQUIREMENTS.md §6, logs
// protected against tampering).
//
// VerifyLog streams once through every event in seq order, in bounded
// memory (a Merkle frontier, two batches of events and fixed-size pages of
// each node level and of the signed heads),
// and checks, stopping at the first failure:
//   - the stored keys run 0, 1, 2, ... with no gap (deletion);
//   - each event's own seq field equals its position (reordering);
//   - its prev names the previous event's leaf hash (the hash chain): a
//     break names the event whose content changed, which the link after it
//     tells apart (modification);
//   - every stored subtree hash (levels >= kStoredLevel) equals the hash
//     recomputed from the events, and none exists for events that are not
//     there (truncation);
//   - every signed head's signature, and that its root equals the root
//     recomputed over its first `size` events (history rewritten);
//   - the state record's size, last leaf hash and edge;
//   - that at least one signed head exists when there are events (a mamori
//     store signs its first head when it is created).
// Only seq and prev are read from each event; the rest is covered by its hash.
// With two CPUs or more, a worker thread hashes one batch of events while the
// calling thread reads the next and checks the one before, in seq order: the
// first failure named is the same as on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/head.h"
#include "crypto/signature.h"
#include "store/storage.h"

namespace mamori::audit {

enum class Problem {
  kNone,
  kStorage,         // the store could not be read; nothing was concluded
  kMalformedKey,    // a key under audit/e/, audit/n/ or audit/sth/ off the layout
  kEventMissing,    // a seq with no event: deleted
  kEventReordered,  // an event stored at another event's position
  kEventModified,   // content differs from the hash the log names for it, or is not an event
  kChainBroken,     // prev does not name the previous event's hash, nor does the next link
                    // confirm this event
  kNodeMissing,     // a subtree hash that must exist does not
  kNodeMismatch,    // a stored subtree hash differs from its recomputation
  kNodeUnexpected,  // a subtree hash for events that are not stored: truncated
  kHeadInvalid,     // a signed head is malformed, its key unknown, or its signature bad
  kHeadRoot,        // a validly signed root differs from the log's: history rewritten
  kHeadBeyondLog,   // a validly signed head covers more events than are stored
  kState,           // the state record is missing, malformed or disagrees
  kNoSignedHead,    // events are stored but no signed head covers any of them: every
                    // store is signed at creation, so the heads were removed
  // Against a head kept outside the store (trusted_head.h):
  kTrustedHeadInvalid,       // the trusted head is malformed, its key unknown or not the pinned
                             // one, or its signature bad
  kBehindTrustedHead,        // the log holds fewer events than the trusted head signed: truncated,
                             // or the store was replaced by an earlier copy of itself
  kDivergedFromTrustedHead,  // the log does not extend the trusted head (no consistency
                             // proof): history it covers was rewritten, or another store
  kFewerSignedHeads,         // fewer signed heads than a previous verification saw: heads removed
};

// Stable lower-case name, e.g. "event_modified", for the CLI and tests.
std::string_view ProblemName(Problem p);

struct VerifyReport {
  bool ok = false;
  uint64_t events_checked = 0;  // events whose every check passed
  uint64_t nodes_checked = 0;   // stored subtree hashes recomputed (levels >= kStoredLevel)
  uint64_t heads_checked = 0;   // signed heads whose signature and root verified
  uint64_t bytes_hashed = 0;    // event bytes read and hashed
  TreeHead head;                // size and root recomputed over the events checked
  uint64_t signed_size = 0;     // largest size a verified signed head covers
  // False when no key was pinned: signatures were checked with the keys the
  // log itself stores under audit/key/, which shows the heads are intact but
  // not who made them. Pin the server's public key to prove that.
  bool key_pinned = false;
  std::vector<std::string> signer_fingerprints;  // keys that signed verified heads

  // When !ok, the first failure found.
  Problem problem = Problem::kNone;
  // The first event that may be bad (for a deletion, the missing seq).
  std::optional<uint64_t> bad_seq;
  std::optional<std::pair<unsigned, uint64_t>> bad_node;  // (level, index)
  std::optional<uint64_t> bad_head_size;                  // size of the signed head at fault
  // Plain sentences naming the entry, e.g. "event 17: content does not
  // match the hash event 18 names for it (modified)" /
  // 「イベント 17: 内容がイベント 18 の記録するハッシュと一致しません（改ざん）」.
  std::string reason;
  std::string reason_ja;

  // Facts an auditor should weigh even when ok: the trust basis of the
  // signatures, events not yet covered by a signed head.
  std::vector<std::string> notes;
  std::vector<std::string> notes_ja;
};

// Verifies the whole log visible in txn. With `pinned` non-null every signed
// head must be signed by that key; with null, heads are checked against the
// keys stored in the log and the report says so. Never fails as a call: a
// store error is reported as Problem::kStorage.
struct VerifyOptions {
  // Hash on a worker thread when the machine has two CPUs or more; false
  // hashes on the calling thread (the same checks and the same result).
  bool hash_thread = true;
  // Events per batch handed to the worker: small enough to stay in the CPU
  // cache while it hashes them.
  size_t batch_events = 1024;
  // A log with events and no signed head is Problem::kNoSignedHead. False
  // only for logs built without heads on purpose (tests of the hashing).
  bool require_signed_head = true;
};
VerifyReport VerifyLog(store::ReadTxn& txn, const crypto::EcdsaP256PublicKey* pinned,
                       const VerifyOptions& options = {});

}  // namespace mamori::audit
