#include "engine/integrity.h"

#include <charconv>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine/keyspace.h"

namespace mamori::engine {
namespace {

void Field(std::string& out, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  out += bytes;
}

std::string OptionalDate(const std::optional<CivilDate>& d) { return d ? FormatDate(*d) : ""; }

std::string Mac(const crypto::SecretBytes& key, std::string_view input) {
  return std::string(crypto::DigestView(crypto::HmacSha256(key, input)));
}

std::string PendingMacInput(std::string_view dataset, std::string_view record,
                            const nlohmann::json& marker) {
  std::string in = "mamori/pending-shred/v1";
  Field(in, dataset);
  Field(in, record);
  Field(in, marker.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return in;
}

}  // namespace

std::string RowHash(std::string_view stored) {
  return HexEncode(crypto::DigestView(crypto::Sha256(stored)).substr(0, 16));
}

std::string EnvelopeMacInput(std::string_view dataset, std::string_view record,
                             const Envelope& env) {
  std::string in;
  in.reserve(256 + 64 * env.sealed.size());
  in += "mamori/envelope/v2";
  Field(in, dataset);
  Field(in, record);
  Field(in, std::to_string(env.version));
  Field(in, env.key_id);
  Field(in, std::to_string(env.definition_version));
  Field(in, std::to_string(env.created_at));
  Field(in, std::to_string(env.updated_at));
  Field(in, env.created_by);
  Field(in, env.updated_by);
  Field(in, OptionalDate(env.end_of_use));
  Field(in, OptionalDate(env.deadline));
  Field(in, env.prev);
  Field(in, std::to_string(env.sealed.size()));
  for (const auto& [field, bytes] : env.sealed) {
    Field(in, field);
    Field(in, bytes);
  }
  Field(in, std::to_string(env.index_tags.size()));
  for (const auto& [field, tag] : env.index_tags) {
    Field(in, field);
    Field(in, tag);
  }
  return in;
}

void SignEnvelope(const crypto::SecretBytes& key, std::string_view dataset, std::string_view record,
                  Envelope& env) {
  env.mac = Mac(key, EnvelopeMacInput(dataset, record, env));
}

Result<std::optional<store::KeyValue>> NewestHistoryRow(store::ReadTxn& txn,
                                                        std::string_view dataset,
                                                        std::string_view record) {
  const std::string prefix = keyspace::HistoryPrefix(dataset, record);
  MAMORI_ASSIGN_OR_RETURN(auto rows,
                          txn.Scan(prefix, store::PrefixEnd(prefix), 1, /*reverse=*/true));
  if (rows.empty()) return std::optional<store::KeyValue>();
  return std::optional<store::KeyValue>(std::move(rows.front()));
}

std::optional<uint32_t> HistoryKeyVersion(std::string_view key, std::string_view dataset,
                                          std::string_view record) {
  const std::string prefix = keyspace::HistoryPrefix(dataset, record);
  if (!key.starts_with(prefix) || key.size() != prefix.size() + 8) return std::nullopt;
  const std::string_view digits = key.substr(prefix.size());
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

Status TamperedRecord(std::string_view record, std::string_view why_en, std::string_view why_ja) {
  const std::string id = IsRecordId(record) ? std::string(record) : "(malformed id)";
  return Status::DataLoss(
      "record " + id + ": " + std::string(why_en) + "; nothing of it is returned",
      "レコード " + id + ": " + std::string(why_ja) + "。値は返しません", "id");
}

Status CheckRowBelongs(const crypto::SecretBytes& key, std::string_view dataset,
                       std::string_view record, const Envelope& env) {
  if (env.mac.empty()) {
    return TamperedRecord(record,
                          "its stored row carries no authentication code, which every row of "
                          "this store has had since it was upgraded: the row was altered",
                          "保存データに認証コードがありません (改ざんされています)");
  }
  if (!crypto::ConstantTimeEquals(env.mac, Mac(key, EnvelopeMacInput(dataset, record, env)))) {
    return TamperedRecord(record,
                          "its stored row does not authenticate as this record's: it was moved "
                          "from another record or dataset, or altered",
                          "保存データがこのレコードのものとして認証できません "
                          "(他のレコード・台帳からの移動、または改ざん)");
  }
  return Status::Ok();
}

Status CheckCurrentRow(const crypto::SecretBytes& key, std::string_view dataset,
                       std::string_view record, const Envelope& env,
                       const std::optional<store::KeyValue>& newest_history) {
  MAMORI_RETURN_IF_ERROR(CheckRowBelongs(key, dataset, record, env));
  std::optional<uint32_t> newest;
  if (newest_history) {
    newest = HistoryKeyVersion(newest_history->key, dataset, record);
    if (!newest) {
      return TamperedRecord(record, "its history holds a row under a malformed key",
                            "履歴に不正なキーの行があります");
    }
    if (*newest >= env.version) {
      return TamperedRecord(
          record,
          "the stored row is version " + std::to_string(env.version) +
              " but its history already reaches version " + std::to_string(*newest) +
              ": an older version was put back over the current one",
          "保存データは版 " + std::to_string(env.version) + " ですが、履歴は既に版 " +
              std::to_string(*newest) + " まであります (古い版への巻き戻し)");
    }
  }
  if (env.version == 1) {
    if (!env.prev.empty()) {
      return TamperedRecord(record, "version 1 names a previous version",
                            "版 1 に前の版が記録されています");
    }
    return Status::Ok();
  }
  if (!newest || *newest != env.version - 1) {
    return TamperedRecord(record,
                          "its history does not end at version " + std::to_string(env.version - 1) +
                              ": versions were removed",
                          "履歴が版 " + std::to_string(env.version - 1) +
                              " で終わっていません (版が削除されています)");
  }
  if (env.prev != RowHash(newest_history->value)) {
    return TamperedRecord(record, "its newest history row is not the version it was written after",
                          "履歴の最新行が、この版の直前に書かれた版ではありません");
  }
  return Status::Ok();
}

Result<std::vector<Envelope>> CheckHistory(std::string_view dataset, std::string_view record,
                                           const std::vector<store::KeyValue>& rows,
                                           const Envelope& current) {
  if (rows.size() + 1 != current.version) {
    return Fail(TamperedRecord(record,
                               "its history holds " + std::to_string(rows.size()) +
                                   " rows before version " + std::to_string(current.version) +
                                   ": versions were removed or added",
                               "版 " + std::to_string(current.version) + " の前の履歴が " +
                                   std::to_string(rows.size()) + " 行です (版の削除または追加)"));
  }
  // Each row names the hash of the row before it, and the newest is named by
  // the current row, whose authentication code covers that name: so the
  // whole chain is authenticated by the current row's code.
  std::vector<Envelope> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto version = static_cast<uint32_t>(i + 1);
    MAMORI_ASSIGN_OR_RETURN(Envelope env, DecodeRow(record, rows[i].value));
    if (HistoryKeyVersion(rows[i].key, dataset, record) != version || env.version != version) {
      return Fail(TamperedRecord(record,
                                 "history row " + std::to_string(version) + " is out of place",
                                 "履歴の版 " + std::to_string(version) + " の位置が不正です"));
    }
    const std::string expected = i == 0 ? std::string() : RowHash(rows[i - 1].value);
    if (env.prev != expected) {
      return Fail(TamperedRecord(
          record,
          "history row " + std::to_string(version) + " was not written after the row before it",
          "履歴の版 " + std::to_string(version) + " が直前の版の後に書かれたものではありません"));
    }
    out.push_back(std::move(env));
  }
  if (!rows.empty() && current.prev != RowHash(rows.back().value)) {
    return Fail(TamperedRecord(record,
                               "its newest history row is not the version it was written after",
                               "履歴の最新行が、この版の直前に書かれた版ではありません"));
  }
  return out;
}

void SignPendingShred(const crypto::SecretBytes& key, std::string_view dataset,
                      std::string_view record, nlohmann::json& marker) {
  marker.erase("m");
  marker["m"] = Base64Encode(Mac(key, PendingMacInput(dataset, record, marker)));
}

bool VerifyPendingShred(const crypto::SecretBytes& key, std::string_view dataset,
                        std::string_view record, nlohmann::json& marker) {
  if (!marker.is_object() || !marker.contains("m") || !marker["m"].is_string()) return false;
  auto mac = Base64Decode(marker["m"].get<std::string>());
  marker.erase("m");
  return mac &&
         crypto::ConstantTimeEquals(*mac, Mac(key, PendingMacInput(dataset, record, marker)));
}

}  // namespace mamori::engine
