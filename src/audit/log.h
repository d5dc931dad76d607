// The audit log kept in the store, in the caller's transaction: an engine
// operation appends its event in the same WriteTxn as its effect, so the two
// commit or fail together (docs/ARCHITECTURE.md decision 1). Storage::Update runs its
// functions one at a time, which is what makes Append's read-modify-write of
// the state record safe.
//
// Layout (all keys under "audit/"; hex is lower-case, fixed width):
//   audit/e/<seq:16>             CanonicalJson of event seq
//   audit/n/<level:2><index:16>  32-byte hash of the complete subtree (level,
//                                index), for level >= kStoredLevel only: one
//                                node per 8 events, amortised. Smaller subtrees
//                                are hashed from their events when a proof
//                                needs them (at most 8 events read per node),
//                                so an event costs its own row and, one time in
//                                sixteen, a node row in another part of the
//                                B-tree: every stored page is a page each
//                                audited operation pays to sync.
//   audit/e~state                {"edge":[<hex>...],"last":"<hex>","size":N}:
//                                the leaf hash of the last event, the number of
//                                events, and the right edge of the tree below
//                                kStoredLevel (the roots of its complete
//                                subtrees of levels 0..3, lowest first, one per
//                                set bit of N & 15), which Append combines
//                                without reading any event.
//                                Sorts right after the last event (outside the
//                                audit/e/ prefix), so the page Append writes for
//                                the event usually holds it too: rewriting it
//                                costs no page of its own. Logs written before
//                                kept it under audit/state (kLegacyStateKey),
//                                which is read when the new key is absent and
//                                moved by the next Append; their state has no
//                                "edge" (Append works it out from the events
//                                once) and they stored nodes of every level
//                                (PruneUnstoredNodes removes those below
//                                kStoredLevel; nothing reads them).
//   audit/sth/<size:16>          SignedHeadJson of the signed head for size
//   audit/key/<fingerprint>      PEM public key that signed heads name
//
// Functions that fail leave the transaction partly written: the caller must
// return the error from its Update function, which rolls its writes back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/event.h"
#include "audit/head.h"
#include "core/status.h"
#include "core/time.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "keys/audit_signer.h"
#include "store/storage.h"

namespace mamori::audit {

inline constexpr std::string_view kEventPrefix = "audit/e/";
inline constexpr std::string_view kNodePrefix = "audit/n/";
inline constexpr std::string_view kStateKey = "audit/e~state";
inline constexpr std::string_view kLegacyStateKey = "audit/state";
inline constexpr std::string_view kHeadPrefix = "audit/sth/";
inline constexpr std::string_view kKeyPrefix = "audit/key/";
// The lowest level whose subtree hashes are stored (subtrees of 16 events).
inline constexpr unsigned kStoredLevel = 4;

std::string EventKey(uint64_t seq);
std::string NodeKey(unsigned level, uint64_t index);
std::string HeadKey(uint64_t size);
std::string PublicKeyKey(std::string_view fingerprint);
// The inverses, for keys found by a scan: nullopt unless `key` has exactly the
// layout above (prefix, fixed-width lower-case hex).
std::optional<uint64_t> ParseEventKey(std::string_view key);
std::optional<std::pair<unsigned, uint64_t>> ParseNodeKey(std::string_view key);
std::optional<uint64_t> ParseHeadKey(std::string_view key);

// The state record: events in the log and the leaf hash of the last one, so
// that Append finds `prev` and the next seq in one read.
struct LogState {
  uint64_t size = 0;
  crypto::Digest last_leaf{};
  // edge[l], for each set bit l < kStoredLevel of size: the hash of the
  // complete subtree (l, (size >> l) - 1), the rightmost of its level.
  // Entries for clear bits are zero.
  std::array<crypto::Digest, kStoredLevel> edge{};
  // False for a state record written before the edge was kept.
  bool has_edge = true;
  bool operator==(const LogState&) const = default;
};
// nullopt when the log has never been written; kDataLoss when it does not parse.
// Reads kStateKey, or kLegacyStateKey when that is absent.
Result<std::optional<LogState>> ReadState(store::ReadTxn& txn);

// Assigns ev.seq and ev.prev, writes the event, the stored subtrees it
// completes and the state; returns the seq. Reads the state and, one time in
// sixteen, O(log n) stored nodes; writes the event, the state and that many
// nodes; never a scan. kInvalidArgument when ValidateEvent refuses the event;
// kDataLoss when the stored log is inconsistent (state missing while events
// exist, the next event's key already taken, a subtree hash missing) — the
// log then needs VerifyLog, and writing more to it would bury the damage.
Result<uint64_t> Append(store::WriteTxn& txn, Event& ev);

// Size and root of the whole log, from the state record and the stored
// subtree hashes (no event is read when the state holds the edge).
Result<TreeHead> CurrentHead(store::ReadTxn& txn);

// MTH of the first `size` events: RootFromSubtrees over stored subtree
// hashes, smaller subtrees hashed from their events. kInvalidArgument when
// size is beyond the log.
Result<crypto::Digest> RootAt(store::ReadTxn& txn, uint64_t size);

// Deletes up to `limit` stored subtree hashes below kStoredLevel, which logs
// written before kept; returns how many it deleted (0: none are left).
// Nothing reads them, so a log is consistent before, during and after.
Result<size_t> PruneUnstoredNodes(store::WriteTxn& txn, size_t limit);

// Signs the current head with `signer` at `now`, stores it under audit/sth/ and
// the public key under audit/key/ when absent, and returns it. When the latest
// signed head already covers the current size it is returned unchanged (so
// signing on a timer and at shutdown costs nothing while idle). kDataLoss when
// the latest signed head is larger than the log or disagrees with its root:
// signing over that would endorse a truncated or rewritten history.
Result<SignedTreeHead> SignHead(store::WriteTxn& txn, keys::AuditSigner& signer, TimeMicros now);
// The same with a key held in memory (tests, tools).
Result<SignedTreeHead> SignHead(store::WriteTxn& txn, const crypto::EcdsaP256PrivateKey& key,
                                TimeMicros now);

// Every signed head, by size ascending: O(number of heads).
Result<std::vector<SignedTreeHead>> ListSignedHeads(store::ReadTxn& txn);
// The one with the largest size, if any.
Result<std::optional<SignedTreeHead>> LatestSignedHead(store::ReadTxn& txn);
// The public key stored under audit/key/<fingerprint>, if any.
Result<std::optional<crypto::EcdsaP256PublicKey>> StoredPublicKey(store::ReadTxn& txn,
                                                                  std::string_view fingerprint);

// Proof that event seq is in the tree of tree_size events (merkle.h order),
// to be checked against a head of that size with merkle::VerifyInclusion and
// EventLeafHash. O(log n) reads. kInvalidArgument unless seq < tree_size <= size.
Result<std::vector<crypto::Digest>> InclusionProof(store::ReadTxn& txn, uint64_t seq,
                                                   uint64_t tree_size);
// Proof that the tree of first_size events is a prefix of the tree of
// second_size. O(log n) reads. kInvalidArgument unless first <= second <= size.
Result<std::vector<crypto::Digest>> ConsistencyProof(store::ReadTxn& txn, uint64_t first_size,
                                                     uint64_t second_size);

// The event at seq; nullopt beyond the end. kDataLoss when the stored bytes do
// not parse (ParseEvent).
Result<std::optional<Event>> ReadEvent(store::ReadTxn& txn, uint64_t seq);

struct EventFilter {
  std::optional<TimeMicros> since;  // time >= since
  std::optional<TimeMicros> until;  // time < until
  std::string actor;                // each of these: exact match when non-empty
  std::string dataset;
  std::string operation;
  std::string result;
  uint64_t from_seq = 0;  // first seq considered; page on with last seq + 1
  size_t limit = 100;     // most events returned; 0 means no limit
};

// Events matching `filter`, by seq ascending. A linear scan from from_seq:
// there is no index on time, actor or dataset yet, so the cost grows with the
// events passed over, not with those returned. Time is not monotonic in seq
// under clock adjustments, so `until` cannot end the scan early.
Result<std::vector<Event>> Query(store::ReadTxn& txn, const EventFilter& filter);

}  // namespace mamori::audit
