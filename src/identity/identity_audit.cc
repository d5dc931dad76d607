#include "identity/identity_audit.h"

#include "audit/audited.h"
#include "audit/log.h"

namespace mamori::identity::internal {

TimeMicros Now(const engine::Context& ctx) { return ctx.time != 0 ? ctx.time : NowMicros(); }

audit::Event MakeEvent(const engine::Context& ctx, std::string_view operation, TimeMicros now) {
  audit::Event ev;
  ev.time = now;
  ev.actor = ctx.actor;
  ev.terminal = ctx.terminal;
  ev.purpose = ctx.purpose;
  ev.request_id = ctx.request_id;
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  return ev;
}

Status AppendEvent(store::WriteTxn& txn, audit::Event& ev) {
  return StatusOf(audit::Append(txn, ev));
}

Status Refuse(store::WriteTxn& txn, audit::Event& ev, const Status& why, Status& refusal) {
  audit::MarkRefused(ev, why);
  MAMORI_RETURN_IF_ERROR(AppendEvent(txn, ev));
  refusal = why;
  return Status::Ok();
}

Status RunAudited(store::Storage& store, const AuditedFn& fn) {
  Status refusal;
  MAMORI_RETURN_IF_ERROR(store.Update([&](store::WriteTxn& txn) -> Status {
    refusal = Status::Ok();
    return fn(txn, refusal);
  }));
  return refusal;
}

}  // namespace mamori::identity::internal
