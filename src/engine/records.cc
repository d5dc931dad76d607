// Record operations of the engine: put, get, update, history, find, list,
// end of use.
#include <charconv>

#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/field_value.h"
#include "engine/keyspace.h"

namespace mamori::engine {

namespace {

constexpr size_t kMaxRecordBytes = 1 << 20;
constexpr int kOptimisticRetries = 5;

Status BadRecordId() {
  return Status::InvalidArgument("record id must be 32 lower-case hex characters",
                                 "レコードIDは32桁の16進小文字です", "id");
}

// Time-ordered ids (48-bit milliseconds, then 80 random bits), so listing
// follows registration order and ids reveal nothing about the person.
Result<std::string> NewRecordId(TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(std::string random, crypto::RandomBytes(10));
  const uint64_t ms = static_cast<uint64_t>(now / 1000);
  std::string raw(6, '\0');
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<char>(ms >> (40 - 8 * i));
  return HexEncode(raw + random);
}

Status Retry() {
  return Status::Unavailable("record changed concurrently; try again",
                             "レコードが同時に変更されました。再試行してください");
}

}  // namespace

// Shared steps of the record operations, kept out of the public header.
class RecordOps {
 public:
  explicit RecordOps(Engine& e) : e_(e) {}

  // Dataset, purpose and (optionally) record-id checks; refusals audited.
  //
  // The definition is the one cached by an earlier operation, without a
  // read, unless `reload`. Every operation confirms it in its own write
  // transaction (Current) and, when another process or thread has changed
  // it since, reloads and runs again: the purpose and field checks always
  // apply the definition in force when the operation commits.
  Result<std::shared_ptr<const DatasetDef>> Admit(const Context& ctx, std::string_view op,
                                                  std::string_view dataset, std::string_view id,
                                                  bool check_id, bool reload = false) {
    Result<std::shared_ptr<const DatasetDef>> def = Cached(dataset);
    if (reload || !*def) def = e_.LoadDataset(dataset);
    if (!def) return Fail(e_.Refuse(ctx, op, dataset, "", def.error()));
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

  std::shared_ptr<const DatasetDef> Cached(std::string_view dataset) {
    std::lock_guard lock(e_.datasets_mu_);
    auto it = e_.datasets_.find(dataset);
    return it == e_.datasets_.end() ? nullptr : it->second;
  }

  // Whether `def` is still the dataset's current definition, read in the
  // operation's own transaction.
  static Result<bool> Current(store::ReadTxn& txn, const DatasetDef& def) {
    MAMORI_ASSIGN_OR_RETURN(auto version, txn.Get(keyspace::DatasetVersionCurrent(def.name)));
    return version && *version == std::to_string(def.version);
  }

  // A read's audit event, in the read's own write transaction: written only
  // when `def` is still current (else *stale) and the record still holds
  // `raw` (else *changed), so that the event names exactly what is returned.
  Status AuditRead(store::WriteTxn& txn, const DatasetDef& def, std::string_view dataset,
                   std::string_view id, const std::string& raw, audit::Event& ev, bool* stale,
                   bool* changed) {
    MAMORI_ASSIGN_OR_RETURN(bool current, Current(txn, def));
    *stale = !current;
    if (*stale) return Status::Ok();
    MAMORI_ASSIGN_OR_RETURN(auto now, txn.Get(keyspace::Record(dataset, id)));
    *changed = !now || *now != raw;
    if (*changed) return Status::Ok();
    return StatusOf(e_.AppendEvent(txn, ev));
  }

  // The event of a read of `version`.
  audit::Event ReadEvent(const Context& ctx, std::string_view dataset, std::string_view id,
                         uint32_t version) {
    audit::Event ev = e_.MakeEvent(ctx, "record.get", dataset, id);
    ev.attrs["version"] = std::to_string(version);
    return ev;
  }

  struct Loaded {
    std::string raw;
    Envelope env;
    crypto::SecretBytes key;
    nlohmann::json values;
  };

  // Reads and opens the current version; refusals and integrity failures audited.
  Result<Loaded> Load(const Context& ctx, std::string_view op, std::string_view dataset,
                      std::string_view id) {
    std::optional<std::string> raw, pending;
    MAMORI_RETURN_IF_ERROR(e_.data_->View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(raw, txn.Get(keyspace::Record(dataset, id)));
      MAMORI_ASSIGN_OR_RETURN(pending, txn.Get(keyspace::PendingShred(dataset, id)));
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
      return Fail(e_.Refuse(ctx, op, dataset, id,
                            Status::FailedPrecondition("record is being shredded",
                                                       "レコードは廃棄処理中です", "id")));
    }
    Loaded out;
    out.raw = std::move(*raw);
    auto env = Envelope::Decode(out.raw);
    if (!env) return Fail(e_.Refuse(ctx, op, dataset, id, env.error()));
    out.env = std::move(*env);
    auto key = e_.keys_->GetRecordKey(dataset, out.env.key_id);
    if (!key) {
      Status why =
          key.error().code() == Code::kNotFound
              ? Status::DataLoss(
                    "record " + std::string(id) + " cannot be decrypted: its key was destroyed",
                    "レコード " + std::string(id) + " は鍵が破棄されているため復号できません", "id")
              : key.error();
      return Fail(e_.Refuse(ctx, op, dataset, id, why));
    }
    out.key = std::move(*key);
    auto values = OpenValues(out.key, dataset, id, out.env);
    if (!values) return Fail(e_.Refuse(ctx, op, dataset, id, values.error()));
    out.values = std::move(*values);
    return out;
  }

  // Validates a whole record (put) or the merged result (update).
  Result<nlohmann::json> Validate(const DatasetDef& def, const nlohmann::json& input,
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
            "unknown field '" + name + "' for dataset " + def.name,
            "台帳 " + def.name + " に項目「" + name + "」はありません", name));
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

  Result<std::map<std::string, std::string>> Tags(const DatasetDef& def,
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

  static std::string Tag(const crypto::SecretBytes& key, std::string_view field,
                         std::string_view form) {
    std::string msg(field);
    msg += '\0';
    msg += form;
    return HexEncode(crypto::DigestView(crypto::HmacSha256(key, msg)));
  }

  static RecordView View(std::string_view id, const Envelope& env, nlohmann::json values) {
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

  Engine& e_;
};

nlohmann::json RecordView::ToJson() const {
  // Values under their field names; metadata under "_meta", a name no field
  // can have (field names start with a letter).
  nlohmann::json j = values.is_object() ? values : nlohmann::json::object();
  nlohmann::json meta = {{"id", id},
                         {"version", version},
                         {"created_at", FormatJst(created_at)},
                         {"updated_at", FormatJst(updated_at)},
                         {"created_by", created_by},
                         {"updated_by", updated_by}};
  if (end_of_use) meta["end_of_use"] = FormatDate(*end_of_use);
  if (deadline) meta["retention_deadline"] = FormatDate(*deadline);
  j["_meta"] = std::move(meta);
  return j;
}

Result<WriteResult> Engine::Put(const Context& ctx_in, std::string_view dataset,
                                const nlohmann::json& input) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.put", dataset, "", false, stale));
    auto values = ops.Validate(*def, input, nullptr);
    if (!values) return Fail(Refuse(ctx, "record.put", dataset, "", values.error()));
    MAMORI_ASSIGN_OR_RETURN(std::string id, NewRecordId(ctx.time));
    MAMORI_ASSIGN_OR_RETURN(keys::RecordKey rk, keys_->NewRecordKey(dataset));
    Envelope env;
    env.version = 1;
    env.key_id = rk.id;
    env.definition_version = def->version;
    env.created_at = env.updated_at = ctx.time;
    env.created_by = env.updated_by = ctx.actor;
    if (def->retention.defined && def->retention.from == RetentionRule::From::kCreated) {
      env.deadline = def->retention.DeadlineFrom(JstDate(ctx.time));
    }
    MAMORI_ASSIGN_OR_RETURN(env.sealed, SealValues(rk.key, dataset, id, 1, rk.id, *values));
    MAMORI_ASSIGN_OR_RETURN(env.index_tags, ops.Tags(*def, *values));
    const std::string body = env.Encode();
    audit::Event ev = MakeEvent(ctx, "record.put", dataset, id);
    ev.attrs["version"] = "1";
    uint64_t seq = 0;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Record(dataset, id), body));
      for (const auto& [field, tag] : env.index_tags) {
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Index(dataset, field, tag, id), ""));
      }
      if (env.deadline)
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Deadline(*env.deadline, dataset, id), ""));
      MAMORI_ASSIGN_OR_RETURN(seq, AppendEvent(txn, ev));
      return Status::Ok();
    }));
    if (!stale) return WriteResult{id, 1, seq};
  }
  return Fail(Retry());
}

Result<RecordView> Engine::Get(const Context& ctx_in, std::string_view dataset,
                               std::string_view id) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.get", dataset, id, true, stale));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.get", dataset, id));
    // The disclosure is audited in a transaction that confirms the version
    // read is still current, so the event names exactly what was returned.
    audit::Event ev = ops.ReadEvent(ctx, dataset, id, loaded.env.version);
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      return ops.AuditRead(txn, *def, dataset, id, loaded.raw, ev, &stale, &changed);
    }));
    if (!stale && !changed) return RecordOps::View(id, loaded.env, std::move(loaded.values));
  }
  return Fail(Retry());
}

void Engine::GetThen(const Context& ctx_in, std::string_view dataset, std::string_view id,
                     std::function<void(Result<RecordView>)> then) {
  struct Attempt {
    Engine& engine;
    Context ctx;
    std::string dataset;
    std::string id;
    std::function<void(Result<RecordView>)> then;
    int attempt = 0;
    bool stale = false;
    bool changed = false;
    // Runs the reads on the calling thread and queues the audit event; the
    // store's answer thread continues (or tries again) once it is durable.
    static void Run(const std::shared_ptr<Attempt>& a) {
      if (a->attempt++ == kOptimisticRetries) return a->then(Fail(Retry()));
      RecordOps ops(a->engine);
      auto def = ops.Admit(a->ctx, "record.get", a->dataset, a->id, true, a->stale);
      if (!def) return a->then(Fail(def.error()));
      auto loaded = ops.Load(a->ctx, "record.get", a->dataset, a->id);
      if (!loaded) return a->then(Fail(loaded.error()));
      auto ev = std::make_shared<audit::Event>(
          ops.ReadEvent(a->ctx, a->dataset, a->id, loaded->env.version));
      auto held = std::make_shared<RecordOps::Loaded>(std::move(*loaded));
      a->engine.data_->UpdateThen(
          [a, def = *def, held, ev](store::WriteTxn& txn) -> Status {
            return RecordOps(a->engine).AuditRead(txn, *def, a->dataset, a->id, held->raw, *ev,
                                                  &a->stale, &a->changed);
          },
          [a, held](Status committed) {
            if (!committed.ok()) return a->then(Fail(std::move(committed)));
            if (a->stale || a->changed) return Run(a);
            a->then(RecordOps::View(a->id, held->env, std::move(held->values)));
          });
    }
  };
  Attempt::Run(std::make_shared<Attempt>(
      Attempt{*this, WithTime(ctx_in), std::string(dataset), std::string(id), std::move(then)}));
}

Result<WriteResult> Engine::Update(const Context& ctx_in, std::string_view dataset,
                                   std::string_view id, const nlohmann::json& changes) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.update", dataset, id, true, stale));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.update", dataset, id));
    auto values = ops.Validate(*def, changes, &loaded.values);
    if (!values) return Fail(Refuse(ctx, "record.update", dataset, id, values.error()));
    Envelope env = loaded.env;
    env.version = loaded.env.version + 1;
    env.definition_version = def->version;
    env.updated_at = ctx.time;
    env.updated_by = ctx.actor;
    MAMORI_ASSIGN_OR_RETURN(env.sealed,
                            SealValues(loaded.key, dataset, id, env.version, env.key_id, *values));
    MAMORI_ASSIGN_OR_RETURN(env.index_tags, ops.Tags(*def, *values));
    const std::string body = env.Encode();
    audit::Event ev = MakeEvent(ctx, "record.update", dataset, id);
    ev.attrs["version"] = std::to_string(env.version);
    uint64_t seq = 0;
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current_def, RecordOps::Current(txn, *def));
      stale = !current_def;
      if (stale) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(keyspace::Record(dataset, id)));
      changed = !current || *current != loaded.raw;
      if (changed) return Status::Ok();
      MAMORI_RETURN_IF_ERROR(
          txn.Put(keyspace::History(dataset, id, loaded.env.version), loaded.raw));
      MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Record(dataset, id), body));
      for (const auto& [field, tag] : loaded.env.index_tags) {
        auto it = env.index_tags.find(field);
        if (it == env.index_tags.end() || it->second != tag) {
          MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Index(dataset, field, tag, id)));
        }
      }
      for (const auto& [field, tag] : env.index_tags) {
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Index(dataset, field, tag, id), ""));
      }
      MAMORI_ASSIGN_OR_RETURN(seq, AppendEvent(txn, ev));
      return Status::Ok();
    }));
    if (!stale && !changed) return WriteResult{std::string(id), env.version, seq};
  }
  return Fail(Retry());
}

Result<std::vector<RecordView>> Engine::History(const Context& ctx_in, std::string_view dataset,
                                                std::string_view id) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.history", dataset, id, true, stale));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.history", dataset, id));
    std::vector<store::KeyValue> rows;
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      const std::string prefix = keyspace::HistoryPrefix(dataset, id);
      MAMORI_ASSIGN_OR_RETURN(rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
      return Status::Ok();
    }));
    std::vector<RecordView> out;
    for (const auto& row : rows) {
      auto env = Envelope::Decode(row.value);
      if (!env) return Fail(Refuse(ctx, "record.history", dataset, id, env.error()));
      auto values = OpenValues(loaded.key, dataset, id, *env);
      if (!values) return Fail(Refuse(ctx, "record.history", dataset, id, values.error()));
      out.push_back(RecordOps::View(id, *env, std::move(*values)));
    }
    out.push_back(RecordOps::View(id, loaded.env, std::move(loaded.values)));
    audit::Event ev = MakeEvent(ctx, "record.history", dataset, id);
    ev.attrs["versions"] = std::to_string(out.size());
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      return StatusOf(AppendEvent(txn, ev));
    }));
    if (!stale) return out;
  }
  return Fail(Retry());
}

Result<std::vector<std::string>> Engine::Find(const Context& ctx_in, std::string_view dataset,
                                              std::string_view field_name, std::string_view value) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.find", dataset, "", false, stale));
    const FieldDef* field = def->Field(field_name);
    if (!field || !field->indexed) {
      return Fail(
          Refuse(ctx, "record.find", dataset, "",
                 Status::InvalidArgument("field '" + std::string(field_name) +
                                             "' is not an indexed field of " + std::string(dataset),
                                         "項目「" + std::string(field_name) + "」は台帳 " +
                                             std::string(dataset) + " の検索項目ではありません",
                                         std::string(field_name))));
    }
    auto form = IndexFormOfQuery(*field, value);
    if (!form) return Fail(Refuse(ctx, "record.find", dataset, "", form.error()));
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, keys_->IndexKey(dataset));
    const std::string tag = RecordOps::Tag(key, field->name, *form);
    audit::Event ev = MakeEvent(ctx, "record.find", dataset, "");
    // Searches for the same value correlate in the log without revealing it.
    ev.subject = SubjectRef(dataset, std::string("find") + '\0' + field->name + '\0' + tag);
    ev.attrs["field"] = field->name;
    std::vector<std::string> ids;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      const std::string prefix = keyspace::IndexPrefix(dataset, field->name, tag);
      MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 10'000));
      ids.clear();
      for (const auto& row : rows) ids.push_back(row.key.substr(prefix.size()));
      ev.attrs["matches"] = std::to_string(ids.size());
      return StatusOf(AppendEvent(txn, ev));
    }));
    if (!stale) return ids;
  }
  return Fail(Retry());
}

Result<RecordPage> Engine::List(const Context& ctx_in, std::string_view dataset,
                                std::string_view cursor, size_t limit) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def,
                            ops.Admit(ctx, "record.list", dataset, cursor, !cursor.empty(), stale));
    if (limit == 0 || limit > 1000) {
      return Fail(Refuse(ctx, "record.list", dataset, "",
                         Status::InvalidArgument("limit must be from 1 to 1000",
                                                 "件数は1〜1000で指定してください", "limit")));
    }
    std::vector<store::KeyValue> rows;
    const std::string prefix = keyspace::RecordsPrefix(dataset);
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      const std::string begin =
          cursor.empty() ? prefix : prefix + std::string(cursor) + std::string(1, '\0');
      MAMORI_ASSIGN_OR_RETURN(rows, txn.Scan(begin, store::PrefixEnd(prefix), limit + 1));
      return Status::Ok();
    }));
    RecordPage page;
    if (rows.size() > limit) {
      rows.pop_back();
      page.next_cursor = rows.back().key.substr(prefix.size());
    }
    std::vector<audit::Event> events;
    for (const auto& row : rows) {
      const std::string id = row.key.substr(prefix.size());
      auto env = Envelope::Decode(row.value);
      if (!env) return Fail(Refuse(ctx, "record.list", dataset, id, env.error()));
      auto key = keys_->GetRecordKey(dataset, env->key_id);
      if (!key) continue;  // shredded between the scan and now
      auto values = OpenValues(*key, dataset, id, *env);
      if (!values) return Fail(Refuse(ctx, "record.list", dataset, id, values.error()));
      page.records.push_back(RecordOps::View(id, *env, std::move(*values)));
      events.push_back(MakeEvent(ctx, "record.list", dataset, id));
    }
    // One event per disclosed record: who saw whom is what analysis needs.
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      if (events.empty()) {
        audit::Event ev = MakeEvent(ctx, "record.list", dataset, "");
        ev.attrs["count"] = "0";
        return StatusOf(AppendEvent(txn, ev));
      }
      for (auto& ev : events) MAMORI_RETURN_IF_ERROR(AppendEvent(txn, ev));
      return Status::Ok();
    }));
    if (!stale) return page;
  }
  return Fail(Retry());
}

Result<RecordView> Engine::EndUse(const Context& ctx_in, std::string_view dataset,
                                  std::string_view id, CivilDate date) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.end_use", dataset, id, true, stale));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.end_use", dataset, id));
    Envelope env = loaded.env;
    env.end_of_use = date;
    if (def->retention.defined && def->retention.from == RetentionRule::From::kEndOfUse) {
      env.deadline = def->retention.DeadlineFrom(date);
    }
    const std::string body = env.Encode();
    audit::Event ev = MakeEvent(ctx, "record.end_use", dataset, id);
    if (env.deadline) ev.attrs["deadline"] = FormatDate(*env.deadline);
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current_def, RecordOps::Current(txn, *def));
      stale = !current_def;
      if (stale) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(keyspace::Record(dataset, id)));
      changed = !current || *current != loaded.raw;
      if (changed) return Status::Ok();
      if (loaded.env.deadline)
        MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Deadline(*loaded.env.deadline, dataset, id)));
      if (env.deadline)
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Deadline(*env.deadline, dataset, id), ""));
      MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Record(dataset, id), body));
      return StatusOf(AppendEvent(txn, ev));
    }));
    if (!stale && !changed) return RecordOps::View(id, env, nlohmann::json::object());
  }
  return Fail(Retry());
}

}  // namespace mamori::engine
