#include "approval/flows.h"

namespace mamori::approval {

std::vector<Flow> StandardFlows() {
  Flow work;
  work.type = std::string(kNonStandardWork);
  work.stages = {Stage{{"section_manager"}, true}};
  work.lifetime_hours = 7 * 24;
  Flow exception;
  exception.type = std::string(kException);
  exception.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false}};
  exception.lifetime_hours = 14 * 24;
  exception.emergency_filing_days = 2;
  Flow connection;
  connection.type = std::string(kConnection);
  connection.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false}};
  connection.lifetime_hours = 14 * 24;
  return {work, exception, connection};
}

namespace {

// `actor` null: the local operator, who applied for nothing.
Status CheckWork(store::ReadTxn& txn, std::string_view id, std::string_view subject,
                 std::string_view action, const std::string_view* actor, TimeMicros now) {
  auto deny = [](std::string_view code, const std::string& en, const std::string& ja) {
    return Status::PermissionDenied(en, ja, std::string(code));
  };
  MAMORI_ASSIGN_OR_RETURN(auto found, Approvals::Read(txn, id));
  if (!found) {
    const std::string shown = audit::EventIdentifier(id);
    return Status::NotFound("no approval request " + shown, "承認申請 " + shown + " はありません",
                            "approval");
  }
  const Request& r = *found;
  if (r.type != kNonStandardWork || r.subject != subject || r.action != action) {
    return deny(kWorkApprovalMismatch,
                "approval " + r.id +
                    " is not a non-standard-work approval of this action on "
                    "this record",
                "承認 " + r.id + " はこのレコードに対するこの作業の規格外作業承認ではありません");
  }
  if (r.state != State::kApproved) {
    return deny(
        kWorkNotApproved,
        "approval " + r.id + " is " + std::string(StateName(r.StateAt(now))) + ", not approved",
        "承認申請 " + r.id + " は承認されていません");
  }
  if (actor != nullptr && r.applicant != *actor) {
    return deny(kWorkNotApplicant, "only the applicant of " + r.id + " does the approved work",
                "承認された作業は申請者本人が行います");
  }
  if (r.expires_at != 0 && now >= r.expires_at) {
    return deny(kWorkApprovalExpired, "approval " + r.id + " has expired; apply again",
                "承認 " + r.id + " の有効期限が過ぎています。再度申請してください");
  }
  return Status::Ok();
}

}  // namespace

Status CheckWorkApproval(store::ReadTxn& txn, std::string_view id, std::string_view subject,
                         std::string_view action, std::string_view actor, TimeMicros now) {
  return CheckWork(txn, id, subject, action, &actor, now);
}

Status CheckWorkApprovalByOperator(store::ReadTxn& txn, std::string_view id,
                                   std::string_view subject, std::string_view action,
                                   TimeMicros now) {
  return CheckWork(txn, id, subject, action, nullptr, now);
}

Status CheckConnectionApproval(store::ReadTxn& txn, std::string_view id,
                               std::string_view connection, TimeMicros now) {
  auto deny = [](std::string_view code, const std::string& en, const std::string& ja) {
    return Status::PermissionDenied(en, ja, std::string(code));
  };
  MAMORI_ASSIGN_OR_RETURN(auto found, Approvals::Read(txn, id));
  if (!found) {
    const std::string shown = audit::EventIdentifier(id);
    return Status::NotFound("no approval request " + shown, "承認申請 " + shown + " はありません",
                            "approval");
  }
  const Request& r = *found;
  if (r.type != kConnection || r.subject != connection || r.action != kConnectAction) {
    return deny(kConnectionApprovalMismatch,
                "approval " + r.id + " is not a connection approval of this connection",
                "承認 " + r.id + " はこの接続の電算結合の承認ではありません");
  }
  if (r.state != State::kApproved) {
    return deny(
        kConnectionNotApproved,
        "approval " + r.id + " is " + std::string(StateName(r.StateAt(now))) + ", not approved",
        "承認申請 " + r.id + " は承認されていません");
  }
  if (r.expires_at != 0 && now >= r.expires_at) {
    return deny(kConnectionApprovalExpired, "approval " + r.id + " has expired; apply again",
                "承認 " + r.id + " の有効期限が過ぎています。再度申請してください");
  }
  return Status::Ok();
}

}  // namespace mamori::approval
