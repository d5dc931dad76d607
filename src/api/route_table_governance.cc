// The route table's entries for the organisation's own cycles (route_table.h
// states the contract; the builders are route_builders.h).
#include "api/route_builders.h"

namespace mamori::api {

std::vector<RouteSpec> GovernanceRoutes() {
  using namespace route_builders;
  using K = Kind;
  return {
      // The registers the rules require (governance/registers.h): any kind
      // under /v1/registers/{kind}, whose keeper the register decides again
      // (register.<kind>.keep); contractors and cloud services under their
      // own names, authorised for their kind here.
      System("GET", "/v1/registers", "register.read"),
      System("GET", "/v1/registers/{kind}", "register.read")
          .Query({"overdue", "retired", "limit", "cursor"}),
      System("POST", "/v1/registers/{kind}", "register.keep").Json(),
      System("GET", "/v1/registers/{kind}/{entry}", "register.read").Target("entry"),
      System("PATCH", "/v1/registers/{kind}/{entry}", "register.keep").Json(),
      System("POST", "/v1/registers/{kind}/{entry}/retire", "register.keep")
          .Strict({{"reason"}})
          .Optional(),
      System("POST", "/v1/registers/{kind}/{entry}/checks", "register.keep")
          .Strict({{"date", K::kString, kRequired}, {"result", K::kString, kRequired}, {"note"}}),
      System("GET", "/v1/contractors", "register.read")
          .Query({"overdue", "retired", "limit", "cursor"}),
      System("POST", "/v1/contractors", "register.contractor.keep").Json(),
      System("GET", "/v1/contractors/{entry}", "register.read").Target("entry"),
      System("PATCH", "/v1/contractors/{entry}", "register.contractor.keep").Json(),
      System("POST", "/v1/contractors/{entry}/retire", "register.contractor.keep")
          .Strict({{"reason"}})
          .Optional(),
      System("POST", "/v1/contractors/{entry}/checks", "register.contractor.keep")
          .Strict({{"date", K::kString, kRequired}, {"result", K::kString, kRequired}, {"note"}}),
      System("GET", "/v1/cloud-services", "register.read")
          .Query({"overdue", "retired", "limit", "cursor"}),
      System("POST", "/v1/cloud-services", "register.cloud_service.keep").Json(),
      System("GET", "/v1/cloud-services/{entry}", "register.read").Target("entry"),
      System("PATCH", "/v1/cloud-services/{entry}", "register.cloud_service.keep").Json(),
      System("POST", "/v1/cloud-services/{entry}/retire", "register.cloud_service.keep")
          .Strict({{"reason"}})
          .Optional(),
      System("POST", "/v1/cloud-services/{entry}/checks", "register.cloud_service.keep")
          .Strict({{"date", K::kString, kRequired}, {"result", K::kString, kRequired}, {"note"}}),
      System("POST", "/v1/cloud-services/{entry}/approve", "register.cloud_service.approve"),
      // Incidents (漏えい等事案, governance/incidents.h): anyone reports one
      // (or registers an outside report, or escalates a finding); the
      // record decides again who reads it (the reporter their own, the
      // incident.read_all holders every one) and who takes which step
      // (incident.<step>, policy/system_rights.cc).
      System("GET", "/v1/incidents", "incident.list")
          .Query({"state", "reportable", "overdue", "limit", "cursor"}),
      System("POST", "/v1/incidents", "incident.report").Json(),
      System("GET", "/v1/incidents/{incident}", "incident.show").Target("incident"),
      System("POST", "/v1/incidents/{incident}/steps", "incident.step").Target("incident").Json(),
      System("GET", "/v1/incidents/{incident}/report-form", "incident.form")
          .Target("incident")
          .Query({"kind", "format"}),
      // Information-security training (governance/training.h) and the
      // training switch on data roles (policy/training_gate.h); the register
      // decides again who plans and who records whose attendance.
      System("GET", "/v1/training/plans", "training.list").Query(kPage),
      System("POST", "/v1/training/plans", "training.plan")
          .Strict({{"year", K::kAny, kRequired},
                   {"course", K::kString, kRequired},
                   {"audience", K::kString, kRequired},
                   {"role", K::kString}}),
      System("GET", "/v1/training/attendance", "training.list")
          .Query({"person", "limit", "cursor"}),
      System("POST", "/v1/training/attendance", "training.record")
          .Strict({{"plan", K::kString, kRequired},
                   {"person", K::kString, kRequired},
                   {"date", K::kString, kRequired},
                   {"score", K::kAny},
                   {"passed", K::kBool, kRequired}}),
      System("GET", "/v1/training/people/{user}", "training.currency").Target("user"),
      System("GET", "/v1/policy/training", "policy.show"),
      System("PUT", "/v1/policy/training", "policy.update").Json().Query({"approval"}),

      // Internal audit (governance/internal_audit.h): the register decides
      // again independence, assignment and the audited department.
      System("GET", "/v1/audits", "internal_audit.list").Query(kPage),
      System("POST", "/v1/audits", "internal_audit.plan")
          .Strict({{"year", K::kAny, kRequired},
                   {"departments", K::kStrings, kRequired},
                   {"scope", K::kString, kRequired}}),
      System("GET", "/v1/audits/{audit}", "internal_audit.list").Target("audit"),
      System("POST", "/v1/audits/{audit}/auditors", "internal_audit.assign")
          .Target("audit")
          .Strict({{"auditor", K::kString, kRequired}}),
      System("POST", "/v1/audits/{audit}/findings", "internal_audit.finding")
          .Target("audit")
          .Strict({{"clause", K::kString, kRequired},
                   {"department", K::kString, kRequired},
                   {"severity", K::kString, kRequired},
                   {"evidence", K::kAny}}),
      System("POST", "/v1/audits/{audit}/report", "internal_audit.report").Target("audit"),
      System("POST", "/v1/audits/{audit}/acknowledge", "internal_audit.acknowledge")
          .Target("audit"),
      System("POST", "/v1/audits/{audit}/findings/{finding}/improvement", "internal_audit.improve")
          .Target("audit")
          .Strict({{"measure", K::kString, kRequired}, {"due", K::kString, kRequired}}),
      System("POST", "/v1/audits/{audit}/findings/{finding}/progress", "internal_audit.improve")
          .Target("audit")
          .Strict({{"status", K::kString, kRequired}, {"note", K::kString}}),
      System("POST", "/v1/audits/{audit}/findings/{finding}/close", "internal_audit.close")
          .Target("audit"),

      // Self-inspection (governance/self_inspection.h): the register decides
      // again who plans, answers (oneself) and completes orders.
      System("GET", "/v1/inspections", "inspection.list").Query(kPage),
      System("POST", "/v1/inspections", "inspection.plan").Strict({{"year", K::kAny, kRequired}}),
      System("GET", "/v1/inspections/{inspection}", "inspection.list").Target("inspection"),
      System("GET", "/v1/inspections/{inspection}/checklist", "inspection.checklist")
          .Target("inspection"),
      System("POST", "/v1/inspections/{inspection}/answers", "inspection.answer")
          .Target("inspection")
          .Strict({{"answers", K::kAny, kRequired}}),
      System("GET", "/v1/inspections/{inspection}/summary", "inspection.list").Target("inspection"),
      System("POST", "/v1/inspections/{inspection}/evaluation", "inspection.evaluate")
          .Target("inspection")
          .Strict({{"rating", K::kString, kRequired}}),
      System("POST", "/v1/inspections/{inspection}/orders", "inspection.evaluate")
          .Target("inspection")
          .Strict({{"department", K::kString, kRequired},
                   {"item", K::kString, kRequired},
                   {"measure", K::kString, kRequired},
                   {"due", K::kString, kRequired}}),
      System("POST", "/v1/inspections/{inspection}/orders/{order}/complete", "inspection.complete")
          .Target("inspection"),

      // The compliance report (governance/compliance_report.h) from the live
      // store, and the attestations that meet the catalogue's attested
      // clauses (governance/attestations.h decides the attester again).
      System("GET", "/v1/reports/compliance", "report.compliance").Query({"format", "source"}),
      System("GET", "/v1/reports/attestations", "report.attestations").Query({"source"}),
      System("POST", "/v1/reports/attestations", "report.attest")
          .Strict({{"source", K::kString, kRequired},
                   {"clause", K::kString, kRequired},
                   {"statement", K::kString, kRequired},
                   {"until", K::kString, kRequired}}),
  };
}

}  // namespace mamori::api
