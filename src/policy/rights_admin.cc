#include "policy/rights_admin.h"

#include "audit/event.h"
#include "engine/dataset.h"
#include "identity/ids.h"
#include "identity/roles.h"
#include "policy/change_apply.h"
#include "policy/json_util.h"
#include "policy/keyspace.h"
#include "policy/records.h"
#include "policy/separation.h"

namespace mamori::policy {
namespace {

Status CheckTerminalIds(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    bool printable = !id.empty() && id.size() <= 128;
    for (char c : id) printable = printable && c > 0x20 && c < 0x7f && c != ',';
    if (!printable) {
      return Status::InvalidArgument(
          "terminal ids are 1-128 printable ASCII characters without commas",
          "端末 ID は空白・カンマを含まない 1〜128 文字の ASCII です", "terminals");
    }
  }
  return Status::Ok();
}

// Everything about a draft that needs no stored state.
Status ValidateDraft(const ChangeRequest& req) {
  switch (req.kind) {
    case ChangeKind::kGrant:
    case ChangeKind::kChange:
      return ValidateNewRight(*req.right);
    case ChangeKind::kReinstate:
      if (req.person.empty() || req.person.size() > 256) {
        return Status::InvalidArgument("person must be a principal id", "person は利用者 ID です",
                                       "person");
      }
      return Status::Ok();
    case ChangeKind::kMaskRule:
      MAMORI_RETURN_IF_ERROR(ValidateMaskScope(*req.mask_scope));
      return req.mask_rule ? ValidateMaskRule(*req.mask_rule) : Status::Ok();
    case ChangeKind::kRoleAdd:
    case ChangeKind::kRoleRemove:
      if (!identity::IsValidId(req.person)) {
        return Status::InvalidArgument("person must be a user id", "person は利用者 ID です",
                                       "person");
      }
      return identity::CheckRole(req.role);
    case ChangeKind::kCredentialReset:
      if (!identity::IsValidId(req.person)) {
        return Status::InvalidArgument("person must be a user id", "person は利用者 ID です",
                                       "person");
      }
      // password and totp are a person's; certificate an application's
      // (PUT /v1/service-accounts/{account}/certificate).
      if (req.credential != "password" && req.credential != "totp" &&
          req.credential != "certificate") {
        return Status::InvalidArgument("credential must be password, totp or certificate",
                                       "credential は password, totp, certificate のいずれかです",
                                       "credential");
      }
      return Status::Ok();
    case ChangeKind::kTerminals:
      if (!engine::IsValidName(req.dataset)) {
        return Status::InvalidArgument("dataset must be a dataset name",
                                       "dataset はデータセット名でなければなりません", "dataset");
      }
      return CheckTerminalIds(req.terminals);
    default:
      return Status::Ok();
  }
}

// The id comes from the request path: it is named only when it is an id,
// never echoed as typed.
Status NotFound(std::string_view what, std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no " + std::string(what) + " " + shown,
                          std::string(what) + " " + shown + " はありません", std::string(what));
}

Step MakeStep(const Caller& caller, std::string_view text) {
  return Step{caller.principal.id, caller.principal.display_name, caller.Now(), std::string(text)};
}

approval::Caller ApprovalCaller(const Caller& caller, TimeMicros at) {
  return approval::Caller{caller.principal, caller.request_id, at};
}

}  // namespace

approval::Flow RightsFlow() {
  approval::Flow flow;
  flow.type = std::string(kRightsFlow);
  approval::Stage stage;
  for (auto role : kApproverRoles) stage.roles.emplace_back(role);
  flow.stages = {stage};
  // Requested by the register's own operation, never by POST /v1/approvals.
  flow.generic_submit = false;
  return flow;
}

approval::Flow UseFlow() {
  approval::Flow flow;
  flow.type = std::string(kUseFlow);
  flow.stages = {approval::Stage{{"section_manager"}, true, {}}};
  flow.generic_submit = false;
  return flow;
}

bool IsRegisterFlow(std::string_view type) { return type == kRightsFlow || type == kUseFlow; }

RightsAdmin::RightsAdmin(store::Storage& storage)
    : storage_(storage),
      own_approvals_(std::make_unique<approval::Approvals>(storage, nullptr)),
      approvals_(own_approvals_.get()) {
  (void)own_approvals_->Register(RightsFlow());
  (void)own_approvals_->Register(UseFlow());
}

Status RightsAdmin::SetApprovals(approval::Approvals* approvals) {
  MAMORI_RETURN_IF_ERROR(approvals->Register(RightsFlow()));
  MAMORI_RETURN_IF_ERROR(approvals->Register(UseFlow()));
  approvals_ = approvals;
  return Status::Ok();
}

Result<ChangeRequest> RightsAdmin::Submit(const Caller& caller, ChangeRequest draft,
                                          std::string_view reason) {
  audit::Event ev = MakeEvent(caller, "policy.request");
  ChangeRequest stored;
  Status s = RunAudited(storage_, ev, [&](store::WriteTxn& txn, audit::Event& e) -> Status {
    ChangeRequest req = draft;
    DescribeChange(req, e);
    MAMORI_RETURN_IF_ERROR(CheckText(reason, true, "reason"));
    MAMORI_RETURN_IF_ERROR(ValidateDraft(req));
    MAMORI_RETURN_IF_ERROR(CheckRequester(caller.principal, req));
    MAMORI_RETURN_IF_ERROR(PrepareRequest(txn, req));
    MAMORI_ASSIGN_OR_RETURN(req.id, NextId(txn, "request", 'R'));
    req.state = ChangeState::kRequested;
    req.requested = MakeStep(caller, reason);
    // The approve step is the approval engine's: its request is opened in
    // this transaction. Its description stays in its own record; the
    // register's event names it.
    approval::Draft draft;
    draft.subject = req.id;
    draft.action = std::string(ChangeKindName(req.kind));
    draft.reason = "rights." + draft.action;
    if (req.use) {
      draft.action = "use";
      draft.reason = "use." + req.right->purpose;
    }
    audit::Event scratch;
    MAMORI_ASSIGN_OR_RETURN(
        approval::Request opened,
        approvals_->OpenIn(txn, ApprovalCaller(caller, req.requested.at),
                           *approvals_->FindFlow(req.use ? kUseFlow : kRightsFlow), draft,
                           scratch));
    req.approval = opened.id;
    DescribeChange(req, e);
    e.attrs["approval"] = req.approval;
    MAMORI_RETURN_IF_ERROR(WriteRequest(txn, req));
    stored = std::move(req);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  return stored;
}

Result<ChangeRequest> RightsAdmin::RequestGrant(const Caller& caller, const Right& right,
                                                std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kGrant;
  req.right = right;
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestUse(const Caller& caller, const Right& right,
                                              std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kGrant;
  req.right = right;
  req.use = true;
  // What makes it a use application rather than a standing grant; refused
  // (and audited) like any bad request.
  const TimeMicros now = caller.Now();
  Status use_ok = Status::Ok();
  if (right.persons.empty()) {
    use_ok = Status::InvalidArgument("a use application names the persons who will use the data",
                                     "利用申請には利用者を指定してください", "persons");
  } else if (right.expires <= now ||
             right.expires > now + kMaxUseDays * 86'400 * kMicrosPerSecond) {
    use_ok = Status::InvalidArgument(
        "a use application ends: expires must be in the future, at most 366 days ahead",
        "利用申請には終了日時が必要です (未来かつ366日以内)", "expires");
  } else if (!NeedsPurpose(right.operation) || right.operation == Operation::kExport) {
    use_ok = Status::InvalidArgument("a use application is for read, find or write",
                                     "利用申請の対象は参照・検索・登録更新です", "operation");
  }
  if (!use_ok.ok()) {
    audit::Event ev = MakeEvent(caller, "policy.request");
    DescribeChange(req, ev);
    Status s =
        RunAudited(storage_, ev, [&](store::WriteTxn&, audit::Event&) -> Status { return use_ok; });
    return Fail(s);
  }
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestChange(const Caller& caller, std::string_view grant_id,
                                                 const Right& right, std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kChange;
  req.grant_id = std::string(grant_id);
  req.right = right;
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestRemoval(const Caller& caller, std::string_view grant_id,
                                                  std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kRemoval;
  req.grant_id = std::string(grant_id);
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestReinstate(const Caller& caller, std::string_view grant_id,
                                                    std::string_view person,
                                                    std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kReinstate;
  req.grant_id = std::string(grant_id);
  req.person = std::string(person);
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestMaskRule(const Caller& caller, const MaskScope& scope,
                                                   const std::optional<MaskRule>& rule,
                                                   std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kMaskRule;
  req.mask_scope = scope;
  req.mask_rule = rule;
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestRoleChange(const Caller& caller, std::string_view person,
                                                     std::string_view role, bool add,
                                                     std::string_view reason) {
  ChangeRequest req;
  req.kind = add ? ChangeKind::kRoleAdd : ChangeKind::kRoleRemove;
  req.person = std::string(person);
  req.role = std::string(role);
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestCredentialReset(const Caller& caller,
                                                          std::string_view person,
                                                          std::string_view credential,
                                                          std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kCredentialReset;
  req.person = std::string(person);
  req.credential = std::string(credential);
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::RequestTerminals(const Caller& caller, std::string_view dataset,
                                                    const std::vector<std::string>& terminal_ids,
                                                    std::string_view reason) {
  ChangeRequest req;
  req.kind = ChangeKind::kTerminals;
  req.dataset = std::string(dataset);
  req.terminals = terminal_ids;
  return Submit(caller, std::move(req), reason);
}

Result<ChangeRequest> RightsAdmin::TakeStep(const Caller& caller, std::string_view request,
                                            StepKind step, std::string_view text) {
  static constexpr std::string_view kOps[] = {"policy.approve", "policy.configure", "policy.reject",
                                              "policy.withdraw"};
  audit::Event ev = MakeEvent(caller, kOps[static_cast<int>(step)]);
  // The request id is the path's: whatever else a client typed there is
  // recorded as "(invalid)", so that the refusal is still audited.
  ev.attrs["request"] = audit::EventIdentifier(request);
  // Whom the caller stands for on the approval (a superior in the place of
  // an approver who is the applicant or absent, [002 第19条2]) is read
  // outside the transaction, from the directory; the engine checks the
  // rest again inside it.
  approval::Standing standing;
  if (step == StepKind::kApprove || step == StepKind::kReject) {
    if (auto stored = Get(request); stored && !stored->approval.empty()) {
      if (auto a = approvals_->Get(stored->approval); a) {
        if (auto st = approvals_->StandingOf(ApprovalCaller(caller, caller.Now()), *a); st) {
          standing = *st;
        }
      }
    }
  }
  ChangeRequest result;
  Status s = RunAudited(storage_, ev, [&](store::WriteTxn& txn, audit::Event& e) -> Status {
    const bool needs_reason = step == StepKind::kReject || step == StepKind::kWithdraw;
    MAMORI_RETURN_IF_ERROR(CheckText(text, needs_reason, needs_reason ? "reason" : "comment"));
    MAMORI_ASSIGN_OR_RETURN(auto found, ReadRequest(txn, request));
    if (!found) return NotFound("request", request);
    ChangeRequest req = std::move(*found);
    DescribeChange(req, e);
    const ChangeState required =
        step == StepKind::kConfigure ? ChangeState::kApproved : ChangeState::kRequested;
    const bool open_ok = (step == StepKind::kReject || step == StepKind::kWithdraw) && req.Open();
    if (req.state != required && !open_ok) {
      return Status::FailedPrecondition(
          "request " + req.id + " is " + std::string(ChangeStateName(req.state)),
          "申請 " + req.id + " の状態は " + std::string(ChangeStateName(req.state)) + " です",
          std::string(kNotOpen));
    }
    const Step done = MakeStep(caller, text);
    // The approval engine's request, while it is still pending: approving
    // and rejecting decide it, withdrawing cancels it.
    std::optional<approval::Request> pending;
    if (!req.approval.empty()) {
      e.attrs["approval"] = req.approval;
      MAMORI_ASSIGN_OR_RETURN(pending, approval::Approvals::Read(txn, req.approval));
      if (!pending) {
        return Status::DataLoss("the approval of request " + req.id + " is missing",
                                "申請 " + req.id + " の承認記録がありません", "approval");
      }
      if (pending->StateAt(done.at) != approval::State::kPending) pending.reset();
    }
    const approval::Caller as_approver = ApprovalCaller(caller, done.at);
    audit::Event scratch;
    bool keep = false;
    switch (step) {
      case StepKind::kApprove:
        MAMORI_RETURN_IF_ERROR(CheckApprover(caller.principal, req));
        if (!req.approval.empty()) {
          if (!pending) {
            return Status::FailedPrecondition(
                "the approval of request " + req.id + " is no longer pending",
                "申請 " + req.id + " の承認手続は終了しています", std::string(kNotOpen));
          }
          MAMORI_RETURN_IF_ERROR(StatusOf(
              approvals_->DecideIn(txn, as_approver, req.approval, true, standing, scratch, keep)));
        }
        req.approved = done;
        req.state = ChangeState::kApproved;
        break;
      case StepKind::kConfigure:
        MAMORI_RETURN_IF_ERROR(CheckConfigurer(caller.principal, req));
        if (req.kind == ChangeKind::kCredentialReset) {
          return Status::FailedPrecondition(
              "a credential_reset request is configured by the reset that names it "
              "(POST /v1/users/{user}/password with request, DELETE /v1/users/{user}/totp"
              "?request=, or PUT /v1/service-accounts/{account}/certificate with request)",
              "再設定の申請は、その申請を指定した再設定の操作で設定されます",
              std::string(kConfiguredByReset));
        }
        if (req.kind == ChangeKind::kRoleAdd || req.kind == ChangeKind::kRoleRemove) {
          if (!members_) {
            return Status::FailedPrecondition("role changes cannot be configured here",
                                              "ここではロールの変更を設定できません", "role");
          }
          engine::Context ctx;
          ctx.actor = caller.principal.id;
          ctx.terminal = caller.principal.terminal.id;
          ctx.request_id = caller.request_id;
          ctx.time = done.at;
          MAMORI_RETURN_IF_ERROR(members_->ApplyRole(txn, ctx, req.person, req.role,
                                                     req.kind == ChangeKind::kRoleAdd, req.id));
        }
        MAMORI_RETURN_IF_ERROR(ApplyChange(txn, req, done.at));
        req.configured = done;
        req.state = ChangeState::kConfigured;
        DescribeChange(req, e);
        break;
      case StepKind::kReject:
        MAMORI_RETURN_IF_ERROR(CheckRejecter(caller.principal, req));
        if (pending) {
          MAMORI_RETURN_IF_ERROR(StatusOf(approvals_->DecideIn(txn, as_approver, req.approval,
                                                               false, standing, scratch, keep)));
        }
        req.closed = done;
        req.state = ChangeState::kRejected;
        break;
      case StepKind::kWithdraw:
        if (caller.principal.id != req.requested.by) {
          return Status::PermissionDenied("only the requester may withdraw a request",
                                          "申請を取り下げられるのは申請者だけです",
                                          std::string(kNotRequester));
        }
        if (pending) {
          MAMORI_RETURN_IF_ERROR(
              StatusOf(approvals_->CancelIn(txn, as_approver, req.approval, scratch)));
        }
        req.closed = done;
        req.state = ChangeState::kWithdrawn;
        break;
    }
    MAMORI_RETURN_IF_ERROR(WriteRequest(txn, req));
    result = std::move(req);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  return result;
}

Result<ChangeRequest> RightsAdmin::Approve(const Caller& caller, std::string_view request,
                                           std::string_view comment) {
  return TakeStep(caller, request, StepKind::kApprove, comment);
}

Result<ChangeRequest> RightsAdmin::Configure(const Caller& caller, std::string_view request,
                                             std::string_view comment) {
  return TakeStep(caller, request, StepKind::kConfigure, comment);
}

Result<ChangeRequest> RightsAdmin::Reject(const Caller& caller, std::string_view request,
                                          std::string_view reason) {
  return TakeStep(caller, request, StepKind::kReject, reason);
}

Result<ChangeRequest> RightsAdmin::Withdraw(const Caller& caller, std::string_view request,
                                            std::string_view reason) {
  return TakeStep(caller, request, StepKind::kWithdraw, reason);
}

Result<ChangeRequest> RightsAdmin::Get(std::string_view request) {
  std::optional<ChangeRequest> found;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(found, ReadRequest(txn, request));
    return Status::Ok();
  }));
  if (!found) return Fail(NotFound("request", request));
  return std::move(*found);
}

Result<std::vector<ChangeRequest>> RightsAdmin::OpenRequests() {
  std::vector<ChangeRequest> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto all, ScanJson(txn, keyspace::kRequests));
    for (const auto& json : all) {
      MAMORI_ASSIGN_OR_RETURN(ChangeRequest r, ChangeFromJson(json));
      if (r.Open()) out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace mamori::policy
