#include "api/route_table.h"

#include <algorithm>

#include "api/route_builders.h"

namespace mamori::api {

RouteSpec&& RouteSpec::Query(std::vector<std::string> names) && {
  query = std::move(names);
  return std::move(*this);
}
RouteSpec&& RouteSpec::Strict(std::vector<BodyMember> list) && {
  body = BodyRule::kStrict;
  members = std::move(list);
  return std::move(*this);
}
RouteSpec&& RouteSpec::Optional() && {
  body_optional = true;
  return std::move(*this);
}
RouteSpec&& RouteSpec::Json() && {
  body = BodyRule::kJson;
  return std::move(*this);
}
RouteSpec&& RouteSpec::Target(std::string param) && {
  target = std::move(param);
  return std::move(*this);
}
RouteSpec&& RouteSpec::Variant(std::string param, std::string op) && {
  variant_param = std::move(param);
  variant_operation = std::move(op);
  return std::move(*this);
}

RouteSpec&& RouteSpec::DatasetFrom(std::string param) && {
  dataset_query = std::move(param);
  return std::move(*this);
}

namespace {

std::vector<RouteSpec> Build() {
  using namespace route_builders;
  using K = Kind;
  const std::string records = "/v1/datasets/{ds}/records";
  const std::string record = records + "/{id}";
  return {
      // Operations: no personal data, no credentials.
      Public("GET", "/healthz", "ops.health"),
      Public("GET", "/readyz", "ops.ready"),
      // Served on the operations listener only (config metrics_listen).
      Public("GET", "/metrics", "ops.metrics"),

      // Sessions. The logon is the one public route that takes a body.
      Public("POST", "/v1/auth/login", "auth.login")
          .Strict({{"user", K::kString, kRequired},
                   {"password", K::kString, kRequired, kSecret},
                   {"totp", K::kString, false, kSecret}}),
      // {"everywhere": true} ends the person's other sessions too.
      Session("POST", "/v1/auth/logout", "auth.logout")
          .Strict({{"everywhere", K::kBool}})
          .Optional(),
      Session("GET", "/v1/auth/session", "auth.session"),
      Session("POST", "/v1/auth/password", "auth.password")
          .Strict({{"current", K::kString, kRequired, kSecret},
                   {"new", K::kString, kRequired, kSecret}}),
      Session("POST", "/v1/auth/totp", "auth.totp"),
      Session("POST", "/v1/auth/totp/confirm", "auth.totp_confirm")
          .Strict({{"code", K::kString, kRequired, kSecret}}),

      // Datasets (台帳): definitions hold no personal data.
      // ?searchable=true: only the datasets, and purposes, in which the
      // person's grants allow a search (routes_datasets.cc).
      System("GET", "/v1/datasets", "dataset.list").Query({"searchable"}),
      System("POST", "/v1/datasets", "dataset.create").Json(),
      System("GET", "/v1/datasets/{ds}", "dataset.show"),
      System("GET", "/v1/datasets/{ds}/ledger", "dataset.ledger"),
      // Every dataset's ledger entry summarised, each audited as its own
      // dataset.ledger read (routes_datasets.cc).
      System("GET", "/v1/ledger", "dataset.ledger"),

      // Records: every use names a registered purpose and needs a grant for it;
      // disposal needs a shred grant and is not a use of the data.
      Data("POST", records, "record.put", kRequired).Json(),
      // One collection GET, two operations granted separately: with ?field=
      // it finds by a blind index, otherwise it lists a page.
      Data("GET", records, "record.list", kRequired)
          .Variant("field", "record.find")
          .Query({"field", "value", "cursor", "limit"}),
      Data("GET", record, "record.get", kRequired),
      Data("PATCH", record, "record.update", kRequired).Json(),
      // Outside the retention sweep a disposal names its approved
      // non-standard-work request ([003 V(4)①D], approval/flows.h).
      Data("DELETE", record, "record.shred", false).Query({"reason", "reference", "approval"}),
      Data("GET", record + "/history", "record.history", kRequired),
      // The end of use (利用終了) of a record: the retention period counted
      // from it starts; the sweep shreds the record when it is over.
      Data("POST", record + "/end-use", "record.end_use", kRequired)
          .Strict({{"date", K::kString, kRequired}}),

      // People (the administrator's and the CISO's side of identity).
      System("GET", "/v1/users", "user.list").Query(kPage),
      System("POST", "/v1/users", "user.create")
          .Strict({{"id", K::kString, kRequired},
                   {"display_name", K::kString, kRequired},
                   {"department"},
                   {"manager"},
                   {"positions", K::kStrings},
                   {"roles", K::kStrings},
                   {"birth_date", K::kString, false, kSecret},
                   {"phone", K::kString, false, kSecret},
                   {"hired", K::kString},
                   {"hire_kind", K::kString},
                   {"password", K::kString, kRequired, kSecret}}),
      System("GET", "/v1/users/{user}", "user.show").Target("user"),
      System("PATCH", "/v1/users/{user}", "user.update")
          .Target("user")
          .Strict({{"display_name"},
                   {"department"},
                   {"manager"},
                   {"birth_date", K::kString, false, kSecret},
                   {"phone", K::kString, false, kSecret}}),
      System("POST", "/v1/users/{user}/disable", "user.disable")
          .Target("user")
          .Strict({{"reason", K::kString, kRequired}}),
      System("POST", "/v1/users/{user}/enable", "user.enable").Target("user"),
      System("POST", "/v1/users/{user}/unlock", "user.unlock").Target("user"),
      System("POST", "/v1/users/{user}/password", "user.reset_password")
          .Target("user")
          .Strict({{"password", K::kString, kRequired, kSecret}, {"request"}}),
      System("DELETE", "/v1/users/{user}/totp", "user.reset_totp")
          .Target("user")
          .Query({"request"}),
      System("PUT", "/v1/users/{user}/roles/{role}", "user.roles").Target("user"),
      System("DELETE", "/v1/users/{user}/roles/{role}", "user.roles").Target("user"),
      System("PUT", "/v1/users/{user}/positions/{position}", "user.positions").Target("user"),
      System("DELETE", "/v1/users/{user}/positions/{position}", "user.positions").Target("user"),
      System("GET", "/v1/roles", "role.list"),

      // Terminals and service accounts.
      System("GET", "/v1/terminals", "terminal.list").Query(kPage),
      System("POST", "/v1/terminals", "terminal.register")
          .Strict({{"id", K::kString, kRequired},
                   {"fingerprint", K::kString, kRequired},
                   {"description"},
                   {"controlled_area", K::kBool}}),
      System("GET", "/v1/terminals/{terminal}", "terminal.show").Target("terminal"),
      System("PATCH", "/v1/terminals/{terminal}", "terminal.update")
          .Target("terminal")
          .Strict({{"fingerprint"}, {"description"}, {"controlled_area", K::kBool}}),
      System("POST", "/v1/terminals/{terminal}/disable", "terminal.disable").Target("terminal"),
      System("POST", "/v1/terminals/{terminal}/enable", "terminal.enable").Target("terminal"),
      System("GET", "/v1/service-accounts", "service.list").Query(kPage),
      System("POST", "/v1/service-accounts", "service.create")
          .Strict({{"id", K::kString, kRequired},
                   {"display_name", K::kString, kRequired},
                   {"cert_fingerprint", K::kString, kRequired},
                   {"roles", K::kStrings}}),
      System("GET", "/v1/service-accounts/{account}", "service.show").Target("account"),
      System("PUT", "/v1/service-accounts/{account}/certificate", "service.update")
          .Target("account")
          .Strict({{"cert_fingerprint", K::kString, kRequired}, {"request"}}),
      System("PUT", "/v1/service-accounts/{account}/roles/{role}", "service.roles")
          .Target("account"),
      System("DELETE", "/v1/service-accounts/{account}/roles/{role}", "service.roles")
          .Target("account"),
      System("POST", "/v1/service-accounts/{account}/disable", "service.disable").Target("account"),
      System("POST", "/v1/service-accounts/{account}/enable", "service.enable").Target("account"),

      // Policy parameters.
      System("GET", "/v1/policy/identity", "policy.show"),
      System("PUT", "/v1/policy/identity", "policy.update").Json(),

      // The audit log.
      System("GET", "/v1/audit/head", "audit.head"),
      System("GET", "/v1/audit/proof", "audit.proof").Query({"seq", "size"}),
      System("GET", "/v1/audit/consistency", "audit.consistency").Query({"from", "to"}),
      System("GET", "/v1/audit/events", "audit.events")
          .Query(
              {"actor", "dataset", "operation", "result", "since", "until", "from_seq", "limit"}),
      // A signed head the auditor kept, checked against the log (auditors).
      System("POST", "/v1/audit/verify", "audit.verify")
          .Strict({{"key", K::kString, kRequired},
                   {"root", K::kString, kRequired},
                   {"signature", K::kString, kRequired},
                   {"size", K::kAny, kRequired},
                   {"time", K::kString, kRequired}}),

      // The rights flow and its register (アクセス権限管理簿).
      System("POST", "/v1/rights/requests", "rights.request")
          .Strict({{"kind"},
                   {"right", K::kAny},
                   {"grant"},
                   {"person"},
                   {"role"},
                   {"credential"},
                   {"dataset"},
                   {"terminals", K::kAny},
                   {"mask_scope", K::kAny},
                   {"mask_rule", K::kAny},
                   {"reason"}}),
      // A use application (利用申請): anyone applies, for named persons
      // until an expiry; the section manager of the applicant's department
      // approves (policy::RightsAdmin::RequestUse).
      System("POST", "/v1/rights/uses", "rights.use_request")
          .Strict({{"right", K::kAny, kRequired}, {"reason"}}),
      System("GET", "/v1/rights/requests", "rights.register").Query({"state", "limit", "cursor"}),
      System("GET", "/v1/rights/requests/{request}", "rights.register").Target("request"),
      System("POST", "/v1/rights/requests/{request}/approve", "rights.approve")
          .Target("request")
          .Strict({{"comment"}})
          .Optional(),
      System("POST", "/v1/rights/requests/{request}/configure", "rights.configure")
          .Target("request")
          .Strict({{"comment"}})
          .Optional(),
      System("POST", "/v1/rights/requests/{request}/reject", "rights.reject")
          .Target("request")
          .Strict({{"reason"}}),
      System("POST", "/v1/rights/requests/{request}/withdraw", "rights.withdraw")
          .Target("request")
          .Strict({{"reason"}}),
      System("GET", "/v1/rights/register", "rights.register")
          .Query({"role", "person", "dataset", "category", "since", "until", "kind", "include_open",
                  "limit", "cursor"}),
      System("GET", "/v1/rights/grants", "rights.register")
          .Query({"include_removed", "limit", "cursor"}),
      System("GET", "/v1/rights/grants/{grant}", "rights.register").Target("grant"),
      System("GET", "/v1/rights/holdings", "rights.register")
          .Query({"role", "person", "dataset", "category", "limit", "cursor"}),

      // Disposal records (廃棄記録) of a dataset: what was destroyed, when,
      // by whom and under which approval.
      System("GET", "/v1/disposals", "disposal.list").Query({"dataset", "limit", "cursor"}),

      // Approval requests of every flow (approval/approvals.h); the engine
      // decides again who may take which step of one request.
      System("GET", "/v1/approvals", "approval.list")
          .Query({"view", "type", "state", "limit", "cursor"}),
      System("GET", "/v1/approvals/ledger", "approval.ledger")
          .Query({"type", "state", "limit", "cursor"}),
      System("POST", "/v1/approvals", "approval.submit")
          .Strict({{"type", K::kString, kRequired},
                   {"subject", K::kString, kRequired},
                   {"action", K::kString, kRequired},
                   {"reason", K::kString, kRequired},
                   {"attachments", K::kStrings},
                   {"acted_at"},
                   {"details", K::kAny}}),
      System("GET", "/v1/approvals/{approval}", "approval.show").Target("approval"),
      System("POST", "/v1/approvals/{approval}/approve", "approval.decide")
          .Target("approval")
          .Strict({{"comment"}})
          .Optional(),
      System("POST", "/v1/approvals/{approval}/reject", "approval.decide")
          .Target("approval")
          .Strict({{"reason"}})
          .Optional(),
      System("POST", "/v1/approvals/{approval}/cancel", "approval.cancel")
          .Target("approval")
          .Strict({{"reason"}})
          .Optional(),

      // Take-outs (持ち出し, engine/takeout.h, approval/takeout_flow.h): the
      // export is a data operation on the approved dataset, named by
      // ?dataset= (the take-out's own routes have no {ds}), under the
      // approval's purpose; the file goes to its exporter only; the
      // register is for managers and evidence readers, one take-out for
      // those and its exporter and approvers (narrowed by the handler).
      Data("POST", "/v1/takeouts", "record.export", kRequired)
          .DatasetFrom("dataset")
          .Query({"dataset"})
          .Strict({{"approval", K::kString, kRequired},
                   {"recipient_certificate", K::kString, kRequired},
                   {"all", K::kBool},
                   {"records", K::kStrings},
                   {"fields", K::kStrings},
                   {"until"}}),
      System("GET", "/v1/takeouts", "takeout.list")
          .Query({"dataset", "open", "overdue", "limit", "cursor"}),
      System("GET", "/v1/takeouts/{takeout}", "takeout.show").Target("takeout"),
      System("GET", "/v1/takeouts/{takeout}/manifest", "takeout.show").Target("takeout"),
      System("GET", "/v1/takeouts/{takeout}/file", "takeout.file").Target("takeout"),
      System("POST", "/v1/takeouts/{takeout}/confirm", "takeout.confirm")
          .Target("takeout")
          .Strict({{"disposition", K::kString, kRequired}}),

      // Two-person control of credit inquiries ([003 VI(1)], approval/inquiries.h):
      // the operator applies, runs and receives the answer, a confirmer of
      // the operator's department approves, issues the number or releases
      // the answer; the inquiry's read is authorised again as a record.get
      // of its dataset and purpose. Branches register their requests of
      // head-office inquiries, which head office reconciles [003 VI(1)②].
      System("GET", "/v1/inquiries", "inquiry.show").Query({"state", "dataset", "limit", "cursor"}),
      System("POST", "/v1/inquiries", "inquiry.apply")
          .Strict({{"dataset", K::kString, kRequired},
                   {"record", K::kString, kRequired},
                   {"purpose", K::kString, kRequired},
                   {"consent", K::kString, kRequired},
                   {"branch_request"}}),
      System("GET", "/v1/inquiries/lists", "list.show")
          .Query({"date", "dataset", "state", "limit", "cursor"}),
      System("GET", "/v1/inquiries/requests", "inquiry.show").Query(kPage),
      System("POST", "/v1/inquiries/requests", "inquiry.request")
          .Strict({{"dataset", K::kString, kRequired}, {"consent", K::kString, kRequired}}),
      System("GET", "/v1/inquiries/reconciliation", "inquiry.reconcile").Query({"from", "to"}),
      System("GET", "/v1/inquiries/{inquiry}", "inquiry.show").Target("inquiry"),
      System("POST", "/v1/inquiries/{inquiry}/approve", "inquiry.confirm").Target("inquiry"),
      System("POST", "/v1/inquiries/{inquiry}/issue-number", "inquiry.confirm").Target("inquiry"),
      System("POST", "/v1/inquiries/{inquiry}/run", "inquiry.run")
          .Target("inquiry")
          .Strict({{"approval_number", K::kString, false, kSecret}})
          .Optional(),
      System("POST", "/v1/inquiries/{inquiry}/release", "inquiry.confirm").Target("inquiry"),
      System("GET", "/v1/inquiries/{inquiry}/answer", "inquiry.answer").Target("inquiry"),

      // Reviews of rights.
      System("POST", "/v1/reviews", "review.start").Strict({{"title"}, {"department"}, {"due"}}),
      System("GET", "/v1/reviews", "review.list").Query(kPage),
      System("GET", "/v1/reviews/overdue", "review.list").Query(kPage),
      System("GET", "/v1/reviews/{campaign}", "review.list").Target("campaign"),
      System("GET", "/v1/reviews/{campaign}/items", "review.list")
          .Target("campaign")
          .Query({"reviewer", "person", "state", "limit", "cursor"}),
      System("POST", "/v1/reviews/{campaign}/items/{item}/confirm", "review.decide")
          .Target("campaign")
          .Strict({{"comment"}})
          .Optional(),
      System("POST", "/v1/reviews/{campaign}/items/{item}/revoke", "review.decide")
          .Target("campaign")
          .Strict({{"reason"}}),

      // The analysis of access records: findings and the steps taken on them
      // (the analysis decides who may take which), the daily reconciliation
      // lists (who may confirm: the analysis again), the evaluation's state,
      // an on-demand report, and the analysis policy.
      System("GET", "/v1/findings", "finding.list")
          .Query({"status", "rule", "owner", "actor", "format", "limit", "cursor"}),
      System("GET", "/v1/findings/{finding}", "finding.list").Target("finding"),
      System("POST", "/v1/findings/{finding}/review", "finding.update")
          .Target("finding")
          .Strict({{"comment"}})
          .Optional(),
      System("POST", "/v1/findings/{finding}/explain", "finding.update")
          .Target("finding")
          .Strict({{"reason"}}),
      System("POST", "/v1/findings/{finding}/escalate", "finding.update")
          .Target("finding")
          .Strict({{"reason"}}),
      System("GET", "/v1/lists", "list.show")
          .Query({"date", "dataset", "state", "format", "limit", "cursor"}),
      System("GET", "/v1/lists/{list}", "list.show").Target("list"),
      System("POST", "/v1/lists/{list}/confirm", "list.confirm")
          .Target("list")
          .Strict({{"comment"}})
          .Optional(),
      System("GET", "/v1/analysis/status", "analysis.status"),
      System("GET", "/v1/analysis/report", "analysis.run").Query({"from", "to"}),
      // The thresholds are detection parameters: not for everyone to read
      // (someone who knows them can stay under them).
      System("GET", "/v1/policy/analysis", "analysis.policy"),
      // A change of the thresholds needs an approved policy_change request
      // (?approval=, approval/flows.h): nobody raises them alone.
      System("PUT", "/v1/policy/analysis", "policy.update").Json().Query({"approval"}),

      // The approval flows' lifetimes and filing deadline (approval/
      // flow_parameters.h); changed like the analysis policy.
      System("GET", "/v1/policy/approval", "policy.show"),
      System("PUT", "/v1/policy/approval", "policy.update").Json().Query({"approval"}),

      // Exception measures (例外措置, approval/exceptions.h): the ledger, the
      // CISO's designation of approvers, the reports to the chief security
      // manager and the trends; the ledger decides again who may take which
      // step. Approving one is POST /v1/approvals/{id}/approve.
      System("GET", "/v1/exceptions", "exception.ledger")
          .Query({"state", "rule", "department", "applicant", "in_force", "limit", "cursor"}),
      System("POST", "/v1/exceptions", "exception.apply")
          .Strict({{"rule", K::kString, kRequired},
                   {"measure", K::kString, kRequired},
                   {"scope", K::kString, kRequired},
                   {"reason", K::kString, kRequired},
                   {"start", K::kString, kRequired},
                   {"end", K::kString, kRequired},
                   {"attachments", K::kStrings},
                   {"acted_at"}}),
      System("GET", "/v1/exceptions/approvers", "exception.approvers"),
      System("PUT", "/v1/exceptions/approvers", "exception.designate")
          .Strict({{"roles", K::kStrings}, {"persons", K::kStrings}}),
      System("GET", "/v1/exceptions/reports", "exception.report_list").Query(kPage),
      System("POST", "/v1/exceptions/reports", "exception.report")
          .Strict({{"period", K::kString, kRequired}}),
      System("GET", "/v1/exceptions/reports/{report}", "exception.report_list").Target("report"),
      System("POST", "/v1/exceptions/reports/{report}/acknowledge", "exception.report_ack")
          .Target("report"),
      System("GET", "/v1/exceptions/trends", "exception.trends").Query({"from", "to"}),
      System("GET", "/v1/exceptions/{exception}", "exception.show").Target("exception"),
      System("POST", "/v1/exceptions/{exception}/end", "exception.end")
          .Target("exception")
          .Strict({{"reason"}})
          .Optional(),

      // Connections to other institutions (電算結合, exchange/connections.h):
      // registered once their connection approval is granted; the card is
      // the ward's 第5号様式; the kill switch suspends at once.
      System("GET", "/v1/connections", "connection.list").Query(kPage),
      System("POST", "/v1/connections", "connection.add").Json(),
      System("GET", "/v1/connections/{connection}", "connection.show").Target("connection"),
      System("GET", "/v1/connections/{connection}/card", "connection.show")
          .Target("connection")
          .Query({"format"}),
      System("POST", "/v1/connections/{connection}/suspend", "connection.suspend")
          .Target("connection")
          .Strict({{"reason", K::kString, kRequired}}),
      System("POST", "/v1/connections/{connection}/resume", "connection.suspend")
          .Target("connection")
          .Strict({{"reason", K::kString, kRequired}}),
      System("GET", "/v1/connections/{connection}/provisions", "provision.list")
          .Target("connection"),
      // The exchange itself: peer nodes only, by their pinned certificate,
      // on the exchange listener (exchange_server.h). The body is sealed to
      // this node; the node opens and checks it (exchange/node.h).
      Peer("POST", "/v1/exchange/{kind}", "exchange.receive").Json(),

  };
}

}  // namespace

std::span<const RouteSpec> RouteTable() {
  static const std::vector<RouteSpec> table = [] {
    std::vector<RouteSpec> all = Build();
    for (auto& r : GovernanceRoutes()) all.push_back(std::move(r));
    return all;
  }();
  return table;
}

const RouteSpec* FindRouteSpec(std::span<const RouteSpec> table, std::string_view method,
                               std::string_view pattern) {
  auto it = std::find_if(table.begin(), table.end(), [&](const RouteSpec& r) {
    return r.method == method && r.pattern == pattern;
  });
  return it == table.end() ? nullptr : &*it;
}

std::string_view GuardName(Guard guard) {
  switch (guard) {
    case Guard::kUndeclared:
      return "undeclared";
    case Guard::kPublic:
      return "public";
    case Guard::kSession:
      return "session";
    case Guard::kSystem:
      return "system";
    case Guard::kData:
      return "data";
    case Guard::kPeer:
      return "peer";
  }
  return "undeclared";
}

}  // namespace mamori::api
