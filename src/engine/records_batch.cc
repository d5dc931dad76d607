// Engine::PutBatch: many records in one transaction, each written as Put or
// Update writes it (record_ops.h: Prepare*, Write) with its own event, the
// batch's event and the caller's effect beside them (audit/audited.h), all
// or nothing. One transaction for a batch is what lets a node store the
// records of an exchange message and its provision record together
// (docs/EXCHANGE.md): a crash leaves the message stored whole, with its
// record, or not at all.
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

Status NoMatchValue(const FieldDef& field) {
  return Status::InvalidArgument("every record of the batch must give '" + field.name + "' as text",
                                 "一括登録の各レコードには「" + field.name + "」を文字列で指定します",
                                 field.name);
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

    // Which stored record each record updates, by the blind-index tag of
    // its match value, read in one snapshot.
    const FieldDef* match = nullptr;
    std::vector<std::string> prefixes(n), matched(n);
    if (!options.match_field.empty()) {
      auto field = IndexedField(*def, options.match_field);
      if (!field) return refuse(field.error());
      match = *field;
      MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, keys_->IndexKey(def->name));
      std::set<std::string> seen;
      for (size_t i = 0; i < n; ++i) {
        const auto& r = records[i];
        if (!r.is_object() || !r.contains(match->name) || !r[match->name].is_string()) {
          return refuse(NoMatchValue(*match), i);
        }
        auto form = IndexFormOfQuery(*match, r[match->name].get_ref<const std::string&>());
        if (!form) return refuse(form.error(), i);
        const std::string tag = RecordOps::Tag(key, match->name, *form);
        if (!seen.insert(tag).second) return refuse(Repeated(*match), i);
        prefixes[i] = keyspace::IndexPrefix(def->name, match->name, tag);
      }
      std::optional<size_t> ambiguous;
      MAMORI_RETURN_IF_ERROR(data_->View([&](store::ReadTxn& txn) -> Status {
        for (size_t i = 0; i < n && !ambiguous; ++i) {
          MAMORI_ASSIGN_OR_RETURN(auto rows,
                                  txn.Scan(prefixes[i], store::PrefixEnd(prefixes[i]), 2));
          if (rows.size() > 1) ambiguous = i;
          if (rows.size() == 1) matched[i] = rows[0].key.substr(prefixes[i].size());
        }
        return Status::Ok();
      }));
      if (ambiguous) return refuse(Ambiguous(*match), *ambiguous);
    }

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
      const std::string& id = matched[i];
      if (!IsRecordId(id)) {
        return refuse(TamperedRecord("", "the index names a malformed record id",
                                     "索引が不正なレコードIDを指しています"),
                      i);
      }
      MAMORI_ASSIGN_OR_RETURN(auto loaded, ops.Load(ctx, op, dataset, id));
      // The index entry is trusted only when the record holds that value
      // (as Find trusts it): an entry planted in the store updates nothing.
      auto indexed = loaded.env.index_tags.find(match->name);
      if (indexed == loaded.env.index_tags.end() ||
          prefixes[i] != keyspace::IndexPrefix(def->name, match->name, indexed->second)) {
        return refuse(TamperedRecord(id, "the index names it under a value it does not hold",
                                     "索引の値とレコードの値が一致しません"),
                      i);
      }
      auto values = ops.Validate(*def, records[i], &loaded.values);
      if (!values) return refuse(values.error(), i);
      MAMORI_ASSIGN_OR_RETURN(auto p, ops.PrepareUpdate(ctx, *def, id, std::move(loaded), *values));
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

}  // namespace mamori::engine
