// The audit log kept in the store, in the caller's transaction: an engine
// operation appends its event in the same WriteTxn as its effect, so the two
// commit or fail together (DESIGN.md decision 1). Storage::Update runs its
// functions one at a time, which is what makes Append's read-modify-write of
// the state record safe.
//
// Layout (all keys under "audit/"; hex is lower-case, fixed width):
//   audit/e/<seq:16>             CanonicalJson of event seq
//   audit/n/<level:2><index:16>  32-byte hash of the complete subtree (level,
//                                index); level 0 holds leaf hashes. Append
//                                writes the leaf and every subtree it
//                                completes: two nodes per event, amortised.
//   audit/e~state                {"last":"<hex leaf hash of the last event>","size":N}
//                                Sorts right after the last event (outside the
//                                audit/e/ prefix), so the page Append writes for
//                                the event usually holds it too: rewriting it
//                                costs no page of its own. Logs written before
//                                kept it under audit/state (kLegacyStateKey),
//                                which is read when the new key is absent and
//                                moved by the next Append.
//   audit/sth/<size:16>          SignedHeadJson of the signed head for size
//   audit/key/<fingerprint>      PEM public key that signed heads name
//
// Functions that fail leave the transaction partly written: the caller must
// return the error from its Update function, which rolls its writes back.
#pragma once

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
#include "store/storage.h"

namespace mamori::audit {

inline constexpr std::string_view kEventPrefix = "audit/e/";
inline constexpr std::string_view kNodePrefix = "audit/n/";
inline constexpr std::string_view kStateKey = "audit/e~state";
inline constexpr std::string_view kLegacyStateKey = "audit/state";
inline constexpr std::string_view kHeadPrefix = "audit/sth/";
inline constexpr std::string_view kKeyPrefix = "audit/key/";

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
  bool operator==(const LogState&) const = default;
};
// nullopt when the log has never been written; kDataLoss when it does not parse.
// Reads kStateKey, or kLegacyStateKey when that is absent.
Result<std::optional<LogState>> ReadState(store::ReadTxn& txn);

// Assigns ev.seq and ev.prev, writes the event, its leaf, the subtrees it
// completes and the state; returns the seq. O(log n) point reads and writes
// (about two of each, amortised), never a scan. kInvalidArgument when
// ValidateEvent refuses the event; kDataLoss when the stored log is
// inconsistent (state missing while events exist, the next event's key
// already taken, a subtree hash missing) — the log then needs VerifyLog, and
// writing more to it would bury the damage.
Result<uint64_t> Append(store::WriteTxn& txn, Event& ev);

// Size and root of the whole log, from the state record and popcount(size)
// stored subtree hashes.
Result<TreeHead> CurrentHead(store::ReadTxn& txn);

// Signs the current head with `key` at `now`, stores it under audit/sth/ and
// the public key under audit/key/ when absent, and returns it. When the latest
// signed head already covers the current size it is returned unchanged (so
// signing on a timer and at shutdown costs nothing while idle). kDataLoss when
// the latest signed head is larger than the log or disagrees with its root:
// signing over that would endorse a truncated or rewritten history.
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
