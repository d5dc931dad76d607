#include "analysis/findings.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "analysis/note.h"
#include "analysis/store_util.h"
#include "audit/audited.h"
#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "identity/roles.h"

namespace mamori::analysis {
namespace {

namespace r = identity::role;

std::string IndexKey(const FindingKey& key) {
  return internal::Key(internal::kFindingKeyPrefix,
                       HexEncode(crypto::DigestView(crypto::Sha256(key.Encode()))));
}

Result<std::optional<Finding>> ReadFinding(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(
      auto j, internal::ReadJson(txn, internal::Key(internal::kFindingPrefix, id), "finding"));
  if (!j) return std::optional<Finding>();
  MAMORI_ASSIGN_OR_RETURN(Finding f, FindingFromJson(*j));
  return std::optional<Finding>(std::move(f));
}

Status NoSuchFinding(std::string_view id) {
  return Status::NotFound("no finding " + audit::EventIdentifier(id),
                          "指摘 " + audit::EventIdentifier(id) + " はありません", "finding");
}

Status Refusal(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

bool Oversees(const identity::Principal& who) {
  for (auto role : {r::kCiso, r::kDeputyCiso, r::kChiefOfficer, r::kSirt}) {
    if (who.HasRole(role)) return true;
  }
  return false;
}

std::string_view StepOperation(FindingStatus to) {
  switch (to) {
    case FindingStatus::kUnderReview:
      return "analysis.finding.review";
    case FindingStatus::kExplained:
      return "analysis.finding.explain";
    case FindingStatus::kEscalated:
      return "analysis.finding.escalate";
    case FindingStatus::kNew:
      break;
  }
  return "analysis.finding.step";
}

}  // namespace

Result<CivilDate> DueDate(const Parameters& p, const jp::BusinessCalendar& calendar,
                          Severity severity, TimeMicros now) {
  const uint32_t days = severity == Severity::kHigh     ? p.due_days_high
                        : severity == Severity::kMedium ? p.due_days_medium
                                                        : p.due_days_low;
  // Zero days: today when it is a business day, else the next one.
  return calendar.NextBusinessDay(JstDate(now), static_cast<int>(days));
}

Result<Finding> Findings::Get(std::string_view id) {
  std::optional<Finding> f;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(f, ReadFinding(txn, id));
    return Status::Ok();
  }));
  if (!f) return Fail(NoSuchFinding(id));
  return std::move(*f);
}

Result<std::vector<Finding>> Findings::List(const FindingFilter& filter) {
  std::vector<Finding> out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    return txn.ScanEach(internal::kFindingPrefix, store::PrefixEnd(internal::kFindingPrefix),
                        [&](std::string_view, std::string_view value) -> Result<bool> {
                          auto j = nlohmann::json::parse(value, nullptr, false);
                          MAMORI_ASSIGN_OR_RETURN(Finding f, FindingFromJson(j));
                          if (filter.status && f.status != *filter.status) return true;
                          if (filter.rule && f.rule != *filter.rule) return true;
                          if (!filter.owner.empty() && f.owner != filter.owner) return true;
                          if (!filter.actor.empty() && f.actor != filter.actor) return true;
                          if (filter.open_only && f.Closed()) return true;
                          out.push_back(std::move(f));
                          return true;
                        });
  }));
  return out;
}

bool Findings::MayView(const identity::Principal& who, const Finding& f) {
  // Nobody is shown the monitoring of themselves, the CISO line and the
  // auditors included: it would tell a person under review what was seen
  // and when to stop. Someone else in the line sees it.
  if (f.actor == who.id) return false;
  if (Oversees(who) || who.HasRole(r::kAuditor) || who.HasRole(r::kAuditLead)) return true;
  if (f.owner == who.id) return true;
  const bool manager = who.HasRole(r::kSectionManager) || who.HasRole(r::kDepartmentOfficer) ||
                       who.HasRole(r::kCreditInfoDirector);
  return manager && !who.department.empty() && f.department == who.department;
}

Result<Finding> Findings::Review(const policy::Caller& caller, std::string_view id,
                                 std::string_view comment) {
  return Step(caller, id, FindingStatus::kUnderReview, comment);
}
Result<Finding> Findings::Explain(const policy::Caller& caller, std::string_view id,
                                  std::string_view reason) {
  return Step(caller, id, FindingStatus::kExplained, reason);
}
Result<Finding> Findings::Escalate(const policy::Caller& caller, std::string_view id,
                                   std::string_view reason) {
  return Step(caller, id, FindingStatus::kEscalated, reason);
}

Result<Finding> Findings::Step(const policy::Caller& caller, std::string_view id, FindingStatus to,
                               std::string_view reason) {
  const TimeMicros now = caller.Now();
  engine::Context ctx;
  ctx.actor = caller.principal.id;
  ctx.terminal = caller.principal.terminal.id;
  ctx.request_id = caller.request_id;
  audit::Event ev = internal::MakeEvent(ctx, StepOperation(to), now);
  ev.attrs["finding"] = audit::EventIdentifier(id);
  const identity::Principal& who = caller.principal;
  Finding result;
  Status s = audit::RunAudited(
      store_, ev, {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_ASSIGN_OR_RETURN(auto found, ReadFinding(txn, id));
        if (!found) return NoSuchFinding(id);
        Finding& f = *found;
        e.attrs["rule"] = std::string(RuleName(f.rule));
        if (f.actor == who.id) {
          return Refusal(kOwnFinding, "a finding about you is handled by someone else",
                         "自分自身に関する指摘は処理できません");
        }
        const bool dept_officer = who.HasRole(r::kDepartmentOfficer) && !f.department.empty() &&
                                  who.department == f.department;
        if (f.owner != who.id && !dept_officer && !Oversees(who)) {
          return Refusal(
              kNotFindingOwner,
              "only the finding's owner, a department officer of its department or "
              "the CISO line may act on it",
              "指摘の担当者、当該部門の情報セキュリティ責任者または統括部門のみが処理できます");
        }
        if (f.Closed()) {
          return Refusal(kFindingClosed, "the finding is closed", "この指摘は完了しています");
        }
        const bool allowed =
            (to == FindingStatus::kUnderReview && f.status == FindingStatus::kNew) ||
            (to == FindingStatus::kExplained && f.status == FindingStatus::kUnderReview) ||
            to == FindingStatus::kEscalated;
        if (!allowed) {
          return Status::FailedPrecondition(
              "a finding is reviewed first, then explained or escalated",
              "指摘は確認を開始してから説明済または報告(エスカレーション)にします",
              std::string(kFindingStep));
        }
        // Closing needs a reason that says something; taking a finding up
        // may carry a comment (the route's member name).
        const bool closing = to != FindingStatus::kUnderReview;
        MAMORI_RETURN_IF_ERROR(CheckNote(reason, closing, closing ? "reason" : "comment"));
        f.status = to;
        f.updated_at = now;
        f.history.push_back({to, who.id, now, std::string(reason)});
        e.attrs["status"] = std::string(FindingStatusName(to));
        result = f;
        return internal::WriteJson(txn, internal::Key(internal::kFindingPrefix, f.id),
                                   FindingToJson(f));
      }});
  MAMORI_RETURN_IF_ERROR(s);
  return result;
}

Result<Assignment> Findings::AssignFor(Assigner& assigner, const FindingKey& key,
                                       const Facts& facts, const std::string& department) {
  Assignment a;
  if (key.rule == Rule::kImprovementOverdue || key.rule == Rule::kInspectionOrderOverdue ||
      key.rule == Rule::kRegisterCheckOverdue) {
    // The step is the responsible person's own to take: the finding is
    // theirs, not a finding about them for their manager.
    MAMORI_ASSIGN_OR_RETURN(std::string own, assigner.DepartmentOf(key.actor));
    a.department = department.empty() ? own : department;
    if (!own.empty()) {
      a.owner = key.actor;
      return a;
    }
    MAMORI_ASSIGN_OR_RETURN(a.owner, assigner.FindingOwner("", a.department));
    return a;
  }
  if (key.rule == Rule::kListOverdue) {
    // The actor of an overdue list is its confirmer; it escalates to the
    // dataset's department.
    auto dept = facts.department.find(key.dataset);
    if (dept != facts.department.end()) a.department = dept->second;
    MAMORI_ASSIGN_OR_RETURN(a.owner, assigner.EscalationOwner(a.department, key.actor));
    return a;
  }
  MAMORI_ASSIGN_OR_RETURN(a.department, assigner.DepartmentOf(key.actor));
  MAMORI_ASSIGN_OR_RETURN(a.owner, assigner.FindingOwner(key.actor, a.department));
  return a;
}

Result<std::string> Findings::MergeIn(store::WriteTxn& txn, const Collected& c, const Assignment& a,
                                      const Parameters& params,
                                      const jp::BusinessCalendar& calendar, TimeMicros now) {
  const std::string index = IndexKey(c.key);
  MAMORI_ASSIGN_OR_RETURN(auto id, txn.Get(index));
  if (id) {
    MAMORI_ASSIGN_OR_RETURN(auto stored, ReadFinding(txn, *id));
    if (!stored) return Fail(internal::Corrupt("finding index"));
    Finding& f = *stored;
    if (!f.Closed()) {
      const Severity before = f.severity;
      Merge(f, c.finding);
      if (f.severity > before) {
        MAMORI_ASSIGN_OR_RETURN(CivilDate due, DueDate(params, calendar, f.severity, now));
        f.due = std::min(f.due, due);
      }
      f.updated_at = now;
      MAMORI_RETURN_IF_ERROR(internal::WriteJson(txn, internal::Key(internal::kFindingPrefix, f.id),
                                                 FindingToJson(f)));
      return f.id;
    }
  }
  Finding f = c.finding;
  MAMORI_ASSIGN_OR_RETURN(f.id, internal::NextId(txn, "finding", 'F'));
  f.department = a.department;
  f.owner = a.owner;
  f.status = FindingStatus::kNew;
  f.created_at = f.updated_at = now;
  MAMORI_ASSIGN_OR_RETURN(f.due, DueDate(params, calendar, f.severity, now));
  f.history = {{FindingStatus::kNew, std::string(internal::kAnalysisActor), now, ""}};
  MAMORI_RETURN_IF_ERROR(
      internal::WriteJson(txn, internal::Key(internal::kFindingPrefix, f.id), FindingToJson(f)));
  MAMORI_RETURN_IF_ERROR(txn.Put(index, f.id));
  audit::Event ev = internal::SystemEvent("analysis.finding", now);
  ev.attrs = {{"finding", f.id},
              {"rule", std::string(RuleName(f.rule))},
              {"severity", std::string(SeverityName(f.severity))},
              {"count", std::to_string(f.count)}};
  if (!f.owner.empty()) ev.attrs["owner"] = audit::EventIdentifier(f.owner);
  if (!f.actor.empty()) ev.attrs["about"] = audit::EventIdentifier(f.actor);
  if (!f.dataset.empty()) ev.dataset = audit::EventIdentifier(f.dataset);
  MAMORI_RETURN_IF_ERROR(StatusOf(audit::Append(txn, ev)));
  return f.id;
}

}  // namespace mamori::analysis
