// Take-out (持ち出し) of records to a file: the engine's half of the flow
// docs/REQUIREMENTS.md §1-2 asks for ([002 第47-49条], [003 V(1)⑦]). The
// approval flow above (workflow) decides that a take-out is approved and
// calls Engine::Export with what was approved; the engine checks everything
// it can check itself, writes the encrypted file and records it.
//
// Engine::Export(ctx, request) — contract:
//   - ctx.actor is the exporter; ctx.purpose a purpose the dataset registers
//     (the purpose of the take-out); ctx.time is the instant every rule is
//     evaluated at (0: now).
//   - Refused, with an audited "record.export" event (result refused) and no
//     file left behind, when any of these fails (first failure wins, the
//     subject of the Status names it):
//       dataset / purpose       unknown dataset, unregistered purpose
//       request.check           the approval flow's check (its own subject),
//                               run again in the committing transaction
//       takeout_rules.h         no_takeout, no_copy, custom_* forbid it
//       recipient_internal      no_distribution / no_external_provision and
//                               a recipient outside the organisation
//       approval                not an identifier the audit log accepts
//                               (printable ASCII, no spaces or quotes, at
//                               most 128 bytes, no run of 10+ digits)
//       approvers               a required role missing, one person twice,
//                               the exporter among them, more than 8, or a
//                               person or role that is not an identifier
//       until                   before the day of export or more than
//                               kMaxTakeoutDays after it (JST)
//       certificate             not one usable RSA>=2048 / EC P-256
//                               certificate (crypto/recipient_certificate.h)
//       records / fields        no selection, more than kMaxTakeoutRecords,
//                               a malformed or repeated id, an unknown field
//       out_path                not absolute, or the file exists
//     A selected record that does not exist, or fails its integrity check,
//     refuses the whole take-out (kNotFound / kDataLoss naming the record).
//   - Otherwise writes `out_path`, mode 0600: a CMS AuthEnvelopedData
//     (AES-256-GCM) for the recipient certificate, whose content is UTF-8
//     JSON lines:
//       line 1  {"mamori_takeout":1, "label":{classification, handling
//               restrictions with their Japanese labels, notice}, takeout id,
//               dataset, purpose, approval, exported_at, exported_by,
//               recipient fingerprint, until, fields, records}
//       then    one record per line, as RecordView::ToJson() restricted to
//               the selected fields ("_meta": id, version, times)
//       last    {"end":true, "records":N, "sha256": hex SHA-256 of every
//               byte before this line}: a cut file is told from a whole one
//     and commits, in one transaction: the take-out record (`to/<id>`,
//     state "out"), its manifest (record id and version of every record
//     written) and the "record.export" event with attributes takeout,
//     approval, approvers, recipient (certificate SHA-256 fingerprint),
//     recipient_key, internal, until, count, fields, manifest, content and
//     file (SHA-256 hex of the manifest, the plaintext and the file).
//   - Order: the file is written as `<out_path>.partial` (after a durable
//     marker naming it), synced, the transaction committed, then moved to
//     out_path (link and unlink: a file that appeared there meanwhile is
//     never replaced). A crash before the commit leaves no export: Open deletes
//     the partial file and records the interrupted export (result error).
//     After the commit the export is recorded, whatever happens to the
//     rename (an error then names the partial file).
//   - Memory is bounded by the selection's ids, never by record contents:
//     records are read, written and dropped one at a time.
//
// Engine::ConfirmTakeout(ctx, id, disposition) — the return (返却) or
// destruction (廃棄) of a take-out, confirmed by ctx.actor, who must not be
// the exporter; refused (audited "takeout.confirm") when the take-out is
// unknown, already confirmed, or dispose_after_reading and the disposition
// is kReturned. The event carries takeout, disposition and late ("true"
// when confirmed after `until`).
//
// Engine::TakeoutManifest — which records a take-out wrote (what a leak of
// the file would disclose), audited as "takeout.manifest"; checked against
// the manifest hash the take-out record (and its event) keeps.
//
// Engine::GetTakeout / Engine::ListTakeouts — the take-out register, audited
// as "takeout.get" / "takeout.list"; ListTakeouts with open_only and
// due_before lists those still out whose `until` is before a date (the
// unconfirmed take-outs that are due: a finding for analysis).
//
// Take-out records carry identifiers only (no values, no names, no file
// paths) and a keyed code (envelope key): a record altered in the store is
// refused on read as kDataLoss.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "store/storage.h"

namespace mamori::engine {

inline constexpr size_t kMaxTakeoutRecords = 100'000;

struct TakeoutApprover {
  std::string person;  // user id
  std::string role;    // the role they approved in (takeout_rules.h)
};

struct TakeoutRequest {
  std::string dataset;
  // The selection: every record of the dataset (`all`, refused beyond
  // kMaxTakeoutRecords), or these record ids.
  bool all = false;
  std::vector<std::string> record_ids;
  // Fields written; empty: every field of the definition.
  std::vector<std::string> fields;
  std::string recipient_certificate;  // PEM or DER, one certificate
  // Whether the recipient is inside the organisation (a member carrying it,
  // 持出) rather than another party (提供): the approved request says so.
  // False unless stated, so that a caller who forgets it is refused for
  // no_distribution data rather than let through.
  bool recipient_internal = false;
  std::string approval;  // the approval engine's reference of the approved take-out
  std::vector<TakeoutApprover> approvers;
  CivilDate until;       // return or destruction confirmed by this day (JST)
  std::string out_path;  // absolute; must not exist
  // The approval flow's own check that this export is what was approved
  // (optional): run first, before anything is planned or written, and
  // again in the transaction that records the export, against the state it
  // reads there; a refusal is audited as the export's and leaves no file.
  std::function<Status(store::ReadTxn&)> check;
  // Run in that transaction after `check` (optional): records that the
  // approval is spent (one export per approval), given the take-out id.
  std::function<Status(store::WriteTxn&, std::string_view takeout)> spend;
};

enum class TakeoutDisposition { kReturned, kDestroyed };
std::string_view TakeoutDispositionName(TakeoutDisposition d);  // "returned" | "destroyed"

// A take-out as the register keeps it.
struct TakeoutRecord {
  std::string id;  // 32 lower-case hex
  std::string dataset, purpose;
  std::string exported_by, terminal;
  TimeMicros exported_at = 0;
  std::string approval;
  std::vector<TakeoutApprover> approvers;
  std::string recipient_fingerprint, recipient_key;  // "ec-p256", "rsa-3072"
  bool recipient_internal = false;
  CivilDate until;
  uint64_t records = 0;
  std::vector<std::string> fields;  // written fields
  bool destroy_only = false;
  std::string manifest_sha256, content_sha256, file_sha256;
  uint64_t export_seq = 0;
  std::string state = "out";  // "out" | "returned" | "destroyed"
  std::string confirmed_by;
  TimeMicros confirmed_at = 0;
  uint64_t confirm_seq = 0;

  bool Open() const { return state == "out"; }
  // With "overdue": still out after `until` as of `today`.
  nlohmann::json ToJson(CivilDate today) const;
};

struct TakeoutResult {
  TakeoutRecord record;  // as registered, state "out"
  std::string path;      // the file written
};

struct TakeoutManifestEntry {
  std::string record;
  uint32_t version = 0;
};

struct TakeoutFilter {
  std::string dataset;                  // empty: every dataset
  bool open_only = false;               // only those still out
  std::optional<CivilDate> due_before;  // only those whose until is before this day
};

}  // namespace mamori::engine
