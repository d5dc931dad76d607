#include "approval/approvals.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "approval/flow_parameters.h"
#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/hash.h"

namespace mamori::approval {
namespace {

// The engine's layout in the data store, beside policy's "pol/":
//   apv/seq        decimal id counter
//   apv/r/<id>     Request JSON
constexpr std::string_view kCounter = "apv/seq";
constexpr std::string_view kRequests = "apv/r/";
constexpr std::string_view kSystemActor = "mamori";

std::string Key(std::string_view id) { return std::string(kRequests) + std::string(id); }

Status Refuse(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

Status NotPending(const Request& req, State state) {
  if (state == State::kExpired) {
    return Status::FailedPrecondition("approval request " + req.id + " has expired",
                                      "承認申請 " + req.id + " は期限切れです",
                                      std::string(kExpired));
  }
  return Status::FailedPrecondition(
      "approval request " + req.id + " is " + std::string(StateName(state)),
      "承認申請 " + req.id + " の状態は " + std::string(StateName(state)) + " です",
      std::string(kNotPending));
}

Status NotFound(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no approval request " + shown, "承認申請 " + shown + " はありません",
                          "approval");
}

Status CheckPerson(const identity::Principal& who) {
  if (who.kind != identity::PrincipalKind::kUser || who.id.empty()) {
    return Refuse(kNotPerson, "only a person logged in with their own user id takes approval steps",
                  "承認の手続は本人の利用者 ID でログインした人だけが行えます");
  }
  return Status::Ok();
}

bool HoldsStage(const identity::Principal& who, const Stage& stage,
                std::string_view applicant_department) {
  if (stage.same_department && who.department != applicant_department) return false;
  if (std::find(stage.persons.begin(), stage.persons.end(), who.id) != stage.persons.end()) {
    return true;
  }
  return std::any_of(stage.roles.begin(), stage.roles.end(),
                     [&](const std::string& r) { return who.HasRole(r); });
}

bool PersonHoldsStage(const Person& p, const Stage& stage, std::string_view applicant_department) {
  if (stage.same_department && p.department != applicant_department) return false;
  if (std::find(stage.persons.begin(), stage.persons.end(), p.id) != stage.persons.end()) {
    return true;
  }
  return std::any_of(stage.roles.begin(), stage.roles.end(),
                     [&](const std::string& r) { return p.HasRole(r); });
}

// Rules 1, 2 and 5 on the stored request (nothing of the directory).
Status CheckCanDecide(const identity::Principal& who, const Request& req, TimeMicros now) {
  MAMORI_RETURN_IF_ERROR(CheckPerson(who));
  const State state = req.StateAt(now);
  if (state != State::kPending) return NotPending(req, state);
  if (who.id == req.applicant) {
    return Refuse(kSelfApproval, "nobody approves their own request",
                  "自分の申請を自分で承認することはできません");
  }
  if (req.DecidedBy(who.id)) {
    return Refuse(kAlreadyDecided, "one person decides one stage of a request",
                  "一つの申請で同じ人が複数の段階を承認することはできません");
  }
  return Status::Ok();
}

Status NotApprover() {
  return Refuse(kNotApprover, "the caller holds none of the roles that approve this stage",
                "この段階を承認できるロールを保有していません");
}

Result<uint64_t> NextNumber(store::WriteTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(kCounter));
  uint64_t n = 0;
  if (raw) {
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
    if (ec != std::errc() || p != raw->data() + raw->size()) {
      return Fail(Status::DataLoss("stored approval counter is not a number",
                                   "保存された承認申請の採番が壊れています", "apv/seq"));
    }
  }
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(kCounter, std::to_string(n)));
  return n;
}

Status Write(store::WriteTxn& txn, const Request& req) {
  return txn.Put(Key(req.id), RequestToJson(req).dump());
}

Status CheckFlow(const Flow& flow) {
  MAMORI_RETURN_IF_ERROR(ValidateCode(flow.type, "type"));
  MAMORI_RETURN_IF_ERROR(ValidateStages(flow.stages));
  if (flow.lifetime_hours < 0 || flow.lifetime_hours > 24 * 366 || flow.emergency_filing_days < 0 ||
      flow.emergency_filing_days > 60) {
    return Status::InvalidArgument(
        "a flow's lifetime is 0-8784 hours and its filing deadline "
        "0-60 business days",
        "フローの有効期間は 0〜8784 時間、事後届出期限は 0〜60 営業日です", "flow");
  }
  return Status::Ok();
}

}  // namespace

void Describe(const Request& req, audit::Event& ev) {
  ev.attrs["approval"] = req.id;
  ev.attrs["type"] = req.type;
  ev.attrs["subject"] = audit::EventIdentifier(req.subject);
  ev.attrs["action"] = req.action;
  ev.attrs["reason_code"] = req.reason;
  ev.attrs["state"] = std::string(StateName(req.state));
  // The approved terms by their hash: identifiers only, but a selection of
  // a thousand record ids does not belong in every event of the request.
  if (!req.details.is_null()) {
    ev.attrs["details"] = HexEncode(crypto::DigestView(crypto::Sha256(req.details.dump())));
  }
}

Status Approvals::MarkUsedIn(store::WriteTxn& txn, std::string_view id, std::string_view by,
                             TimeMicros at) {
  MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
  if (!found) return NotFound(id);
  if (!found->used_by.empty()) {
    return Status::FailedPrecondition("approval " + found->id + " has been used already",
                                      "承認 " + found->id + " は既に使用されています",
                                      std::string(kAlreadyUsed));
  }
  if (by.empty() || audit::EventIdentifier(by) != by) {
    return Status::InvalidArgument("what used an approval is named by an identifier",
                                   "承認を使用した操作は ID で示します", "used_by");
  }
  found->used_by = std::string(by);
  found->used_at = at;
  return Write(txn, *found);
}

Approvals::Approvals(store::Storage& storage, const People* people)
    : storage_(storage), people_(people) {}

Status Approvals::Register(Flow flow) {
  MAMORI_RETURN_IF_ERROR(CheckFlow(flow));
  for (auto& f : flows_) {
    if (f.type == flow.type) {
      f = std::move(flow);
      return Status::Ok();
    }
  }
  flows_.push_back(std::move(flow));
  return Status::Ok();
}

const Flow* Approvals::FindFlow(std::string_view type) const {
  for (const auto& f : flows_) {
    if (f.type == type) return &f;
  }
  return nullptr;
}

Result<std::optional<Request>> Approvals::Read(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(Key(id)));
  if (!raw) return std::optional<Request>();
  auto parsed = nlohmann::json::parse(*raw, nullptr, false);
  if (parsed.is_discarded()) {
    return Fail(Status::DataLoss("stored approval request is not JSON",
                                 "保存された承認申請が壊れています", "approval"));
  }
  MAMORI_ASSIGN_OR_RETURN(Request r, RequestFromJson(parsed));
  return std::optional<Request>(std::move(r));
}

Result<Request> Approvals::OpenIn(store::WriteTxn& txn, const Caller& caller, const Flow& given,
                                  const Draft& draft, audit::Event& ev,
                                  const std::vector<Stage>* stages) {
  ev.attrs["type"] = given.type;
  // Lifetimes and the filing deadline are the organisation's policy
  // (flow_parameters.h), read in this transaction.
  MAMORI_ASSIGN_OR_RETURN(FlowParameters params, ReadFlowParameters(txn));
  const Flow flow = ApplyFlowParameters(params, given);
  MAMORI_RETURN_IF_ERROR(CheckPerson(caller.principal));
  MAMORI_RETURN_IF_ERROR(ValidateSubject(draft.subject));
  MAMORI_RETURN_IF_ERROR(ValidateCode(draft.action, "action"));
  MAMORI_RETURN_IF_ERROR(ValidateCode(draft.reason, "reason"));
  MAMORI_RETURN_IF_ERROR(ValidateAttachments(draft.attachments));
  MAMORI_RETURN_IF_ERROR(ValidateDetails(draft.details));
  if (!draft.details.is_null() && !flow.prepare) {
    return Fail(Status::InvalidArgument("this flow takes no details",
                                        "このフローは details を取りません",
                                        std::string(kNoDetails)));
  }
  if (stages) MAMORI_RETURN_IF_ERROR(ValidateStages(*stages));
  const TimeMicros now = caller.Now();
  Request req;
  req.type = flow.type;
  req.subject = draft.subject;
  req.action = draft.action;
  req.reason = draft.reason;
  req.attachments = draft.attachments;
  req.details = draft.details;
  req.stages = stages ? *stages : flow.stages;
  req.order = flow.order;
  req.applicant = caller.principal.id;
  req.applicant_name = caller.principal.display_name;
  req.applicant_department = caller.principal.department;
  req.created_at = now;
  if (flow.lifetime_hours > 0) req.expires_at = now + flow.lifetime_hours * 3600 * kMicrosPerSecond;
  if (draft.acted_at != 0) {
    if (flow.emergency_filing_days == 0) {
      return Fail(Refuse(kEmergencyNotAllowed,
                         "this flow does not allow an action to be filed after it was taken",
                         "このフローでは事後の届出は認められていません"));
    }
    if (draft.acted_at > now) {
      return Fail(Status::InvalidArgument("acted_at is in the future", "acted_at が未来の時刻です",
                                          "acted_at"));
    }
    jp::BusinessCalendar calendar;
    if (calendar_) {
      MAMORI_ASSIGN_OR_RETURN(calendar, calendar_(txn));
    }
    Emergency em;
    em.acted_at = draft.acted_at;
    MAMORI_ASSIGN_OR_RETURN(
        em.due, calendar.NextBusinessDay(JstDate(draft.acted_at), flow.emergency_filing_days));
    em.late = JstDate(now) > em.due;
    req.emergency = em;
  }
  MAMORI_ASSIGN_OR_RETURN(uint64_t n, NextNumber(txn));
  char buf[32];
  std::snprintf(buf, sizeof buf, "A%08llu", static_cast<unsigned long long>(n));
  req.id = buf;
  MAMORI_RETURN_IF_ERROR(Write(txn, req));
  Describe(req, ev);
  if (req.emergency) {
    ev.attrs["emergency"] = "true";
    ev.attrs["filing_due"] = FormatDate(req.emergency->due);
    if (req.emergency->late) ev.reason = std::string(kLateFiling);
  }
  return req;
}

Result<Standing> Approvals::StandingOf(const Caller& caller, const Request& req) const {
  return StandingOf(caller, req, nullptr);
}

Result<Standing> Approvals::StandingOf(const Caller& caller, const Request& req,
                                       const std::vector<Person>* read) const {
  MAMORI_RETURN_IF_ERROR(CheckCanDecide(caller.principal, req, caller.Now()));
  const auto open = req.OpenStages();
  for (size_t stage : open) {
    if (HoldsStage(caller.principal, req.stages[stage], req.applicant_department)) {
      return Standing{stage, ""};
    }
  }
  if (people_ || read) {
    std::vector<Person> fetched;
    if (!read) {
      MAMORI_ASSIGN_OR_RETURN(fetched, people_->All());
    }
    const std::vector<Person>& everyone = read ? *read : fetched;
    auto manager_of = [&](std::string_view id) -> std::string {
      for (const auto& p : everyone) {
        if (p.id == id) return p.manager;
      }
      return "";
    };
    for (size_t stage : open) {
      std::vector<const Person*> holders;
      bool available = false;
      for (const auto& p : everyone) {
        if (!PersonHoldsStage(p, req.stages[stage], req.applicant_department)) continue;
        holders.push_back(&p);
        if (p.active && p.id != req.applicant) available = true;
      }
      if (available) continue;
      if (holders.empty()) {
        if (manager_of(req.applicant) == caller.principal.id) return Standing{stage, req.applicant};
        continue;
      }
      for (const Person* h : holders) {
        if (!h->manager.empty() && h->manager == caller.principal.id) {
          return Standing{stage, h->id};
        }
      }
    }
  }
  return Fail(NotApprover());
}

Result<Request> Approvals::DecideIn(store::WriteTxn& txn, const Caller& caller, std::string_view id,
                                    bool approve, const Standing& standing, audit::Event& ev,
                                    bool& keep, std::string_view reason) {
  ev.attrs["approval"] = audit::EventIdentifier(id);
  if (!reason.empty()) MAMORI_RETURN_IF_ERROR(ValidateCode(reason, "reason"));
  MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
  if (!found) return Fail(NotFound(id));
  Request req = std::move(*found);
  Describe(req, ev);
  const TimeMicros now = caller.Now();
  if (req.StateAt(now) == State::kExpired && req.state == State::kPending) {
    req.state = State::kExpired;
    req.closed_by = std::string(kSystemActor);
    req.closed_at = req.expires_at;
    MAMORI_RETURN_IF_ERROR(Write(txn, req));
    Describe(req, ev);
    keep = true;
    return Fail(NotPending(req, State::kExpired));
  }
  MAMORI_RETURN_IF_ERROR(CheckCanDecide(caller.principal, req, now));
  const auto open = req.OpenStages();
  if (std::find(open.begin(), open.end(), standing.stage) == open.end()) {
    return Fail(Status::FailedPrecondition(
        "the stage is no longer open; look at the request again",
        "この段階はすでに承認済みか、まだ承認できません。申請を確認してください",
        std::string(kNotPending)));
  }
  // A decision in one's own right is checked again against the caller as
  // this request resolved them; an escalated one rests on StandingOf.
  if (standing.escalated_from.empty() &&
      !HoldsStage(caller.principal, req.stages[standing.stage], req.applicant_department)) {
    return Fail(NotApprover());
  }
  Decision d;
  d.stage = standing.stage;
  d.by = caller.principal.id;
  d.by_name = caller.principal.display_name;
  d.approved = approve;
  d.escalated_from = standing.escalated_from;
  d.reason = std::string(reason);
  d.at = now;
  req.decisions.push_back(d);
  if (!approve) {
    req.state = State::kRejected;
  } else {
    bool all = true;
    for (size_t i = 0; i < req.stages.size(); ++i) all = all && req.StageApproved(i);
    if (all) req.state = State::kApproved;
  }
  MAMORI_RETURN_IF_ERROR(Write(txn, req));
  Describe(req, ev);
  ev.attrs["stage"] = std::to_string(standing.stage);
  if (!standing.escalated_from.empty()) ev.attrs["escalated_from"] = standing.escalated_from;
  if (!reason.empty()) ev.attrs["decision_reason"] = std::string(reason);
  return req;
}

Result<Request> Approvals::CancelIn(store::WriteTxn& txn, const Caller& caller, std::string_view id,
                                    audit::Event& ev) {
  ev.attrs["approval"] = audit::EventIdentifier(id);
  MAMORI_RETURN_IF_ERROR(CheckPerson(caller.principal));
  MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
  if (!found) return Fail(NotFound(id));
  Request req = std::move(*found);
  Describe(req, ev);
  if (caller.principal.id != req.applicant) {
    return Fail(Refuse(kNotApplicant, "only the applicant cancels a request",
                       "申請を取り消せるのは申請者だけです"));
  }
  const State state = req.StateAt(caller.Now());
  if (state != State::kPending) return Fail(NotPending(req, state));
  req.state = State::kCancelled;
  req.closed_by = caller.principal.id;
  req.closed_at = caller.Now();
  MAMORI_RETURN_IF_ERROR(Write(txn, req));
  Describe(req, ev);
  return req;
}

Result<Request> Approvals::Step(
    const Caller& caller, std::string_view operation, std::string_view id,
    const std::function<Result<Request>(store::WriteTxn&, audit::Event&, bool&)>& fn) {
  audit::Event ev = CallerEvent(caller, operation);
  if (!id.empty()) ev.attrs["approval"] = audit::EventIdentifier(id);
  Request out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool& keep) -> Status {
        MAMORI_ASSIGN_OR_RETURN(out, fn(txn, e, keep));
        return Status::Ok();
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Request> Approvals::Submit(const Caller& caller, std::string_view type, const Draft& draft) {
  // A flow's own check of the draft reads the store: outside the
  // transaction, its refusal audited in the submission's.
  const Flow* flow = FindFlow(type);
  std::vector<Stage> stages;
  Status prepared = Status::Ok();
  if (flow && flow->generic_submit && flow->prepare) {
    stages = flow->stages;
    prepared = flow->prepare(caller, draft, stages);
  }
  return Step(
      caller, "approval.submit", "",
      [&](store::WriteTxn& txn, audit::Event& ev, bool&) -> Result<Request> {
        if (!flow || !flow->generic_submit) {
          ev.attrs["type"] = audit::EventIdentifier(type);
          return Fail(Status::InvalidArgument(
              "type must be a flow whose requests are submitted here",
              "type にはここで申請できるフローを指定してください", std::string(kUnknownFlow)));
        }
        if (!prepared.ok()) {
          ev.attrs["type"] = flow->type;
          ev.attrs["subject"] = audit::EventIdentifier(draft.subject);
          return Fail(prepared);
        }
        return OpenIn(txn, caller, *flow, draft, ev, flow->prepare ? &stages : nullptr);
      });
}

Result<Request> Approvals::Decide(const Caller& caller, std::string_view id, bool approve,
                                  std::string_view reason) {
  // Who the caller stands for is read outside the transaction (the
  // directory); a refusal there is audited like any other.
  Result<Standing> standing = Fail(NotFound(id));
  {
    auto req = Get(id);
    if (req) standing = StandingOf(caller, *req);
  }
  return Step(caller, approve ? "approval.approve" : "approval.reject", id,
              [&](store::WriteTxn& txn, audit::Event& ev, bool& keep) -> Result<Request> {
                if (!standing) {
                  // An expired request is still written expired (rule 5).
                  if (standing.error().subject() == kExpired) {
                    return DecideIn(txn, caller, id, approve, Standing{}, ev, keep, reason);
                  }
                  ev.attrs["approval"] = audit::EventIdentifier(id);
                  MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
                  if (found) Describe(*found, ev);
                  return Fail(standing.error());
                }
                return DecideIn(txn, caller, id, approve, *standing, ev, keep, reason);
              });
}

Result<Request> Approvals::Cancel(const Caller& caller, std::string_view id) {
  return Step(caller, "approval.cancel", id,
              [&](store::WriteTxn& txn, audit::Event& ev, bool&) -> Result<Request> {
                return CancelIn(txn, caller, id, ev);
              });
}

Result<Request> Approvals::Get(std::string_view id) {
  std::optional<Request> found;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(found, Read(txn, id));
    return Status::Ok();
  }));
  if (!found) return Fail(NotFound(id));
  return std::move(*found);
}

Result<std::vector<Request>> Approvals::List() {
  std::vector<Request> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kRequests, store::PrefixEnd(kRequests), 0));
    for (const auto& row : rows) {
      auto parsed = nlohmann::json::parse(row.value, nullptr, false);
      if (parsed.is_discarded()) {
        return Status::DataLoss("stored approval request is not JSON",
                                "保存された承認申請が壊れています", "approval");
      }
      MAMORI_ASSIGN_OR_RETURN(Request r, RequestFromJson(parsed));
      out.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Request>> Approvals::PendingFor(const Caller& caller) {
  MAMORI_ASSIGN_OR_RETURN(auto all, List());
  // The directory is read once for the whole list (escalation needs it),
  // not once per request.
  std::optional<std::vector<Person>> everyone;
  std::vector<Request> out;
  for (auto& r : all) {
    if (r.StateAt(caller.Now()) != State::kPending) continue;
    if (people_ && !everyone) {
      MAMORI_ASSIGN_OR_RETURN(auto read, people_->All());
      everyone = std::move(read);
    }
    if (StandingOf(caller, r, everyone ? &*everyone : nullptr)) out.push_back(std::move(r));
  }
  return out;
}

audit::Event CallerEvent(const Caller& caller, std::string_view operation) {
  audit::Event ev;
  ev.time = caller.Now();
  ev.actor = caller.principal.id;
  ev.terminal = caller.principal.terminal.id;
  ev.request_id = caller.request_id;
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  return ev;
}

}  // namespace mamori::approval
