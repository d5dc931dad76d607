// Self-inspection (自己点検, [002 第34-36条]; [004 §7]; [003 II.2(7)]): the
// CISO line's yearly plan; each person answers the checklist generated from
// the controls that apply to their roles (inspection_items.h); the answers
// are summarised per department and for the organisation; the CISO line
// evaluates the result and orders improvements, each tracked until a
// manager of its department reports it done.
//
// Enforced here, in the transaction of each step:
//   - one plan per fiscal year, by the CISO line (inspection.not_ciso_line);
//   - a person answers only for themselves, every item of their own
//     checklist and nothing else ("yes", "no" or "na"), while the plan is
//     open (inspection.wrong_state); answering again replaces the answers;
//   - the evaluation closes the answering; orders follow it and name a
//     department that answered and an item of the checklist;
//   - an order is completed by a manager (section_manager,
//     department_officer, credit_info_director) of its department
//     (inspection.not_manager); the plan is closed with its last order.
// States: open → evaluated → closed. Every step is one audited transaction
// ("inspection.<step>") with ids and codes only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "approval/approvals.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::governance {

inline constexpr std::string_view kInspectionNotFound = "inspection";
inline constexpr std::string_view kInspectionNotCisoLine = "inspection.not_ciso_line";
inline constexpr std::string_view kInspectionWrongState = "inspection.wrong_state";
inline constexpr std::string_view kInspectionNotManager = "inspection.not_manager";
inline constexpr std::string_view kInspectionExists = "inspection.exists";

struct OrderDraft {
  std::string department, item, measure;  // measure: a code
  CivilDate due;
};

class SelfInspections {
 public:
  // `people` is unused (the answers carry the caller's own department and
  // roles); kept so that every governance register is built alike.
  SelfInspections(store::Storage& storage, const approval::People&) : storage_(storage) {}

  Result<nlohmann::json> Plan(const approval::Caller& caller, int year);
  // The caller's own checklist for plan `id`.
  Result<nlohmann::json> Checklist(const approval::Caller& caller, std::string_view id);
  Result<nlohmann::json> Answer(const approval::Caller& caller, std::string_view id,
                                const std::map<std::string, std::string>& answers);
  // Per department and for the organisation: people who answered, and per
  // item the yes / no / na counts; the items answered "no" first.
  Result<nlohmann::json> Summary(std::string_view id);
  // rating: a code ("satisfactory", "needs_improvement", …).
  Result<nlohmann::json> Evaluate(const approval::Caller& caller, std::string_view id,
                                  std::string_view rating);
  Result<nlohmann::json> Order(const approval::Caller& caller, std::string_view id,
                               const OrderDraft& draft);
  Result<nlohmann::json> Complete(const approval::Caller& caller, std::string_view id,
                                  std::string_view order);

  Result<nlohmann::json> Get(std::string_view id);
  Result<std::vector<nlohmann::json>> List();

 private:
  using Step = std::function<Status(store::WriteTxn&, nlohmann::json&, audit::Event&)>;
  Result<nlohmann::json> Change(const approval::Caller& caller, std::string_view name,
                                std::string_view id, const Step& step);

  store::Storage& storage_;
};

// The summary of a stored inspection (SelfInspections::Summary).
nlohmann::json SummariseInspection(const nlohmann::json& inspection);

}  // namespace mamori::governance
