#include "audit/log.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <nlohmann/json.hpp>

#include "audit/jcs.h"
#include "audit/log_internal.h"
#include "audit/merkle.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string& out, uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHexDigits[(v >> (4 * i)) & 0xF]);
}

std::optional<uint64_t> ParseHex(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

std::optional<uint64_t> ParsePrefixedHex(std::string_view key, std::string_view prefix) {
  if (key.size() != prefix.size() + 16 || !key.starts_with(prefix)) return std::nullopt;
  return ParseHex(key.substr(prefix.size()));
}

Status Corrupt(std::string en, std::string ja) {
  return Status::DataLoss(std::move(en) + "; run the audit log verification",
                          std::move(ja) + "。監査ログの検証を実行してください");
}

}  // namespace

std::string EventKey(uint64_t seq) {
  std::string k(kEventPrefix);
  AppendHex(k, seq, 16);
  return k;
}

std::string NodeKey(unsigned level, uint64_t index) {
  std::string k(kNodePrefix);
  AppendHex(k, level, 2);
  AppendHex(k, index, 16);
  return k;
}

std::string HeadKey(uint64_t size) {
  std::string k(kHeadPrefix);
  AppendHex(k, size, 16);
  return k;
}

std::string PublicKeyKey(std::string_view fingerprint) {
  return std::string(kKeyPrefix) + std::string(fingerprint);
}

std::optional<uint64_t> ParseEventKey(std::string_view key) {
  return ParsePrefixedHex(key, kEventPrefix);
}

std::optional<std::pair<unsigned, uint64_t>> ParseNodeKey(std::string_view key) {
  if (key.size() != kNodePrefix.size() + 18 || !key.starts_with(kNodePrefix)) return std::nullopt;
  const auto level = ParseHex(key.substr(kNodePrefix.size(), 2));
  const auto index = ParseHex(key.substr(kNodePrefix.size() + 2));
  if (!level || !index || *level >= 64) return std::nullopt;
  return std::pair{static_cast<unsigned>(*level), *index};
}

std::optional<uint64_t> ParseHeadKey(std::string_view key) {
  return ParsePrefixedHex(key, kHeadPrefix);
}

namespace {

// The state record exactly as StateJson writes it, {"edge":["<64 hex>",...],
// "last":"<64 hex>","size":N}, or as logs before the edge wrote it,
// {"last":"<64 hex>","size":N}, read without a JSON parser: Append reads it
// on every event. nullopt for anything else, which the JSON parser then
// decides on.
std::optional<LogState> ParseStateAsWritten(std::string_view raw) {
  constexpr std::string_view kEdge = R"({"edge":[)";
  constexpr std::string_view kLast = R"("last":")";
  constexpr std::string_view kSize = R"(","size":)";
  constexpr size_t kHex = 64;
  LogState st;
  std::array<crypto::Digest, kStoredLevel> listed{};
  size_t n_listed = 0;
  if (raw.starts_with(kEdge)) {
    raw.remove_prefix(kEdge.size());
    while (!raw.starts_with("]")) {
      if (n_listed == kStoredLevel || raw.size() < kHex + 3 || raw[0] != '"' ||
          raw[kHex + 1] != '"') {
        return std::nullopt;
      }
      const auto d = internal::DigestFromHex(raw.substr(1, kHex));
      if (!d) return std::nullopt;
      listed[n_listed++] = *d;
      raw.remove_prefix(kHex + 2);
      if (raw.starts_with(",")) {
        raw.remove_prefix(1);
        if (raw.starts_with("]")) return std::nullopt;
      }
    }
    raw.remove_prefix(1);
    if (!raw.starts_with(",")) return std::nullopt;
    raw.remove_prefix(1);
  } else if (raw.starts_with("{")) {
    raw.remove_prefix(1);
    st.has_edge = false;
  } else {
    return std::nullopt;
  }
  if (raw.size() < kLast.size() + kHex + kSize.size() + 2 || !raw.starts_with(kLast) ||
      raw.back() != '}' || raw.substr(kLast.size() + kHex, kSize.size()) != kSize) {
    return std::nullopt;
  }
  const auto digest = internal::DigestFromHex(raw.substr(kLast.size(), kHex));
  const std::string_view digits = raw.substr(kLast.size() + kHex + kSize.size(),
                                             raw.size() - 1 - (kLast.size() + kHex + kSize.size()));
  if (!digest || digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    st.size = st.size * 10 + static_cast<uint64_t>(c - '0');
  }
  st.last_leaf = *digest;
  if (st.has_edge) {
    if (static_cast<size_t>(std::popcount(st.size % (uint64_t{1} << kStoredLevel))) != n_listed) {
      return std::nullopt;
    }
    size_t next = 0;
    for (unsigned level = 0; level < kStoredLevel; ++level) {
      if ((st.size >> level) & 1) st.edge[level] = listed[next++];
    }
  }
  return st;
}

// The state record and whether it was found under the legacy key.
Result<std::optional<LogState>> ReadStateAt(store::ReadTxn& txn, bool* legacy) {
  *legacy = false;
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(kStateKey));
  if (!raw) {
    MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(kLegacyStateKey));
    *legacy = raw.has_value();
  }
  if (!raw) return std::optional<LogState>();
  if (auto st = ParseStateAsWritten(*raw)) return st;
  // Same content in another JSON spelling (whitespace, member order).
  const auto j = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  const auto bad = [] {
    return Fail(
        Corrupt("the audit state record is malformed", "監査ログの状態レコードが壊れています"));
  };
  if (!j.is_object() || !j.contains("size") || !j.contains("last")) return bad();
  if (j.size() != (j.contains("edge") ? 3u : 2u)) return bad();
  const auto& size = j["size"];
  const auto& last = j["last"];
  if (!size.is_number_unsigned() || !last.is_string()) return bad();
  const auto digest = internal::DigestFromHex(last.get_ref<const std::string&>());
  if (!digest) return bad();
  LogState st{size.get<uint64_t>(), *digest};
  st.has_edge = j.contains("edge");
  if (st.has_edge) {
    const auto& edge = j["edge"];
    if (!edge.is_array() || edge.size() != static_cast<size_t>(std::popcount(
                                               st.size % (uint64_t{1} << kStoredLevel)))) {
      return bad();
    }
    size_t next = 0;
    for (unsigned level = 0; level < kStoredLevel; ++level) {
      if (!((st.size >> level) & 1)) continue;
      const auto& h = edge[next++];
      const auto d =
          h.is_string() ? internal::DigestFromHex(h.get_ref<const std::string&>()) : std::nullopt;
      if (!d) return bad();
      st.edge[level] = *d;
    }
  }
  return std::optional<LogState>(st);
}

}  // namespace

Result<std::optional<LogState>> ReadState(store::ReadTxn& txn) {
  bool legacy;
  return ReadStateAt(txn, &legacy);
}

namespace internal {

std::optional<crypto::Digest> DigestFromHex(std::string_view hex) {
  crypto::Digest d;
  if (hex.size() != 2 * d.size()) return std::nullopt;
  for (size_t i = 0; i < d.size(); ++i) {
    const auto byte = ParseHex(hex.substr(2 * i, 2));
    if (!byte) return std::nullopt;
    d[i] = static_cast<uint8_t>(*byte);
  }
  return d;
}

std::string StateJson(const LogState& st) {
  jcs::ObjectWriter w;
  if (st.has_edge) {
    std::string edge = "[";
    for (unsigned level = 0; level < kStoredLevel; ++level) {
      if (!((st.size >> level) & 1)) continue;
      if (edge.size() > 1) edge.push_back(',');
      jcs::AppendString(edge, HexEncode(crypto::DigestView(st.edge[level])));
    }
    edge.push_back(']');
    w.Raw("edge", std::move(edge));
  }
  w.String("last", HexEncode(crypto::DigestView(st.last_leaf)));
  w.Uint("size", st.size);
  return w.Finish();
}

Result<crypto::Digest> ReadStoredNode(store::ReadTxn& txn, unsigned level, uint64_t index) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(NodeKey(level, index)));
  crypto::Digest d;
  if (!raw || raw->size() != d.size()) {
    return Fail(Corrupt("audit subtree hash (level " + std::to_string(level) + ", index " +
                            std::to_string(index) + ") is " + (raw ? "malformed" : "missing"),
                        "監査ログの部分木ハッシュ (レベル " + std::to_string(level) + "、位置 " +
                            std::to_string(index) + ") が" +
                            (raw ? "壊れています" : "ありません")));
  }
  std::memcpy(d.data(), raw->data(), d.size());
  return d;
}

Result<crypto::Digest> HashEvents(store::ReadTxn& txn, unsigned level, uint64_t index) {
  const uint64_t first = index << level;
  const uint64_t count = uint64_t{1} << level;
  merkle::TreeHasher hasher;
  merkle::Frontier frontier;
  std::string expected = EventKey(first);
  MAMORI_RETURN_IF_ERROR(txn.ScanEach(expected, EventKey(first + count),
                                      [&](std::string_view key, std::string_view value) {
                                        if (key != expected) return Result<bool>(false);
                                        frontier.Push(hasher.Leaf(value), hasher);
                                        expected = EventKey(first + frontier.size());
                                        return Result<bool>(true);
                                      }));
  if (frontier.size() != count) {
    const uint64_t missing = first + frontier.size();
    return Fail(Corrupt("audit event " + std::to_string(missing) + " is missing",
                        "監査イベント " + std::to_string(missing) + " がありません"));
  }
  return frontier.Root(hasher);
}

merkle::SubtreeFn NodeReader(store::ReadTxn& txn, const LogState* state) {
  return [&txn, state](unsigned level, uint64_t index) -> Result<crypto::Digest> {
    if (level >= kStoredLevel) return ReadStoredNode(txn, level, index);
    if (state != nullptr && state->has_edge && ((state->size >> level) & 1) &&
        index == (state->size >> level) - 1) {
      return state->edge[level];
    }
    return HashEvents(txn, level, index);
  };
}

}  // namespace internal

Result<uint64_t> Append(store::WriteTxn& txn, Event& ev) {
  MAMORI_RETURN_IF_ERROR(ValidateEvent(ev));
  bool legacy;
  MAMORI_ASSIGN_OR_RETURN(auto stored, ReadStateAt(txn, &legacy));
  LogState st = stored.value_or(LogState{});
  if (!stored) {
    const std::string end = store::PrefixEnd(kEventPrefix);
    MAMORI_ASSIGN_OR_RETURN(auto any, txn.Scan(kEventPrefix, end, 1));
    if (!any.empty()) {
      return Fail(Corrupt("the audit state record is missing while events exist",
                          "監査イベントがあるのに状態レコードがありません"));
    }
  }
  if (!st.has_edge) {
    // A state record from before the edge was kept: worked out once from
    // the events (at most fifteen of them), then kept.
    for (unsigned level = 0; level < kStoredLevel; ++level) {
      if (!((st.size >> level) & 1)) continue;
      MAMORI_ASSIGN_OR_RETURN(st.edge[level],
                              internal::HashEvents(txn, level, (st.size >> level) - 1));
    }
    st.has_edge = true;
  }
  const uint64_t seq = st.size;
  const std::string key = EventKey(seq);
  MAMORI_ASSIGN_OR_RETURN(auto taken, txn.Get(key));
  if (taken) {
    return Fail(
        Corrupt("audit event " + std::to_string(seq) + " already exists beyond the recorded size",
                "記録されたサイズを超えて監査イベント " + std::to_string(seq) + " が既にあります"));
  }
  ev.seq = seq;
  ev.prev = seq == 0 ? std::string() : HexEncode(crypto::DigestView(st.last_leaf));
  const std::string json = CanonicalJson(ev);
  merkle::TreeHasher hasher;
  const crypto::Digest leaf = hasher.Leaf(json);
  MAMORI_RETURN_IF_ERROR(txn.Put(key, json));
  // Each trailing 1 bit of seq is a subtree this leaf completes: its left
  // half is the edge below kStoredLevel, a stored node from there up.
  crypto::Digest carry = leaf;
  uint64_t index = seq;
  unsigned level = 0;
  for (; index & 1; ++level, index >>= 1) {
    crypto::Digest left;
    if (level < kStoredLevel) {
      left = st.edge[level];
    } else {
      MAMORI_ASSIGN_OR_RETURN(left, internal::ReadStoredNode(txn, level, index - 1));
    }
    carry = hasher.Node(left, carry);
    if (level + 1 >= kStoredLevel) {
      MAMORI_RETURN_IF_ERROR(txn.Put(NodeKey(level + 1, index >> 1), crypto::DigestView(carry)));
    }
  }
  // Bits below `level` of the new size are clear; bit `level` is set.
  for (unsigned l = 0; l < std::min(level, kStoredLevel); ++l) st.edge[l] = {};
  if (level < kStoredLevel) st.edge[level] = carry;
  st.size = seq + 1;
  st.last_leaf = leaf;
  MAMORI_RETURN_IF_ERROR(txn.Put(kStateKey, internal::StateJson(st)));
  if (legacy) MAMORI_RETURN_IF_ERROR(txn.Delete(kLegacyStateKey));
  return seq;
}

Result<TreeHead> CurrentHead(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  const LogState state = st.value_or(LogState{});
  MAMORI_ASSIGN_OR_RETURN(crypto::Digest root,
                          merkle::RootFromSubtrees(state.size, internal::NodeReader(txn, &state)));
  return TreeHead{state.size, root};
}

Result<size_t> PruneUnstoredNodes(store::WriteTxn& txn, size_t limit) {
  const std::string begin = NodeKey(0, 0);
  const std::string end = NodeKey(kStoredLevel, 0);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(begin, end, limit));
  for (const auto& row : rows) MAMORI_RETURN_IF_ERROR(txn.Delete(row.key));
  return rows.size();
}

namespace {

Status BeyondLog(uint64_t size, uint64_t log_size) {
  return Status::InvalidArgument("tree size " + std::to_string(size) +
                                     " is beyond the audit log, which holds " +
                                     std::to_string(log_size) + " events",
                                 "木のサイズ " + std::to_string(size) + " が監査ログの件数 " +
                                     std::to_string(log_size) + " を超えています",
                                 "tree_size");
}

}  // namespace

Result<crypto::Digest> RootAt(store::ReadTxn& txn, uint64_t size) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  const LogState state = st.value_or(LogState{});
  if (size > state.size) return Fail(BeyondLog(size, state.size));
  return merkle::RootFromSubtrees(size, internal::NodeReader(txn, &state));
}

Result<std::vector<crypto::Digest>> InclusionProof(store::ReadTxn& txn, uint64_t seq,
                                                   uint64_t tree_size) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  const LogState state = st.value_or(LogState{});
  if (tree_size > state.size) return Fail(BeyondLog(tree_size, state.size));
  return merkle::InclusionProof(seq, tree_size, internal::NodeReader(txn, &state));
}

Result<std::vector<crypto::Digest>> ConsistencyProof(store::ReadTxn& txn, uint64_t first_size,
                                                     uint64_t second_size) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  const LogState state = st.value_or(LogState{});
  if (second_size > state.size) return Fail(BeyondLog(second_size, state.size));
  return merkle::ConsistencyProof(first_size, second_size, internal::NodeReader(txn, &state));
}

Result<std::optional<Event>> ReadEvent(store::ReadTxn& txn, uint64_t seq) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(EventKey(seq)));
  if (!raw) return std::optional<Event>();
  MAMORI_ASSIGN_OR_RETURN(Event ev, ParseEvent(*raw));
  return std::optional<Event>(std::move(ev));
}

Result<std::vector<Event>> Query(store::ReadTxn& txn, const EventFilter& filter) {
  constexpr size_t kPage = 1024;
  const auto matches = [&filter](const Event& ev) {
    return (!filter.since || ev.time >= *filter.since) &&
           (!filter.until || ev.time < *filter.until) &&
           (filter.actor.empty() || ev.actor == filter.actor) &&
           (filter.dataset.empty() || ev.dataset == filter.dataset) &&
           (filter.operation.empty() || ev.operation == filter.operation) &&
           (filter.result.empty() || ev.result == filter.result);
  };
  std::vector<Event> out;
  std::string begin = EventKey(filter.from_seq);
  const std::string end = store::PrefixEnd(kEventPrefix);
  while (true) {
    MAMORI_ASSIGN_OR_RETURN(auto page, txn.Scan(begin, end, kPage));
    for (const auto& kv : page) {
      MAMORI_ASSIGN_OR_RETURN(Event ev, ParseEvent(kv.value));
      if (!matches(ev)) continue;
      out.push_back(std::move(ev));
      if (filter.limit != 0 && out.size() >= filter.limit) return out;
    }
    if (page.size() < kPage) return out;
    begin = page.back().key;
    begin.push_back('\0');  // the smallest key after the last one seen
  }
}

}  // namespace mamori::audit
