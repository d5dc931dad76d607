// Internal to identity: building its audit events and running an operation
// with its event in one transaction.
//
// Every identity effect and every refusal is an audit event written in the
// same Storage::Update as the effect (docs/ARCHITECTURE.md decision 1). A refusal must
// commit its event while the refused operation changes nothing else, so a
// refusing function appends the event, sets the refusal and returns OK
// (returning an error would roll the event back with everything else).
//
// Events name ids, codes and counts only — never a password, TOTP code,
// birth date or phone number.
#pragma once

#include <functional>
#include <string_view>

#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "store/storage.h"

namespace mamori::identity::internal {

// ctx.time, or the clock when it is 0.
TimeMicros Now(const engine::Context& ctx);

// An "ok" event for `operation` by ctx.actor from ctx.terminal at `now`.
audit::Event MakeEvent(const engine::Context& ctx, std::string_view operation, TimeMicros now);

// audit::Append, dropping the seq.
Status AppendEvent(store::WriteTxn& txn, audit::Event& ev);

// Marks ev refused (code = CodeName(why.code()), reason = why.subject()
// unless ev.reason is already set), appends it and sets refusal = why.
// Returns the append's status, so a failed audit write fails the transaction.
Status Refuse(store::WriteTxn& txn, audit::Event& ev, const Status& why, Status& refusal);

using AuditedFn = std::function<Status(store::WriteTxn& txn, Status& refusal)>;
// Runs fn in store.Update. An error from fn or from the commit is returned
// (nothing written); otherwise the refusal fn set (OK when none).
Status RunAudited(store::Storage& store, const AuditedFn& fn);

}  // namespace mamori::identity::internal
