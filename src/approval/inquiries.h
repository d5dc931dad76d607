// The steps of two-person inquiry control (inquiry.h, [003 VI(1)]), each
// one audited transaction (docs/ARCHITECTURE.md decision 1), and the
// branch requests of head-office inquiries (inquiry_requests.cc).
//
// Rules, checked in the transaction that records each step:
//   1. Only people act (service accounts and the local operator take no
//      step): "approval.not_a_person".
//   2. The dataset names a scheme: "inquiry.not_inquiry_dataset"; the
//      purpose is given; the consent reference is required and is a
//      reference, never personal data (ValidateReference).
//   3. Operator ≠ confirmer, always: the operator confirms nothing of their
//      own inquiry ("inquiry.confirmer_is_operator") — checked before the
//      role, so holding both roles does not help.
//   4. A confirmer holds the confirmer role (確認者) in the operator's
//      department: "inquiry.not_confirmer".
//   5. Only the operator who applied runs the inquiry and receives its
//      answer: "inquiry.not_operator".
//   6. pre_approval: it runs only once approved ("inquiry.not_approved").
//   7. one_time_number: the number is issued to a confirmer and shown only
//      in the answer to that request; it is stored as a salted SHA-256 and
//      compared in constant time; it is good for kNumberLifetime and once:
//      "inquiry.number_expired", "inquiry.number_used",
//      "inquiry.wrong_number" (the failure is counted; after
//      kMaxNumberFailures the number is void and a new one must be issued:
//      "inquiry.number_void"), "inquiry.no_number".
//   8. held_answer: the answer is not delivered before a confirmer releases
//      it ("inquiry.answer_held").
//   9. A step on an inquiry in another state: "inquiry.wrong_state".
// Refusals are audited with the reason code; nothing changes, except the
// count of wrong numbers of rule 7, kept with its refused event.
//
// Audit events ("inquiry.apply", .approve, .issue_number, .run, .release,
// .answer, .request) carry ids and codes only: the inquiry id, dataset,
// record id, purpose, scheme, the consent and request references, the
// operator's id; never the number, a department or a value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "approval/approvals.h"
#include "approval/inquiry.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::approval {

inline constexpr std::string_view kNotInquiryDataset = "inquiry.not_inquiry_dataset";
inline constexpr std::string_view kConfirmerIsOperator = "inquiry.confirmer_is_operator";
inline constexpr std::string_view kNotConfirmer = "inquiry.not_confirmer";
inline constexpr std::string_view kNotOperator = "inquiry.not_operator";
inline constexpr std::string_view kNotApproved = "inquiry.not_approved";
inline constexpr std::string_view kNumberExpired = "inquiry.number_expired";
inline constexpr std::string_view kNumberUsed = "inquiry.number_used";
inline constexpr std::string_view kWrongNumber = "inquiry.wrong_number";
inline constexpr std::string_view kNumberVoid = "inquiry.number_void";
inline constexpr std::string_view kNoNumber = "inquiry.no_number";
inline constexpr std::string_view kAnswerHeld = "inquiry.answer_held";
inline constexpr std::string_view kWrongState = "inquiry.wrong_state";
inline constexpr std::string_view kUnknownRequest = "inquiry.unknown_request";
inline constexpr std::string_view kRequestUsed = "inquiry.request_used";

// The role that confirms ([003 VI] 確認者), in the operator's department.
inline constexpr std::string_view kConfirmerRole = "confirmer";

// A one-time number is good for 10 minutes: long enough to read it out at
// the counter, short enough that a number seen over a shoulder is useless.
inline constexpr TimeMicros kNumberLifetime = TimeMicros{10} * 60 * 1000000;
inline constexpr uint32_t kMaxNumberFailures = 5;

struct InquiryDraft {
  std::string dataset, record, purpose, consent;
  std::string branch_request;  // a registered branch request ("B…"), or empty
};

// A branch's request for a head-office inquiry ([003 VI(1)②]).
struct BranchRequest {
  std::string id;      // "B00000001"
  std::string branch;  // the requesting department (the registrant's)
  std::string dataset;
  std::string consent;  // the branch's consent reference
  std::string requested_by, requested_by_name;
  TimeMicros created_at = 0;
  std::string inquiry;  // the inquiry made on it, once made
};
nlohmann::json BranchRequestToJson(const BranchRequest& r);

// Head-office reconciliation over JST days [from, to]: for each branch,
// the requests it registered and the inquiries made on its requests.
struct BranchTotals {
  std::string branch;
  uint64_t requests = 0;
  uint64_t inquiries = 0;
  std::vector<std::string> unanswered;  // request ids without an inquiry
  bool matches() const { return requests == inquiries; }
};
struct Reconciliation {
  CivilDate from, to;
  std::vector<BranchTotals> branches;  // by branch
  uint64_t requests = 0, inquiries = 0;
  bool matches() const { return requests == inquiries; }
};
nlohmann::json ReconciliationToJson(const Reconciliation& r);

// The scheme a dataset names; nullopt for a dataset that is not inquired
// about; kNotFound for an unknown dataset.
using SchemeSource = std::function<Result<std::optional<Scheme>>(std::string_view dataset)>;

// A step's answer; `number` only from IssueNumber (shown once, to the
// confirmer who issued it).
struct InquiryStep {
  Inquiry inquiry;
  std::string number;
};

class Inquiries {
 public:
  // `storage` (Engine::data_store()) must outlive this object.
  Inquiries(store::Storage& storage, SchemeSource schemes);

  // The operator applies (pre_approval, one_time_number: "inquiry.apply")
  // or runs at once (held_answer, daily_list: "inquiry.run").
  Result<Inquiry> Open(const Caller& caller, const InquiryDraft& draft);
  // pre_approval: "inquiry.approve".
  Result<Inquiry> Approve(const Caller& caller, std::string_view id);
  // one_time_number: "inquiry.issue_number"; a new number replaces one not
  // used (a void or expired one included).
  Result<InquiryStep> IssueNumber(const Caller& caller, std::string_view id);
  // pre_approval (approved) and one_time_number (with `number`): "inquiry.run".
  Result<Inquiry> Run(const Caller& caller, std::string_view id, std::string_view number);
  // held_answer: "inquiry.release".
  Result<Inquiry> Release(const Caller& caller, std::string_view id);
  // The answer goes to the operator: "inquiry.answer", attrs count "1" on
  // the first delivery (the answer received, which the daily count list
  // counts) and "0" on a later one.
  // The caller then reads the record through the engine.
  Result<Inquiry> Deliver(const Caller& caller, std::string_view id);

  // Branch requests: "inquiry.request", by a person of the branch.
  Result<BranchRequest> RegisterRequest(const Caller& caller, std::string_view dataset,
                                        std::string_view consent);

  // Reads (not audited: the API audits the request that asks).
  Result<Inquiry> Get(std::string_view id);
  Result<std::vector<Inquiry>> List();  // by id
  Result<BranchRequest> GetRequest(std::string_view id);
  Result<std::vector<BranchRequest>> Requests();  // by id
  // Totals per branch for JST days [from, to] (at most 366 days).
  Result<Reconciliation> Reconcile(CivilDate from, CivilDate to);

  // Whether `who` may see the inquiry: its operator, a confirmer of its
  // department, or anyone of the operator's or the requesting branch's
  // department who manages it (section manager, department officer,
  // credit information director), and evidence readers (CISO line,
  // auditors).
  static bool MayView(const identity::Principal& who, const Inquiry& q);
  // Whether `who` may see a branch request: anyone of the branch; before
  // an inquiry is made on it, the head office's operators and confirmers
  // (who act on it) and evidence readers; afterwards whoever may see that
  // inquiry (MayView). A request holds ids and references only.
  bool MayViewRequest(const identity::Principal& who, const BranchRequest& r);

 private:
  Result<Inquiry> Step(
      const Caller& caller, std::string_view operation, std::string_view id,
      const std::function<Status(store::WriteTxn&, Inquiry&, audit::Event&, bool&)>& fn);

  store::Storage& storage_;
  SchemeSource schemes_;
};

}  // namespace mamori::approval
