#include "approval/request.h"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

#include "audit/event.h"

namespace mamori::approval {
namespace {

constexpr std::array<std::string_view, 2> kOrders = {"sequential", "parallel"};
constexpr std::array<std::string_view, 5> kStates = {"pending", "approved", "rejected", "cancelled",
                                                     "expired"};

template <class E, size_t N>
std::optional<E> Parse(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

Status Corrupt(std::string_view member) {
  return Status::DataLoss("stored approval request is malformed at " + std::string(member),
                          "保存された承認申請の " + std::string(member) + " が壊れています",
                          std::string(member));
}

Status Invalid(const char* member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(en, ja, member);
}

bool CodeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Reads a member of a stored request, refusing a wrong type as data loss.
template <class T>
Result<T> Member(const nlohmann::json& j, const char* member, bool required = true) {
  auto it = j.find(member);
  if (it == j.end()) {
    if (required) return Fail(Corrupt(member));
    return T{};
  }
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception&) {
    return Fail(Corrupt(member));
  }
}

Result<TimeMicros> TimeMember(const nlohmann::json& j, const char* member, bool required) {
  MAMORI_ASSIGN_OR_RETURN(std::string text, Member<std::string>(j, member, required));
  if (text.empty()) return TimeMicros{0};
  auto t = ParseUtc(text);
  if (!t) return Fail(Corrupt(member));
  return *t;
}

}  // namespace

std::string_view OrderName(Order order) { return kOrders[static_cast<size_t>(order)]; }
std::optional<Order> ParseOrder(std::string_view name) { return Parse<Order>(kOrders, name); }
std::string_view StateName(State state) { return kStates[static_cast<size_t>(state)]; }
std::optional<State> ParseState(std::string_view name) { return Parse<State>(kStates, name); }

State Request::StateAt(TimeMicros now) const {
  if (state == State::kPending && expires_at != 0 && now >= expires_at) return State::kExpired;
  return state;
}

bool Request::StageApproved(size_t stage) const {
  return std::any_of(decisions.begin(), decisions.end(),
                     [&](const Decision& d) { return d.stage == stage && d.approved; });
}

bool Request::DecidedBy(std::string_view person) const {
  return std::any_of(decisions.begin(), decisions.end(),
                     [&](const Decision& d) { return d.by == person; });
}

std::vector<size_t> Request::OpenStages() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (StageApproved(i)) continue;
    out.push_back(i);
    if (order == Order::kSequential) break;
  }
  return out;
}

nlohmann::json RequestToJson(const Request& r) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : r.stages) {
    stages.push_back({{"roles", s.roles}, {"same_department", s.same_department}});
  }
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : r.decisions) {
    nlohmann::json dj = {{"stage", d.stage},
                         {"by", d.by},
                         {"by_name", d.by_name},
                         {"decision", d.approved ? "approved" : "rejected"},
                         {"at", FormatUtc(d.at)}};
    if (!d.escalated_from.empty()) dj["escalated_from"] = d.escalated_from;
    if (!d.reason.empty()) dj["reason"] = d.reason;
    decisions.push_back(std::move(dj));
  }
  nlohmann::json j = {{"id", r.id},
                      {"type", r.type},
                      {"subject", r.subject},
                      {"action", r.action},
                      {"reason", r.reason},
                      {"attachments", r.attachments},
                      {"stages", std::move(stages)},
                      {"order", OrderName(r.order)},
                      {"applicant", r.applicant},
                      {"applicant_name", r.applicant_name},
                      {"applicant_department", r.applicant_department},
                      {"state", StateName(r.state)},
                      {"created_at", FormatUtc(r.created_at)},
                      {"decisions", std::move(decisions)}};
  if (r.expires_at != 0) j["expires_at"] = FormatUtc(r.expires_at);
  if (r.emergency) {
    j["emergency"] = {{"acted_at", FormatUtc(r.emergency->acted_at)},
                      {"due", FormatDate(r.emergency->due)},
                      {"late", r.emergency->late}};
  }
  if (!r.closed_by.empty()) {
    j["closed_by"] = r.closed_by;
    j["closed_at"] = FormatUtc(r.closed_at);
  }
  if (!r.details.is_null()) j["details"] = r.details;
  if (!r.used_by.empty()) j["used"] = {{"by", r.used_by}, {"at", FormatUtc(r.used_at)}};
  return j;
}

Result<Request> RequestFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Fail(Corrupt("request"));
  static constexpr std::array<std::string_view, 20> kMembers = {"id",
                                                                "type",
                                                                "subject",
                                                                "action",
                                                                "reason",
                                                                "attachments",
                                                                "stages",
                                                                "order",
                                                                "applicant",
                                                                "applicant_name",
                                                                "applicant_department",
                                                                "state",
                                                                "created_at",
                                                                "expires_at",
                                                                "decisions",
                                                                "emergency",
                                                                "closed_by",
                                                                "closed_at",
                                                                "details",
                                                                "used"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(kMembers.begin(), kMembers.end(), key) == kMembers.end()) {
      return Fail(Corrupt("request"));
    }
  }
  Request r;
  MAMORI_ASSIGN_OR_RETURN(r.id, Member<std::string>(j, "id"));
  MAMORI_ASSIGN_OR_RETURN(r.type, Member<std::string>(j, "type"));
  MAMORI_ASSIGN_OR_RETURN(r.subject, Member<std::string>(j, "subject"));
  MAMORI_ASSIGN_OR_RETURN(r.action, Member<std::string>(j, "action"));
  MAMORI_ASSIGN_OR_RETURN(r.reason, Member<std::string>(j, "reason"));
  MAMORI_ASSIGN_OR_RETURN(r.attachments, Member<std::vector<std::string>>(j, "attachments"));
  MAMORI_ASSIGN_OR_RETURN(r.applicant, Member<std::string>(j, "applicant"));
  MAMORI_ASSIGN_OR_RETURN(r.applicant_name, Member<std::string>(j, "applicant_name", false));
  MAMORI_ASSIGN_OR_RETURN(r.applicant_department,
                          Member<std::string>(j, "applicant_department", false));
  MAMORI_ASSIGN_OR_RETURN(std::string order, Member<std::string>(j, "order"));
  MAMORI_ASSIGN_OR_RETURN(std::string state, Member<std::string>(j, "state"));
  auto o = ParseOrder(order);
  auto s = ParseState(state);
  if (!o) return Fail(Corrupt("order"));
  if (!s) return Fail(Corrupt("state"));
  r.order = *o;
  r.state = *s;
  MAMORI_ASSIGN_OR_RETURN(r.created_at, TimeMember(j, "created_at", true));
  MAMORI_ASSIGN_OR_RETURN(r.expires_at, TimeMember(j, "expires_at", false));
  MAMORI_ASSIGN_OR_RETURN(r.closed_by, Member<std::string>(j, "closed_by", false));
  MAMORI_ASSIGN_OR_RETURN(r.closed_at, TimeMember(j, "closed_at", false));
  auto stages = j.find("stages");
  if (stages == j.end() || !stages->is_array() || stages->empty()) return Fail(Corrupt("stages"));
  for (const auto& sj : *stages) {
    if (!sj.is_object()) return Fail(Corrupt("stages"));
    Stage st;
    MAMORI_ASSIGN_OR_RETURN(st.roles, Member<std::vector<std::string>>(sj, "roles"));
    MAMORI_ASSIGN_OR_RETURN(st.same_department, Member<bool>(sj, "same_department"));
    r.stages.push_back(std::move(st));
  }
  auto decisions = j.find("decisions");
  if (decisions == j.end() || !decisions->is_array()) return Fail(Corrupt("decisions"));
  for (const auto& dj : *decisions) {
    if (!dj.is_object()) return Fail(Corrupt("decisions"));
    Decision d;
    MAMORI_ASSIGN_OR_RETURN(d.stage, Member<size_t>(dj, "stage"));
    if (d.stage >= r.stages.size()) return Fail(Corrupt("decisions"));
    MAMORI_ASSIGN_OR_RETURN(d.by, Member<std::string>(dj, "by"));
    MAMORI_ASSIGN_OR_RETURN(d.by_name, Member<std::string>(dj, "by_name", false));
    MAMORI_ASSIGN_OR_RETURN(std::string decision, Member<std::string>(dj, "decision"));
    if (decision != "approved" && decision != "rejected") return Fail(Corrupt("decision"));
    d.approved = decision == "approved";
    MAMORI_ASSIGN_OR_RETURN(d.escalated_from, Member<std::string>(dj, "escalated_from", false));
    MAMORI_ASSIGN_OR_RETURN(d.reason, Member<std::string>(dj, "reason", false));
    MAMORI_ASSIGN_OR_RETURN(d.at, TimeMember(dj, "at", true));
    r.decisions.push_back(std::move(d));
  }
  auto em = j.find("emergency");
  if (em != j.end()) {
    if (!em->is_object()) return Fail(Corrupt("emergency"));
    Emergency e;
    MAMORI_ASSIGN_OR_RETURN(e.acted_at, TimeMember(*em, "acted_at", true));
    MAMORI_ASSIGN_OR_RETURN(std::string due, Member<std::string>(*em, "due"));
    auto d = ParseDate(due);
    if (!d) return Fail(Corrupt("emergency"));
    e.due = *d;
    MAMORI_ASSIGN_OR_RETURN(e.late, Member<bool>(*em, "late"));
    r.emergency = e;
  }
  if (auto d = j.find("details"); d != j.end() && !d->is_null()) {
    if (!ValidateDetails(*d).ok()) return Fail(Corrupt("details"));
    r.details = *d;
  }
  if (auto u = j.find("used"); u != j.end()) {
    if (!u->is_object()) return Fail(Corrupt("used"));
    MAMORI_ASSIGN_OR_RETURN(r.used_by, Member<std::string>(*u, "by"));
    MAMORI_ASSIGN_OR_RETURN(r.used_at, TimeMember(*u, "at", true));
    if (r.used_by.empty()) return Fail(Corrupt("used"));
  }
  return r;
}

Status ValidateCode(std::string_view value, const char* member) {
  if (value.empty() || value.size() > 64 || !std::all_of(value.begin(), value.end(), CodeChar)) {
    return Invalid(
        member, std::string(member) + " must be a code of 1-64 characters a-z, 0-9, '.', '_', '-'",
        std::string(member) + " は英小文字・数字・. _ - からなる 1〜64 文字のコードです");
  }
  return Status::Ok();
}

Status ValidateSubject(std::string_view subject) {
  const bool ok = !subject.empty() && subject.size() <= 128 &&
                  std::all_of(subject.begin(), subject.end(), [](char c) {
                    return CodeChar(c) || (c >= 'A' && c <= 'Z') || c == '/';
                  });
  if (!ok) {
    return Invalid("subject", "subject must be an id of 1-128 characters A-Z, a-z, 0-9, . _ - /",
                   "subject は英数字・. _ - / からなる 1〜128 文字の ID です");
  }
  return Status::Ok();
}

Status ValidateAttachments(const std::vector<std::string>& attachments) {
  if (attachments.size() > 16) {
    return Invalid("attachments", "at most 16 attachments", "添付は 16 件までです");
  }
  for (const auto& a : attachments) {
    const bool hex = a.size() == 64 && std::all_of(a.begin(), a.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) {
      return Invalid("attachments",
                     "each attachment is the SHA-256 of the document as 64 lower-case hex digits",
                     "添付は文書の SHA-256 (英小文字 16 進 64 桁) で指定します");
    }
  }
  return Status::Ok();
}

Status ValidateStages(const std::vector<Stage>& stages) {
  if (stages.empty() || stages.size() > 8) {
    return Invalid("stages", "an approval needs 1-8 stages", "承認段階は 1〜8 段です");
  }
  for (const auto& s : stages) {
    if (s.roles.empty() || s.roles.size() > 8) {
      return Invalid("stages", "each stage names 1-8 approving roles",
                     "各承認段階には 1〜8 個の承認ロールを指定します");
    }
    for (const auto& role : s.roles) {
      const bool ok =
          !role.empty() && role.size() <= 64 && std::all_of(role.begin(), role.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
          });
      if (!ok) return Invalid("stages", "a role is a role name", "ロール名が不正です");
    }
  }
  return Status::Ok();
}

Status ValidateDetails(const nlohmann::json& details) {
  if (details.is_null()) return Status::Ok();
  auto bad = [] {
    return Invalid("details",
                   "details must be an object of at most 16 members [a-z_], each a boolean, an "
                   "identifier or a list of at most 1000 identifiers",
                   "details は [a-z_] の名前を持つ 16 項目以内のオブジェクトで、各値は真偽値・ID・"
                   "1000 件以内の ID の配列のいずれかです");
  };
  auto is_id = [](const nlohmann::json& v) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    return !s.empty() && s.size() <= 128 && audit::EventIdentifier(s) == s;
  };
  if (!details.is_object() || details.size() > 16) return bad();
  for (const auto& [key, value] : details.items()) {
    const bool name_ok = !key.empty() && key.size() <= 32 &&
                         std::all_of(key.begin(), key.end(),
                                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    if (!name_ok) return bad();
    if (value.is_boolean() || is_id(value)) continue;
    if (!value.is_array() || value.size() > kMaxDetailItems) return bad();
    for (const auto& item : value) {
      if (!is_id(item)) return bad();
    }
  }
  return Status::Ok();
}

}  // namespace mamori::approval
