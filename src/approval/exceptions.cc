#include "approval/exceptions.h"

#include <algorithm>
#include <regex>

#include <nlohmann/json.hpp>

#include "approval/flows.h"
#include "audit/audited.h"

namespace mamori::approval {
namespace {

using json = nlohmann::json;

// The ledger's layout in the data store:
//   exc/e/<id>      ExceptionTerms JSON (id: the approval request's)
//   exc/approvers   Designation JSON
constexpr std::string_view kTerms = "exc/e/";
constexpr std::string_view kApproversKey = "exc/approvers";
constexpr int kMaxPeriodDays = 366;
constexpr std::string_view kCisoLine[] = {"ciso", "deputy_ciso", "chief_officer"};

std::string TermsKey(std::string_view id) { return std::string(kTerms) + std::string(id); }

Status CorruptTerms(std::string_view what) {
  return Status::DataLoss("a stored exception record is damaged",
                          "保存された例外措置の記録が壊れています", std::string(what));
}

Status NoException(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no exception " + shown, "例外措置 " + shown + " はありません",
                          std::string(kExceptionNotFound));
}

json TermsToJson(const ExceptionTerms& t) {
  json j = {{"id", t.id},
            {"rule", t.rule},
            {"measure", t.measure},
            {"scope", t.scope},
            {"start", FormatDate(t.start)},
            {"end", FormatDate(t.end)}};
  if (t.ended_at != 0) {
    j["ended_by"] = t.ended_by;
    j["ended_at"] = FormatUtc(t.ended_at);
    j["end_reason"] = t.end_reason;
  }
  return j;
}

Result<ExceptionTerms> TermsFromJson(const json& j) {
  if (!j.is_object()) return Fail(CorruptTerms("exception"));
  ExceptionTerms t;
  try {
    t.id = j.at("id").get<std::string>();
    t.rule = j.at("rule").get<std::string>();
    t.measure = j.at("measure").get<std::string>();
    t.scope = j.at("scope").get<std::string>();
    auto start = ParseDate(j.at("start").get<std::string>());
    auto end = ParseDate(j.at("end").get<std::string>());
    if (!start || !end) return Fail(CorruptTerms("exception"));
    t.start = *start;
    t.end = *end;
    if (j.contains("ended_at")) {
      auto at = ParseUtc(j.at("ended_at").get<std::string>());
      if (!at) return Fail(CorruptTerms("exception"));
      t.ended_at = *at;
      t.ended_by = j.value("ended_by", "");
      t.end_reason = j.value("end_reason", "");
    }
  } catch (const json::exception&) {
    return Fail(CorruptTerms("exception"));
  }
  return t;
}

json DesignationToJson(const Designation& d) {
  return {{"roles", d.roles}, {"persons", d.persons}, {"by", d.by}, {"at", FormatUtc(d.at)}};
}

Result<std::optional<Designation>> ReadDesignation(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(kApproversKey));
  if (!raw) return std::optional<Designation>();
  auto j = json::parse(*raw, nullptr, false);
  Designation d;
  try {
    d.roles = j.at("roles").get<std::vector<std::string>>();
    d.persons = j.at("persons").get<std::vector<std::string>>();
    d.by = j.at("by").get<std::string>();
    auto at = ParseUtc(j.at("at").get<std::string>());
    if (!at) return Fail(CorruptTerms("exc/approvers"));
    d.at = *at;
  } catch (const json::exception&) {
    return Fail(CorruptTerms("exc/approvers"));
  }
  return std::optional<Designation>(std::move(d));
}

Result<std::optional<ExceptionEntry>> ReadEntry(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(TermsKey(id)));
  if (!raw) return std::optional<ExceptionEntry>();
  auto j = json::parse(*raw, nullptr, false);
  if (j.is_discarded()) return Fail(CorruptTerms("exception"));
  ExceptionEntry e;
  MAMORI_ASSIGN_OR_RETURN(e.terms, TermsFromJson(j));
  MAMORI_ASSIGN_OR_RETURN(auto req, Approvals::Read(txn, id));
  if (!req) return Fail(CorruptTerms("exception"));
  e.request = std::move(*req);
  return std::optional<ExceptionEntry>(std::move(e));
}

Status BadArgument(std::string_view member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(en, ja, std::string(member));
}

bool IsCisoLine(const identity::Principal& who) {
  return std::any_of(std::begin(kCisoLine), std::end(kCisoLine),
                     [&](std::string_view r) { return who.HasRole(r); });
}

}  // namespace

Status ValidateRuleReference(std::string_view rule) {
  // 002.art47, 002.art47.2, 003.VI.1, policy.password.min_length
  static const std::regex kSource(
      R"(^[0-9]{3}\.(art[0-9]{1,3}(\.[0-9]{1,2})?|[IVX]{1,6}(\.[0-9]{1,2}){0,3})$)");
  static const std::regex kPolicy(R"(^policy(\.[a-z0-9_]{1,32}){1,4}$)");
  const std::string s(rule);
  if (s.empty()) {
    return BadArgument("rule", "rule is required: the reference of the rule departed from",
                       "rule (適用除外とする規定の参照コード) は必須です");
  }
  if (s.size() > 128 || (!std::regex_match(s, kSource) && !std::regex_match(s, kPolicy))) {
    return BadArgument(
        "rule",
        "rule must be a rule reference such as 002.art47, 002.art47.2, 003.VI.1 or "
        "policy.<clause>",
        "rule は 002.art47、002.art47.2、003.VI.1 または policy.<条項> の形式の規定の"
        "参照コードで指定します");
  }
  return Status::Ok();
}

std::string LedgerState(const ExceptionEntry& e, TimeMicros now) {
  const State s = e.request.StateAt(now);
  if (s != State::kApproved) return std::string(StateName(s));
  if (e.terms.ended_at != 0 && e.terms.ended_at <= now) return "ended";
  const CivilDate today = JstDate(now);
  if (today < e.terms.start) return "scheduled";
  if (today > e.terms.end) return "lapsed";
  return "in_force";
}

bool InForce(const ExceptionEntry& e, TimeMicros now) { return LedgerState(e, now) == "in_force"; }

json ExceptionToJson(const ExceptionEntry& e, TimeMicros now) {
  json j = TermsToJson(e.terms);
  const Request& r = e.request;
  j["state"] = LedgerState(e, now);
  j["in_force"] = InForce(e, now);
  j["reason"] = r.reason;
  j["attachments"] = r.attachments;
  j["applicant"] = r.applicant;
  j["applicant_name"] = r.applicant_name;
  j["department"] = r.applicant_department;
  j["applied_at"] = FormatUtc(r.created_at);
  j["request_state"] = StateName(r.StateAt(now));
  if (r.expires_at) j["expires_at"] = FormatUtc(r.expires_at);
  json approvers = json::array();
  for (const auto& s : r.stages) {
    json sj = {{"roles", s.roles}};
    if (!s.persons.empty()) sj["persons"] = s.persons;
    approvers.push_back(std::move(sj));
  }
  j["approvers"] = std::move(approvers);
  json decisions = json::array();
  for (const auto& d : r.decisions) {
    json dj = {
        {"by", d.by}, {"by_name", d.by_name}, {"approved", d.approved}, {"at", FormatUtc(d.at)}};
    if (!d.reason.empty()) dj["reason"] = d.reason;
    if (!d.escalated_from.empty()) dj["escalated_from"] = d.escalated_from;
    decisions.push_back(std::move(dj));
  }
  j["decisions"] = std::move(decisions);
  if (r.emergency) {
    j["emergency"] = {{"acted_at", FormatUtc(r.emergency->acted_at)},
                      {"filing_due", FormatDate(r.emergency->due)},
                      {"late", r.emergency->late}};
  } else {
    j["emergency"] = nullptr;
  }
  return j;
}

Exceptions::Exceptions(store::Storage& storage, Approvals& approvals, const People* people,
                       std::vector<std::string> approver_roles)
    : storage_(storage),
      approvals_(approvals),
      people_(people),
      approver_roles_(std::move(approver_roles)) {}

Result<ExceptionEntry> Exceptions::Apply(const Caller& caller, const ExceptionDraft& draft) {
  ExceptionEntry out;
  audit::Event ev = CallerEvent(caller, "exception.apply");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        e.attrs["type"] = std::string(kException);
        MAMORI_RETURN_IF_ERROR(ValidateRuleReference(draft.rule));
        e.attrs["rule"] = draft.rule;
        MAMORI_RETURN_IF_ERROR(ValidateCode(draft.measure, "measure"));
        if (draft.scope.empty()) {
          return BadArgument("scope", "scope is required: what the exception applies to",
                             "scope (適用範囲) は必須です");
        }
        if (Status bad = ValidateSubject(draft.scope); !bad.ok()) {
          return BadArgument("scope", "scope must be an identifier of [A-Za-z0-9._/-]",
                             "scope は [A-Za-z0-9._/-] の識別子で指定します");
        }
        if (draft.end < draft.start ||
            DaysFromCivil(draft.end) - DaysFromCivil(draft.start) >= kMaxPeriodDays) {
          return BadArgument("end", "the period runs from start to end, at most 366 days",
                             "期間は start から end まで、366 日以内で指定します");
        }
        // An emergency filed afterwards may concern a measure already over.
        if (draft.acted_at == 0 && draft.end < JstDate(caller.Now())) {
          return BadArgument("end", "the period is already over", "期間の終了日が過ぎています");
        }
        const Flow* base = approvals_.FindFlow(kException);
        if (!base) {
          return Status::FailedPrecondition("the exception flow is not registered",
                                            "例外措置のフローが登録されていません",
                                            std::string(kUnknownFlow));
        }
        Flow flow = *base;
        MAMORI_ASSIGN_OR_RETURN(auto designated, ReadDesignation(txn));
        if (designated) flow.stages = {Stage{designated->roles, false, designated->persons}};
        Draft d;
        d.subject = draft.rule;
        d.action = draft.measure;
        d.reason = draft.reason;
        d.attachments = draft.attachments;
        d.acted_at = draft.acted_at;
        MAMORI_ASSIGN_OR_RETURN(out.request, approvals_.OpenIn(txn, caller, flow, d, e));
        out.terms.id = out.request.id;
        out.terms.rule = draft.rule;
        out.terms.measure = draft.measure;
        out.terms.scope = draft.scope;
        out.terms.start = draft.start;
        out.terms.end = draft.end;
        e.attrs["rule"] = draft.rule;
        e.attrs["scope"] = audit::EventIdentifier(draft.scope);
        e.attrs["start"] = FormatDate(draft.start);
        e.attrs["end"] = FormatDate(draft.end);
        if (designated) e.attrs["designated"] = "true";
        return txn.Put(TermsKey(out.terms.id), TermsToJson(out.terms).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<ExceptionEntry> Exceptions::End(const Caller& caller, std::string_view id,
                                       std::string_view reason) {
  ExceptionEntry out;
  audit::Event ev = CallerEvent(caller, "exception.end");
  ev.attrs["approval"] = audit::EventIdentifier(id);
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!reason.empty()) MAMORI_RETURN_IF_ERROR(ValidateCode(reason, "reason"));
        MAMORI_ASSIGN_OR_RETURN(auto found, ReadEntry(txn, id));
        if (!found) return NoException(id);
        out = std::move(*found);
        Describe(out.request, e);
        e.attrs["rule"] = out.terms.rule;
        if (caller.principal.kind != identity::PrincipalKind::kUser ||
            caller.principal.id != out.request.applicant) {
          return Status::PermissionDenied("only the applicant ends an exception",
                                          "例外措置を終了できるのは申請者だけです",
                                          std::string(kExceptionNotApplicant));
        }
        const TimeMicros now = caller.Now();
        const std::string state = LedgerState(out, now);
        if (state != "in_force" && state != "scheduled") {
          return Status::FailedPrecondition(
              "exception " + out.terms.id + " is " + state + ", not in force",
              "例外措置 " + out.terms.id + " は適用中ではありません (" + state + ")",
              std::string(kExceptionNotInForce));
        }
        out.terms.ended_at = now;
        out.terms.ended_by = caller.principal.id;
        out.terms.end_reason = std::string(reason);
        if (!reason.empty()) e.attrs["end_reason"] = std::string(reason);
        return txn.Put(TermsKey(out.terms.id), TermsToJson(out.terms).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Designation> Exceptions::Designate(const Caller& caller,
                                          const std::vector<std::string>& roles,
                                          const std::vector<std::string>& persons) {
  // The directory is read outside the transaction (People's contract is
  // that of a read of identity); what it says is checked inside.
  Result<std::vector<Person>> everyone = std::vector<Person>{};
  if (people_ && !persons.empty()) everyone = people_->All();
  Designation out;
  audit::Event ev = CallerEvent(caller, "exception.designate");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (caller.principal.kind != identity::PrincipalKind::kUser ||
            !IsCisoLine(caller.principal)) {
          return Status::PermissionDenied(
              "only the CISO line (ciso, deputy_ciso, chief_officer) designates the approvers "
              "of exceptions",
              "例外措置の許可権限者を定めるのは最高情報セキュリティ責任者の系統 (ciso, "
              "deputy_ciso, chief_officer) だけです",
              std::string(kExceptionNotCisoLine));
        }
        if (!everyone) return everyone.error();
        if ((roles.empty() && persons.empty()) || roles.size() > 8 || persons.size() > 16) {
          return BadArgument("roles", "designate 1-8 roles or 1-16 persons, or both",
                             "1〜8 個のロールまたは 1〜16 人の利用者 (または両方) を指定します");
        }
        auto approving = [&](std::string_view role) {
          return std::find(approver_roles_.begin(), approver_roles_.end(), role) !=
                 approver_roles_.end();
        };
        for (const auto& r : roles) {
          if (!approving(r)) {
            return BadArgument("roles", "a designated role must be one that decides approvals",
                               "指定するロールは承認を行えるロールでなければなりません");
          }
        }
        for (const auto& p : persons) {
          auto it = std::find_if(everyone->begin(), everyone->end(),
                                 [&](const Person& x) { return x.id == p; });
          const bool ok = it != everyone->end() && it->active &&
                          std::any_of(it->roles.begin(), it->roles.end(),
                                      [&](const std::string& r) { return approving(r); });
          if (!ok) {
            return BadArgument(
                "persons",
                "a designated person must be an active user holding a role that "
                "decides approvals",
                "指定する利用者は承認を行えるロールを持つ有効な利用者でなければなりません");
          }
        }
        out.roles = roles;
        out.persons = persons;
        out.by = caller.principal.id;
        out.at = caller.Now();
        MAMORI_RETURN_IF_ERROR(ValidateStages({Stage{out.roles, false, out.persons}}));
        std::string list;
        for (const auto& r : roles) list += (list.empty() ? "" : ",") + r;
        e.attrs["roles"] = list;
        list.clear();
        for (const auto& p : persons) list += (list.empty() ? "" : ",") + p;
        e.attrs["persons"] = list;
        return txn.Put(kApproversKey, DesignationToJson(out).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<std::optional<Designation>> Exceptions::Approvers() {
  std::optional<Designation> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadDesignation(txn));
    return Status::Ok();
  }));
  return out;
}

Result<ExceptionEntry> Exceptions::Get(std::string_view id) {
  std::optional<ExceptionEntry> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadEntry(txn, id));
    return Status::Ok();
  }));
  if (!out) return Fail(NoException(id));
  return std::move(*out);
}

Result<std::vector<ExceptionEntry>> Exceptions::ReadLedger(store::ReadTxn& txn) {
  std::vector<ExceptionEntry> out;
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kTerms, store::PrefixEnd(kTerms), 0));
  for (const auto& row : rows) {
    const std::string id = row.key.substr(kTerms.size());
    MAMORI_ASSIGN_OR_RETURN(auto e, ReadEntry(txn, id));
    if (e) out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<ExceptionEntry>> Exceptions::Ledger() {
  std::vector<ExceptionEntry> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadLedger(txn));
    return Status::Ok();
  }));
  return out;
}

}  // namespace mamori::approval
