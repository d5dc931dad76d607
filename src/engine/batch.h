// What a batched put (Engine::PutBatch) is asked to do besides writing its
// records: how a record finds the stored one it updates, the batch's own
// event, and the caller's own effect in the same transaction.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/storage.h"

namespace mamori::audit {
struct Event;
}  // namespace mamori::audit

namespace mamori::engine {

struct WriteResult;

// The most records one batch writes: a batch is one transaction, held in
// memory whole until it commits.
inline constexpr size_t kMaxBatchRecords = 1000;

struct PutBatchOptions {
  // Empty: every record is a new one. Else an indexed field of the dataset
  // that every record carries: a record whose value of it names a stored
  // record updates that record (its values merged as Update merges them),
  // and one that names none is a new record. A value that names two stored
  // records refuses the batch (the caller cannot tell which is meant).
  std::string match_field;
  // The batch's own event (besides one record.put / record.update event per
  // record): its operation and identifier-only attributes.
  std::string operation = "record.put_batch";
  std::map<std::string, std::string> attrs;
  // Runs in the batch's transaction after its records are written, with
  // what was written (in the order of the records); may complete the
  // batch's event. An error refuses the whole batch: nothing of it commits.
  std::function<Status(store::WriteTxn& txn, audit::Event& ev,
                       const std::vector<WriteResult>& written)>
      also;
};

}  // namespace mamori::engine
