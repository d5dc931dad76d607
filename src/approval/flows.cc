#include "approval/flows.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/hash.h"

namespace mamori::approval {

std::vector<Flow> StandardFlows() {
  Flow work;
  work.type = std::string(kNonStandardWork);
  work.stages = {Stage{{"section_manager"}, true, {}}};
  work.lifetime_hours = 7 * 24;
  Flow exception;
  exception.type = std::string(kException);
  exception.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false, {}}};
  exception.lifetime_hours = 14 * 24;
  exception.emergency_filing_days = 2;
  // Exceptions are applied for through the ledger (exceptions.h), which
  // records their rule, scope and period and applies the CISO's designation.
  exception.generic_submit = false;
  Flow change;
  change.type = std::string(kPolicyChange);
  change.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false, {}}};
  change.lifetime_hours = 7 * 24;
  Flow connection;
  connection.type = std::string(kConnection);
  connection.stages = {Stage{{"ciso", "deputy_ciso", "chief_officer"}, false, {}}};
  connection.lifetime_hours = 14 * 24;
  return {work, exception, change, connection};
}

Result<Request> ReadApproval(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto found, Approvals::Read(txn, id));
  if (!found) {
    const std::string shown = audit::EventIdentifier(id);
    return Fail(Status::NotFound("no approval request " + shown,
                                 "承認申請 " + shown + " はありません", "approval"));
  }
  return std::move(*found);
}

Status CheckUsable(const Request& r, const std::string_view* applicant, TimeMicros now,
                   const UseRefusals& refusals) {
  if (r.state != State::kApproved) {
    return Status::PermissionDenied(
        "approval " + r.id + " is " + std::string(StateName(r.StateAt(now))) + ", not approved",
        "承認申請 " + r.id + " は承認されていません", std::string(refusals.not_approved));
  }
  if (applicant != nullptr && r.applicant != *applicant) {
    return Status::PermissionDenied(
        "only the applicant of " + r.id + " " + std::string(refusals.doing_en),
        std::string(refusals.doing_ja) + "申請者本人が行います",
        std::string(refusals.not_applicant));
  }
  if (r.expires_at != 0 && now >= r.expires_at) {
    return Status::PermissionDenied(
        "approval " + r.id + " has expired; apply again",
        "承認 " + r.id + " の有効期限が過ぎています。再度申請してください",
        std::string(refusals.expired));
  }
  return Status::Ok();
}

namespace {

// `actor` null: the local operator, who applied for nothing.
Status CheckWork(store::ReadTxn& txn, std::string_view id, std::string_view subject,
                 std::string_view action, const std::string_view* actor, TimeMicros now) {
  auto deny = [](std::string_view code, const std::string& en, const std::string& ja) {
    return Status::PermissionDenied(en, ja, std::string(code));
  };
  MAMORI_ASSIGN_OR_RETURN(const Request r, ReadApproval(txn, id));
  if (r.type != kNonStandardWork || r.subject != subject || r.action != action) {
    return deny(kWorkApprovalMismatch,
                "approval " + r.id +
                    " is not a non-standard-work approval of this action on "
                    "this record",
                "承認 " + r.id + " はこのレコードに対するこの作業の規格外作業承認ではありません");
  }
  return CheckUsable(r, actor, now,
                     {kWorkNotApproved, kWorkNotApplicant, kWorkApprovalExpired,
                      "does the approved work", "承認された作業は"});
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

std::string PolicyChangeDigest(const nlohmann::json& body) {
  // nlohmann's objects keep their keys sorted and dump() is compact.
  const crypto::Digest d = crypto::Sha256(body.dump());
  return HexEncode(crypto::DigestView(d));
}

namespace {
// Marks an approval used for a policy change: "apv/used/<id>".
std::string UsedKey(std::string_view id) { return "apv/used/" + std::string(id); }
}  // namespace

Status UsePolicyChange(store::WriteTxn& txn, std::string_view id, std::string_view subject,
                       std::string_view digest, std::string_view actor, TimeMicros now) {
  auto deny = [](std::string_view code, const std::string& en, const std::string& ja) {
    return Status::PermissionDenied(en, ja, std::string(code));
  };
  if (id.empty()) {
    // Like a disposal without its approval (routes_records.cc): the request
    // lacks a required argument.
    return Status::InvalidArgument(
        "a policy change needs an approved policy_change request (?approval=); apply "
        "with subject " +
            std::string(subject) + " and attachment " + std::string(digest),
        "ポリシーの変更には承認済みのポリシー変更申請 (?approval=) が必要です。subject " +
            std::string(subject) + "、添付 " + std::string(digest) + " で申請してください",
        std::string(kPolicyApprovalRequired));
  }
  MAMORI_ASSIGN_OR_RETURN(const Request r, ReadApproval(txn, id));
  const bool same_change =
      std::find(r.attachments.begin(), r.attachments.end(), digest) != r.attachments.end();
  if (r.type != kPolicyChange || r.subject != subject || r.action != kPolicySetAction ||
      !same_change) {
    return deny(kPolicyApprovalMismatch,
                "approval " + r.id + " is not a policy_change approval of this change (subject " +
                    std::string(subject) + ", attachment " + std::string(digest) + ")",
                "承認 " + r.id + " はこの変更 (subject " + std::string(subject) + "、添付 " +
                    std::string(digest) + ") のポリシー変更承認ではありません");
  }
  MAMORI_RETURN_IF_ERROR(
      CheckUsable(r, &actor, now,
                  {kPolicyNotApproved, kPolicyNotApplicant, kPolicyApprovalExpired,
                   "makes the approved change", "承認された変更は"}));
  MAMORI_ASSIGN_OR_RETURN(auto used, txn.Get(UsedKey(r.id)));
  if (used) {
    return deny(kPolicyApprovalUsed, "approval " + r.id + " was used for a change already",
                "承認 " + r.id + " は既に変更に使われています");
  }
  return txn.Put(UsedKey(r.id), std::to_string(now));
}

Status CheckConnectionApproval(store::ReadTxn& txn, std::string_view id,
                               std::string_view connection, TimeMicros now) {
  auto deny = [](std::string_view code, const std::string& en, const std::string& ja) {
    return Status::PermissionDenied(en, ja, std::string(code));
  };
  MAMORI_ASSIGN_OR_RETURN(const Request r, ReadApproval(txn, id));
  if (r.type != kConnection || r.subject != connection || r.action != kConnectAction) {
    return deny(kConnectionApprovalMismatch,
                "approval " + r.id + " is not a connection approval of this connection",
                "承認 " + r.id + " はこの接続の電算結合の承認ではありません");
  }
  // Registered by an administrator, not by its applicant.
  return CheckUsable(r, nullptr, now,
                     {kConnectionNotApproved, "", kConnectionApprovalExpired, "", ""});
}

}  // namespace mamori::approval
