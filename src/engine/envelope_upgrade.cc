// The one-time upgrade of a store written before envelopes were
// authenticated (integrity.h): at Open, before anything is read, every
// record's rows get their hash chain and authentication code, the pending
// shred markers their code, and the key store the marker after which a row
// without a code is refused.
//
// Why all at once rather than as each record is next written: a rule that
// accepted rows without a code for as long as some old row might exist
// would accept them for ever, and then stripping the code from any row
// (one sqlite3 statement) would switch its checks off. The marker lives in
// the key store, which someone who can write only the data store cannot
// change. The rows as they stand at the upgrade are trusted: a record
// already altered before it cannot be told apart by this upgrade, except
// when its history is inconsistent (a version missing or out of place);
// such a record is left without a code, so that reads of it fail with
// kDataLoss, and the upgrade's audit events name it.
#include "audit/log.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/integrity.h"
#include "engine/keyspace.h"

namespace mamori::engine {
namespace {

constexpr size_t kUpgradeBatch = 256;  // records per transaction

enum class Outcome { kUpgraded, kAlready, kInconsistent };

// Gives (dataset, id)'s rows their chain and codes, in txn.
Result<Outcome> UpgradeRecord(store::WriteTxn& txn, const crypto::SecretBytes& key,
                              std::string_view dataset, std::string_view id,
                              const std::string& raw) {
  auto current = Envelope::Decode(raw);
  if (!current) return Outcome::kInconsistent;
  if (!current->mac.empty()) return Outcome::kAlready;
  const std::string prefix = keyspace::HistoryPrefix(dataset, id);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
  if (rows.size() + 1 != current->version) return Outcome::kInconsistent;
  std::vector<Envelope> history;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto env = Envelope::Decode(rows[i].value);
    const auto version = static_cast<uint32_t>(i + 1);
    if (!env || !env->mac.empty() || env->version != version ||
        HistoryKeyVersion(rows[i].key, dataset, id) != version) {
      return Outcome::kInconsistent;
    }
    history.push_back(std::move(*env));
  }
  std::string prev;
  for (size_t i = 0; i < history.size(); ++i) {
    history[i].prev = prev;
    SignEnvelope(key, dataset, id, history[i]);
    const std::string body = history[i].Encode();
    MAMORI_RETURN_IF_ERROR(txn.Put(rows[i].key, body));
    prev = RowHash(body);
  }
  current->prev = prev;
  SignEnvelope(key, dataset, id, *current);
  MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Record(dataset, id), current->Encode()));
  return Outcome::kUpgraded;
}

}  // namespace

Status Engine::UpgradeEnvelopes(const Context& ctx) {
  MAMORI_ASSIGN_OR_RETURN(bool done, keys_->HasMarker(kEnvelopesAuthenticatedMarker));
  if (done) return Status::Ok();
  size_t upgraded = 0, already = 0, markers = 0;
  std::vector<std::string> inconsistent;  // "<dataset>/<id>", both checked
  size_t malformed = 0;
  std::string cursor = "r/";
  const std::string end = store::PrefixEnd("r/");
  for (bool more = true; more;) {
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(cursor, end, kUpgradeBatch));
      more = rows.size() == kUpgradeBatch;
      for (const auto& row : rows) {
        cursor = row.key + std::string(1, '\0');
        const std::string rest = row.key.substr(2);
        const auto slash = rest.find('/');
        const std::string dataset = slash == std::string::npos ? "" : rest.substr(0, slash);
        const std::string id = slash == std::string::npos ? "" : rest.substr(slash + 1);
        if (!IsValidName(dataset) || !IsRecordId(id)) {
          ++malformed;
          continue;
        }
        MAMORI_ASSIGN_OR_RETURN(Outcome outcome,
                                UpgradeRecord(txn, envelope_key_, dataset, id, row.value));
        if (outcome == Outcome::kUpgraded) ++upgraded;
        if (outcome == Outcome::kAlready) ++already;
        if (outcome == Outcome::kInconsistent) inconsistent.push_back(dataset + "/" + id);
      }
      return Status::Ok();
    }));
  }
  // Markers of shreds interrupted before the upgrade: trusted as the rows are.
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan("p/", store::PrefixEnd("p/"), 0));
    for (const auto& row : rows) {
      const std::string rest = row.key.substr(2);
      const auto slash = rest.find('/');
      if (slash == std::string::npos) continue;
      const std::string dataset = rest.substr(0, slash), id = rest.substr(slash + 1);
      auto marker = nlohmann::json::parse(row.value, nullptr, false);
      if (!IsValidName(dataset) || !IsRecordId(id) || !marker.is_object() || marker.contains("m")) {
        continue;
      }
      SignPendingShred(envelope_key_, dataset, id, marker);
      MAMORI_RETURN_IF_ERROR(
          txn.Put(row.key, marker.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      ++markers;
    }
    return Status::Ok();
  }));
  MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
    audit::Event ev = MakeEvent(ctx, "store.upgrade", "", "");
    ev.attrs["envelopes_authenticated"] = std::to_string(upgraded);
    ev.attrs["already_authenticated"] = std::to_string(already);
    ev.attrs["shred_markers"] = std::to_string(markers);
    ev.attrs["inconsistent"] = std::to_string(inconsistent.size());
    ev.attrs["malformed_keys"] = std::to_string(malformed);
    MAMORI_RETURN_IF_ERROR(AppendEvent(txn, ev));
    for (const auto& name : inconsistent) {
      const auto slash = name.find('/');
      audit::Event bad =
          MakeEvent(ctx, "store.upgrade", name.substr(0, slash), name.substr(slash + 1));
      bad.result = "error";
      bad.code = std::string(CodeName(Code::kDataLoss));
      bad.reason = "history";
      MAMORI_RETURN_IF_ERROR(AppendEvent(txn, bad));
    }
    return Status::Ok();
  }));
  return keys_->SetMarker(kEnvelopesAuthenticatedMarker);
}

}  // namespace mamori::engine
