// Two-person control of credit-information inquiries (照会, [003 VI(1)]):
// what an inquiry is, and its stored form. The service that takes the
// steps is inquiries.h.
//
// An inquiry is a purpose-bound read of one record of a dataset whose
// definition names an inquiry scheme (engine::DatasetDef::inquiry_control).
// Its target is a record id, not a blind-index lookup: the operator's own
// loan file names the record, and a lookup by name would tell the operator
// whether a person is on file before any confirmer has seen the consent
// document. Its answer is that record, read through the engine with the
// inquiry's purpose (audited "record.get" as every read is) and masked by
// policy, delivered by GET /v1/inquiries/{id}/answer.
//
// The four schemes of [003 VI(1)①] (the table's チェック時点):
//   pre_approval     照会前: a confirmer approves the inquiry with their own
//                    logon before the operator can run it;
//   one_time_number  照会前: a confirmer issues a one-time approval number
//                    (shown only to them) that the operator enters to run it;
//   held_answer      回答情報受領時: the inquiry runs at once, its answer is
//                    held until a confirmer releases it;
//   daily_list       照会日以降: the inquiry runs and its answer is delivered
//                    at once; the daily list of persons inquired about is
//                    confirmed the next business day (analysis/lists.h).
// Every inquiry dataset also has a daily count list (inquiries = answers),
// produced for every business day, zero days included (analysis/lists.h).
//
// States: applied → approved (pre_approval) | number_issued
// (one_time_number) → answered; held (held_answer) → answered (released);
// answered at once (daily_list). "answered" means the answer may be
// delivered to the operator.
//
// The consent reference (同意取得等を確認する書類, [003 VI(1)①注2]) is
// required and kept with the inquiry and in its events: a document number
// or the SHA-256 of the scanned document — never personal data.
//
// A head-office inquiry made on a branch's request ([003 VI(1)②]) names
// the branch's registered request (inquiry_requests.h); the branch
// (department) is taken from that request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::approval {

enum class Scheme { kPreApproval, kOneTimeNumber, kHeldAnswer, kDailyList };
std::string_view SchemeName(Scheme s);  // as in the dataset definition
std::optional<Scheme> ParseScheme(std::string_view name);

enum class InquiryState { kApplied, kApproved, kNumberIssued, kHeld, kAnswered };
// "applied", "approved", "number_issued", "held", "answered".
std::string_view InquiryStateName(InquiryState s);
std::optional<InquiryState> ParseInquiryState(std::string_view name);

struct Inquiry {
  std::string id;  // "Q00000001", ascending
  std::string dataset, record, purpose;
  Scheme scheme = Scheme::kDailyList;
  std::string consent;                                 // reference of the consent document
  std::string operator_id, operator_name, department;  // the operator's, at application
  // On a branch's request: the request's id and the branch (department).
  std::string branch_request, branch;
  InquiryState state = InquiryState::kApplied;
  TimeMicros created_at = 0;
  // Who approved, issued the number or released the answer, and when.
  std::string confirmer, confirmer_name;
  TimeMicros confirmed_at = 0;
  // one_time_number: salt and SHA-256 (hex) of the number, never the number.
  std::string number_salt, number_hash;
  TimeMicros number_expires_at = 0;
  uint32_t number_failures = 0;
  bool number_used = false;
  TimeMicros run_at = 0;       // when the inquiry ran
  TimeMicros answered_at = 0;  // first delivery of the answer
  uint32_t deliveries = 0;     // deliveries of the answer
  bool operator==(const Inquiry&) const = default;
};

// The stored form; `stored` false: without the number's salt and hash (the
// API's view).
nlohmann::json InquiryToJson(const Inquiry& q, bool stored = true);
// kDataLoss when the bytes are not what InquiryToJson wrote.
Result<Inquiry> InquiryFromJson(const nlohmann::json& j);

// A consent or request reference: 1-64 characters of [A-Za-z0-9._/-]
// without a run of ten or more digits (the shape of a personal number:
// audit::HoldsPersonalNumber), or 64 lower-case hex digits (a SHA-256).
// kInvalidArgument naming `member`.
Status ValidateReference(std::string_view value, const char* member, bool required);

}  // namespace mamori::approval
