#include "engine/takeout_rules.h"

namespace mamori::engine {

namespace {

Status Forbidden(const std::string& restriction, std::string_view why_en, std::string_view why_ja) {
  return Status::PermissionDenied(
      "the dataset's handling restriction " + restriction + " forbids taking its records out (" +
          std::string(why_en) + ")",
      "台帳の取扱制限 " + restriction + " により持ち出しできません (" + std::string(why_ja) + ")",
      restriction);
}

}  // namespace

TakeoutRules TakeoutRulesFor(const DatasetDef& def) {
  TakeoutRules r;
  r.approver_roles.push_back(std::string(kRoleSectionManager));
  if (def.classification.confidentiality >= 3) {
    r.approver_roles.push_back(std::string(kRoleDepartmentOfficer));
  }
  for (const std::string& h : def.handling) {
    if (!r.permitted.ok()) break;
    if (h == "no_takeout") {
      r.permitted = Forbidden(h, "no take-out", "持出禁止");
    } else if (h == "no_copy") {
      r.permitted = Forbidden(h, "an exported file is a copy", "書き出したファイルは複製です");
    } else if (h == "no_distribution" || h == "no_external_provision") {
      if (!r.internal_only) r.internal_because = h;
      r.internal_only = true;
    } else if (h == "dispose_after_reading") {
      r.destroy_only = true;
    } else if (h == "encrypt_required") {
      // Every export is encrypted.
    } else {
      // A custom_ restriction (or one added to the parser and not here): its
      // meaning is unknown, so it cannot be kept outside.
      r.permitted = Forbidden(h, "its meaning is not known to the engine, which fails closed",
                              "意味が定義されていないため安全側で拒否します");
    }
  }
  return r;
}

nlohmann::json TakeoutRulesToJson(const TakeoutRules& r) {
  nlohmann::json j = {
      {"permitted", r.permitted.ok()},
      {"internal_only", r.internal_only},
      {"destroy_only", r.destroy_only},
      {"approver_roles", r.approver_roles},
      {"max_days", kMaxTakeoutDays},
      {"encryption",
       "CMS AuthEnvelopedData, AES-256-GCM, to the recipient's X.509 certificate / "
       "受領者の証明書宛てに暗号化 (CMS, AES-256-GCM)"},
  };
  if (!r.permitted.ok()) {
    j["refused_by"] = r.permitted.subject();
    j["reason"] = r.permitted.message();
    j["reason_ja"] = r.permitted.message_ja();
  }
  if (r.internal_only) j["internal_because"] = r.internal_because;
  return j;
}

}  // namespace mamori::engine
