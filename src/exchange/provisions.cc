#include "exchange/provisions.h"

#include "core/encoding.h"
#include "crypto/random.h"

namespace mamori::exchange {

namespace {

using nlohmann::json;

constexpr std::string_view kRecords = "exchange/provision/";
constexpr std::string_view kIndex = "exchange/provision_key/";

std::string RecordKey(std::string_view id) { return std::string(kRecords) + std::string(id); }
std::string IndexKey(std::string_view connection, std::string_view direction, std::string_view kind,
                     std::string_view key) {
  return std::string(kIndex) + std::string(connection) + "/" + std::string(direction) + "/" +
         std::string(kind) + "/" + std::string(key);
}

Status Corrupt() {
  return Status::DataLoss("a stored provision record does not parse",
                          "保存された提供記録を読み取れません", "provision");
}

Result<ProvisionRecord> Parse(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Fail(Corrupt());
  try {
    ProvisionRecord r;
    r.id = j.at("id");
    r.connection = j.at("connection");
    r.counterpart = j.at("counterpart");
    r.direction = j.at("direction");
    r.kind = j.at("kind");
    r.items = j.at("items").get<std::vector<std::string>>();
    r.count = j.at("count");
    auto t = ParseUtc(j.at("time").get<std::string>());
    if (!t) return Fail(Corrupt());
    r.time = *t;
    r.legal_basis = j.at("legal_basis");
    r.idempotency_key = j.at("idempotency_key");
    r.digest = j.at("digest");
    r.receipt = j.at("receipt");
    r.counterpart_receipt = j.at("counterpart_receipt");
    r.answer = j.value("answer", "");
    r.records = j.value("records", std::vector<std::string>{});
    return r;
  } catch (const json::exception&) {
    return Fail(Corrupt());
  }
}

}  // namespace

bool IsIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

json ToJson(const ProvisionRecord& r, bool with_answer) {
  json j = {{"id", r.id},
            {"connection", r.connection},
            {"counterpart", r.counterpart},
            {"direction", r.direction},
            {"kind", r.kind},
            {"items", r.items},
            {"count", r.count},
            {"time", FormatUtc(r.time)},
            {"legal_basis", r.legal_basis},
            {"idempotency_key", r.idempotency_key},
            {"digest", r.digest},
            {"receipt", r.receipt},
            {"counterpart_receipt", r.counterpart_receipt},
            {"records", r.records}};
  if (with_answer && !r.answer.empty()) j["answer"] = r.answer;
  return j;
}

Status Provisions::WriteIn(store::WriteTxn& txn, ProvisionRecord& r) {
  const std::string index = IndexKey(r.connection, r.direction, r.kind, r.idempotency_key);
  MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(index));
  if (existing) {
    return Status::AlreadyExists("this exchange is already recorded", "この交換は記録済みです",
                                 "provision");
  }
  if (r.id.empty()) {
    MAMORI_ASSIGN_OR_RETURN(std::string raw, crypto::RandomBytes(8));
    // "p-" then the hex as a token of its own: the audit log's rule exempts
    // random hex tokens of 16 digits, but reads digits run on from a letter
    // ("P0123456789…") as what could be a person's number, and would refuse
    // the event.
    r.id = "p-" + HexEncode(raw);
  }
  MAMORI_RETURN_IF_ERROR(txn.Put(index, r.id));
  return txn.Put(RecordKey(r.id), ToJson(r, true).dump());
}

Status Provisions::ReplaceIn(store::WriteTxn& txn, const ProvisionRecord& r) {
  MAMORI_ASSIGN_OR_RETURN(auto existing, txn.Get(RecordKey(r.id)));
  if (!existing) {
    return Status::NotFound("no provision record " + r.id, "提供記録 " + r.id + " はありません",
                            "provision");
  }
  return txn.Put(RecordKey(r.id), ToJson(r, true).dump());
}

Result<std::optional<ProvisionRecord>> Provisions::ReadIn(store::ReadTxn& txn,
                                                          std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(RecordKey(id)));
  if (!raw) return std::optional<ProvisionRecord>();
  MAMORI_ASSIGN_OR_RETURN(ProvisionRecord r, Parse(*raw));
  return std::optional<ProvisionRecord>(std::move(r));
}

Result<std::optional<ProvisionRecord>> Provisions::FindIn(store::ReadTxn& txn,
                                                          std::string_view connection,
                                                          std::string_view direction,
                                                          std::string_view kind,
                                                          std::string_view idempotency_key) {
  MAMORI_ASSIGN_OR_RETURN(auto id, txn.Get(IndexKey(connection, direction, kind, idempotency_key)));
  if (!id) return std::optional<ProvisionRecord>();
  return ReadIn(txn, *id);
}

Result<ProvisionRecord> Provisions::Get(std::string_view id) {
  std::optional<ProvisionRecord> found;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(found, ReadIn(txn, id));
    return Status::Ok();
  }));
  if (!found) {
    return Fail(Status::NotFound("no provision record", "提供記録がありません", "provision"));
  }
  return std::move(*found);
}

Result<std::vector<ProvisionRecord>> Provisions::List(std::string_view connection) {
  std::vector<ProvisionRecord> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kRecords, store::PrefixEnd(kRecords), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(ProvisionRecord r, Parse(row.value));
      if (connection.empty() || r.connection == connection) out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(), [](const ProvisionRecord& a, const ProvisionRecord& b) {
    return a.time < b.time;
  });
  return out;
}

}  // namespace mamori::exchange
