// Record operations that read several rows: history, find, list. Each row
// read is checked as a single read checks it (integrity.h), and each answer
// is a page or whole: nothing is cut without the caller being told.
#include "audit/log.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/field_value.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"

namespace mamori::engine {

Result<std::vector<RecordView>> Engine::History(const Context& ctx_in, std::string_view dataset,
                                                std::string_view id) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, "record.history", dataset, id, true, stale));
    MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, "record.history", dataset, id));
    std::vector<store::KeyValue> rows;
    std::optional<std::string> current;
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(current, txn.Get(keyspace::Record(dataset, id)));
      const std::string prefix = keyspace::HistoryPrefix(dataset, id);
      MAMORI_ASSIGN_OR_RETURN(rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
      return Status::Ok();
    }));
    // Updated between Load and this read: its history is another one.
    if (!current || *current != loaded.raw) continue;
    auto history = CheckHistory(dataset, id, rows, loaded.env);
    if (!history) return Fail(Refuse(ctx, "record.history", dataset, id, history.error()));
    std::vector<RecordView> out;
    for (const Envelope& env : *history) {
      auto values = OpenValues(loaded.key, dataset, id, env);
      if (!values) return Fail(Refuse(ctx, "record.history", dataset, id, values.error()));
      out.push_back(RecordOps::View(id, env, std::move(*values)));
    }
    out.push_back(RecordOps::View(id, loaded.env, std::move(loaded.values)));
    audit::Event ev = MakeEvent(ctx, "record.history", dataset, id);
    ev.attrs["versions"] = std::to_string(out.size());
    bool changed = false;
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      return ops.AuditRead(txn, *def, dataset, id, loaded.raw, ev, &stale, &changed);
    }));
    if (!stale && !changed) return out;
  }
  return Fail(RetryLater());
}

Result<FindPage> Engine::Find(const Context& ctx_in, std::string_view dataset,
                              std::string_view field_name, std::string_view value,
                              std::string_view cursor, size_t limit) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def,
                            ops.Admit(ctx, "record.find", dataset, cursor, !cursor.empty(), stale));
    if (Status s = CheckPageLimit(limit); !s.ok()) {
      return Fail(Refuse(ctx, "record.find", dataset, "", s));
    }
    auto indexed_field = IndexedField(*def, field_name);
    if (!indexed_field) return Fail(Refuse(ctx, "record.find", dataset, "", indexed_field.error()));
    const FieldDef* field = *indexed_field;
    auto form = IndexFormOfQuery(*field, value);
    if (!form) return Fail(Refuse(ctx, "record.find", dataset, "", form.error()));
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, keys_->IndexKey(def->name));
    const std::string tag = RecordOps::Tag(key, field->name, *form);

    // The page, and each match's current row: an index entry is trusted only
    // when the record it names is this record's, current, and indexed under
    // this tag (so an entry planted in the store does not answer a search).
    const std::string prefix = keyspace::IndexPrefix(def->name, field->name, tag);
    FindPage page;
    Status bad;
    std::string bad_id;  // the record the failed check was about
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      const std::string begin =
          cursor.empty() ? prefix : prefix + std::string(cursor) + std::string(1, '\0');
      MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(begin, store::PrefixEnd(prefix), limit + 1));
      if (rows.size() > limit) {
        rows.pop_back();
        page.next_cursor = rows.back().key.substr(prefix.size());
      }
      for (const auto& row : rows) {
        std::string id = row.key.substr(prefix.size());
        bad_id = IsRecordId(id) ? id : "";
        MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(keyspace::Record(def->name, id)));
        if (!IsRecordId(id) || !raw) {
          bad = TamperedRecord(id, "the index names it, but it is not stored",
                               "索引にありますが保存されていません");
          return Status::Ok();
        }
        MAMORI_ASSIGN_OR_RETURN(auto newest, NewestHistoryRow(txn, def->name, id));
        auto env = DecodeRow(id, *raw);
        if (!env) {
          bad = env.error();
          return Status::Ok();
        }
        bad = CheckCurrentRow(envelope_key_, def->name, id, *env, newest);
        if (!bad.ok()) return Status::Ok();
        auto indexed = env->index_tags.find(field->name);
        if (indexed == env->index_tags.end() || indexed->second != tag) {
          bad = TamperedRecord(id, "the index names it under a value it does not hold",
                               "索引の値とレコードの値が一致しません");
          return Status::Ok();
        }
        page.ids.push_back(std::move(id));
      }
      return Status::Ok();
    }));
    if (!bad.ok()) return Fail(Refuse(ctx, "record.find", dataset, bad_id, bad));

    audit::Event ev = MakeEvent(ctx, "record.find", dataset, "");
    // Searches for the same value correlate in the log without revealing it.
    ev.subject = SubjectRef(dataset, std::string("find") + '\0' + field->name + '\0' + tag);
    ev.attrs["field"] = field->name;
    // What this page disclosed: how many ids, and whether more follow.
    ev.attrs["matches"] = std::to_string(page.ids.size());
    if (!page.next_cursor.empty()) ev.attrs["more"] = "true";
    if (!cursor.empty()) ev.attrs["after"] = std::string(cursor);
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      return StatusOf(AppendEvent(txn, ev));
    }));
    if (!stale) return page;
  }
  return Fail(RetryLater());
}

Result<RecordPage> Engine::List(const Context& ctx_in, std::string_view dataset,
                                std::string_view cursor, size_t limit) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def,
                            ops.Admit(ctx, "record.list", dataset, cursor, !cursor.empty(), stale));
    if (Status s = CheckPageLimit(limit); !s.ok()) {
      return Fail(Refuse(ctx, "record.list", dataset, "", s));
    }
    struct Row {
      std::string id, raw;
      std::optional<store::KeyValue> newest;
    };
    std::vector<Row> rows;
    RecordPage page;
    const std::string prefix = keyspace::RecordsPrefix(def->name);
    MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
      const std::string begin =
          cursor.empty() ? prefix : prefix + std::string(cursor) + std::string(1, '\0');
      MAMORI_ASSIGN_OR_RETURN(auto found, txn.Scan(begin, store::PrefixEnd(prefix), limit + 1));
      if (found.size() > limit) {
        found.pop_back();
        page.next_cursor = found.back().key.substr(prefix.size());
      }
      for (auto& kv : found) {
        Row row{kv.key.substr(prefix.size()), std::move(kv.value), std::nullopt};
        if (IsRecordId(row.id)) {
          MAMORI_ASSIGN_OR_RETURN(row.newest, NewestHistoryRow(txn, def->name, row.id));
        }
        rows.push_back(std::move(row));
      }
      return Status::Ok();
    }));
    std::vector<audit::Event> events;
    for (auto& row : rows) {
      if (!IsRecordId(row.id)) {
        return Fail(Refuse(ctx, "record.list", dataset, "",
                           TamperedRecord(row.id, "a stored row's key is not a record id",
                                          "保存行のキーがレコードIDではありません")));
      }
      auto env = DecodeRow(row.id, row.raw);
      if (!env) return Fail(Refuse(ctx, "record.list", dataset, row.id, env.error()));
      if (Status s = CheckCurrentRow(envelope_key_, def->name, row.id, *env, row.newest); !s.ok()) {
        return Fail(Refuse(ctx, "record.list", dataset, row.id, s));
      }
      auto key = keys_->GetRecordKey(def->name, env->key_id);
      // Its key destroyed between the scan and now: a shred in progress,
      // whose record is gone for every reader. Any other failure is not
      // skipped: a page does not silently leave a record out.
      if (!key && key.error().code() == Code::kNotFound) continue;
      if (!key) return Fail(Refuse(ctx, "record.list", dataset, row.id, key.error()));
      auto values = OpenValues(*key, def->name, row.id, *env);
      if (!values) return Fail(Refuse(ctx, "record.list", dataset, row.id, values.error()));
      page.records.push_back(RecordOps::View(row.id, *env, std::move(*values)));
      events.push_back(MakeEvent(ctx, "record.list", dataset, row.id));
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
  return Fail(RetryLater());
}

}  // namespace mamori::engine
