#include "approval/inquiry.h"

#include <nlohmann/json.hpp>

#include "audit/event.h"

namespace mamori::approval {
namespace {

using nlohmann::json;

constexpr std::string_view kSchemeNames[] = {"pre_approval", "one_time_number", "held_answer",
                                             "daily_list"};
constexpr std::string_view kInquiryStateNames[] = {"applied", "approved", "number_issued", "held",
                                                   "answered"};

std::string InquiryTime(TimeMicros t) { return t ? FormatUtc(t) : ""; }

Result<TimeMicros> InquiryTimeFrom(const json& j, const char* member) {
  const std::string text = j.at(member).get<std::string>();
  if (text.empty()) return TimeMicros{0};
  auto t = ParseUtc(text);
  if (!t) {
    return Fail(Status::DataLoss("stored inquiry is corrupt", "保存された照会記録が壊れています",
                                 "inquiry"));
  }
  return *t;
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string_view SchemeName(Scheme s) { return kSchemeNames[static_cast<int>(s)]; }
std::optional<Scheme> ParseScheme(std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (kSchemeNames[i] == name) return static_cast<Scheme>(i);
  }
  return std::nullopt;
}

std::string_view InquiryStateName(InquiryState s) {
  return kInquiryStateNames[static_cast<int>(s)];
}
std::optional<InquiryState> ParseInquiryState(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (kInquiryStateNames[i] == name) return static_cast<InquiryState>(i);
  }
  return std::nullopt;
}

json InquiryToJson(const Inquiry& q, bool stored) {
  json j = {{"id", q.id},
            {"dataset", q.dataset},
            {"record", q.record},
            {"purpose", q.purpose},
            {"scheme", SchemeName(q.scheme)},
            {"consent", q.consent},
            {"operator", q.operator_id},
            {"operator_name", q.operator_name},
            {"department", q.department},
            {"branch_request", q.branch_request},
            {"branch", q.branch},
            {"state", InquiryStateName(q.state)},
            {"created_at", InquiryTime(q.created_at)},
            {"confirmer", q.confirmer},
            {"confirmer_name", q.confirmer_name},
            {"confirmed_at", InquiryTime(q.confirmed_at)},
            {"number_expires_at", InquiryTime(q.number_expires_at)},
            {"number_failures", q.number_failures},
            {"number_used", q.number_used},
            {"run_at", InquiryTime(q.run_at)},
            {"answered_at", InquiryTime(q.answered_at)},
            {"deliveries", q.deliveries}};
  if (stored) {
    j["number_salt"] = q.number_salt;
    j["number_hash"] = q.number_hash;
  }
  return j;
}

Result<Inquiry> InquiryFromJson(const json& j) {
  const Status corrupt =
      Status::DataLoss("stored inquiry is corrupt", "保存された照会記録が壊れています", "inquiry");
  try {
    Inquiry q;
    q.id = j.at("id").get<std::string>();
    q.dataset = j.at("dataset").get<std::string>();
    q.record = j.at("record").get<std::string>();
    q.purpose = j.at("purpose").get<std::string>();
    auto scheme = ParseScheme(j.at("scheme").get<std::string>());
    auto state = ParseInquiryState(j.at("state").get<std::string>());
    if (!scheme || !state) return Fail(corrupt);
    q.scheme = *scheme;
    q.state = *state;
    q.consent = j.at("consent").get<std::string>();
    q.operator_id = j.at("operator").get<std::string>();
    q.operator_name = j.at("operator_name").get<std::string>();
    q.department = j.at("department").get<std::string>();
    q.branch_request = j.at("branch_request").get<std::string>();
    q.branch = j.at("branch").get<std::string>();
    q.confirmer = j.at("confirmer").get<std::string>();
    q.confirmer_name = j.at("confirmer_name").get<std::string>();
    q.number_salt = j.at("number_salt").get<std::string>();
    q.number_hash = j.at("number_hash").get<std::string>();
    q.number_failures = j.at("number_failures").get<uint32_t>();
    q.number_used = j.at("number_used").get<bool>();
    q.deliveries = j.at("deliveries").get<uint32_t>();
    MAMORI_ASSIGN_OR_RETURN(q.created_at, InquiryTimeFrom(j, "created_at"));
    MAMORI_ASSIGN_OR_RETURN(q.confirmed_at, InquiryTimeFrom(j, "confirmed_at"));
    MAMORI_ASSIGN_OR_RETURN(q.number_expires_at, InquiryTimeFrom(j, "number_expires_at"));
    MAMORI_ASSIGN_OR_RETURN(q.run_at, InquiryTimeFrom(j, "run_at"));
    MAMORI_ASSIGN_OR_RETURN(q.answered_at, InquiryTimeFrom(j, "answered_at"));
    return q;
  } catch (const json::exception&) {
    return Fail(corrupt);
  }
}

Status ValidateReference(std::string_view value, const char* member, bool required) {
  const std::string m = member;
  if (value.empty()) {
    if (!required) return Status::Ok();
    return Status::InvalidArgument(
        m + " is required: the reference of the consent document (a document number or the "
            "SHA-256 of the document)",
        m + " は必須です (同意書等の書類番号または書類の SHA-256)", m);
  }
  if (IsLowerHex64(value)) return Status::Ok();
  bool ok = value.size() <= 64;
  for (char c : value) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' || c == '-';
    ok = ok && allowed;
  }
  if (!ok || audit::HoldsPersonalNumber(value)) {
    return Status::InvalidArgument(
        m + " must be a reference of 1-64 characters A-Z a-z 0-9 . _ / - without a run of ten "
            "or more digits, or the SHA-256 (64 lower-case hex digits) of the document; never "
            "personal data",
        m + " は 1〜64 文字の英数字と . _ / - (10桁以上の数字の連続を除く) または書類の SHA-256 "
            "(小文字16進64桁) で指定してください。個人情報は指定できません",
        m);
  }
  return Status::Ok();
}

}  // namespace mamori::approval
