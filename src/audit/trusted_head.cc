#include "audit/trusted_head.h"

#include <nlohmann/json.hpp>

#include "audit/jcs.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

std::string Hex(const crypto::Digest& d) { return HexEncode(crypto::DigestView(d)); }

TrustedHeadReport& Refuted(TrustedHeadReport& r, Problem p, std::string en, std::string ja) {
  r.ok = false;
  r.problem = p;
  r.reason = std::move(en);
  r.reason_ja = std::move(ja);
  return r;
}

TrustedHeadReport& StoreFail(TrustedHeadReport& r, const Status& s) {
  return Refuted(r, Problem::kStorage,
                 "the log could not be read to check it against the trusted head: " + s.message(),
                 "信頼するツリーヘッドとの照合のためにログを読み出せません: " + s.message_ja());
}

Status BadFile(std::string en, std::string ja) {
  return Status::InvalidArgument("trusted head: " + std::move(en),
                                 "信頼するツリーヘッド: " + std::move(ja), "trusted-head");
}

// The member `name` of `j` as a signed head.
Result<SignedTreeHead> HeadMember(const nlohmann::json& j, const char* name) {
  const auto& member = j.at(name);
  if (member.is_null()) {
    return Fail(BadFile(std::string("\"") + name +
                            "\" is null: the log had no signed head yet (sign one with "
                            "mamori audit head --sign)",
                        std::string("\"") + name +
                            "\" が null です（mamori audit head --sign で署名してください）"));
  }
  auto sth = SignedHeadFromJson(member);
  if (!sth) {
    return Fail(BadFile(std::string("\"") + name + "\": " + sth.error().message(),
                        std::string("\"") + name + "\": " + sth.error().message_ja()));
  }
  return sth;
}

Result<TrustedHeadFile> FromObject(const nlohmann::json& j) {
  if (!j.is_object()) {
    return Fail(BadFile("must be a JSON object", "JSONオブジェクトでなければなりません"));
  }
  TrustedHeadFile out;
  if (j.contains("signed")) {
    // `mamori audit head` output, or a file a verification wrote. Only the
    // signed head is trusted; size and root beside it are informational.
    for (const auto& [key, value] : j.items()) {
      if (key != "signed" && key != "signed_heads" && key != "size" && key != "root" &&
          key != "verified_at") {
        return Fail(
            BadFile("unknown member \"" + key + "\"", "不明な項目 \"" + key + "\" があります"));
      }
    }
    MAMORI_ASSIGN_OR_RETURN(out.head, HeadMember(j, "signed"));
    if (j.contains("signed_heads")) {
      if (!j["signed_heads"].is_number_unsigned()) {
        return Fail(BadFile("\"signed_heads\" must be an unsigned integer",
                            "\"signed_heads\" は非負整数でなければなりません"));
      }
      out.signed_heads = j["signed_heads"].get<uint64_t>();
    }
    return out;
  }
  if (j.contains("signed_head")) {  // the line `mamori serve` prints when it stops
    MAMORI_ASSIGN_OR_RETURN(out.head, HeadMember(j, "signed_head"));
    return out;
  }
  auto sth = SignedHeadFromJson(j);
  if (!sth) {
    return Fail(BadFile(sth.error().message(), sth.error().message_ja()));
  }
  out.head = std::move(*sth);
  return out;
}

}  // namespace

TrustedHeadReport CheckAgainstTrustedHead(store::ReadTxn& txn, const SignedTreeHead& trusted,
                                          const crypto::EcdsaP256PublicKey* pinned) {
  TrustedHeadReport r;
  r.trusted = trusted;
  r.key_pinned = pinned != nullptr;
  const std::string size = std::to_string(trusted.size);

  auto current = CurrentHead(txn);
  if (!current) return StoreFail(r, current.error());
  r.current = *current;

  // 1. Who signed it.
  std::optional<crypto::EcdsaP256PublicKey> stored;
  const crypto::EcdsaP256PublicKey* key = pinned;
  if (key == nullptr) {
    auto found = StoredPublicKey(txn, trusted.key_fingerprint);
    if (!found) return StoreFail(r, found.error());
    if (!*found) {
      return Refuted(r, Problem::kTrustedHeadInvalid,
                     "the trusted head names key " + trusted.key_fingerprint +
                         ", which this log does not store; give that key with --public-key",
                     "信頼するツリーヘッドの鍵 " + trusted.key_fingerprint +
                         " がこのログに保存されていません。--public-key で鍵を指定してください");
    }
    stored = std::move(*found);
    key = &*stored;
  }
  if (Status s = VerifySignedHead(trusted, *key); !s.ok()) {
    const bool other_key = key->Fingerprint() != trusted.key_fingerprint;
    return Refuted(r, Problem::kTrustedHeadInvalid,
                   other_key ? "the trusted head is signed by key " + trusted.key_fingerprint +
                                   ", not the pinned key " + key->Fingerprint()
                             : "the trusted head's signature does not verify (forged or modified)",
                   other_key ? "信頼するツリーヘッドは固定された鍵 " + key->Fingerprint() +
                                   " ではなく鍵 " + trusted.key_fingerprint + " で署名されています"
                             : "信頼するツリーヘッドの署名が検証できません（偽造または改ざん）");
  }

  // 2. Whether the log still holds what it signed.
  if (trusted.size > r.current.size) {
    const std::string n = std::to_string(r.current.size);
    return Refuted(r, Problem::kBehindTrustedHead,
                   "the log holds " + n + " events, fewer than the " + size +
                       " the trusted head signed: events were cut from the end, or the store was "
                       "replaced by an earlier copy of itself",
                   "ログのイベントは " + n + " 件で、信頼するツリーヘッドが署名した " + size +
                       " 件より少なくなっています（末尾の削除、またはストアが以前の複製に置き換え"
                       "られています）");
  }

  // 3. Whether it extends it: the proof is the store's, the roots are
  //    checked against it, so a store that rewrote anything the trusted head
  //    covers cannot produce one.
  auto proof = ConsistencyProof(txn, trusted.size, r.current.size);
  if (!proof) return StoreFail(r, proof.error());
  if (!merkle::VerifyConsistency(trusted.size, r.current.size, trusted.root, r.current.root, *proof)
           .ok()) {
    return Refuted(r, Problem::kDivergedFromTrustedHead,
                   "the log does not extend the trusted head for size " + size + " (root " +
                       Hex(trusted.root) +
                       "): the history it covers was rewritten, or this is "
                       "another store",
                   "ログがサイズ " + size + " の信頼するツリーヘッド（根 " + Hex(trusted.root) +
                       "）を延長していません（その範囲の履歴が書き換えられたか、別のストアです）");
  }
  r.ok = true;
  return r;
}

Result<TrustedHeadFile> ParseTrustedHead(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // JSON Lines (a witness file appends one head per line): the last line,
    // or the one before it when the last was torn by a crash (it then lacks
    // its newline and does not parse).
    std::string_view rest = text;
    for (int tries = 0; tries < 2 && j.is_discarded(); ++tries) {
      const size_t end = rest.find_last_not_of(" \t\r\n");
      if (end == std::string_view::npos) break;
      const size_t nl = rest.rfind('\n', end);
      const size_t begin = nl == std::string_view::npos ? 0 : nl + 1;
      j = nlohmann::json::parse(rest.substr(begin, end + 1 - begin), nullptr, false);
      const bool torn = end + 1 == rest.size();  // no newline after it
      if (!j.is_discarded() || !torn || begin == 0) break;
      rest = rest.substr(0, begin);
    }
    if (j.is_discarded()) {
      return Fail(BadFile("is neither JSON nor JSON Lines whose last line is JSON",
                          "JSON でも、最終行が JSON の JSON Lines でもありません"));
    }
  }
  return FromObject(j);
}

std::string TrustedHeadFileJson(const TreeHead& current, const SignedTreeHead& latest,
                                uint64_t signed_heads, TimeMicros verified_at) {
  jcs::ObjectWriter w;
  w.String("root", Hex(current.root));
  w.Raw("signed", SignedHeadJson(latest));
  w.Uint("signed_heads", signed_heads);
  w.Uint("size", current.size);
  w.String("verified_at", FormatUtc(verified_at));
  return w.Finish();
}

}  // namespace mamori::audit
