// approval: one engine for every "someone applies, someone else approves"
// rule of the source documents — the rights register (policy), disposal
// outside the retention sweep, use applications, two-person inquiries and
// exceptions. This header: what an approval request is, and its stored form.
//
// A request names
//   type        the flow it belongs to ("rights", "non_standard_work", …);
//   subject     what it is about, as an id (a rights request "R00000001", a
//               record "dataset/record", a dataset);
//   action      the requested action as a code ("record.shred", "role_add");
//   reason      a reason code ("retention.early_disposal"): the audit log
//               keeps identifiers only (audit::CheckIdentifiersOnly), so no
//               sentence about a person is ever asked for here;
//   attachments documents by reference: the SHA-256 (hex) of each, never
//               the document;
//   details     what exactly is approved, for flows whose approval is of
//               particular terms (a take-out: dataset, selection, fields,
//               recipient certificate, until): a JSON object of identifiers
//               only (ValidateDetails), checked by the flow when the
//               request is opened and again when the approved action is
//               taken;
//   stages      who must approve: each stage is approved by one person
//               holding one of its roles (within the applicant's department
//               when `same_department`); stages are taken in order
//               (sequential) or in any order (parallel), and one person
//               approves at most one stage of a request.
// Its state: pending → approved (every stage approved) | rejected (any
// approver rejected) | cancelled (the applicant) | expired (still pending at
// expires_at). The effective state at a time is StateAt: an expired request
// need not be written as such to count as expired. An approval for one
// action (a take-out) is used once: `used_by` names what used it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::approval {

enum class Order { kSequential, kParallel };
enum class State { kPending, kApproved, kRejected, kCancelled, kExpired };

// "sequential", "parallel".
std::string_view OrderName(Order order);
std::optional<Order> ParseOrder(std::string_view name);
// "pending", "approved", "rejected", "cancelled", "expired".
std::string_view StateName(State state);
std::optional<State> ParseState(std::string_view name);

struct Stage {
  std::vector<std::string> roles;  // any one of them approves the stage
  bool same_department = false;    // only holders in the applicant's department
  bool operator==(const Stage&) const = default;
};

// One approver's decision on one stage.
struct Decision {
  size_t stage = 0;
  std::string by;              // person id
  std::string by_name;         // display name then, so the ledger reads alone
  bool approved = false;       // false: rejected
  std::string reason;          // a reason code (a rejection's), or empty
  std::string escalated_from;  // the person whose place a superior took
                               // ([002 第19条2]); empty when by holds the role
  TimeMicros at = 0;
  bool operator==(const Decision&) const = default;
};

// An action already taken in an emergency and filed afterwards ([002 第27条]
// ただし書): when it was taken, by when it had to be filed (a JST business
// day), and whether the filing was late.
struct Emergency {
  TimeMicros acted_at = 0;
  CivilDate due;
  bool late = false;
  bool operator==(const Emergency&) const = default;
};

struct Request {
  std::string id;  // "A00000001", ascending in submission order
  std::string type, subject, action, reason;
  std::vector<std::string> attachments;  // lower-case SHA-256 hex
  std::vector<Stage> stages;
  Order order = Order::kSequential;
  std::string applicant, applicant_name, applicant_department;
  State state = State::kPending;  // as stored; see StateAt
  TimeMicros created_at = 0;
  TimeMicros expires_at = 0;  // 0: does not expire
  std::vector<Decision> decisions;
  std::optional<Emergency> emergency;
  std::string closed_by;  // cancelled: the applicant; expired: "mamori"
  TimeMicros closed_at = 0;
  // The approved terms (an object of identifiers), or null for flows
  // without any.
  nlohmann::json details;
  // The action that used this approval (an identifier such as a take-out
  // id), and when; empty while unused.
  std::string used_by;
  TimeMicros used_at = 0;
  bool operator==(const Request&) const = default;

  // The state at `now`: a pending request past expires_at is expired.
  State StateAt(TimeMicros now) const;
  bool StageApproved(size_t stage) const;
  // Whether `person` decided any stage of this request.
  bool DecidedBy(std::string_view person) const;
  // The stages a decision may be taken on now: the first not yet approved
  // (sequential) or every one not yet approved (parallel).
  std::vector<size_t> OpenStages() const;
};

nlohmann::json RequestToJson(const Request& r);
// kDataLoss when the stored bytes are not what RequestToJson wrote.
Result<Request> RequestFromJson(const nlohmann::json& j);

// Checks of what an applicant supplies; kInvalidArgument naming the member.
//   type, action, reason: 1-64 characters [a-z0-9._-];
//   subject: 1-128 characters [A-Za-z0-9._/-];
//   attachments: at most 16, each 64 lower-case hex digits;
//   stages: 1-8, each 1-8 roles of [a-z0-9_].
Status ValidateCode(std::string_view value, const char* member);
Status ValidateSubject(std::string_view subject);
Status ValidateAttachments(const std::vector<std::string>& attachments);
Status ValidateStages(const std::vector<Stage>& stages);
//   details: null, or an object of at most 16 members whose names are
//   [a-z_]{1,32} and whose values are booleans, identifiers the audit log
//   accepts (audit::EventIdentifier, at most 128 bytes) or arrays of at
//   most kMaxDetailItems such identifiers.
inline constexpr size_t kMaxDetailItems = 1000;
Status ValidateDetails(const nlohmann::json& details);

}  // namespace mamori::approval
