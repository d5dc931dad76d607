// Engine::PutBatch: many records in one transaction, each written as Put or
// Update writes it (record_ops.h: Prepare*, Write) with its own event, the
// batch's event and the caller's effect beside them (audit/audited.h), all
// or nothing. One transaction for a batch is what lets a node store the
// records of an exchange message and its provision record together
// (docs/EXCHANGE.md): a crash leaves the message stored whole, with its
// record, or not at all. Engine::GetBatch: the Find and Get of many values
// with one commit, each disclosure audited as Get audits it.
#include <set>

#include "audit/audited.h"
#include "engine/engine.h"
#include "engine/field_value.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"

namespace mamori::engine {

namespace {

Status BadBatch() {
  return Status::InvalidArgument(
      "records must be a JSON array of 1 to " + std::to_string(kMaxBatchRecords) + " records",
      "records は 1〜" + std::to_string(kMaxBatchRecords) + " 件のレコードの JSON 配列です",
      "records");
}

Status BadValues() {
  return Status::InvalidArgument(
      "give 1 to " + std::to_string(kMaxBatchRecords) + " values to look up",
      "検索する値は 1〜" + std::to_string(kMaxBatchRecords) + " 件で指定します", "values");
}

Status NoMatchValue(const FieldDef& field) {
  return Status::InvalidArgument(
      "every record of the batch must give '" + field.name + "' as text",
      "一括登録の各レコードには「" + field.name + "」を文字列で指定します", field.name);
}

Status Repeated(const FieldDef& field) {
  return Status::InvalidArgument(
      "two records of the batch give the same '" + field.name + "'",
      "一括登録の 2 件のレコードが同じ「" + field.name + "」を指定しています", field.name);
}

Status Ambiguous(const FieldDef& field) {
  return Status::FailedPrecondition(
      "a record's '" + field.name + "' names more than one stored record",
      "レコードの「" + field.name + "」が複数の登録済みレコードに該当します", field.name);
}

// A concurrent write changed what the batch was prepared against: it is
// prepared again (the attempt is audited as refused with this status).
Status Conflict() {
  return Status::Unavailable("a record of the batch changed concurrently; preparing it again",
                             "一括登録のレコードが同時に変更されたため準備し直します", "batch");
}

}  // namespace

Result<RecordOps::Lookup> RecordOps::LookUp(const DatasetDef& def, const FieldDef& field,
                                            const std::vector<std::string>& values, size_t* at) {
  const size_t n = values.size();
  Lookup out;
  out.prefixes.resize(n);
  out.ids.resize(n);
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, e_.keys_->IndexKey(def.name));
  std::set<std::string> seen;
  for (size_t i = 0; i < n; ++i) {
    *at = i;
    MAMORI_ASSIGN_OR_RETURN(std::string form, IndexFormOfQuery(field, values[i]));
    const std::string tag = Tag(key, field.name, form);
    if (!seen.insert(tag).second) return Fail(Repeated(field));
    out.prefixes[i] = keyspace::IndexPrefix(def.name, field.name, tag);
  }
  std::optional<size_t> ambiguous;
  MAMORI_RETURN_IF_ERROR(e_.data_->View([&](store::ReadTxn& txn) -> Status {
    for (size_t i = 0; i < n && !ambiguous; ++i) {
      MAMORI_ASSIGN_OR_RETURN(auto rows,
                              txn.Scan(out.prefixes[i], store::PrefixEnd(out.prefixes[i]), 2));
      if (rows.size() > 1) ambiguous = i;
      if (rows.size() == 1) out.ids[i] = rows[0].key.substr(out.prefixes[i].size());
    }
    return Status::Ok();
  }));
  if (ambiguous) {
    *at = *ambiguous;
    return Fail(Ambiguous(field));
  }
  return out;
}

Result<RecordOps::Loaded> RecordOps::LoadMatched(const Context& ctx, std::string_view op,
                                                 const DatasetDef& def, const FieldDef& field,
                                                 const std::string& prefix, const std::string& id,
                                                 const std::map<std::string, std::string>& attrs) {
  if (!IsRecordId(id)) {
    return Fail(e_.Refuse(ctx, op, def.name, "",
                          TamperedRecord("", "the index names a malformed record id",
                                         "索引が不正なレコードIDを指しています"),
                          attrs));
  }
  MAMORI_ASSIGN_OR_RETURN(Loaded loaded, Load(ctx, op, def.name, id));
  auto indexed = loaded.env.index_tags.find(field.name);
  if (indexed == loaded.env.index_tags.end() ||
      prefix != keyspace::IndexPrefix(def.name, field.name, indexed->second)) {
    return Fail(e_.Refuse(ctx, op, def.name, id,
                          TamperedRecord(id, "the index names it under a value it does not hold",
                                         "索引の値とレコードの値が一致しません"),
                          attrs));
  }
  return loaded;
}

Result<std::vector<WriteResult>> Engine::PutBatch(const Context& ctx_in, std::string_view dataset,
                                                  const nlohmann::json& records,
                                                  const PutBatchOptions& options) {
  const Context ctx = WithTime(ctx_in);
  const std::string& op = options.operation;
  RecordOps ops(*this);
  auto refuse = [&](const Status& why, std::optional<size_t> index = std::nullopt) {
    std::map<std::string, std::string> attrs = options.attrs;
    if (index) attrs["index"] = std::to_string(*index);
    return Fail(Refuse(ctx, op, dataset, "", why, attrs));
  };
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, op, dataset, "", false, stale));
    if (!records.is_array() || records.empty() || records.size() > kMaxBatchRecords) {
      return refuse(BadBatch());
    }
    const size_t n = records.size();

    // Which stored record each record updates.
    const FieldDef* match = nullptr;
    RecordOps::Lookup found;
    if (!options.match_field.empty()) {
      auto field = IndexedField(*def, options.match_field);
      if (!field) return refuse(field.error());
      match = *field;
      std::vector<std::string> values;
      for (size_t i = 0; i < n; ++i) {
        const auto& r = records[i];
        if (!r.is_object() || !r.contains(match->name) || !r[match->name].is_string()) {
          return refuse(NoMatchValue(*match), i);
        }
        values.push_back(r[match->name].get<std::string>());
      }
      size_t at = 0;
      auto looked_up = ops.LookUp(*def, *match, values, &at);
      if (!looked_up) return refuse(looked_up.error(), at);
      found = std::move(*looked_up);
    } else {
      found.prefixes.resize(n);
      found.ids.resize(n);
    }
    const std::vector<std::string>& prefixes = found.prefixes;
    const std::vector<std::string>& matched = found.ids;

    // Each record checked and sealed as Put (or Update) checks and seals it.
    std::vector<RecordOps::Prepared> prepared;
    prepared.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (matched[i].empty()) {
        auto values = ops.Validate(*def, records[i], nullptr);
        if (!values) return refuse(values.error(), i);
        MAMORI_ASSIGN_OR_RETURN(auto p, ops.PreparePut(ctx, *def, *values));
        prepared.push_back(std::move(p));
        continue;
      }
      std::map<std::string, std::string> attrs = options.attrs;
      attrs["index"] = std::to_string(i);
      auto loaded = ops.LoadMatched(ctx, op, *def, *match, prefixes[i], matched[i], attrs);
      if (!loaded) return Fail(loaded.error());
      auto values = ops.Validate(*def, records[i], &loaded->values);
      if (!values) return refuse(values.error(), i);
      MAMORI_ASSIGN_OR_RETURN(
          auto p, ops.PrepareUpdate(ctx, *def, matched[i], std::move(*loaded), *values));
      prepared.push_back(std::move(p));
    }

    audit::Event ev = MakeEvent(ctx, op, dataset, "");
    ev.attrs = options.attrs;
    ev.attrs.emplace("count", std::to_string(n));
    std::vector<WriteResult> written;
    bool changed = false;
    Status s = audit::RunAudited(
        *data_, std::move(ev),
        audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
          written.clear();
          MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
          stale = !current;
          changed = false;
          if (stale) return Conflict();
          for (size_t i = 0; i < n; ++i) {
            const RecordOps::Prepared& p = prepared[i];
            if (match && !p.base) {
              // Still new: nobody stored this value since it was looked up.
              MAMORI_ASSIGN_OR_RETURN(auto rows,
                                      txn.Scan(prefixes[i], store::PrefixEnd(prefixes[i]), 1));
              changed = !rows.empty();
            }
            if (!changed) MAMORI_RETURN_IF_ERROR(RecordOps::Write(txn, dataset, p, &changed));
            if (changed) return Conflict();
            audit::Event record_event = p.ev;  // the store may run this again
            MAMORI_ASSIGN_OR_RETURN(uint64_t seq, AppendEvent(txn, record_event));
            written.push_back(WriteResult{p.id, p.env.version, seq});
          }
          return options.also ? options.also(txn, e, written) : Status::Ok();
        }},
        Appender());
    if (s.ok()) return written;
    if (!stale && !changed) return Fail(s);
  }
  return Fail(RetryLater());
}

Result<std::vector<std::optional<RecordView>>> Engine::GetBatch(
    const Context& ctx_in, std::string_view dataset, std::string_view field_name,
    const std::vector<std::string>& values) {
  const Context ctx = WithTime(ctx_in);
  const std::string op = "record.get_batch";
  RecordOps ops(*this);
  auto refuse = [&](const Status& why, std::optional<size_t> index = std::nullopt) {
    std::map<std::string, std::string> attrs;
    if (index) attrs["index"] = std::to_string(*index);
    return Fail(Refuse(ctx, op, dataset, "", why, attrs));
  };
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, op, dataset, "", false, stale));
    if (values.empty() || values.size() > kMaxBatchRecords) return refuse(BadValues());
    auto field = IndexedField(*def, field_name);
    if (!field) return refuse(field.error());
    const size_t n = values.size();
    size_t at = 0;
    auto found = ops.LookUp(*def, **field, values, &at);
    if (!found) return refuse(found.error(), at);
    std::vector<std::optional<RecordOps::Loaded>> loaded(n);
    size_t matches = 0;
    for (size_t i = 0; i < n; ++i) {
      if (found->ids[i].empty()) continue;
      MAMORI_ASSIGN_OR_RETURN(
          loaded[i], ops.LoadMatched(ctx, op, *def, **field, found->prefixes[i], found->ids[i],
                                     {{"index", std::to_string(i)}}));
      ++matches;
    }
    audit::Event ev = MakeEvent(ctx, op, dataset, "");
    ev.attrs = {{"field", (*field)->name},
                {"count", std::to_string(n)},
                {"matches", std::to_string(matches)}};
    bool changed = false;
    Status s = audit::RunAudited(
        *data_, std::move(ev),
        audit::Effect{[&](store::WriteTxn& txn, audit::Event&, bool&) -> Status {
          MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
          stale = !current;
          changed = false;
          if (stale) return Conflict();
          // Each disclosure audited as Get audits it: only while the
          // definition is current and the record still holds what was read.
          for (size_t i = 0; i < n; ++i) {
            if (!loaded[i]) continue;
            audit::Event read = ops.ReadEvent(ctx, dataset, found->ids[i], loaded[i]->env.version);
            MAMORI_RETURN_IF_ERROR(ops.AuditRead(txn, *def, dataset, found->ids[i], loaded[i]->raw,
                                                 read, &stale, &changed));
            if (stale || changed) return Conflict();
          }
          return Status::Ok();
        }},
        Appender());
    if (s.ok()) {
      std::vector<std::optional<RecordView>> out(n);
      for (size_t i = 0; i < n; ++i) {
        if (loaded[i]) {
          out[i] = RecordOps::View(found->ids[i], loaded[i]->env, std::move(loaded[i]->values));
        }
      }
      return out;
    }
    if (!stale && !changed) return Fail(s);
  }
  return Fail(RetryLater());
}

}  // namespace mamori::engine
