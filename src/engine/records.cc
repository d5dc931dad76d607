// Record operations of the engine that read or write one record: put, get,
// update, end of use. History, find and list are in record_scans.cc; the
// steps they share in record_ops.h; the integrity checks in integrity.h.
#include <charconv>

#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"

namespace mamori::engine {

namespace {

// Time-ordered ids (48-bit milliseconds, then 80 random bits), so listing
// follows registration order and ids reveal nothing about the person.
Result<std::string> NewRecordId(TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(std::string random, crypto::RandomBytes(10));
  const uint64_t ms = static_cast<uint64_t>(now / 1000);
  std::string raw(6, '\0');
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<char>(ms >> (40 - 8 * i));
  return HexEncode(raw + random);
}

}  // namespace

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

Result<RecordOps::Prepared> RecordOps::PreparePut(const Context& ctx, const DatasetDef& def,
                                                  const nlohmann::json& values) {
  Prepared p;
  MAMORI_ASSIGN_OR_RETURN(p.id, NewRecordId(ctx.time));
  MAMORI_ASSIGN_OR_RETURN(keys::RecordKey rk, e_.keys_->NewRecordKey(def.name));
  Envelope& env = p.env;
  env.version = 1;
  env.key_id = rk.id;
  env.definition_version = def.version;
  env.created_at = env.updated_at = ctx.time;
  env.created_by = env.updated_by = ctx.actor;
  if (def.retention.defined && def.retention.from == RetentionRule::From::kCreated) {
    env.deadline = def.retention.DeadlineFrom(JstDate(ctx.time));
  }
  MAMORI_ASSIGN_OR_RETURN(env.sealed, SealValues(rk.key, def.name, p.id, 1, rk.id, values));
  MAMORI_ASSIGN_OR_RETURN(env.index_tags, Tags(def, values));
  SignEnvelope(envelope_key(), def.name, p.id, env);
  p.body = env.Encode();
  p.ev = e_.MakeEvent(ctx, "record.put", def.name, p.id);
  p.ev.attrs["version"] = "1";
  // Names the row written, so that the log can tell the current row from
  // an older one put back (records_check.h).
  p.ev.attrs["envelope"] = RowHash(p.body);
  return p;
}

Result<RecordOps::Prepared> RecordOps::PrepareUpdate(const Context& ctx, const DatasetDef& def,
                                                     std::string_view id, Loaded base,
                                                     const nlohmann::json& values) {
  Prepared p;
  p.id = std::string(id);
  Envelope& env = p.env;
  env = base.env;
  env.version = base.env.version + 1;
  env.definition_version = def.version;
  env.updated_at = ctx.time;
  env.updated_by = ctx.actor;
  MAMORI_ASSIGN_OR_RETURN(env.sealed,
                          SealValues(base.key, def.name, id, env.version, env.key_id, values));
  MAMORI_ASSIGN_OR_RETURN(env.index_tags, Tags(def, values));
  env.prev = RowHash(base.raw);
  SignEnvelope(envelope_key(), def.name, id, env);
  p.body = env.Encode();
  p.ev = e_.MakeEvent(ctx, "record.update", def.name, id);
  p.ev.attrs["version"] = std::to_string(env.version);
  p.ev.attrs["envelope"] = RowHash(p.body);
  p.base = std::move(base);
  return p;
}

Status RecordOps::Write(store::WriteTxn& txn, std::string_view dataset, const Prepared& p,
                        bool* changed) {
  *changed = false;
  const std::string& id = p.id;
  if (p.base) {
    MAMORI_ASSIGN_OR_RETURN(auto current, txn.Get(keyspace::Record(dataset, id)));
    *changed = !current || *current != p.base->raw;
    if (*changed) return Status::Ok();
    MAMORI_RETURN_IF_ERROR(
        txn.Put(keyspace::History(dataset, id, p.base->env.version), p.base->raw));
  }
  MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Record(dataset, id), p.body));
  if (p.base) {
    for (const auto& [field, tag] : p.base->env.index_tags) {
      auto it = p.env.index_tags.find(field);
      if (it == p.env.index_tags.end() || it->second != tag) {
        MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Index(dataset, field, tag, id)));
      }
    }
  }
  for (const auto& [field, tag] : p.env.index_tags) {
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Index(dataset, field, tag, id), ""));
  }
  if (!p.base && p.env.deadline) {
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Deadline(*p.env.deadline, dataset, id), ""));
  }
  return Status::Ok();
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
    MAMORI_ASSIGN_OR_RETURN(auto p, ops.PreparePut(ctx, *def, *values));
    uint64_t seq = 0;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      bool changed = false;
      MAMORI_RETURN_IF_ERROR(RecordOps::Write(txn, dataset, p, &changed));
      MAMORI_ASSIGN_OR_RETURN(seq, AppendEvent(txn, p.ev));
      return Status::Ok();
    }));
    if (!stale) return WriteResult{p.id, 1, seq};
  }
  return Fail(RetryLater());
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
  return Fail(RetryLater());
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
      if (a->attempt++ == kOptimisticRetries) return a->then(Fail(RetryLater()));
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
    MAMORI_ASSIGN_OR_RETURN(auto p, ops.PrepareUpdate(ctx, *def, id, std::move(loaded), *values));
    uint64_t seq = 0;
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current_def, RecordOps::Current(txn, *def));
      stale = !current_def;
      if (stale) return Status::Ok();
      MAMORI_RETURN_IF_ERROR(RecordOps::Write(txn, dataset, p, &changed));
      if (changed) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(seq, AppendEvent(txn, p.ev));
      return Status::Ok();
    }));
    if (!stale && !changed) return WriteResult{std::string(id), p.env.version, seq};
  }
  return Fail(RetryLater());
}

Result<RecordView> Engine::EndUse(const Context& ctx_in, std::string_view dataset,
                                  std::string_view id, CivilDate date) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.end_use", dataset, id, true, stale));
    const std::optional<CivilDate> deadline =
        def->retention.defined && def->retention.from == RetentionRule::From::kEndOfUse
            ? std::optional<CivilDate>(def->retention.DeadlineFrom(date))
            : std::nullopt;
    if (!IsValidDate(date.year, date.month, date.day) ||
        (deadline && !IsValidDate(deadline->year, deadline->month, deadline->day))) {
      return Fail(
          Refuse(ctx, "record.end_use", dataset, id,
                 Status::InvalidArgument("the end-of-use date (or the retention deadline it gives) "
                                         "is not a date from 0001-01-01 to 9999-12-31",
                                         "利用終了日 (またはそれによる保存期限) が "
                                         "0001-01-01〜9999-12-31 の日付ではありません",
                                         "date")));
    }
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.end_use", dataset, id));
    Envelope env = loaded.env;
    env.end_of_use = date;
    if (deadline) env.deadline = deadline;
    // The same version, rewritten: it still follows the same history row.
    SignEnvelope(envelope_key_, dataset, id, env);
    const std::string body = env.Encode();
    audit::Event ev = MakeEvent(ctx, "record.end_use", dataset, id);
    if (env.deadline) ev.attrs["deadline"] = FormatDate(*env.deadline);
    ev.attrs["version"] = std::to_string(env.version);
    ev.attrs["envelope"] = RowHash(body);
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
  return Fail(RetryLater());
}

}  // namespace mamori::engine
