// How long the approval flows' requests stay open and how soon an emergency
// action must be filed, as organisation policy (docs/ARCHITECTURE.md
// decision 9) rather than constants: the sources say "事後速やかに" ([002
// 第27条] ただし書) and ask for approval before non-standard work ([003
// V(4)①D]) but give no number, so each number is a default an organisation
// changes — through an approved policy_change request (flows.h), never by
// one person's act.
//
//   non_standard_work_lifetime_days  規格外作業 request open, then expired   7  (1-90)
//   exception_lifetime_days          例外措置 request open                  14  (1-90)
//   exception_filing_days            emergency filing deadline, business days 2  (1-20)
//   policy_change_lifetime_days      ポリシー変更 request open               7  (1-90)
//
// Stored at "apv/policy"; absent means all defaults. The engine reads them
// in the transaction that opens a request (approvals.h), so a change applies
// to requests opened after it; open requests keep the expiry they were
// given.
#pragma once

#include <cstdint>
#include <functional>

#include <nlohmann/json_fwd.hpp>

#include "approval/approvals.h"
#include "core/status.h"
#include "store/storage.h"

namespace mamori::approval {

struct FlowParameters {
  uint32_t non_standard_work_lifetime_days = 7;
  uint32_t exception_lifetime_days = 14;
  uint32_t exception_filing_days = 2;
  uint32_t policy_change_lifetime_days = 7;
  bool operator==(const FlowParameters&) const = default;
};

// kInvalidArgument naming the first parameter outside its range (subject
// "policy.<name>").
Status ValidateFlowParameters(const FlowParameters& p);

nlohmann::json FlowParametersToJson(const FlowParameters& p);
// Members present replace those of `base`; an unknown member or a wrong
// type is kInvalidArgument naming it; the result is validated.
Result<FlowParameters> FlowParametersFromJson(const nlohmann::json& j,
                                              const FlowParameters& base = {});

// The parameters in force (defaults when none were set); kDataLoss when the
// stored ones do not parse.
Result<FlowParameters> ReadFlowParameters(store::ReadTxn& txn);
Result<FlowParameters> GetFlowParameters(store::Storage& store);

// `flow` with the lifetime and filing deadline `p` gives its type (flows of
// other types unchanged).
Flow ApplyFlowParameters(const FlowParameters& p, Flow flow);

// What must hold, in the transaction that changes a policy, for the change
// to be made (a policy_change approval, flows.h). Not called: no gate.
using PolicyGate = std::function<Status(store::WriteTxn&, audit::Event&)>;

// Validates, passes `gate`, stores and audits ("approval.policy_set", every
// parameter in attrs) in one transaction; a refusal changes nothing and is
// audited. Does not authorise: the caller has (policy.update).
Status SetFlowParameters(store::Storage& store, const Caller& caller, const FlowParameters& p,
                         const PolicyGate& gate);

}  // namespace mamori::approval
