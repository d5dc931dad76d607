#include "approval/flow_parameters.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "approval/flows.h"
#include "audit/audited.h"

namespace mamori::approval {
namespace {

using json = nlohmann::json;

constexpr std::string_view kFlowPolicyKey = "apv/policy";

struct Param {
  std::string_view name;
  uint32_t FlowParameters::*member;
  uint32_t min, max;
  std::string_view unit_en, unit_ja;
};
constexpr Param kParams[] = {
    {"non_standard_work_lifetime_days", &FlowParameters::non_standard_work_lifetime_days, 1, 90,
     "days", "日"},
    {"exception_lifetime_days", &FlowParameters::exception_lifetime_days, 1, 90, "days", "日"},
    {"exception_filing_days", &FlowParameters::exception_filing_days, 1, 20, "business days",
     "営業日"},
    {"policy_change_lifetime_days", &FlowParameters::policy_change_lifetime_days, 1, 90, "days",
     "日"},
};

Status BadFlowParameter(std::string_view name, std::string_view what_en, std::string_view what_ja) {
  return Status::InvalidArgument(std::string(name) + " must be " + std::string(what_en),
                                 std::string(name) + " は" + std::string(what_ja) + "で指定します",
                                 "policy." + std::string(name));
}

Status CorruptFlowPolicy() {
  return Status::DataLoss("the stored approval-flow policy is damaged",
                          "保存された承認フローのポリシーが壊れています", "apv/policy");
}

}  // namespace

Status ValidateFlowParameters(const FlowParameters& p) {
  for (const auto& m : kParams) {
    const uint32_t v = p.*(m.member);
    if (v < m.min || v > m.max) {
      return BadFlowParameter(
          m.name,
          std::to_string(m.min) + "-" + std::to_string(m.max) + " " + std::string(m.unit_en),
          std::to_string(m.min) + "〜" + std::to_string(m.max) + std::string(m.unit_ja));
    }
  }
  return Status::Ok();
}

json FlowParametersToJson(const FlowParameters& p) {
  json j = json::object();
  for (const auto& m : kParams) j[std::string(m.name)] = p.*(m.member);
  return j;
}

Result<FlowParameters> FlowParametersFromJson(const json& j, const FlowParameters& base) {
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument(
        "the approval-flow policy must be a JSON object",
        "承認フローのポリシーは JSON オブジェクトで指定してください", "policy"));
  }
  FlowParameters p = base;
  for (const auto& [key, value] : j.items()) {
    const auto* m = std::find_if(std::begin(kParams), std::end(kParams),
                                 [&](const Param& x) { return x.name == key; });
    if (m == std::end(kParams)) {
      // The member's name is not repeated: it is whatever the caller sent.
      return Fail(Status::InvalidArgument(
          "unknown approval-flow parameter (see docs/WORKFLOWS.md for the list)",
          "未知の承認フローのポリシー項目です (docs/WORKFLOWS.md を参照してください)", "policy"));
    }
    const bool integer =
        value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
    if (!integer || value.get<uint64_t>() > UINT32_MAX) {
      return Fail(BadFlowParameter(m->name, "a whole number", "整数"));
    }
    p.*(m->member) = value.get<uint32_t>();
  }
  MAMORI_RETURN_IF_ERROR(ValidateFlowParameters(p));
  return p;
}

Result<FlowParameters> ReadFlowParameters(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(kFlowPolicyKey));
  if (!raw) return FlowParameters{};
  auto parsed = json::parse(*raw, nullptr, false);
  if (parsed.is_discarded()) return Fail(CorruptFlowPolicy());
  auto p = FlowParametersFromJson(parsed);
  if (!p) return Fail(CorruptFlowPolicy());
  return p;
}

Result<FlowParameters> GetFlowParameters(store::Storage& store) {
  FlowParameters out;
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadFlowParameters(txn));
    return Status::Ok();
  }));
  return out;
}

Flow ApplyFlowParameters(const FlowParameters& p, Flow flow) {
  constexpr int64_t kDay = 24;
  if (flow.type == kNonStandardWork) {
    flow.lifetime_hours = p.non_standard_work_lifetime_days * kDay;
  } else if (flow.type == kException) {
    flow.lifetime_hours = p.exception_lifetime_days * kDay;
    flow.emergency_filing_days = static_cast<int>(p.exception_filing_days);
  } else if (flow.type == kPolicyChange) {
    flow.lifetime_hours = p.policy_change_lifetime_days * kDay;
  }
  return flow;
}

Status SetFlowParameters(store::Storage& store, const Caller& caller, const FlowParameters& p,
                         const PolicyGate& gate) {
  const json j = FlowParametersToJson(p);
  audit::Event ev;
  ev.time = caller.Now();
  ev.actor = caller.principal.id;
  ev.terminal = caller.principal.terminal.id;
  ev.request_id = caller.request_id;
  ev.operation = "approval.policy_set";
  ev.result = std::string(audit::kResultOk);
  for (const auto& [k, v] : j.items()) ev.attrs[k] = v.dump();
  const Status valid = ValidateFlowParameters(p);
  return audit::RunAudited(store, ev, {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
                             MAMORI_RETURN_IF_ERROR(valid);
                             if (gate) MAMORI_RETURN_IF_ERROR(gate(txn, e));
                             return txn.Put(kFlowPolicyKey, j.dump());
                           }});
}

}  // namespace mamori::approval
