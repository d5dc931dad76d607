#include "engine/record_ops.h"

#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine/field_value.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"

namespace mamori::engine {
namespace {

constexpr size_t kMaxRecordBytes = 1 << 20;

// A field name as an error may quote it: names are identifiers, anything
// else the caller sent is not repeated back (it could be a value).
std::string QuotableName(std::string_view name) {
  return IsValidName(name) ? '\'' + std::string(name) + '\'' : "(not an identifier)";
}

}  // namespace

Status BadRecordId() {
  return Status::InvalidArgument("record id must be 32 lower-case hex characters",
                                 "レコードIDは32桁の16進小文字です", "id");
}

Status NoActor() {
  return Status::PermissionDenied("every record operation must name who does it (an actor)",
                                  "レコードの操作には操作者の指定が必要です", "actor");
}

Status RetryLater() {
  return Status::Unavailable("record changed concurrently; try again",
                             "レコードが同時に変更されました。再試行してください");
}

Status CheckPageLimit(size_t limit) {
  if (limit == 0 || limit > kMaxPageLimit) {
    return Status::InvalidArgument("limit must be from 1 to 1000",
                                   "件数は1〜1000で指定してください", "limit");
  }
  return Status::Ok();
}

Result<const FieldDef*> IndexedField(const DatasetDef& def, std::string_view name) {
  const FieldDef* field = def.Field(name);
  if (field && field->indexed) return field;
  const bool named = IsValidName(name);
  const std::string quoted = named ? "'" + std::string(name) + "'" : "(not an identifier)";
  return Fail(Status::InvalidArgument(
      "field " + quoted + " is not an indexed field of " + def.name,
      "項目 " + quoted + " は台帳 " + def.name + " の検索項目ではありません",
      named ? std::string(name) : std::string("field")));
}

Result<std::shared_ptr<const DatasetDef>> RecordOps::Admit(const Context& ctx, std::string_view op,
                                                           std::string_view dataset,
                                                           std::string_view id, bool check_id,
                                                           bool reload) {
  Result<std::shared_ptr<const DatasetDef>> def = Cached(dataset);
  if (reload || !*def) def = e_.LoadDataset(dataset);
  if (!def) return Fail(e_.Refuse(ctx, op, dataset, "", def.error()));
  if (ctx.actor.empty()) return Fail(e_.Refuse(ctx, op, dataset, "", NoActor()));
  Status purpose = e_.CheckPurpose(**def, ctx);
  if (!purpose.ok() && !reload) {
    // A purpose registered since this definition was cached must not be
    // refused: refusals are decided on a fresh read.
    def = e_.LoadDataset(dataset);
    if (!def) return Fail(e_.Refuse(ctx, op, dataset, "", def.error()));
    purpose = e_.CheckPurpose(**def, ctx);
  }
  if (!purpose.ok()) return Fail(e_.Refuse(ctx, op, dataset, "", purpose));
  if (check_id && !IsRecordId(id)) return Fail(e_.Refuse(ctx, op, dataset, "", BadRecordId()));
  return def;
}

std::shared_ptr<const DatasetDef> RecordOps::Cached(std::string_view dataset) {
  std::lock_guard lock(e_.datasets_mu_);
  auto it = e_.datasets_.find(dataset);
  return it == e_.datasets_.end() ? nullptr : it->second;
}

Result<bool> RecordOps::Current(store::ReadTxn& txn, const DatasetDef& def) {
  MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get(keyspace::DatasetVersionCurrent(def.name)));
  return version && *version == std::to_string(def.version);
}

Status RecordOps::AuditRead(store::WriteTxn& txn, const DatasetDef& def, std::string_view dataset,
                            std::string_view id, const std::string& raw, audit::Event& ev,
                            bool* stale, bool* changed) {
  MAMORI_ASSIGN_OR_RETURN(bool current, Current(txn, def));
  *stale = !current;
  if (*stale) return Status::Ok();
  MAMORI_ASSIGN_OR_RETURN(auto now, txn.Get(keyspace::Record(dataset, id)));
  *changed = !now || *now != raw;
  if (*changed) return Status::Ok();
  return StatusOf(e_.AppendEvent(txn, ev));
}

audit::Event RecordOps::ReadEvent(const Context& ctx, std::string_view dataset, std::string_view id,
                                  uint32_t version) {
  audit::Event ev = e_.MakeEvent(ctx, "record.get", dataset, id);
  ev.attrs["version"] = std::to_string(version);
  return ev;
}

Result<RecordOps::Loaded> RecordOps::Load(const Context& ctx, std::string_view op,
                                          std::string_view dataset, std::string_view id) {
  std::optional<std::string> raw, pending;
  std::optional<store::KeyValue> newest;
  MAMORI_RETURN_IF_ERROR(e_.data_->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(keyspace::Record(dataset, id)));
    MAMORI_ASSIGN_OR_RETURN(pending, txn.Get(keyspace::PendingShred(dataset, id)));
    if (raw) {
      MAMORI_ASSIGN_OR_RETURN(newest, NewestHistoryRow(txn, dataset, id));
    }
    return Status::Ok();
  }));
  if (!raw) {
    return Fail(e_.Refuse(
        ctx, op, dataset, id,
        Status::NotFound(
            "record " + std::string(id) + " does not exist in " + std::string(dataset),
            "レコード " + std::string(id) + " は台帳 " + std::string(dataset) + " に存在しません",
            "id")));
  }
  if (pending) {
    return Fail(e_.Refuse(
        ctx, op, dataset, id,
        Status::FailedPrecondition("record is being shredded", "レコードは廃棄処理中です", "id")));
  }
  Loaded out;
  out.raw = std::move(*raw);
  auto env = DecodeRow(id, out.raw);
  if (!env) return Fail(e_.Refuse(ctx, op, dataset, id, env.error()));
  if (Status s = CheckCurrentRow(envelope_key(), dataset, id, *env, newest); !s.ok()) {
    return Fail(e_.Refuse(ctx, op, dataset, id, s));
  }
  out.env = std::move(*env);
  auto key = RecordKey(dataset, id, out.env);
  if (!key) return Fail(e_.Refuse(ctx, op, dataset, id, key.error()));
  out.key = std::move(*key);
  auto values = OpenValues(out.key, dataset, id, out.env);
  if (!values) return Fail(e_.Refuse(ctx, op, dataset, id, values.error()));
  out.values = std::move(*values);
  return out;
}

Result<crypto::SecretBytes> RecordOps::RecordKey(std::string_view dataset, std::string_view id,
                                                 const Envelope& env) {
  auto key = e_.keys_->GetRecordKey(dataset, env.key_id);
  if (!key && key.error().code() == Code::kNotFound) {
    return Fail(Status::DataLoss(
        "record " + std::string(id) + " cannot be decrypted: its key was destroyed",
        "レコード " + std::string(id) + " は鍵が破棄されているため復号できません", "id"));
  }
  return key;
}

Result<nlohmann::json> RecordOps::Validate(const DatasetDef& def, const nlohmann::json& input,
                                           const nlohmann::json* base) {
  if (!input.is_object()) {
    return Fail(Status::InvalidArgument(
        "record must be a JSON object of field: value",
        "レコードは「項目: 値」のJSONオブジェクトでなければなりません", "record"));
  }
  nlohmann::json out = base ? *base : nlohmann::json::object();
  for (const auto& [name, value] : input.items()) {
    const FieldDef* field = def.Field(name);
    if (!field) {
      return Fail(Status::InvalidArgument(
          "unknown field " + QuotableName(name) + " for dataset " + def.name,
          "台帳 " + def.name + " に項目 " + QuotableName(name) + " はありません",
          IsValidName(name) ? name : "record"));
    }
    if (value.is_null()) {
      out.erase(name);
      continue;
    }
    MAMORI_ASSIGN_OR_RETURN(out[name], NormalizeValue(*field, value));
  }
  for (const auto& field : def.fields) {
    if (field.required && !out.contains(field.name)) {
      return Fail(Status::InvalidArgument("field '" + field.name + "' is required",
                                          "項目「" + field.name + "」は必須です", field.name));
    }
  }
  if (out.dump().size() > kMaxRecordBytes) {
    return Fail(Status::InvalidArgument("record is larger than 1 MiB",
                                        "レコードが1MiBを超えています", "record"));
  }
  return out;
}

Result<std::map<std::string, std::string>> RecordOps::Tags(const DatasetDef& def,
                                                           const nlohmann::json& values) {
  std::map<std::string, std::string> tags;
  bool any = false;
  for (const auto& f : def.fields) any = any || (f.indexed && values.contains(f.name));
  if (!any) return tags;
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, e_.keys_->IndexKey(def.name));
  for (const auto& f : def.fields) {
    if (!f.indexed || !values.contains(f.name)) continue;
    tags[f.name] = Tag(key, f.name, IndexForm(f, values[f.name]));
  }
  return tags;
}

std::string RecordOps::Tag(const crypto::SecretBytes& key, std::string_view field,
                           std::string_view form) {
  std::string msg(field);
  msg += '\0';
  msg += form;
  return HexEncode(crypto::DigestView(crypto::HmacSha256(key, msg)));
}

RecordView RecordOps::View(std::string_view id, const Envelope& env, nlohmann::json values) {
  RecordView v;
  v.id = std::string(id);
  v.version = env.version;
  v.created_at = env.created_at;
  v.updated_at = env.updated_at;
  v.created_by = env.created_by;
  v.updated_by = env.updated_by;
  v.end_of_use = env.end_of_use;
  v.deadline = env.deadline;
  v.values = std::move(values);
  return v;
}

}  // namespace mamori::engine
