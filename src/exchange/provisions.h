// Provision records (提供記録): every send, receipt, request and provision,
// recorded on both sides with counterpart, items, count, time and legal
// basis (docs/REQUIREMENTS.md §9), each carrying this side's signed receipt
// and the counterpart's (receipt.h). Written in the transaction of the
// exchange's audit event (node.cc); never changed afterwards except to
// attach the counterpart's receipt when it arrives later (the issuer's
// receipt of a provision reaches the transfer institution in a second
// call).
//
// Idempotency: a record is found again by (connection, direction, kind,
// idempotency key), so a message sent twice — a node restarted between
// sending and recording, a retry after a lost answer — is recorded once and
// answered with the answer first given (which is kept sealed to the
// counterpart: ciphertext only).
//
// Nothing personal is stored here: the records exchanged are in the
// datasets; these are counts, item names, codes, digests and signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "store/storage.h"

namespace mamori::exchange {

struct ProvisionRecord {
  std::string id;  // "p-" + 16 lower-case hex digits (an audit identifier)
  std::string connection;
  std::string counterpart;
  std::string direction;  // "sent" | "received"
  std::string kind;
  std::vector<std::string> items;
  uint64_t count = 0;
  TimeMicros time = 0;
  std::string legal_basis;
  std::string idempotency_key;
  std::string digest;
  nlohmann::json receipt;              // ours, signed
  nlohmann::json counterpart_receipt;  // theirs, signed; null until it arrives
  std::string answer;                  // received: the answer given, sealed (base64)
  std::vector<std::string> records;    // ids of the local records written or read
};

nlohmann::json ToJson(const ProvisionRecord& r, bool with_answer = false);

class Provisions {
 public:
  explicit Provisions(store::Storage& storage) : storage_(storage) {}

  // Writes `r` (a fresh id is assigned when empty) and its idempotency
  // index; kAlreadyExists when the index already names a record.
  static Status WriteIn(store::WriteTxn& txn, ProvisionRecord& r);
  // Replaces a stored record (same id), e.g. with the counterpart's receipt.
  static Status ReplaceIn(store::WriteTxn& txn, const ProvisionRecord& r);
  static Result<std::optional<ProvisionRecord>> FindIn(store::ReadTxn& txn,
                                                       std::string_view connection,
                                                       std::string_view direction,
                                                       std::string_view kind,
                                                       std::string_view idempotency_key);
  static Result<std::optional<ProvisionRecord>> ReadIn(store::ReadTxn& txn, std::string_view id);

  Result<ProvisionRecord> Get(std::string_view id);
  // Oldest first; only those of `connection` when it is not empty.
  Result<std::vector<ProvisionRecord>> List(std::string_view connection = {});

 private:
  store::Storage& storage_;
};

// Whether `key` may be an idempotency key: [A-Za-z0-9_-], 1..64.
bool IsIdempotencyKey(std::string_view key);

}  // namespace mamori::exchange
