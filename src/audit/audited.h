// One home for "an effect and its audit event in one transaction"
// (docs/ARCHITECTURE.md decision 1). Engine, identity and policy each run
// their state changes through RunAudited and mark their refusals with
// MarkRefused, so that one rule decides what a refusal's event says and
// whether the refused effect leaves anything behind; audit::Append applies
// one validator to every event whoever writes it (ValidateEvent: identifiers
// only).
#pragma once

#include <cstdint>
#include <functional>

#include "audit/event.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::audit {

// The one rule for the event of a refusal: result "refused", or "error" when
// the cause is the system's rather than the caller's (data loss, I/O,
// internal); code = CodeName of the status; reason = its subject (the field,
// rule or reason code at fault — never text), unless the caller set one.
void MarkRefused(Event& ev, const Status& why);

// How an event is appended: audit::Append, or a caller's own that also does
// what its log needs (the engine signs a tree head every so many events).
using Appender = std::function<Result<uint64_t>(store::WriteTxn&, Event&)>;

// The effect of an audited operation: writes through txn, may complete the
// event (attrs, record, dataset). It refuses in one of two ways:
//   - returns an error: nothing it wrote commits;
//   - sets `keep` and returns the refusal: what it wrote commits with the
//     refused event — only for a refusal that must itself leave state behind
//     (a failed logon counts towards the lockout).
struct Effect {
  std::function<Status(store::WriteTxn& txn, Event& ev, bool& keep)> fn;
};

// Runs the effect and appends its event in one Storage::Update.
//   - The effect succeeds: effect and event commit together; OK, and *seq
//     (when given) is the event's sequence number.
//   - It refuses with keep: its writes and the event, marked refused, commit
//     together; the refusal is returned.
//   - It refuses or fails otherwise: nothing of it commits; the event, marked
//     refused (or error), is appended in a transaction of its own, and the
//     status returned. If even that cannot be written the answer is kIoError
//     naming both: there is never an effect, nor a refusal, without its event.
Status RunAudited(store::Storage& storage, Event ev, const Effect& effect,
                  const Appender& append = {}, uint64_t* seq = nullptr);

// The refusal of something that never reached an effect (no credentials, an
// unknown route, a policy decision): `ev` marked refused by MarkRefused and
// appended in its own transaction. Returns `why`, or kIoError when the event
// could not be written.
Status AuditRefusal(store::Storage& storage, Event ev, const Status& why,
                    const Appender& append = {});

}  // namespace mamori::audit
