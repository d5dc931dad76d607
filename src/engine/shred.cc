// Disposal: crypto-shredding of records, signed disposal records (廃棄記録),
// and the retention sweep.
//
// A shred spans two stores, so it is written ahead: (1) a pending marker and
// the request's audit event, (2) the record key destroyed in the key store,
// (3) the stored versions, index entries and marker deleted and the signed
// disposal record written with its audit event. Open() finishes any shred
// that stopped between (1) and (3); every step is idempotent.
#include <charconv>

#include "audit/event.h"
#include "audit/log.h"
#include "core/encoding.h"
#include "engine/disposal_reason.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"
#include "jp/text.h"

namespace mamori::engine {
namespace {

constexpr std::string_view kMethod =
    "crypto-shredding: the record key (AES-256-GCM) was destroyed in the key store and every "
    "stored "
    "version deleted; no copy of the data store can be decrypted / 暗号鍵消去: "
    "レコード鍵を破棄し全版を削除 (バックアップを含め復元不能)";

}  // namespace

Result<nlohmann::json> Engine::Shred(const Context& ctx, std::string_view dataset,
                                     std::string_view id, std::string_view reason,
                                     std::string_view reference) {
  return ShredRecord(ctx, dataset, id, reason, reference, std::nullopt);
}

Result<nlohmann::json> Engine::Shred(const Context& ctx, std::string_view dataset,
                                     std::string_view id, std::string_view reason,
                                     std::string_view reference, const ShredAuthority& authority) {
  return ShredRecord(ctx, dataset, id, reason, reference, std::nullopt, &authority);
}

Result<nlohmann::json> Engine::ShredRecord(const Context& ctx_in, std::string_view dataset,
                                           std::string_view id, std::string_view reason,
                                           std::string_view reference,
                                           std::optional<CivilDate> due_before,
                                           const ShredAuthority* authority) {
  Context ctx = WithTime(ctx_in);
  if (ctx.purpose.empty()) ctx.purpose = std::string(kDisposalPurpose);
  auto def = LoadDataset(dataset);
  if (!def) return Fail(Refuse(ctx, "record.shred", dataset, "", def.error()));
  if (ctx.actor.empty()) return Fail(Refuse(ctx, "record.shred", dataset, "", NoActor()));
  if (!IsRecordId(id)) {
    return Fail(Refuse(ctx, "record.shred", dataset, "",
                       Status::InvalidArgument("record id must be 32 lower-case hex characters",
                                               "レコードIDは32桁の16進小文字です", "id")));
  }
  // A disposal is not a use of the data: its purpose is the engine's own
  // ("disposal" unless the sweep says "retention"), or one the dataset
  // registers when the caller names the use it ends.
  if (!IsDisposalPurpose(ctx.purpose) && !(*def)->FindPurpose(ctx.purpose)) {
    return Fail(Refuse(
        ctx, "record.shred", dataset, id,
        Status::PermissionDenied(
            "the purpose given is not registered for dataset " + (*def)->name,
            "指定された利用目的は台帳 " + (*def)->name + " に登録されていません", "purpose")));
  }
  // The reason is kept, signed, in the disposal record for good: a code
  // says why, never whose (disposal_reason.h).
  if (Status why = CheckDisposalReason(reason, reference); !why.ok()) {
    return Fail(Refuse(ctx, "record.shred", dataset, id, why));
  }
  nlohmann::json pending = {{"reason", std::string(reason)},
                            {"reference", std::string(reference)},
                            {"actor", ctx.actor},
                            {"terminal", ctx.terminal},
                            {"purpose", ctx.purpose},
                            {"requested_at", ctx.time}};
  if (authority) pending["approval"] = authority->approval;
  audit::Event ev = MakeEvent(ctx, "record.shred_request", dataset, id);
  ev.attrs["reason"] = std::string(reason);
  if (!reference.empty()) ev.attrs["reference"] = std::string(reference);
  if (authority) ev.attrs["approval"] = audit::EventIdentifier(authority->approval);
  Status domain;
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(keyspace::Record(dataset, id)));
    MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(keyspace::PendingShred(dataset, id)));
    std::optional<Envelope> env;
    if (!raw) {
      domain = Status::NotFound(
          "record " + std::string(id) + " does not exist in " + std::string(dataset),
          "レコード " + std::string(id) + " は台帳 " + std::string(dataset) + " に存在しません",
          "id");
    } else if (existing) {
      domain = Status::FailedPrecondition("record is already being shredded",
                                          "レコードは既に廃棄処理中です", "id");
    } else if (auto decoded = DecodeRow(id, *raw); !decoded) {
      domain = decoded.error();
    } else if (Status belongs = CheckRowBelongs(envelope_key_, dataset, id, *decoded);
               !belongs.ok()) {
      // Its key id cannot be trusted: destroying it could destroy another
      // record's key and leave this one's.
      domain = belongs;
    } else if (due_before && !(decoded->deadline && *decoded->deadline < *due_before)) {
      domain = TamperedRecord(id,
                              "the retention index names it as due before " +
                                  FormatDate(*due_before) + ", but its own deadline is not",
                              "保存期限の索引では " + FormatDate(*due_before) +
                                  " より前が期限とされていますが、レコード自身の期限は異なります");
    } else {
      env = std::move(*decoded);
    }
    // The authority is checked against the state this transaction reads,
    // so that what allowed the disposal is what held when it was recorded.
    if (domain.ok() && authority) {
      if (!authority->check) {
        domain = Status::Internal("a disposal authority without its check",
                                  "廃棄の承認の確認手段がありません", "approval");
      } else {
        domain = authority->check(txn);
      }
    }
    if (!domain.ok()) {
      ev.result = domain.code() == Code::kDataLoss ? "error" : "refused";
      ev.code = std::string(CodeName(domain.code()));
      ev.reason = domain.subject();
      return StatusOf(AppendEvent(txn, ev));
    }
    pending["key_id"] = env->key_id;
    SignPendingShred(envelope_key_, dataset, id, pending);
    MAMORI_RETURN_IF_ERROR(
        txn.Put(keyspace::PendingShred(dataset, id),
                pending.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    return StatusOf(AppendEvent(txn, ev));
  }));
  if (!domain.ok()) return Fail(domain);
  return FinishShred(ctx, dataset, id, pending);
}

Result<nlohmann::json> Engine::FinishShred(const Context& ctx, std::string_view dataset,
                                           std::string_view id, const nlohmann::json& pending) {
  const std::string key_id = pending.value("key_id", "");
  MAMORI_RETURN_IF_ERROR(keys_->DestroyRecordKey(dataset, key_id));
  Context as_requested = ctx;
  as_requested.actor = pending.value("actor", ctx.actor);
  as_requested.terminal = pending.value("terminal", ctx.terminal);
  as_requested.purpose = pending.value("purpose", ctx.purpose);
  audit::Event ev = MakeEvent(as_requested, "record.shred", dataset, id);
  ev.time = ctx.time;
  // A marker written before reasons were codes may hold text: only a code
  // and reference that pass the check reach the event.
  const std::string reason = pending.value("reason", "");
  const std::string reference = pending.value("reference", "");
  if (CheckDisposalReason(reason, reference).ok()) {
    ev.attrs["reason"] = reason;
    if (!reference.empty()) ev.attrs["reference"] = reference;
  }
  const std::string approval = pending.value("approval", "");
  if (!approval.empty()) ev.attrs["approval"] = audit::EventIdentifier(approval);
  nlohmann::json disposal;
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto marker, txn.Get(keyspace::PendingShred(dataset, id)));
    if (!marker) return Status::Ok();  // finished by someone else
    size_t versions = 0;
    auto drop = [&](const std::string& key, const std::string& raw) -> Status {
      MAMORI_ASSIGN_OR_RETURN(Envelope env, Envelope::Decode(raw));
      for (const auto& [field, tag] : env.index_tags) {
        MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Index(dataset, field, tag, id)));
      }
      if (env.deadline)
        MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Deadline(*env.deadline, dataset, id)));
      ++versions;
      return txn.Delete(key);
    };
    const std::string hprefix = keyspace::HistoryPrefix(dataset, id);
    MAMORI_ASSIGN_OR_RETURN(auto history, txn.Scan(hprefix, store::PrefixEnd(hprefix), 0));
    for (const auto& row : history) MAMORI_RETURN_IF_ERROR(drop(row.key, row.value));
    MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(keyspace::Record(dataset, id)));
    if (current) {
      MAMORI_RETURN_IF_ERROR(drop(keyspace::Record(dataset, id), *current));
    }
    ev.attrs["versions"] = std::to_string(versions);
    MAMORI_ASSIGN_OR_RETURN(uint64_t seq, AppendEvent(txn, ev));
    disposal = {
        {"type", "disposal"},
        {"dataset", std::string(dataset)},
        {"record", std::string(id)},
        {"subject", ev.subject},
        {"versions_destroyed", versions},
        {"method", kMethod},
        {"reason", reason},
        {"requested_by", as_requested.actor},
        {"terminal", as_requested.terminal},
        {"requested_at", FormatUtc(pending.value("requested_at", ctx.time))},
        {"disposed_at", FormatUtc(ctx.time)},
        {"audit_seq", seq},
        {"key_fingerprint", signer_->PublicKey().Fingerprint()},
    };
    if (!reference.empty()) disposal["reference"] = reference;
    // Outside the retention sweep: the approval it was done under.
    if (!approval.empty()) disposal["approval"] = approval;
    // nlohmann's dump sorts members and leaves UTF-8 as is: canonical for
    // this object's ASCII keys and string/integer values.
    MAMORI_ASSIGN_OR_RETURN(std::string signature, signer_->Sign(disposal.dump()));
    disposal["signature"] = Base64Encode(signature);
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Disposal(dataset, id), disposal.dump()));
    return txn.Delete(keyspace::PendingShred(dataset, id));
  }));
  if (disposal.is_null()) {
    std::optional<std::string> stored;
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(stored, txn.Get(keyspace::Disposal(dataset, id)));
      return Status::Ok();
    }));
    if (stored) disposal = nlohmann::json::parse(*stored, nullptr, false);
  }
  return disposal;
}

Status Engine::CompletePendingShreds(const Context& ctx) {
  std::vector<store::KeyValue> rows;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(rows, txn.Scan("p/", store::PrefixEnd("p/"), 0));
    return Status::Ok();
  }));
  for (const auto& row : rows) {
    const std::string rest = row.key.substr(2);
    const auto slash = rest.find('/');
    const std::string dataset = slash == std::string::npos ? "" : rest.substr(0, slash);
    const std::string id = slash == std::string::npos ? "" : rest.substr(slash + 1);
    auto pending = nlohmann::json::parse(row.value, nullptr, false);
    // A marker names the key to destroy: one the engine did not write (no
    // valid code) is not acted on, and stays for the operator to look at.
    if (!IsValidName(dataset) || !IsRecordId(id) || pending.is_discarded() ||
        !VerifyPendingShred(envelope_key_, dataset, id, pending)) {
      (void)Refuse(ctx, "record.shred", IsValidName(dataset) ? dataset : "",
                   IsRecordId(id) ? id : "",
                   TamperedRecord(id, "its shred marker was not written by the engine",
                                  "廃棄処理中の印がエンジンの書いたものではありません"));
      continue;
    }
    MAMORI_RETURN_IF_ERROR(FinishShred(ctx, dataset, id, pending));
  }
  return Status::Ok();
}

Result<std::vector<nlohmann::json>> Engine::Disposals(const Context& ctx_in,
                                                      std::string_view dataset) {
  const Context ctx = WithTime(ctx_in);
  auto def = LoadDataset(dataset);
  if (!def) return Fail(Refuse(ctx, "disposal.list", dataset, "", def.error()));
  std::vector<nlohmann::json> out;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix = keyspace::DisposalsPrefix(dataset);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      auto disposal = nlohmann::json::parse(row.value, nullptr, false);
      if (disposal.is_discarded() || !disposal.is_object()) {
        const std::string id = row.key.substr(prefix.size());
        return TamperedRecord(id, "its stored disposal record does not parse",
                              "保存された廃棄記録を解析できません");
      }
      out.push_back(std::move(disposal));
    }
    return Status::Ok();
  }));
  audit::Event ev = MakeEvent(ctx, "disposal.list", dataset, "");
  ev.attrs["count"] = std::to_string(out.size());
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<SweepReport> Engine::SweepRetention(const Context& ctx_in, CivilDate today) {
  Context ctx = WithTime(ctx_in);
  if (!IsValidDate(today.year, today.month, today.day)) {
    return Fail(Refuse(ctx, "retention.sweep", "", "",
                       Status::InvalidArgument("today is not a date from 0001-01-01 to 9999-12-31",
                                               "本日の日付が正しくありません", "today")));
  }
  if (ctx.actor.empty()) return Fail(Refuse(ctx, "retention.sweep", "", "", NoActor()));
  // Deadlines are inclusive: a record kept "7 years" may be held through its
  // deadline day and is shredded from the day after.
  const std::string end = keyspace::Deadline(today, "", "").substr(0, 11);  // "t/YYYYMMDD/"
  std::vector<std::string> due;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("t/", end, 0));
    for (const auto& row : rows) due.push_back(row.key);
    return Status::Ok();
  }));
  SweepReport report;
  audit::Event start = MakeEvent(ctx, "retention.sweep", "", "");
  start.attrs["due"] = std::to_string(due.size());
  start.attrs["today"] = FormatDate(today);
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, start)); }));
  for (const auto& key : due) {
    ++report.examined;
    const std::string rest = key.substr(11);  // "<dataset>/<record>"
    const auto slash = rest.find('/');
    const std::string dataset = slash == std::string::npos ? "" : rest.substr(0, slash);
    const std::string id = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (!IsValidName(dataset) || !IsRecordId(id)) {
      // Not written by the engine; its key is not repeated (stored bytes).
      Status why =
          Refuse(ctx, "retention.sweep", "", "",
                 Status::DataLoss("the retention index holds an entry with a malformed key",
                                  "保存期限の索引に不正なキーの項目があります", "key"));
      report.errors.push_back(why.message());
      continue;
    }
    ctx.purpose = "retention";
    // The record's own deadline decides, not the index entry alone: an
    // entry planted in the store must not shred a record.
    auto disposal = ShredRecord(ctx, dataset, id, kRetentionExpired, "", today);
    if (disposal) {
      report.disposals.push_back(std::move(*disposal));
    } else {
      report.errors.push_back(dataset + "/" + id + ": " + disposal.error().message());
    }
  }
  return report;
}

}  // namespace mamori::engine
