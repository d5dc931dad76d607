// The stored records of a dataset checked against the audit log: what the
// reads (integrity.h) cannot see.
//
// A read can tell that a row is this record's and that no newer version is
// still in its history; it cannot tell a record rolled back *with* its newer
// history rows deleted, because what is left is exactly what the store held
// before those versions were written. The audit log can: every write's
// event (record.put, record.update, record.end_use) names the version and
// the RowHash of the row it stored, and the log itself is hash-chained,
// Merkle-anchored and its heads witnessed outside the store. So for each
// record, the current row must be the one the record's last logged write
// stored; a record the log shredded must have no row; a record the log
// wrote must have one unless it was shredded.
//
// Writes logged before envelopes were authenticated carry no row hash
// (the upgrade rewrote those rows); for them only the version is compared.
// The check reads the whole log: O(events), for an auditor or an operator,
// not for the request path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mamori::engine {

struct RecordsCheckReport {
  uint64_t events_read = 0;     // audit events examined
  uint64_t records_stored = 0;  // current rows of the dataset
  uint64_t rows_compared = 0;   // of those, compared by row hash
  struct Finding {
    std::string record;  // record id (or "(malformed id)")
    std::string problem;
    std::string problem_ja;
  };
  std::vector<Finding> findings;
  bool ok() const { return findings.empty(); }
};

}  // namespace mamori::engine
