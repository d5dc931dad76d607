#include "approval/takeout_flow.h"

#include <algorithm>
#include <set>

#include "approval/flows.h"
#include "audit/event.h"
#include "engine/dataset.h"
#include "engine/envelope.h"
#include "engine/takeout_rules.h"

namespace mamori::approval {
namespace {

Status Bad(const char* member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("take-out: " + en, "持ち出し: " + ja, member);
}

Status Deny(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

bool IsFingerprint(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::vector<std::string>> StringList(const nlohmann::json& d, const char* member) {
  auto it = d.find(member);
  if (it == d.end() || it->is_null()) return std::vector<std::string>{};
  if (!it->is_array()) {
    return Fail(Bad(member, std::string(member) + " must be a list of ids",
                    std::string(member) + " は ID の配列です"));
  }
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return Fail(Bad(member, std::string(member) + " must be a list of ids",
                      std::string(member) + " は ID の配列です"));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

// Rules that hold whatever the dataset: shape of the selection and fields.
Status CheckShape(const TakeoutTerms& t) {
  if (t.all != t.records.empty()) {
    return Bad("records", "select either all records or a list of record ids, not both",
               "全件かレコードIDの一覧のどちらか一方を指定してください");
  }
  std::set<std::string_view> seen;
  for (const auto& id : t.records) {
    if (!engine::IsRecordId(id) || !seen.insert(id).second) {
      return Bad("records", "a record id is malformed or repeated",
                 "レコードIDが不正か重複しています");
    }
  }
  seen.clear();
  for (const auto& f : t.fields) {
    if (!engine::IsValidName(f) || !seen.insert(f).second) {
      return Bad("fields", "a field name is malformed or repeated", "項目名が不正か重複しています");
    }
  }
  if (!IsFingerprint(t.recipient)) {
    return Bad("recipient",
               "recipient is the SHA-256 fingerprint of the recipient's certificate (64 "
               "lower-case hex digits)",
               "recipient は受領者証明書の SHA-256 フィンガープリント (英小文字16進64桁) です");
  }
  return Status::Ok();
}

Status CheckAgainstDefinition(const engine::DatasetDef& def, const TakeoutTerms& t,
                              TimeMicros now) {
  const engine::TakeoutRules rules = engine::TakeoutRulesFor(def);
  if (!rules.permitted.ok()) return rules.permitted;
  if (rules.internal_only && !t.internal) {
    return Status::PermissionDenied("take-out: the dataset's handling restriction " +
                                        rules.internal_because +
                                        " allows a recipient inside the organisation only",
                                    "持ち出し: 台帳の取扱制限 " + rules.internal_because +
                                        " により、組織外の受領者には持ち出せません",
                                    "recipient_internal");
  }
  if (!def.FindPurpose(t.purpose)) {
    return Bad("purpose", "the purpose is not one the dataset registers",
               "台帳に登録された利用目的ではありません");
  }
  for (const auto& f : t.fields) {
    if (!def.Field(f)) {
      return Bad("fields", "field " + f + " is not a field of " + def.name,
                 "項目 " + f + " は台帳 " + def.name + " にありません");
    }
  }
  const int64_t days = DaysFromCivil(t.until) - DaysFromCivil(JstDate(now));
  if (days < 0 || days > engine::kMaxTakeoutDays) {
    return Bad("until",
               "the date by which it is returned or destroyed must be from today to " +
                   std::to_string(engine::kMaxTakeoutDays) + " days ahead (JST)",
               "返却・廃棄の期限は本日から" + std::to_string(engine::kMaxTakeoutDays) +
                   "日以内の日付でなければなりません (日本時間)");
  }
  return Status::Ok();
}

}  // namespace

nlohmann::json TakeoutDetails(const TakeoutTerms& t) {
  nlohmann::json d = {{"purpose", t.purpose},
                      {"recipient", t.recipient},
                      {"internal", t.internal},
                      {"until", FormatDate(t.until)}};
  if (t.all) {
    d["all"] = true;
  } else {
    d["records"] = t.records;
  }
  if (!t.fields.empty()) d["fields"] = t.fields;
  return d;
}

Result<TakeoutTerms> TakeoutTermsOf(std::string_view subject, const nlohmann::json& details) {
  if (!details.is_object()) {
    return Fail(Bad("details",
                    "a take-out application states its terms in details (purpose, all or "
                    "records, fields, recipient, internal, until)",
                    "持ち出しの申請は details に条件 (purpose, all または records, fields, "
                    "recipient, internal, until) を記載します"));
  }
  static constexpr std::string_view kMembers[] = {"purpose",   "all",      "records", "fields",
                                                  "recipient", "internal", "until"};
  for (const auto& [key, value] : details.items()) {
    if (std::find(std::begin(kMembers), std::end(kMembers), key) == std::end(kMembers)) {
      return Fail(Bad("details", "details has a member a take-out does not take",
                      "details に持ち出しの条件ではない項目があります"));
    }
  }
  TakeoutTerms t;
  t.dataset = std::string(subject);
  auto text = [&](const char* member) -> std::string {
    auto it = details.find(member);
    return it != details.end() && it->is_string() ? it->get<std::string>() : "";
  };
  auto flag = [&](const char* member) -> std::optional<bool> {
    auto it = details.find(member);
    if (it == details.end()) return false;
    if (!it->is_boolean()) return std::nullopt;
    return it->get<bool>();
  };
  t.purpose = text("purpose");
  if (!engine::IsValidName(t.purpose)) {
    return Fail(Bad("purpose", "purpose must be a purpose id", "purpose は利用目的の ID です"));
  }
  auto all = flag("all");
  auto internal = flag("internal");
  if (!all || !internal) {
    return Fail(Bad("details", "all and internal are true or false",
                    "all と internal は true か false です"));
  }
  t.all = *all;
  t.internal = *internal;
  MAMORI_ASSIGN_OR_RETURN(t.records, StringList(details, "records"));
  MAMORI_ASSIGN_OR_RETURN(t.fields, StringList(details, "fields"));
  t.recipient = text("recipient");
  auto until = ParseDate(text("until"));
  if (!until) {
    return Fail(Bad("until", "until must be a date like 2026-12-18",
                    "until は 2026-12-18 の形式の日付です"));
  }
  t.until = *until;
  MAMORI_RETURN_IF_ERROR(CheckShape(t));
  return t;
}

Flow TakeoutFlow(engine::Engine& engine) {
  Flow flow;
  flow.type = std::string(kTakeout);
  flow.stages = {Stage{{std::string(engine::kRoleSectionManager)}, true, {}}};
  flow.order = Order::kParallel;
  flow.lifetime_hours = 7 * 24;
  engine::Engine* e = &engine;
  flow.prepare = [e](const Caller& caller, const Draft& draft,
                     std::vector<Stage>& stages) -> Status {
    if (draft.action != kTakeoutAction) {
      return Bad("action", "a take-out application's action is record.export",
                 "持ち出しの申請の action は record.export です");
    }
    MAMORI_ASSIGN_OR_RETURN(TakeoutTerms t, TakeoutTermsOf(draft.subject, draft.details));
    MAMORI_ASSIGN_OR_RETURN(auto def, e->Definition(draft.subject));
    MAMORI_RETURN_IF_ERROR(CheckAgainstDefinition(*def, t, caller.Now()));
    stages.clear();
    for (const auto& role : engine::TakeoutRulesFor(*def).approver_roles) {
      stages.push_back(Stage{{role}, true, {}});
    }
    return Status::Ok();
  };
  return flow;
}

Status CheckTakeoutApproval(store::ReadTxn& txn, std::string_view id, const TakeoutTerms& wanted,
                            std::string_view actor, TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(const Request r, ReadApproval(txn, id));
  auto approved = r.type == kTakeout ? TakeoutTermsOf(r.subject, r.details)
                                     : Result<TakeoutTerms>(Fail(Status::Internal("", "")));
  if (r.type != kTakeout || r.action != kTakeoutAction || r.subject != wanted.dataset ||
      !approved || approved->purpose != wanted.purpose) {
    return Deny(kTakeoutMismatch,
                "approval " + r.id + " is not a take-out approval of this dataset and purpose",
                "承認 " + r.id + " はこの台帳・利用目的の持ち出し承認ではありません");
  }
  MAMORI_RETURN_IF_ERROR(CheckUsable(r, &actor, now,
                                     {kTakeoutNotApproved, kTakeoutNotApplicant, kTakeoutExpired,
                                      "takes the records out", "承認された持ち出しは"}));
  if (!r.used_by.empty()) {
    return Status::FailedPrecondition(
        "approval " + r.id + " has been used for a take-out already; apply again",
        "承認 " + r.id + " は既に持ち出しに使用されています。再度申請してください",
        std::string(kAlreadyUsed));
  }
  const TakeoutTerms& a = *approved;
  auto outside = [&](const char* what_en, const char* what_ja) {
    return Deny(kTakeoutOutside,
                std::string("the export is outside approval ") + r.id + ": " + what_en,
                "承認 " + r.id + " の範囲外の持ち出しです: " + what_ja);
  };
  if (wanted.recipient != a.recipient) {
    return outside("another recipient certificate", "承認と異なる受領者証明書");
  }
  if (!a.fields.empty()) {
    if (wanted.fields.empty()) return outside("fields not approved", "承認されていない項目");
    for (const auto& f : wanted.fields) {
      if (std::find(a.fields.begin(), a.fields.end(), f) == a.fields.end()) {
        return outside("fields not approved", "承認されていない項目");
      }
    }
  }
  if (!a.all) {
    if (wanted.all) return outside("records not approved", "承認されていないレコード");
    const std::set<std::string_view> allowed(a.records.begin(), a.records.end());
    for (const auto& id : wanted.records) {
      if (!allowed.contains(id)) return outside("records not approved", "承認されていないレコード");
    }
  }
  if (DaysFromCivil(wanted.until) > DaysFromCivil(a.until)) {
    return outside("a later return date", "承認より遅い返却期限");
  }
  return Status::Ok();
}

std::vector<engine::TakeoutApprover> TakeoutApprovers(const Request& r) {
  std::vector<engine::TakeoutApprover> out;
  for (const auto& d : r.decisions) {
    if (!d.approved || d.stage >= r.stages.size() || r.stages[d.stage].roles.empty()) continue;
    out.push_back({d.by, r.stages[d.stage].roles.front()});
  }
  return out;
}

}  // namespace mamori::approval
