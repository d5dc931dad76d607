#include "audit/audited.h"

#include "audit/log.h"

namespace mamori::audit {
namespace {

Result<uint64_t> AppendWith(const Appender& append, store::WriteTxn& txn, Event& ev) {
  return append ? append(txn, ev) : Append(txn, ev);
}

Status Unaudited(const Status& written, const Status& original) {
  return Status::IoError("the refusal could not be audited: " + written.message() +
                             " (original: " + original.message() + ")",
                         "拒否を監査ログに記録できませんでした", original.subject());
}

}  // namespace

void MarkRefused(Event& ev, const Status& why) {
  const Code c = why.code();
  ev.result = std::string(c == Code::kIoError || c == Code::kDataLoss || c == Code::kInternal
                              ? kResultError
                              : kResultRefused);
  ev.code = std::string(CodeName(c));
  if (ev.reason.empty()) ev.reason = why.subject();
}

Status RunAudited(store::Storage& storage, Event ev, const Effect& effect,
                  const Appender& append, uint64_t* seq) {
  Event attempt = ev;
  Status refusal;
  Status done = storage.Update([&](store::WriteTxn& txn) -> Status {
    attempt = ev;  // a retried Update starts again from the event as given
    refusal = Status::Ok();
    bool keep = false;
    Status s = effect.fn(txn, attempt, keep);
    if (!s.ok() && !keep) return s;
    if (!s.ok()) {
      MarkRefused(attempt, s);
      refusal = s;
    }
    MAMORI_ASSIGN_OR_RETURN(uint64_t n, AppendWith(append, txn, attempt));
    if (seq) *seq = n;
    return Status::Ok();
  });
  if (done.ok()) return refusal;
  return AuditRefusal(storage, attempt, done, append);
}

Status AuditRefusal(store::Storage& storage, Event ev, const Status& why, const Appender& append) {
  MarkRefused(ev, why);
  Status written = storage.Update([&](store::WriteTxn& txn) -> Status {
    Event copy = ev;
    return StatusOf(AppendWith(append, txn, copy));
  });
  return written.ok() ? why : Unaudited(written, why);
}

}  // namespace mamori::audit
