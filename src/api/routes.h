// The resources of the API and what they are built on. Each Add*Routes
// registers one family on a Router; docs/openapi.yaml describes every one of
// them (tests/api/openapi_test.cc holds the two together).
//
//   operations (public)  GET /healthz, /readyz (every listener), /metrics (the
//                        operations listener only: AddMetricsRoute)
//   datasets (台帳)      GET|POST /v1/datasets (?searchable=true: what I may search),
//                        GET /v1/datasets/{ds}, GET …/{ds}/ledger, GET /v1/ledger (all)
//   records              POST|GET /v1/datasets/{ds}/records (put; find or list),
//                        GET|PATCH|DELETE …/records/{id}, GET …/records/{id}/history
//   audit                GET /v1/audit/head, /proof, /consistency, /events;
//                        POST /v1/audit/verify (a kept head against the log)
//   auth (sessions)      POST /v1/auth/login (public), /logout, /password, /totp,
//                        /totp/confirm; GET /v1/auth/session
//   users                GET|POST /v1/users, /v1/users/{user}[/…], GET /v1/roles,
//                        GET|PUT /v1/policy/identity                  (routes_users.cc)
//   devices              GET|POST /v1/terminals[/{terminal}[/…]],
//                        /v1/service-accounts[/{account}[/…]]         (routes_devices.cc)
//   rights               /v1/rights/requests[/{request}[/step]], GET /v1/rights/register,
//                        /grants[/{grant}], /holdings                 (routes_rights.cc)
//   reviews              POST|GET /v1/reviews, GET /v1/reviews/overdue,
//                        /v1/reviews/{campaign}[/items[/{item}/confirm|revoke]]
//                                                                     (routes_reviews.cc)
//   approvals            GET|POST /v1/approvals, GET /v1/approvals/ledger,
//                        GET /v1/approvals/{approval}, POST …/{approval}/approve|reject|cancel,
//                        GET|PUT /v1/policy/approval                  (routes_approvals.cc)
//   exceptions           GET|POST /v1/exceptions, GET /v1/exceptions/{exception},
//                        POST …/{exception}/end, GET|PUT /v1/exceptions/approvers,
//                        GET|POST /v1/exceptions/reports[/{report}[/acknowledge]],
//                        GET /v1/exceptions/trends                    (routes_exceptions.cc)
//   registers            GET /v1/registers, /v1/registers/{kind}, /v1/contractors,
//                        /v1/cloud-services [/{entry}[/retire|/checks|/approve]]
//                                                                     (routes_registers.cc)
//   inquiries            GET|POST /v1/inquiries, GET /v1/inquiries/{inquiry}[/answer],
//                        POST …/{inquiry}/approve|issue-number|run|release,
//                        GET /v1/inquiries/lists, GET|POST /v1/inquiries/requests,
//                        GET /v1/inquiries/reconciliation          (routes_inquiries.cc)
//   incidents            GET|POST /v1/incidents, GET /v1/incidents/{incident}[/report-form],
//                        POST …/{incident}/steps                   (routes_incidents.cc)
//   takeouts             POST|GET /v1/takeouts, GET /v1/takeouts/{takeout}[/manifest|/file],
//                        POST …/{takeout}/confirm                    (routes_takeouts.cc)
//   connections          GET|POST /v1/connections, GET /v1/connections/{connection}[/card|
//                        /provisions], POST …/{connection}/suspend|resume;
//                        POST /v1/exchange/{kind} (peer nodes)    (routes_exchange.cc)
//   analysis             GET /v1/findings[/{finding}], POST …/{finding}/review|explain|escalate,
//                        GET /v1/lists[/{list}], POST /v1/lists/{list}/confirm,
//                        GET /v1/analysis/status, /v1/analysis/report,
//                        GET|PUT /v1/policy/analysis                  (routes_analysis.cc)
//   reports              GET /v1/reports/compliance, GET|POST /v1/reports/attestations
//                                                                     (routes_reports.cc)
//
// Lists that identity and policy return whole page in the API with limit and
// cursor (paging.h). Who may call each route, its purpose rule and its body
// are declared in the route table (route_table.h), which the pipeline
// enforces before any handler here runs: no handler authorises.
//
// Data routes call the engine, which checks dataset, purpose and values
// again and audits every operation and refusal in the same transaction
// (docs/ARCHITECTURE.md decision 1). A body that cannot be decoded is
// refused by the pipeline, and the server's RequestAuditor records it.
#pragma once

#include <atomic>

#include "analysis/findings.h"
#include "analysis/lists.h"
#include "analysis/monitor.h"
#include "api/auth.h"
#include "api/metrics.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "approval/approvals.h"
#include "approval/exception_reports.h"
#include "approval/exceptions.h"
#include "approval/inquiries.h"
#include "core/status.h"
#include "engine/engine.h"
#include "engine/witnessing.h"
#include "exchange/node.h"
#include "governance/compliance_evidence.h"
#include "governance/incidents.h"
#include "governance/registers.h"
#include "identity/identity.h"
#include "policy/authorizer.h"
#include "policy/register.h"
#include "policy/review.h"
#include "policy/rights_admin.h"

namespace mamori::api {

struct RouteDeps {
  engine::Engine* engine = nullptr;  // required by every family but operations' /healthz
  Authorizer* authorizer = nullptr;  // required by datasets, records, audit
  Metrics* metrics = nullptr;        // required by /metrics and the logon limits
  // Logons per client address (rate_limiter.h); none: no limit.
  AddressRateLimiter* login_limiter = nullptr;
  // The Retry-After of a logon refused because password checking is busy
  // (identity's "login.busy"): the hash budget's wait, in whole seconds.
  unsigned busy_retry_after = 5;
  // The people, sessions, terminals and service accounts; required by the
  // auth, user and device families (absent in servers without identity).
  identity::Identity* identity = nullptr;
  // The rights flow and its register; required by the rights family.
  // Reviews; required by the review family.
  policy::RightsAdmin* rights = nullptr;
  policy::RightsRegister* rights_register = nullptr;
  policy::ReviewCampaigns* reviews = nullptr;
  // The approval engine; required by the approvals family (with rights, to
  // which the steps of a rights request's approval go).
  approval::Approvals* approvals = nullptr;
  // The exception ledger and its reports; required by the exceptions family
  // (with approvals).
  approval::Exceptions* exceptions = nullptr;
  approval::ExceptionReports* exception_reports = nullptr;
  // The registers (governance/registers.h); required by the registers family.
  governance::Registers* registers = nullptr;
  // Two-person inquiry control; required by the inquiries family (with
  // an authorizer, the engine and the lists).
  approval::Inquiries* inquiries = nullptr;
  // The findings and reconciliation lists of the analysis; required by the
  // analysis family. The continuous evaluation, when the server runs one:
  // /readyz, /metrics and /v1/analysis/status report its heartbeat.
  analysis::Findings* findings = nullptr;
  analysis::Lists* lists = nullptr;
  const analysis::Monitor* monitor = nullptr;
  // Incidents (governance/incidents.h); required by the incidents family.
  governance::Incidents* incidents = nullptr;
  // Set while the server drains at shutdown: /readyz then answers 503 so a
  // load balancer stops sending new requests.
  const std::atomic<bool>* draining = nullptr;
  // Optional: the witnessing of signed heads, reported by /readyz and /metrics.
  const engine::Witnessing* witnessing = nullptr;
  // Optional: the exchange node (exchange/node.h). Without one the
  // connection register is still served; suspensions notify nobody and
  // /v1/exchange/{kind} answers nothing.
  exchange::Node* exchange = nullptr;
  // Optional: the data-access decision itself (policy/authorizer.h), for
  // GET /v1/datasets?searchable=true. Without it that question is refused.
  policy::Authorizer* policy = nullptr;
};

// /healthz and /readyz.
Status AddOperationsRoutes(Router& router, const RouteDeps& deps);
// /metrics (metrics.h), with the activity counts when `detail`.
Status AddMetricsRoute(Router& router, const RouteDeps& deps, bool detail);
Status AddDatasetRoutes(Router& router, const RouteDeps& deps);
Status AddRecordRoutes(Router& router, const RouteDeps& deps);
Status AddAuditRoutes(Router& router, const RouteDeps& deps);
Status AddAuthRoutes(Router& router, const RouteDeps& deps);
// Users, the role catalogue and the identity policy; need identity and an
// authorizer (reviews, when set, are started on leave and position changes).
Status AddUserRoutes(Router& router, const RouteDeps& deps);
// Terminals and service accounts; need identity and an authorizer.
Status AddDeviceRoutes(Router& router, const RouteDeps& deps);
// The rights flow, the register, grants and holdings; need rights,
// rights_register and an authorizer.
Status AddRightsRoutes(Router& router, const RouteDeps& deps);
// Review campaigns and their items; need reviews and an authorizer.
Status AddReviewRoutes(Router& router, const RouteDeps& deps);

// Approval requests of every flow; need approvals, rights and an authorizer.
Status AddApprovalRoutes(Router& router, const RouteDeps& deps);

// Exception measures: the ledger, the CISO's designation of approvers, the
// reports to the chief security manager and the trends; need exceptions,
// exception_reports, approvals and an authorizer.
Status AddExceptionRoutes(Router& router, const RouteDeps& deps);
// The registers the rules require: /v1/registers[/{kind}], /v1/contractors,
// /v1/cloud-services; need registers.
Status AddRegisterRoutes(Router& router, const RouteDeps& deps);
// Information-security training and the training switch on data roles
// (routes_training.cc); need the engine and identity.
Status AddTrainingRoutes(Router& router, const RouteDeps& deps);
// Internal audit: plans, independent auditors, findings with audit-log
// proof references, the report, improvement plans (routes_audits.cc); need
// the engine and identity.
Status AddAuditPlanRoutes(Router& router, const RouteDeps& deps);
// Self-inspection: yearly plans, checklists from the controls that apply to
// the caller's roles, answers, summaries, the CISO's evaluation and
// improvement orders (routes_inspections.cc); need the engine and identity.
Status AddInspectionRoutes(Router& router, const RouteDeps& deps);
// Two-person control of credit inquiries, branch requests and their
// reconciliation; need inquiries, lists, the engine and an authorizer.
Status AddInquiryRoutes(Router& router, const RouteDeps& deps);
// Take-outs (持ち出し) under approved take-out requests: the export, its
// file, the register and confirmation (routes_takeouts.cc); need engine
// and approvals (with approval::TakeoutFlow registered) and an authorizer.
Status AddTakeoutRoutes(Router& router, const RouteDeps& deps);

// Findings, reconciliation lists, the analysis's status, an on-demand
// report and its policy; need findings, lists and an authorizer.
Status AddAnalysisRoutes(Router& router, const RouteDeps& deps);

// Incidents (漏えい等事案): reports, the response flow and the Commission's
// report form (routes_incidents.cc); need incidents.
Status AddIncidentRoutes(Router& router, const RouteDeps& deps);

// The connection register (/v1/connections); needs the engine.
Status AddConnectionRoutes(Router& router, const RouteDeps& deps);
// The inbound exchange (/v1/exchange/{kind}, peer nodes only); answers only
// with deps.exchange.
Status AddExchangeRoutes(Router& router, const RouteDeps& deps);

// The compliance report and its attestations (/v1/reports/...); need the
// engine (and read the lists, reviews and exceptions when set).
Status AddReportRoutes(Router& router, const RouteDeps& deps);
// What the compliance report's probes read, over these dependencies at `now`
// (routes_reports.cc; also `mamori report compliance`); `people` (the
// directory's, outliving the sources) for the training probe.
governance::EvidenceSources EvidenceOf(const RouteDeps& deps, TimeMicros now,
                                       const approval::People* people = nullptr);

// All of the above.
Status AddAllRoutes(Router& router, const RouteDeps& deps);

}  // namespace mamori::api
