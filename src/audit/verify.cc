#include "audit/verify.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <span>
#include <thread>

#include "audit/log.h"
#include "audit/log_internal.h"
#include "audit/merkle.h"
#include "audit/verify_hashing.h"
#include "audit/verify_heads.h"
#include "audit/verify_scan.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

using crypto::Digest;
using internal::EventBatch;
using internal::HashedEvent;
using internal::HashWorker;
using internal::HexInto;
using internal::PagedCursor;
using internal::Printable;

// Node page sizes: large enough that a fetch costs little per row, small
// enough that memory stays a few hundred kilobytes however long the log.
constexpr size_t kNodePage = 256;  // level kStoredLevel; halves per level up, down to kMinPage
constexpr size_t kMinPage = 64;

// a == b, for keys that are almost always kSize bytes long: a memcmp of a
// constant size compiles to a few loads instead of a call, once or twice
// per event.
template <size_t kSize>
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() == kSize) return std::memcmp(a.data(), b.data(), kSize) == 0;
  return a == b;
}
constexpr size_t kEventKeySize = kEventPrefix.size() + 16;
constexpr size_t kNodeKeySize = kNodePrefix.size() + 18;

// Advances the fixed-width lower-case hex number that ends `key` by one, so
// the key each cursor expects next is kept without formatting a new string.
void IncrementHexSuffix(std::string& key) {
  for (size_t i = key.size(); i-- > 0;) {
    char& c = key[i];
    if (c == 'f') {
      c = '0';
      continue;
    }
    c = c == '9' ? 'a' : static_cast<char>(c + 1);
    return;
  }
}

std::string LevelPrefix(unsigned level) {
  std::string k = NodeKey(level, 0);
  k.resize(kNodePrefix.size() + 2);
  return k;
}

class Verifier {
 public:
  Verifier(store::ReadTxn& txn, const crypto::EcdsaP256PublicKey* pinned,
           const VerifyOptions& options)
      : txn_(txn), options_(options), heads_(txn, pinned, r_) {
    r_.key_pinned = pinned != nullptr;
  }

  VerifyReport Run() {
    if (ReadStateRecord() && CheckHeadsThrough(0) && CheckEvents() && CheckEnd() &&
        CheckSomeHeadSigned()) {
      r_.ok = true;
      AddNotes();
    }
    r_.head = TreeHead{frontier_.size(), frontier_.Root(hasher_)};
    return std::move(r_);
  }

 private:
  bool Bad(Problem p, std::optional<uint64_t> seq, std::string en, std::string ja) {
    return internal::Failed(r_, p, seq, std::move(en), std::move(ja));
  }
  bool BadNode(Problem p, uint64_t seq, unsigned level, uint64_t index, std::string en,
               std::string ja) {
    r_.bad_node = std::pair{level, index};
    return Bad(p, seq, std::move(en), std::move(ja));
  }
  bool StoreError(const Status& s) { return internal::StoreFailed(r_, s); }
  bool CheckHeadsThrough(uint64_t size) { return heads_.CheckThrough(size, frontier_, hasher_); }

  bool ReadStateRecord() {
    auto st = ReadState(txn_);
    if (st) {
      state_ = *st;
      return true;
    }
    if (st.error().code() != Code::kDataLoss) return StoreError(st.error());
    return Bad(Problem::kState, std::nullopt, "the state record audit/e~state is malformed",
               "状態レコード audit/e~state が壊れています");
  }

  // With two CPUs or more, events are copied out of the store a batch at a
  // time while a worker thread hashes the batch before (leaves and the
  // subtrees they complete, in seq order on its own frontier) and takes seq
  // and prev out of each event; this thread checks each batch in seq order,
  // so the first failure named is the same as on one thread. Batches are
  // small (they stay in the CPU cache) and the worker lives for the whole
  // pass. With one CPU, or when no thread can be had, the events stream
  // straight out of the store's buffers and are hashed here. (Measured on
  // the 2-core VM: about 1.1 M events/s against 0.7-1.0 M on one thread;
  // with both cores kept busy by other work it stays above 30 % of SHA-256.)
  bool CheckEvents() {
    if (options_.hash_thread && std::thread::hardware_concurrency() >= 2) {
      HashWorker worker;
      if (worker.Start()) return CheckEventsPipelined(worker);
    }
    bool ok = true;
    merkle::TreeHasher hasher;
    HashedEvent scanned;
    const Status s = txn_.ScanEach(kEventPrefix, store::PrefixEnd(kEventPrefix),
                                   [&](std::string_view key, std::string_view value) {
                                     scanned.leaf = hasher.Leaf(value);
                                     HexInto(scanned.leaf, scanned.hex);
                                     scanned.parsed =
                                         internal::ScanEventFields(value, &scanned.fields);
                                     ok = CheckEvent(key, value, scanned);
                                     return ok;
                                   });
    if (!s.ok()) return StoreError(s);
    return ok;
  }

  // Up to options_.batch_events events from `next` (then moved past the last one
  // read); false when none were left.
  Status Fill(EventBatch& b, std::string& next, const std::string& end, bool* any) {
    b.bytes.clear();
    b.items.clear();
    MAMORI_RETURN_IF_ERROR(
        txn_.ScanEach(next, end, [&](std::string_view key, std::string_view value) {
          b.items.push_back({b.bytes.size(), key.size(), value.size()});
          b.bytes.append(key);
          b.bytes.append(value);
          return b.items.size() < std::max<size_t>(options_.batch_events, 1);
        }));
    *any = !b.items.empty();
    if (*any) {
      next.assign(b.Key(b.items.size() - 1));
      next.push_back('\0');  // the smallest key after the last one read
    }
    return Status::Ok();
  }

  bool CheckEventsPipelined(HashWorker& worker) {
    const std::string end = store::PrefixEnd(kEventPrefix);
    std::string next(kEventPrefix);
    EventBatch batches[2];
    EventBatch* cur = &batches[0];
    EventBatch* ahead = &batches[1];
    bool any = false;
    if (Status s = Fill(*cur, next, end, &any); !s.ok()) return StoreError(s);
    if (!any) return true;
    worker.Submit(cur);
    for (;;) {
      bool more = false;
      if (Status s = Fill(*ahead, next, end, &more); !s.ok()) return StoreError(s);
      worker.Wait(cur);
      if (more) worker.Submit(ahead);
      for (size_t i = 0; i < cur->items.size(); ++i) {
        const HashedEvent& sc = cur->scanned[i];
        const std::span<const Digest> nodes(cur->nodes.data() + sc.nodes_at, sc.nodes);
        if (!CheckEvent(cur->Key(i), cur->Value(i), sc, &nodes)) {
          if (more) worker.Wait(ahead);
          return false;
        }
      }
      if (!more) return true;
      std::swap(cur, ahead);
    }
  }

  // `hashed`: the subtrees this event completes, already hashed by the
  // worker; null to hash them here.
  bool CheckEvent(std::string_view key, std::string_view value, const HashedEvent& scanned,
                  const std::span<const Digest>* hashed = nullptr) {
    const uint64_t p = frontier_.size();
    const Digest& leaf = scanned.leaf;
    const internal::EventFields& f = scanned.fields;
    if (!SameKey<kEventKeySize>(key, next_event_key_)) return EventKeyMismatch(key, p);
    IncrementHexSuffix(next_event_key_);
    r_.bytes_hashed += value.size();
    if (!scanned.parsed) {
      return Bad(
          Problem::kEventModified, p,
          "event " + std::to_string(p) + ": stored content is not a valid event (modified)",
          "イベント " + std::to_string(p) + ": 保存内容がイベントとして読めません（改ざん）");
    }
    if (f.seq != p) return WrongSeq(p, f.seq, leaf);
    if (f.prev != (p == 0 ? std::string_view() : std::string_view(last_hex_, 64))) {
      if (p == 0) {
        return Bad(Problem::kEventModified, 0, "event 0: names a previous event (modified)",
                   "イベント 0: 先頭なのに前のイベントを指しています（改ざん）");
      }
      return ChainBroken(p, leaf);
    }
    bool ok = true;
    const auto check = [&](unsigned level, uint64_t index, const Digest& h) {
      if (ok && level >= kStoredLevel) ok = CheckNode(level, index, h);
    };
    if (hashed != nullptr) {
      frontier_.PushHashed(leaf, *hashed, check);
    } else {
      frontier_.Push(leaf, hasher_, check);
    }
    if (!ok) return r_.problem == Problem::kNodeMismatch ? BlameEventIfChanged(p, leaf) : false;
    std::memcpy(last_hex_, scanned.hex, sizeof last_hex_);
    last_leaf_ = leaf;
    ++r_.events_checked;
    if (CheckHeadsThrough(p + 1)) return true;
    if (r_.problem != Problem::kHeadRoot || r_.bad_head_size != p + 1) return false;
    const uint64_t checked = r_.events_checked;
    BlameEventIfChanged(p, leaf);
    if (r_.problem == Problem::kEventModified) r_.events_checked = checked - 1;
    return false;
  }

  // The hash the log names for event p apart from event p itself: the prev
  // of the event stored after it, or, for the last event, the state record's
  // last leaf. nullopt when neither says anything (a storage error is
  // reported and also gives nullopt, with *failed set).
  std::optional<std::string> NamedHashOf(uint64_t p, bool* failed) {
    *failed = false;
    auto next = txn_.Get(EventKey(p + 1));
    if (!next) {
      *failed = true;
      StoreError(next.error());
      return std::nullopt;
    }
    if (*next) {
      internal::EventFields f;
      if (!internal::ScanEventFields(**next, &f)) return std::nullopt;
      return std::string(f.prev);
    }
    if (state_ && state_->size == p + 1) return HexEncode(crypto::DigestView(state_->last_leaf));
    return std::nullopt;
  }

  // Whether the link after event p (or the state record, for the last
  // event) names exactly `leaf`: true, false, or nullopt when there is no
  // such link to ask (*failed when the store could not be read).
  std::optional<bool> Confirmed(uint64_t p, const Digest& leaf, bool* failed) {
    const auto named = NamedHashOf(p, failed);
    if (!named) return std::nullopt;
    char hex[64];
    HexInto(leaf, hex);
    return *named == std::string_view(hex, 64);
  }

  bool EventChanged(uint64_t p, std::string_view by_en, std::string_view by_ja) {
    r_.bad_node.reset();
    r_.bad_head_size.reset();
    return Bad(Problem::kEventModified, p,
               "event " + std::to_string(p) + ": content does not match the hash " +
                   std::string(by_en) + " names for it (modified)",
               "イベント " + std::to_string(p) + ": 内容が" + std::string(by_ja) +
                   "の記録するハッシュと一致しません（改ざん）");
  }

  // A check that covers event p failed as soon as p was read (a stored node
  // or a signed head ending at p). If the link after p does not name p's
  // hash, p itself changed and is the first bad entry; otherwise the
  // failure stands as reported.
  bool BlameEventIfChanged(uint64_t p, const Digest& leaf) {
    bool failed;
    const std::optional<bool> confirmed = Confirmed(p, leaf, &failed);
    if (failed) return false;
    if (confirmed == false) return EventChanged(p, "the next link", "次の連鎖");
    return false;
  }

  // Event p's prev does not name the hash of event p - 1. Either event p - 1
  // changed (and its hash with it) or event p did. The link after p tells
  // which: if it still names event p's hash, p is as it was written and p - 1
  // is the first bad entry; if it names another, p changed.
  bool ChainBroken(uint64_t p, const Digest& leaf) {
    bool failed;
    const std::optional<bool> confirmed = Confirmed(p, leaf, &failed);
    if (failed) return false;
    if (confirmed == true) {
      return EventChanged(p - 1, "event " + std::to_string(p),
                          "イベント " + std::to_string(p) + " ");
    }
    if (confirmed == false) return EventChanged(p, "the next link", "次の連鎖");
    return Bad(Problem::kChainBroken, p - 1,
               "event " + std::to_string(p) + ": prev does not match the hash of event " +
                   std::to_string(p - 1) + " (one of them was modified)",
               "イベント " + std::to_string(p) + ": prev がイベント " + std::to_string(p - 1) +
                   " のハッシュと一致しません（いずれかの改ざん）");
  }

  // The key at position p is not EventKey(p): a gap, or a key off the layout.
  bool EventKeyMismatch(std::string_view key, uint64_t p) {
    const auto key_seq = ParseEventKey(key);
    if (!key_seq) {
      return Bad(Problem::kMalformedKey, p, "key \"" + Printable(key) + "\" is not an event key",
                 "キー \"" + Printable(key) + "\" はイベントのキーではありません");
    }
    return Bad(Problem::kEventMissing, p,
               "event " + std::to_string(p) + " missing: next stored event is " +
                   std::to_string(*key_seq) + " (deleted)",
               "イベント " + std::to_string(p) + " がありません: 次に保存されているのはイベント " +
                   std::to_string(*key_seq) + " です（削除）");
  }

  // The event at position p says it is event `seq`: an event moved from its
  // place, or its seq edited. Whether the log still names its hash where
  // event `seq` belongs tells which.
  bool WrongSeq(uint64_t p, uint64_t seq, const Digest& leaf) {
    char hex[64];
    HexInto(leaf, hex);
    bool failed;
    const auto named = NamedHashOf(seq, &failed);
    if (failed) return false;
    if (named && *named == std::string_view(hex, 64)) {
      return Bad(Problem::kEventReordered, p,
                 "event at position " + std::to_string(p) + " has seq " + std::to_string(seq) +
                     " (reordered)",
                 "位置 " + std::to_string(p) + " のイベントの番号が " + std::to_string(seq) +
                     " です（順序の入れ替え）");
    }
    return Bad(Problem::kEventModified, p,
               "event " + std::to_string(p) + ": content carries seq " + std::to_string(seq) +
                   " and matches no link of the chain (modified)",
               "イベント " + std::to_string(p) + ": 内容の番号が " + std::to_string(seq) +
                   " で、連鎖のどのハッシュとも一致しません（改ざん）");
  }

  // Nodes of one level are completed in index order, so each level is read
  // by its own cursor, opened when its first node completes.
  struct Level {
    PagedCursor cursor;
    std::string next_key;  // NodeKey(level, next index expected)
  };

  Level& OpenLevel(unsigned level) {
    Level& l = levels_[level];
    if (l.next_key.empty()) {
      l.next_key = NodeKey(level, 0);
      l.cursor = PagedCursor(l.next_key, store::PrefixEnd(LevelPrefix(level)),
                             std::max(kMinPage, kNodePage >> (level - kStoredLevel)));
    }
    return l;
  }

  // Takes the stored node (level, index) off its level's cursor; index is
  // the next one of its level.
  bool TakeNode(unsigned level, uint64_t index, Digest* out, bool* found) {
    Level& l = OpenLevel(level);
    auto row = l.cursor.Peek(txn_);
    if (!row) return StoreError(row.error());
    *found = false;
    if (*row == nullptr) return true;
    if (!SameKey<kNodeKeySize>((*row)->key, l.next_key)) {
      const auto parsed = ParseNodeKey((*row)->key);
      if (parsed && parsed->first == level) return true;  // a later index: this one is missing
      return Bad(Problem::kMalformedKey, index << level,
                 "key \"" + Printable((*row)->key) + "\" is not a subtree node key",
                 "キー \"" + Printable((*row)->key) + "\" は部分木ノードのキーではありません");
    }
    if ((*row)->value.size() != out->size()) {
      return BadNode(Problem::kNodeMismatch, index << level, level, index,
                     "subtree node " + std::to_string(level) + "/" + std::to_string(index) +
                         " is not a 32-byte hash",
                     "部分木ノード " + std::to_string(level) + "/" + std::to_string(index) +
                         " が32バイトのハッシュではありません");
    }
    std::memcpy(out->data(), (*row)->value.data(), out->size());
    l.cursor.Pop();
    IncrementHexSuffix(l.next_key);
    *found = true;
    return true;
  }

  bool CheckNode(unsigned level, uint64_t index, const Digest& hash) {
    Digest stored;
    bool found;
    if (!TakeNode(level, index, &stored, &found)) return false;
    if (found && stored == hash) {
      ++r_.nodes_checked;
      return true;
    }
    const uint64_t first = index << level, last = ((index + 1) << level) - 1;
    const std::string what = "subtree node " + std::to_string(level) + "/" + std::to_string(index) +
                             " covering events " + std::to_string(first) + ".." +
                             std::to_string(last);
    const std::string what_ja = "イベント " + std::to_string(first) + "〜" + std::to_string(last) +
                                " を覆う部分木ノード " + std::to_string(level) + "/" +
                                std::to_string(index);
    if (!found) {
      return BadNode(Problem::kNodeMissing, first, level, index, what + " is missing (deleted)",
                     what_ja + " がありません（削除）");
    }
    return BadNode(Problem::kNodeMismatch, first, level, index,
                   what + " does not match its recomputed hash (modified)",
                   what_ja + " が再計算したハッシュと一致しません（改ざん）");
  }

  bool CheckEnd() {
    const uint64_t n = frontier_.size();
    if (!state_ && n > 0) {
      return Bad(Problem::kState, n,
                 "the state record is missing although " + std::to_string(n) + " events are stored",
                 std::to_string(n) + " 件のイベントがあるのに状態レコードがありません");
    }
    if (state_ && state_->size > n) {
      return Bad(Problem::kEventMissing, n,
                 "event " + std::to_string(n) + " missing: the state records " +
                     std::to_string(state_->size) + " events but only " + std::to_string(n) +
                     " are stored (deleted)",
                 "イベント " + std::to_string(n) + " がありません: 状態レコードは " +
                     std::to_string(state_->size) + " 件ですが保存は " + std::to_string(n) +
                     " 件です（削除）");
    }
    if (state_ && state_->size < n) {
      return Bad(Problem::kState, state_->size,
                 "the state record counts " + std::to_string(state_->size) + " events but " +
                     std::to_string(n) + " are stored",
                 "状態レコードは " + std::to_string(state_->size) + " 件ですが " +
                     std::to_string(n) + " 件が保存されています");
    }
    if (state_ && n > 0 && state_->last_leaf != last_leaf_) {
      return Bad(Problem::kState, n - 1,
                 "the state record's last leaf hash does not match event " + std::to_string(n - 1) +
                     " (the event or the state record was modified)",
                 "状態レコードの最終葉ハッシュがイベント " + std::to_string(n - 1) +
                     " と一致しません（イベントまたは状態レコードの改ざん）");
    }
    if (state_ && state_->has_edge) {
      for (unsigned level = 0; level < kStoredLevel; ++level) {
        if (!((n >> level) & 1) || state_->edge[level] == frontier_.Subtree(level)) continue;
        const uint64_t first = ((n >> level) - 1) << level;
        return Bad(Problem::kState, first,
                   "the state record's edge hash at level " + std::to_string(level) +
                       " does not match events " + std::to_string(first) + ".." +
                       std::to_string(n - 1),
                   "状態レコードのレベル " + std::to_string(level) + " の端のハッシュがイベント " +
                       std::to_string(first) + "〜" + std::to_string(n - 1) + " と一致しません");
      }
    }
    for (unsigned level = kStoredLevel; level < 64; ++level) {
      const std::string end = store::PrefixEnd(LevelPrefix(level));
      auto rows = txn_.Scan(NodeKey(level, n >> level), end, 1);
      if (!rows) return StoreError(rows.error());
      if (rows->empty()) continue;
      const auto parsed = ParseNodeKey(rows->front().key);
      if (!parsed) {
        return Bad(
            Problem::kMalformedKey, n,
            "key \"" + Printable(rows->front().key) + "\" is not a subtree node key",
            "キー \"" + Printable(rows->front().key) + "\" は部分木ノードのキーではありません");
      }
      return BadNode(
          Problem::kNodeUnexpected, n, parsed->first, parsed->second,
          "subtree node " + std::to_string(parsed->first) + "/" + std::to_string(parsed->second) +
              " exists beyond the " + std::to_string(n) + " stored events (deleted from the end)",
          "部分木ノード " + std::to_string(parsed->first) + "/" + std::to_string(parsed->second) +
              " が保存されている " + std::to_string(n) + " 件の先にあります（末尾の削除）");
    }
    return CheckHeadsThrough(std::numeric_limits<uint64_t>::max());
  }

  bool CheckSomeHeadSigned() {
    const uint64_t n = frontier_.size();
    if (!options_.require_signed_head || n == 0 || r_.heads_checked > 0) return true;
    return Bad(
        Problem::kNoSignedHead, std::nullopt,
        "none of the " + std::to_string(n) +
            " events is covered by a signed head; a mamori store signs one when it is "
            "created, so the signed heads were removed (audit/sth/)",
        std::to_string(n) +
            " 件のイベントのいずれも署名付きツリーヘッドで保護されていません。ストアは作成時に"
            "署名するため、署名付きツリーヘッド (audit/sth/) が削除されています");
  }

  void AddNotes() {
    if (!r_.key_pinned && r_.heads_checked > 0) {
      r_.notes.push_back(
          "signatures were checked with keys stored in the log itself (audit/key/); this shows "
          "the heads are intact, not who signed them: pin the server's public key to prove that");
      r_.notes_ja.push_back(
          "署名はログ自身に保存された鍵 (audit/key/) "
          "で検証しました。ヘッドが無傷であることは示せますが、"
          "署名者は証明できません。証明するにはサーバの公開鍵を固定してください");
    }
    const uint64_t n = frontier_.size();
    if (r_.signed_size < n) {
      r_.notes.push_back("events " + std::to_string(r_.signed_size) + ".." + std::to_string(n - 1) +
                         " are not yet covered by a signed head; until one is signed their "
                         "integrity rests on the store alone");
      r_.notes_ja.push_back("イベント " + std::to_string(r_.signed_size) + "〜" +
                            std::to_string(n - 1) +
                            " はまだ署名付きツリーヘッドで保護されていません");
    }
  }

  store::ReadTxn& txn_;
  VerifyOptions options_;
  VerifyReport r_;
  std::optional<LogState> state_;
  merkle::TreeHasher hasher_;
  merkle::Frontier frontier_;
  Digest last_leaf_{};
  char last_hex_[64] = {};
  std::string next_event_key_ = EventKey(0);
  internal::HeadChecker heads_;
  std::array<Level, 64> levels_;
};

}  // namespace

std::string_view ProblemName(Problem p) {
  switch (p) {
    case Problem::kNone:
      return "none";
    case Problem::kStorage:
      return "storage";
    case Problem::kMalformedKey:
      return "malformed_key";
    case Problem::kEventMissing:
      return "event_missing";
    case Problem::kEventReordered:
      return "event_reordered";
    case Problem::kEventModified:
      return "event_modified";
    case Problem::kChainBroken:
      return "chain_broken";
    case Problem::kNodeMissing:
      return "node_missing";
    case Problem::kNodeMismatch:
      return "node_mismatch";
    case Problem::kNodeUnexpected:
      return "node_unexpected";
    case Problem::kHeadInvalid:
      return "head_invalid";
    case Problem::kHeadRoot:
      return "head_root";
    case Problem::kHeadBeyondLog:
      return "head_beyond_log";
    case Problem::kState:
      return "state";
    case Problem::kNoSignedHead:
      return "no_signed_head";
    case Problem::kTrustedHeadInvalid:
      return "trusted_head_invalid";
    case Problem::kBehindTrustedHead:
      return "behind_trusted_head";
    case Problem::kDivergedFromTrustedHead:
      return "diverged_from_trusted_head";
    case Problem::kFewerSignedHeads:
      return "fewer_signed_heads";
  }
  return "unknown";
}

VerifyReport VerifyLog(store::ReadTxn& txn, const crypto::EcdsaP256PublicKey* pinned,
                       const VerifyOptions& options) {
  return Verifier(txn, pinned, options).Run();
}

}  // namespace mamori::audit
