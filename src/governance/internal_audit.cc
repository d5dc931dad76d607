#include "governance/internal_audit.h"

#include <algorithm>

#include "approval/exceptions.h"
#include "approval/request.h"
#include "audit/audited.h"
#include "audit/log.h"
#include "core/encoding.h"
#include "governance/ledger.h"
#include "identity/roles.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;
namespace role = identity::role;

constexpr std::string_view kAudits = "aud";
constexpr std::string_view kSeverities[] = {"major", "minor", "observation"};
constexpr size_t kMaxDepartments = 16, kMaxEvidence = 32;

bool In(const json& list, std::string_view value) {
  return std::any_of(list.begin(), list.end(),
                     [&](const json& v) { return v.is_string() && v.get<std::string>() == value; });
}

Status Refuse(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

Status WrongState(const json& audit, const std::string& needed) {
  const std::string state = audit.value("state", "");
  return Status::FailedPrecondition(
      "the audit is " + state + "; this step needs it " + needed,
      "監査は " + state + " の状態です。この手続には " + needed + " の状態が必要です",
      std::string(kAuditWrongState));
}

Status NotAssigned() {
  return Refuse(kAuditNotAssigned, "only an auditor assigned to this audit takes this step",
                "この手続はこの監査に指名された監査人だけが行えます");
}

bool Assigned(const json& audit, const identity::Principal& who) {
  return who.kind == identity::PrincipalKind::kUser && In(audit["auditors"], who.id);
}

Result<json*> FindingOf(json& audit, std::string_view finding) {
  for (auto& f : audit["findings"]) {
    if (f.value("id", "") == finding) return &f;
  }
  return Fail(NotFound("audit.finding", finding, "finding", "監査の指摘"));
}

Status ValidateDate(CivilDate due, TimeMicros now) {
  if (due < JstDate(now)) {
    return Invalid("due", "due is today or a later day", "due は今日以降の日付です");
  }
  return Status::Ok();
}

}  // namespace

Result<json> InternalAudits::Change(const approval::Caller& caller, std::string_view name,
                                    std::string_view id, const Step& step) {
  return ChangeRecord(storage_,
                      approval::CallerEvent(caller, "internal_audit." + std::string(name)), kAudits,
                      id, kAuditNotFound, "internal audit", "内部監査", step);
}

Result<json> InternalAudits::Plan(const approval::Caller& caller, const AuditDraft& draft) {
  auto everyone = people_.All();
  json out;
  audit::Event ev = approval::CallerEvent(caller, "internal_audit.plan");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!everyone) return everyone.error();
        const identity::Principal& who = caller.principal;
        if (who.kind != identity::PrincipalKind::kUser ||
            (!who.HasRole(role::kAuditLead) && !IsCisoLine(who))) {
          return Refuse(
              kAuditNotPlanner, "the audit lead or the CISO line plans internal audits",
              "内部監査を計画するのは監査責任者または最高情報セキュリティ責任者の系統です");
        }
        const int this_year = FiscalYear(JstDate(caller.Now()));
        if (draft.year < this_year || draft.year > this_year + 1) {
          return Invalid("year", "year is this or next fiscal year (年度)",
                         "year は今年度または翌年度です");
        }
        MAMORI_RETURN_IF_ERROR(approval::ValidateCode(draft.scope, "scope"));
        if (draft.departments.empty() || draft.departments.size() > kMaxDepartments) {
          return Invalid("departments", "name 1-16 audited departments",
                         "監査対象の部署を 1〜16 指定します");
        }
        for (const auto& d : draft.departments) {
          const bool known =
              std::any_of(everyone->begin(), everyone->end(),
                          [&](const approval::Person& p) { return p.department == d; });
          if (!known) {
            return Invalid("departments", "an audited department must be one of the directory's",
                           "監査対象の部署は利用者名簿にある部署でなければなりません");
          }
        }
        MAMORI_ASSIGN_OR_RETURN(std::string id, NextId(txn, kAudits, "IA"));
        out = {{"id", id},
               {"year", draft.year},
               {"departments", draft.departments},
               {"scope", draft.scope},
               {"planned_by", who.id},
               {"planned_at", FormatUtc(caller.Now())},
               {"auditors", json::array()},
               {"findings", json::array()},
               {"state", "planned"}};
        e.attrs["audit"] = id;
        e.attrs["year"] = std::to_string(draft.year);
        e.attrs["scope"] = draft.scope;
        return WriteRecord(txn, kAudits, id, out);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<json> InternalAudits::Assign(const approval::Caller& caller, std::string_view id,
                                    std::string_view auditor) {
  auto everyone = people_.All();
  return Change(caller, "assign", id, [&](store::WriteTxn&, json& a, audit::Event& e) -> Status {
    e.attrs["auditor"] = audit::EventIdentifier(auditor);
    if (!everyone) return everyone.error();
    const identity::Principal& who = caller.principal;
    if (who.kind != identity::PrincipalKind::kUser ||
        (!who.HasRole(role::kAuditLead) && !IsCisoLine(who))) {
      return Refuse(kAuditNotPlanner, "the audit lead or the CISO line assigns auditors",
                    "監査人を指名するのは監査責任者または最高情報セキュリティ責任者の系統です");
    }
    const std::string state = a.value("state", "");
    if (state != "planned" && state != "fieldwork") return WrongState(a, "planned or fieldwork");
    auto it = std::find_if(everyone->begin(), everyone->end(),
                           [&](const approval::Person& p) { return p.id == auditor; });
    if (it == everyone->end() || !it->active) {
      return NotFound("audit.auditor", auditor, "active person", "有効な利用者");
    }
    if (!it->HasRole(role::kAuditor) && !it->HasRole(role::kAuditLead)) {
      return Refuse(kAuditNotAuditor, "an auditor holds the auditor or audit_lead role",
                    "監査人は auditor または audit_lead のロールを持つ者です");
    }
    // [002 第37条]: nobody audits their own department.
    if (In(a["departments"], it->department)) {
      return Refuse(kAuditNotIndependent,
                    "an auditor may not belong to a department the audit covers",
                    "監査対象の部署に所属する者は監査人になれません");
    }
    if (!In(a["auditors"], auditor)) a["auditors"].push_back(std::string(auditor));
    a["state"] = "fieldwork";
    return Status::Ok();
  });
}

Result<json> InternalAudits::AddFinding(const approval::Caller& caller, std::string_view id,
                                        const FindingDraft& draft) {
  return Change(
      caller, "finding", id, [&](store::WriteTxn& txn, json& a, audit::Event& e) -> Status {
        if (!Assigned(a, caller.principal)) return NotAssigned();
        if (a.value("state", "") != "fieldwork") return WrongState(a, "fieldwork");
        MAMORI_RETURN_IF_ERROR(approval::ValidateRuleReference(draft.clause));
        if (!In(a["departments"], draft.department)) {
          return Invalid("department", "a finding concerns one of the audited departments",
                         "指摘の対象は監査対象の部署のいずれかです");
        }
        if (std::find(std::begin(kSeverities), std::end(kSeverities), draft.severity) ==
            std::end(kSeverities)) {
          return Invalid("severity", "severity is major, minor or observation",
                         "severity は major、minor、observation のいずれかです");
        }
        if (draft.evidence.size() > kMaxEvidence) {
          return Invalid("evidence", "cite at most 32 audit-log events",
                         "証跡として引用できる監査ログのイベントは 32 件までです");
        }
        // The proof references: where each event sits in the log now.
        MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
        json evidence = json::array();
        for (uint64_t seq : draft.evidence) {
          MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, seq));
          if (!ev || seq >= head.size) {
            return Invalid("evidence", "evidence cites audit-log events by their sequence numbers",
                           "証跡は監査ログのイベントの番号で指定します");
          }
          const auto leaf = audit::EventLeafHash(*ev);
          evidence.push_back({{"seq", seq},
                              {"leaf_hash", HexEncode(crypto::DigestView(leaf))},
                              {"tree_size", head.size},
                              {"root", HexEncode(crypto::DigestView(head.root))}});
        }
        const std::string fid = "F" + std::to_string(a["findings"].size() + 1);
        a["findings"].push_back({{"id", fid},
                                 {"clause", draft.clause},
                                 {"department", draft.department},
                                 {"severity", draft.severity},
                                 {"evidence", std::move(evidence)},
                                 {"by", caller.principal.id},
                                 {"at", FormatUtc(caller.Now())},
                                 {"improvement", nullptr},
                                 {"progress", json::array()},
                                 {"state", "open"}});
        e.attrs["finding"] = fid;
        e.attrs["clause"] = draft.clause;
        e.attrs["severity"] = draft.severity;
        return Status::Ok();
      });
}

Result<json> InternalAudits::Report(const approval::Caller& caller, std::string_view id) {
  return Change(caller, "report", id, [&](store::WriteTxn&, json& a, audit::Event& e) -> Status {
    if (!Assigned(a, caller.principal)) return NotAssigned();
    if (a.value("state", "") != "fieldwork") return WrongState(a, "fieldwork");
    a["state"] = "reported";
    a["reported_by"] = caller.principal.id;
    a["reported_at"] = FormatUtc(caller.Now());
    e.attrs["findings"] = std::to_string(a["findings"].size());
    return Status::Ok();
  });
}

Result<json> InternalAudits::Acknowledge(const approval::Caller& caller, std::string_view id) {
  return Change(caller, "acknowledge", id, [&](store::WriteTxn&, json& a, audit::Event&) -> Status {
    if (!IsCisoLine(caller.principal)) {
      return Refuse(kAuditNotCisoLine, "the CISO line acknowledges the audit report",
                    "監査報告を受領するのは最高情報セキュリティ責任者の系統です");
    }
    if (a.value("state", "") != "reported") return WrongState(a, "reported");
    a["state"] = a["findings"].empty() ? "closed" : "acknowledged";
    a["acknowledged_by"] = caller.principal.id;
    a["acknowledged_at"] = FormatUtc(caller.Now());
    return Status::Ok();
  });
}

namespace {
// A manager of the finding's department, after the report.
Status CheckAuditee(const json& a, const json& f, const identity::Principal& who) {
  const std::string state = a.value("state", "");
  if (state != "reported" && state != "acknowledged") return WrongState(a, "reported");
  if (!IsDepartmentManager(who) || who.department != f.value("department", "")) {
    return Refuse(kAuditNotAuditee,
                  "the improvement of a finding is planned and reported by a manager of the "
                  "audited department",
                  "指摘の改善計画と進捗報告は監査対象部署の管理者が行います");
  }
  if (f.value("state", "") == "closed") {
    return Status::FailedPrecondition("the finding is closed", "この指摘は完了しています",
                                      std::string(kAuditWrongState));
  }
  return Status::Ok();
}
}  // namespace

Result<json> InternalAudits::PlanImprovement(const approval::Caller& caller, std::string_view id,
                                             std::string_view finding, std::string_view measure,
                                             CivilDate due) {
  return Change(caller, "improve", id, [&](store::WriteTxn&, json& a, audit::Event& e) -> Status {
    e.attrs["finding"] = audit::EventIdentifier(finding);
    MAMORI_ASSIGN_OR_RETURN(json * f, FindingOf(a, finding));
    MAMORI_RETURN_IF_ERROR(CheckAuditee(a, *f, caller.principal));
    MAMORI_RETURN_IF_ERROR(approval::ValidateCode(measure, "measure"));
    MAMORI_RETURN_IF_ERROR(ValidateDate(due, caller.Now()));
    (*f)["improvement"] = {{"measure", std::string(measure)},
                           {"due", FormatDate(due)},
                           {"by", caller.principal.id},
                           {"at", FormatUtc(caller.Now())}};
    (*f)["state"] = "planned";
    e.attrs["due"] = FormatDate(due);
    return Status::Ok();
  });
}

Result<json> InternalAudits::ReportProgress(const approval::Caller& caller, std::string_view id,
                                            std::string_view finding, std::string_view status,
                                            std::string_view note) {
  return Change(caller, "progress", id, [&](store::WriteTxn&, json& a, audit::Event& e) -> Status {
    e.attrs["finding"] = audit::EventIdentifier(finding);
    MAMORI_ASSIGN_OR_RETURN(json * f, FindingOf(a, finding));
    MAMORI_RETURN_IF_ERROR(CheckAuditee(a, *f, caller.principal));
    if ((*f)["improvement"].is_null()) {
      return Status::FailedPrecondition(
          "report progress on a finding's improvement plan once it is planned",
          "進捗は改善計画を立ててから報告します", std::string(kAuditWrongState));
    }
    if (status != "in_progress" && status != "done") {
      return Invalid("status", "status is in_progress or done",
                     "status は in_progress または done です");
    }
    if (!note.empty()) MAMORI_RETURN_IF_ERROR(approval::ValidateCode(note, "note"));
    (*f)["progress"].push_back({{"status", std::string(status)},
                                {"note", std::string(note)},
                                {"by", caller.principal.id},
                                {"at", FormatUtc(caller.Now())}});
    (*f)["state"] = status == "done" ? "done" : "planned";
    e.attrs["status"] = std::string(status);
    return Status::Ok();
  });
}

Result<json> InternalAudits::CloseFinding(const approval::Caller& caller, std::string_view id,
                                          std::string_view finding) {
  return Change(caller, "close", id, [&](store::WriteTxn&, json& a, audit::Event& e) -> Status {
    e.attrs["finding"] = audit::EventIdentifier(finding);
    MAMORI_ASSIGN_OR_RETURN(json * f, FindingOf(a, finding));
    if (!Assigned(a, caller.principal)) return NotAssigned();
    if (a.value("state", "") != "acknowledged") return WrongState(a, "acknowledged");
    if (f->value("state", "") != "done") {
      return Status::FailedPrecondition("a finding is closed once its improvement is reported done",
                                        "指摘は改善の完了が報告されてから完了とします",
                                        std::string(kAuditNotDone));
    }
    (*f)["state"] = "closed";
    (*f)["closed_by"] = caller.principal.id;
    (*f)["closed_at"] = FormatUtc(caller.Now());
    const bool all = std::all_of(a["findings"].begin(), a["findings"].end(),
                                 [](const json& x) { return x.value("state", "") == "closed"; });
    if (all) a["state"] = "closed";
    return Status::Ok();
  });
}

Result<json> InternalAudits::Get(std::string_view id) {
  return GetRecord(storage_, kAudits, id, kAuditNotFound, "internal audit", "内部監査");
}

Result<std::vector<json>> InternalAudits::List() { return ListRecords(storage_, kAudits); }

}  // namespace mamori::governance
