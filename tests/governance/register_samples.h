// Sample register entries for the governance tests: a contractor handling
// My Numbers with every safety clause, and a cloud service in Japan that is
// listed on ISMAP (governance/register_kinds.h).
#pragma once

#include <nlohmann/json.hpp>

namespace mamori::governance::testing {

inline nlohmann::json SampleContractor() {
  return {{"name", "株式会社データ保守"},
          {"corporate_number", "7000012050002"},
          {"service", "給与システムの保守"},
          {"department", "soumu"},
          {"supervisor", "mgr1"},
          {"handles", {"my_number", "personal"}},
          {"contract_start", "2026-04-01"},
          {"selection_criteria_met", true},
          {"clause_supervision_audit", true},
          {"clause_confidentiality", true},
          {"clause_incident_reporting", true},
          {"clause_return_disposal", true},
          {"clause_damages_termination", true},
          {"clause_safety_measures", true},
          {"clause_staff_supervision", true},
          {"subcontracting", "prior_approval"}};
}

inline nlohmann::json SampleCloud() {
  return {{"name", "給与計算クラウド"},
          {"provider", "国内クラウド株式会社"},
          {"purpose", "給与計算"},
          {"ismap", "listed"},
          {"ismap_registration", "C21-0001-1"},
          {"storage_country", "JP"},
          {"storage_region", "東京"},
          {"disposal_method", "crypto_erase"},
          {"responsible", "mgr1"},
          {"handles", {"my_number"}},
          {"security_requirements", "通信と保存の暗号化、国内保管"},
          {"status", "planned"}};
}

}  // namespace mamori::governance::testing
