#include "governance/self_inspection.h"

#include <algorithm>

#include "approval/request.h"
#include "audit/audited.h"
#include "governance/inspection_items.h"
#include "governance/ledger.h"
#include "identity/roles.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;
namespace role = identity::role;

constexpr std::string_view kInspections = "insp";
// The plan of fiscal year Y is "SI<Y>": one per year by construction.
std::string PlanId(int year) { return "SI" + std::to_string(year); }

Status RequireCisoLine(const identity::Principal& p) {
  if (IsCisoLine(p)) return Status::Ok();
  return Status::PermissionDenied(
      "only the CISO line plans and evaluates self-inspection",
      "自己点検の計画と評価を行うのは最高情報セキュリティ責任者の系統だけです",
      std::string(kInspectionNotCisoLine));
}

Status NeedState(const json& insp, std::string_view state) {
  if (insp.value("state", "") == state) return Status::Ok();
  return Status::FailedPrecondition("the self-inspection is " + insp.value("state", "") +
                                        "; this step needs it " + std::string(state),
                                    "自己点検は " + insp.value("state", "") +
                                        " の状態です。この手続には " + std::string(state) +
                                        " の状態が必要です",
                                    std::string(kInspectionWrongState));
}

json ItemJson(const InspectionItem& i) {
  return {{"item", i.item},
          {"role", i.role},
          {"source", i.source},
          {"clause", i.clause},
          {"question", i.question}};
}

}  // namespace

Result<json> SelfInspections::Change(const approval::Caller& caller, std::string_view name,
                                     std::string_view id, const Step& step) {
  return ChangeRecord(storage_, approval::CallerEvent(caller, "inspection." + std::string(name)),
                      kInspections, id, kInspectionNotFound, "self-inspection", "自己点検", step);
}

Result<json> SelfInspections::Plan(const approval::Caller& caller, int year) {
  json out;
  audit::Event ev = approval::CallerEvent(caller, "inspection.plan");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_RETURN_IF_ERROR(RequireCisoLine(caller.principal));
        const int this_year = FiscalYear(JstDate(caller.Now()));
        if (year < this_year || year > this_year + 1) {
          return Invalid("year", "year is this or next fiscal year (年度)",
                         "year は今年度または翌年度です");
        }
        const std::string id = PlanId(year);
        e.attrs["audit"] = id;
        MAMORI_ASSIGN_OR_RETURN(auto existing, ReadRecord(txn, kInspections, id));
        if (existing) {
          return Status::AlreadyExists("that fiscal year has its self-inspection plan",
                                       "その年度の自己点検計画は既にあります",
                                       std::string(kInspectionExists));
        }
        out = {{"id", id},
               {"year", year},
               {"planned_by", caller.principal.id},
               {"planned_at", FormatUtc(caller.Now())},
               {"state", "open"},
               {"answers", json::object()},
               {"orders", json::array()}};
        return WriteRecord(txn, kInspections, id, out);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<json> SelfInspections::Checklist(const approval::Caller& caller, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(json insp, Get(id));
  json items = json::array();
  for (const auto& i : ChecklistFor(caller.principal.roles)) items.push_back(ItemJson(i));
  json out = {{"inspection", insp["id"]}, {"person", caller.principal.id}, {"items", items}};
  if (insp["answers"].contains(caller.principal.id)) {
    out["answered"] = insp["answers"][caller.principal.id];
  }
  return out;
}

Result<json> SelfInspections::Answer(const approval::Caller& caller, std::string_view id,
                                     const std::map<std::string, std::string>& answers) {
  return Change(caller, "answer", id, [&](store::WriteTxn&, json& insp, audit::Event& e) -> Status {
    MAMORI_RETURN_IF_ERROR(NeedState(insp, "open"));
    const identity::Principal& who = caller.principal;
    if (who.kind != identity::PrincipalKind::kUser) {
      return Status::PermissionDenied("a person answers their own checklist",
                                      "点検表には本人が回答します",
                                      std::string(kInspectionNotManager));
    }
    const auto checklist = ChecklistFor(who.roles);
    json items = json::object();
    size_t no = 0;
    for (const auto& i : checklist) {
      auto it = answers.find(i.item);
      if (it == answers.end()) {
        return Invalid("answers", "answer every item of your checklist",
                       "点検表のすべての項目に回答します");
      }
      if (it->second != "yes" && it->second != "no" && it->second != "na") {
        return Invalid("answers", "each answer is yes, no or na",
                       "回答は yes、no、na のいずれかです");
      }
      no += it->second == "no";
      items[i.item] = it->second;
    }
    if (answers.size() != checklist.size()) {
      return Invalid("answers", "answer the items of your own checklist only",
                     "自分の点検表の項目だけに回答します");
    }
    insp["answers"][who.id] = {
        {"department", who.department}, {"items", items}, {"at", FormatUtc(caller.Now())}};
    e.attrs["items"] = std::to_string(checklist.size());
    e.attrs["no"] = std::to_string(no);
    return Status::Ok();
  });
}

json SummariseInspection(const json& insp) {
  // department → item → {yes, no, na}; department → people.
  json departments = json::object();
  json organisation = {{"people", 0}, {"items", json::object()}};
  for (const auto& [person, a] : insp["answers"].items()) {
    const std::string dept = a.value("department", "");
    json& d = departments[dept];
    if (d.is_null()) d = {{"people", 0}, {"items", json::object()}};
    d["people"] = d["people"].get<int>() + 1;
    organisation["people"] = organisation["people"].get<int>() + 1;
    for (const auto& [item, answer] : a["items"].items()) {
      for (json* scope : {&d, &organisation}) {
        json& counts = (*scope)["items"][item];
        if (counts.is_null()) counts = {{"yes", 0}, {"no", 0}, {"na", 0}};
        const std::string key = answer.get<std::string>();
        counts[key] = counts[key].get<int>() + 1;
      }
    }
  }
  auto failing = [](const json& scope) {
    json out = json::array();
    for (const auto& [item, counts] : scope["items"].items()) {
      if (counts["no"].get<int>() > 0) out.push_back(item);
    }
    return out;
  };
  for (auto& [name, d] : departments.items()) d["items_answered_no"] = failing(d);
  organisation["items_answered_no"] = failing(organisation);
  json out = {{"inspection", insp["id"]},
              {"state", insp["state"]},
              {"departments", departments},
              {"organisation", organisation}};
  if (insp.contains("evaluation")) out["evaluation"] = insp["evaluation"];
  return out;
}

Result<json> SelfInspections::Summary(std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(json insp, Get(id));
  return SummariseInspection(insp);
}

Result<json> SelfInspections::Evaluate(const approval::Caller& caller, std::string_view id,
                                       std::string_view rating) {
  return Change(caller, "evaluate", id,
                [&](store::WriteTxn&, json& insp, audit::Event& e) -> Status {
                  MAMORI_RETURN_IF_ERROR(RequireCisoLine(caller.principal));
                  MAMORI_RETURN_IF_ERROR(NeedState(insp, "open"));
                  MAMORI_RETURN_IF_ERROR(approval::ValidateCode(rating, "rating"));
                  insp["evaluation"] = {{"rating", std::string(rating)},
                                        {"by", caller.principal.id},
                                        {"at", FormatUtc(caller.Now())},
                                        {"people", insp["answers"].size()}};
                  insp["state"] = "evaluated";
                  e.attrs["rating"] = std::string(rating);
                  return Status::Ok();
                });
}

Result<json> SelfInspections::Order(const approval::Caller& caller, std::string_view id,
                                    const OrderDraft& draft) {
  return Change(caller, "order", id, [&](store::WriteTxn&, json& insp, audit::Event& e) -> Status {
    MAMORI_RETURN_IF_ERROR(RequireCisoLine(caller.principal));
    MAMORI_RETURN_IF_ERROR(NeedState(insp, "evaluated"));
    const json departments = SummariseInspection(insp)["departments"];
    if (!departments.contains(draft.department)) {
      return Invalid("department", "an order names a department that answered",
                     "改善指示は回答のあった部署に対して行います");
    }
    if (!FindInspectionItem(draft.item)) {
      return Invalid("item", "an order names an item of the checklist",
                     "改善指示は点検項目を指定して行います");
    }
    MAMORI_RETURN_IF_ERROR(approval::ValidateCode(draft.measure, "measure"));
    if (draft.due < JstDate(caller.Now())) {
      return Invalid("due", "due is today or a later day", "due は今日以降の日付です");
    }
    const std::string oid = "O" + std::to_string(insp["orders"].size() + 1);
    insp["orders"].push_back({{"id", oid},
                              {"department", draft.department},
                              {"item", draft.item},
                              {"measure", draft.measure},
                              {"due", FormatDate(draft.due)},
                              {"by", caller.principal.id},
                              {"at", FormatUtc(caller.Now())},
                              {"state", "open"}});
    e.attrs["order"] = oid;
    e.attrs["item"] = draft.item;
    return Status::Ok();
  });
}

Result<json> SelfInspections::Complete(const approval::Caller& caller, std::string_view id,
                                       std::string_view order) {
  return Change(
      caller, "complete", id, [&](store::WriteTxn&, json& insp, audit::Event& e) -> Status {
        e.attrs["order"] = audit::EventIdentifier(order);
        MAMORI_RETURN_IF_ERROR(NeedState(insp, "evaluated"));
        json* o = nullptr;
        for (auto& x : insp["orders"]) {
          if (x.value("id", "") == order) o = &x;
        }
        if (!o) return NotFound("inspection.order", order, "improvement order", "改善指示");
        const identity::Principal& who = caller.principal;
        if (!IsDepartmentManager(who) || who.department != o->value("department", "")) {
          return Status::PermissionDenied(
              "an improvement order is completed by a manager of its department",
              "改善指示の完了は当該部署の管理者が報告します", std::string(kInspectionNotManager));
        }
        if (o->value("state", "") == "done") {
          return Status::FailedPrecondition("the order is done already",
                                            "この改善指示は完了済みです",
                                            std::string(kInspectionWrongState));
        }
        (*o)["state"] = "done";
        (*o)["done_by"] = who.id;
        (*o)["done_at"] = FormatUtc(caller.Now());
        const bool all = std::all_of(insp["orders"].begin(), insp["orders"].end(),
                                     [](const json& x) { return x.value("state", "") == "done"; });
        if (all) insp["state"] = "closed";
        return Status::Ok();
      });
}

Result<json> SelfInspections::Get(std::string_view id) {
  return GetRecord(storage_, kInspections, id, kInspectionNotFound, "self-inspection", "自己点検");
}

Result<std::vector<json>> SelfInspections::List() { return ListRecords(storage_, kInspections); }

}  // namespace mamori::governance
