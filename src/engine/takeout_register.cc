// The take-out register: confirmation of a take-out's return or
// destruction, the register's views, and exports interrupted by a crash
// (takeout.h states the contract). The export itself is in takeout.cc.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"
#include "engine/takeout.h"
#include "engine/takeout_store.h"

namespace mamori::engine {

namespace {

Status BadTakeoutId() {
  return Status::InvalidArgument("a take-out id is 32 lower-case hexadecimal characters",
                                 "持ち出しIDは小文字16進32文字です", "takeout");
}

Status UnknownTakeout(std::string_view id) {
  return Status::NotFound("no take-out " + std::string(id),
                          "持ち出し " + std::string(id) + " はありません", "takeout");
}

}  // namespace

std::string PendingExportMac(const crypto::SecretBytes& key, std::string_view id,
                             std::string_view path) {
  std::string input = "mamori/takeout-pending/v1";
  input += '\0';
  input += id;
  input += '\0';
  input += path;
  return HexEncode(crypto::DigestView(crypto::HmacSha256(key, input)));
}

Result<TakeoutRecord> Engine::LoadTakeout(const Context& ctx, std::string_view op,
                                          std::string_view id) {
  std::map<std::string, std::string> attrs;
  if (!IsTakeoutId(id)) return Fail(Refuse(ctx, op, "", "", BadTakeoutId()));
  attrs["takeout"] = std::string(id);
  std::optional<std::string> raw;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(keyspace::Takeout(id)));
    return Status::Ok();
  }));
  if (!raw) return Fail(Refuse(ctx, op, "", "", UnknownTakeout(id), attrs));
  auto rec = DecodeTakeout(envelope_key_, id, *raw);
  if (!rec) return Fail(Refuse(ctx, op, "", "", rec.error(), attrs));
  return rec;
}

Result<TakeoutRecord> Engine::ConfirmTakeout(const Context& ctx_in, std::string_view id,
                                             TakeoutDisposition disposition) {
  const Context ctx = WithTime(ctx_in);
  constexpr std::string_view kOp = "takeout.confirm";
  if (ctx.actor.empty()) return Fail(Refuse(ctx, kOp, "", "", NoActor()));
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(TakeoutRecord rec, LoadTakeout(ctx, kOp, id));
    std::map<std::string, std::string> attrs = {
        {"takeout", rec.id}, {"disposition", std::string(TakeoutDispositionName(disposition))}};
    auto refuse = [&](const Status& why) {
      return Fail(Refuse(ctx, kOp, rec.dataset, "", why, attrs));
    };
    if (!rec.Open()) {
      return refuse(Status::FailedPrecondition(
          "take-out " + rec.id + " was already confirmed as " + rec.state,
          "持ち出し " + rec.id + " は既に確認済みです (" + rec.state + ")", "takeout"));
    }
    if (rec.exported_by == ctx.actor) {
      return refuse(Status::PermissionDenied(
          "the return or destruction of a take-out is confirmed by someone other than its "
          "exporter",
          "持ち出しの返却・廃棄の確認は持ち出した本人以外が行います", "confirmer"));
    }
    if (rec.destroy_only && disposition == TakeoutDisposition::kReturned) {
      return refuse(Status::PermissionDenied(
          "the dataset is dispose_after_reading: its take-outs end destroyed, not returned",
          "台帳の取扱制限が読後廃棄のため、返却ではなく廃棄の確認が必要です",
          "dispose_after_reading"));
    }
    const std::string before = EncodeTakeout(envelope_key_, rec);
    rec.state = std::string(TakeoutDispositionName(disposition));
    rec.confirmed_by = ctx.actor;
    rec.confirmed_at = ctx.time;
    audit::Event ev = MakeEvent(ctx, kOp, rec.dataset, "");
    ev.attrs = attrs;
    ev.attrs["count"] = std::to_string(rec.records);
    ev.attrs["until"] = FormatDate(rec.until);
    // Confirmed after its deadline: the take-out was overdue (a finding).
    if (JstDate(ctx.time) > rec.until) ev.attrs["late"] = "true";
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(keyspace::Takeout(rec.id)));
      changed = !current || *current != before;
      if (changed) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(rec.confirm_seq, AppendEvent(txn, ev));
      return txn.Put(keyspace::Takeout(rec.id), EncodeTakeout(envelope_key_, rec));
    }));
    if (!changed) return rec;
  }
  return Fail(RetryLater());
}

Result<TakeoutRecord> Engine::GetTakeout(const Context& ctx_in, std::string_view id) {
  const Context ctx = WithTime(ctx_in);
  constexpr std::string_view kOp = "takeout.get";
  if (ctx.actor.empty()) return Fail(Refuse(ctx, kOp, "", "", NoActor()));
  MAMORI_ASSIGN_OR_RETURN(TakeoutRecord rec, LoadTakeout(ctx, kOp, id));
  audit::Event ev = MakeEvent(ctx, kOp, rec.dataset, "");
  ev.attrs["takeout"] = rec.id;
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return rec;
}

Result<std::vector<TakeoutRecord>> Engine::ListTakeouts(const Context& ctx_in,
                                                        const TakeoutFilter& filter) {
  const Context ctx = WithTime(ctx_in);
  constexpr std::string_view kOp = "takeout.list";
  if (ctx.actor.empty()) return Fail(Refuse(ctx, kOp, filter.dataset, "", NoActor()));
  if (!filter.dataset.empty() && !IsValidName(filter.dataset)) {
    return Fail(
        Refuse(ctx, kOp, "", "",
               Status::InvalidArgument("dataset name must be lower-case letters, digits and _",
                                       "台帳名は英小文字・数字・_ で指定してください", "dataset")));
  }
  if (filter.due_before &&
      !IsValidDate(filter.due_before->year, filter.due_before->month, filter.due_before->day)) {
    return Fail(Refuse(ctx, kOp, filter.dataset, "",
                       Status::InvalidArgument("due_before is not a date",
                                               "due_before が日付ではありません", "due_before")));
  }
  std::vector<TakeoutRecord> out;
  Status bad;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix(keyspace::kTakeoutsPrefix);
    return txn.ScanEach(prefix, store::PrefixEnd(prefix),
                        [&](std::string_view key, std::string_view value) -> Result<bool> {
                          auto rec = DecodeTakeout(envelope_key_, key.substr(prefix.size()), value);
                          if (!rec) {
                            bad = rec.error();
                            return false;
                          }
                          if (!filter.dataset.empty() && rec->dataset != filter.dataset)
                            return true;
                          if (filter.open_only && !rec->Open()) return true;
                          if (filter.due_before && !(rec->until < *filter.due_before)) return true;
                          out.push_back(std::move(*rec));
                          return true;
                        });
  }));
  if (!bad.ok()) return Fail(Refuse(ctx, kOp, filter.dataset, "", bad));
  std::sort(out.begin(), out.end(), [](const TakeoutRecord& a, const TakeoutRecord& b) {
    return a.export_seq < b.export_seq;
  });
  audit::Event ev = MakeEvent(ctx, kOp, filter.dataset, "");
  ev.attrs["count"] = std::to_string(out.size());
  if (filter.open_only) ev.attrs["open_only"] = "true";
  if (filter.due_before) ev.attrs["due_before"] = FormatDate(*filter.due_before);
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Result<std::vector<TakeoutManifestEntry>> Engine::TakeoutManifest(const Context& ctx_in,
                                                                  std::string_view id) {
  const Context ctx = WithTime(ctx_in);
  constexpr std::string_view kOp = "takeout.manifest";
  if (ctx.actor.empty()) return Fail(Refuse(ctx, kOp, "", "", NoActor()));
  MAMORI_ASSIGN_OR_RETURN(TakeoutRecord rec, LoadTakeout(ctx, kOp, id));
  const std::map<std::string, std::string> attrs = {{"takeout", rec.id}};
  std::vector<store::KeyValue> rows;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix = keyspace::TakeoutManifestPrefix(rec.id);
    MAMORI_ASSIGN_OR_RETURN(rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    return Status::Ok();
  }));
  crypto::Sha256Hasher hash;
  std::vector<TakeoutManifestEntry> out;
  bool parsed = true;
  for (const auto& row : rows) {
    hash.Update(row.value);
    std::string_view rest = row.value;
    while (parsed && !rest.empty()) {
      const size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      const size_t colon = line.find(':');
      uint32_t version = 0;
      const std::string_view v = colon == std::string_view::npos ? "" : line.substr(colon + 1);
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
      parsed = colon != std::string_view::npos && IsRecordId(line.substr(0, colon)) &&
               ec == std::errc() && end == v.data() + v.size();
      if (parsed) out.push_back({std::string(line.substr(0, colon)), version});
    }
  }
  if (!parsed || HexEncode(crypto::DigestView(hash.Finish())) != rec.manifest_sha256 ||
      out.size() != rec.records) {
    return Fail(Refuse(ctx, kOp, rec.dataset, "",
                       Status::DataLoss("the stored manifest of take-out " + rec.id +
                                            " does not match the one recorded at its export",
                                        "持ち出し " + rec.id +
                                            " の保存された対象一覧が書き出し時の記録と一致しません",
                                        "takeout"),
                       attrs));
  }
  audit::Event ev = MakeEvent(ctx, kOp, rec.dataset, "");
  ev.attrs = attrs;
  ev.attrs["count"] = std::to_string(out.size());
  MAMORI_RETURN_IF_ERROR(
      data_->Update([&](store::WriteTxn& txn) { return StatusOf(AppendEvent(txn, ev)); }));
  return out;
}

Status Engine::CleanInterruptedExports(const Context& ctx) {
  std::vector<store::KeyValue> markers;
  MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix(keyspace::kTakeoutsPendingPrefix);
    MAMORI_ASSIGN_OR_RETURN(markers, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    return Status::Ok();
  }));
  for (const auto& m : markers) {
    const std::string id = m.key.substr(keyspace::kTakeoutsPendingPrefix.size());
    auto j = nlohmann::json::parse(m.value, nullptr, false);
    const bool parsed = j.is_object() && j.contains("path") && j["path"].is_string() &&
                        j.contains("dataset") && j["dataset"].is_string() && j.contains("m") &&
                        j["m"].is_string();
    const std::string path = parsed ? j["path"].get<std::string>() : "";
    const std::string dataset = parsed ? j["dataset"].get<std::string>() : "";
    const bool genuine = parsed && IsTakeoutId(id) && path.ends_with(".partial") &&
                         crypto::ConstantTimeEquals(j["m"].get<std::string>(),
                                                    PendingExportMac(envelope_key_, id, path));
    audit::Event ev = MakeEvent(ctx, "record.export", IsValidName(dataset) ? dataset : "", "");
    ev.attrs["takeout"] = audit::EventIdentifier(id);
    if (!genuine) {
      // Not acted on: left for the operator, and reported at every open.
      ev.reason = "pending_marker_invalid";
      Status s = audit::AuditRefusal(
          *data_, ev,
          Status::DataLoss("a pending take-out marker fails its code; nothing was deleted",
                           "持ち出し中の目印の認証コードが一致しないため、何も削除していません",
                           "takeout"),
          Appender());
      if (s.code() != Code::kDataLoss) return s;  // the event could not be written
      continue;
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status::IoError("cannot delete the partial file of an interrupted take-out: " + path,
                             "中断された持ち出しの途中ファイルを削除できません: " + path,
                             "takeout");
    }
    ev.reason = "interrupted";
    audit::MarkRefused(ev, Status::IoError("interrupted", "中断", "interrupted"));
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_RETURN_IF_ERROR(txn.Delete(m.key));
      return StatusOf(AppendEvent(txn, ev));
    }));
  }
  return Status::Ok();
}

}  // namespace mamori::engine
