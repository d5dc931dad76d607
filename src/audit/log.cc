#include "audit/log.h"

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

// The state record exactly as StateJson writes it, {"last":"<64 hex>",
// "size":N}, read without a JSON parser: Append reads it on every event.
// nullopt for anything else, which the JSON parser then decides on.
std::optional<LogState> ParseStateAsWritten(std::string_view raw) {
  constexpr std::string_view kHead = R"({"last":")";
  constexpr std::string_view kMiddle = R"(","size":)";
  constexpr size_t kHex = 64;
  if (raw.size() < kHead.size() + kHex + kMiddle.size() + 2 || !raw.starts_with(kHead) ||
      raw.back() != '}' || raw.substr(kHead.size() + kHex, kMiddle.size()) != kMiddle) {
    return std::nullopt;
  }
  const auto digest = internal::DigestFromHex(raw.substr(kHead.size(), kHex));
  const std::string_view digits =
      raw.substr(kHead.size() + kHex + kMiddle.size(),
                 raw.size() - 1 - (kHead.size() + kHex + kMiddle.size()));
  if (!digest || digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  uint64_t size = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  return LogState{size, *digest};
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
  if (auto st = ParseStateAsWritten(*raw)) return std::optional<LogState>(*st);
  const auto j = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  const auto bad = [] {
    return Fail(
        Corrupt("the audit state record is malformed", "監査ログの状態レコードが壊れています"));
  };
  if (!j.is_object() || j.size() != 2 || !j.contains("size") || !j.contains("last")) return bad();
  const auto& size = j["size"];
  const auto& last = j["last"];
  if (!size.is_number_unsigned() || !last.is_string()) return bad();
  const auto digest = internal::DigestFromHex(last.get_ref<const std::string&>());
  if (!digest) return bad();
  return std::optional<LogState>(LogState{size.get<uint64_t>(), *digest});
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
  w.String("last", HexEncode(crypto::DigestView(st.last_leaf)));
  w.Uint("size", st.size);
  return w.Finish();
}

Result<crypto::Digest> ReadNode(store::ReadTxn& txn, unsigned level, uint64_t index) {
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

merkle::SubtreeFn NodeReader(store::ReadTxn& txn) {
  return [&txn](unsigned level, uint64_t index) { return ReadNode(txn, level, index); };
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
  MAMORI_RETURN_IF_ERROR(txn.Put(NodeKey(0, seq), crypto::DigestView(leaf)));
  // Each trailing 1 bit of seq is a subtree this leaf completes.
  crypto::Digest carry = leaf;
  uint64_t index = seq;
  for (unsigned level = 0; index & 1; ++level, index >>= 1) {
    crypto::Digest left;
    if (level == 0) {
      left = st.last_leaf;
    } else {
      MAMORI_ASSIGN_OR_RETURN(left, internal::ReadNode(txn, level, index - 1));
    }
    carry = hasher.Node(left, carry);
    MAMORI_RETURN_IF_ERROR(txn.Put(NodeKey(level + 1, index >> 1), crypto::DigestView(carry)));
  }
  MAMORI_RETURN_IF_ERROR(txn.Put(kStateKey, internal::StateJson(LogState{seq + 1, leaf})));
  if (legacy) MAMORI_RETURN_IF_ERROR(txn.Delete(kLegacyStateKey));
  return seq;
}

Result<TreeHead> CurrentHead(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  const uint64_t size = st ? st->size : 0;
  MAMORI_ASSIGN_OR_RETURN(crypto::Digest root,
                          merkle::RootFromSubtrees(size, internal::NodeReader(txn)));
  return TreeHead{size, root};
}

namespace {

Result<uint64_t> LogSize(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto st, ReadState(txn));
  return st ? st->size : 0;
}

Status BeyondLog(uint64_t size, uint64_t log_size) {
  return Status::InvalidArgument("tree size " + std::to_string(size) +
                                     " is beyond the audit log, which holds " +
                                     std::to_string(log_size) + " events",
                                 "木のサイズ " + std::to_string(size) + " が監査ログの件数 " +
                                     std::to_string(log_size) + " を超えています",
                                 "tree_size");
}

}  // namespace

Result<std::vector<crypto::Digest>> InclusionProof(store::ReadTxn& txn, uint64_t seq,
                                                   uint64_t tree_size) {
  MAMORI_ASSIGN_OR_RETURN(uint64_t size, LogSize(txn));
  if (tree_size > size) return Fail(BeyondLog(tree_size, size));
  return merkle::InclusionProof(seq, tree_size, internal::NodeReader(txn));
}

Result<std::vector<crypto::Digest>> ConsistencyProof(store::ReadTxn& txn, uint64_t first_size,
                                                     uint64_t second_size) {
  MAMORI_ASSIGN_OR_RETURN(uint64_t size, LogSize(txn));
  if (second_size > size) return Fail(BeyondLog(second_size, size));
  return merkle::ConsistencyProof(first_size, second_size, internal::NodeReader(txn));
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
