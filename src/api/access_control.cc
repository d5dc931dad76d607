#include "api/access_control.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "identity/ids.h"
#include "policy/rights_gate.h"
#include "policy/system_rights.h"

namespace mamori::api {
namespace {

// Successful system reads the server records itself: nothing below the api
// audits them, and who looked at the audit log, the people or the register
// is evidence too (who looked at the credit inquiries as well). Mutations
// and the engine's reads audit themselves.
constexpr std::array<std::string_view, 24> kServerAuditedReads = {
    "audit.head",    "audit.proof",     "audit.consistency", "audit.events",     "audit.verify",
    "user.list",     "user.show",       "terminal.list",     "terminal.show",    "service.list",
    "service.show",  "rights.register", "review.list",       "policy.show",      "finding.list",
    "list.show",     "analysis.status", "analysis.run",      "analysis.policy",  "approval.list",
    "approval.show", "approval.ledger", "inquiry.show",      "inquiry.reconcile"};
// The same for the exception ledger (例外措置台帳): who read which exceptions,
// their approvers, the reports and the trends.
constexpr std::array<std::string_view, 5> kServerAuditedExceptionReads = {
    "exception.ledger", "exception.show", "exception.approvers", "exception.report_list",
    "exception.trends"};

// Incidents (漏えい等事案): who read which incident and its report form.
constexpr std::array<std::string_view, 3> kIncidentAuditedReads = {"incident.list", "incident.show",
                                                                   "incident.form"};

// The connection register and its provision records, read the same way
// (who looked at what flows to other institutions is evidence too).
constexpr std::array<std::string_view, 3> kExchangeAuditedReads = {
    "connection.list", "connection.show", "provision.list"};

// The registers (contractors, cloud services, systems, devices, media, …):
// who read which register is evidence too.
constexpr std::array<std::string_view, 1> kRegisterAuditedReads = {"register.read"};
// The compliance report and its attestations: who looked at the
// organisation's compliance is evidence too.
constexpr std::array<std::string_view, 2> kReportAuditedReads = {"report.compliance",
                                                                 "report.attestations"};
// The organisation's own cycles (training, self-inspection, internal
// audit): who read the plans, attendance, checklists and findings.
constexpr std::array<std::string_view, 5> kGovernanceAuditedReads = {
    "training.list", "training.currency", "internal_audit.list", "inspection.list",
    "inspection.checklist"};

bool Contains(std::span<const std::string_view> list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// True when the server itself records a successful `operation` as a read.
bool IsServerAuditedRead(std::string_view operation) {
  const std::span<const std::string_view> lists[] = {
      kServerAuditedReads,    kServerAuditedExceptionReads, kIncidentAuditedReads,
      kExchangeAuditedReads,  kRegisterAuditedReads,        kReportAuditedReads,
      kGovernanceAuditedReads};
  for (auto list : lists) {
    if (Contains(list, operation)) return true;
  }
  return false;
}

engine::Context PrincipalContext(const identity::Principal& who, std::string_view purpose,
                                 std::string_view request_id) {
  engine::Context ctx;
  ctx.actor = who.id;
  ctx.terminal = !who.terminal.id.empty()            ? who.terminal.id
                 : !who.terminal.fingerprint.empty() ? "cert:" + who.terminal.fingerprint
                                                     : "";
  ctx.purpose = std::string(purpose);
  ctx.request_id = std::string(request_id);
  return ctx;
}

// Only identifiers reach the audit log: a dataset name that is not one is
// replaced (the client may have typed anything there).
std::string SafeIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return s.empty() ? "" : "(invalid)";
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return "(invalid)";
    }
  }
  return std::string(s);
}

// The target of an action as the audit event names it: an identity id
// (identity/ids.h: [a-z0-9._-]) or a policy record id (a capital letter and
// digits: "R00000001", "G…", "C…"). The path segment it comes from is the
// client's to type, so anything else is replaced and no other text can
// reach the log through it.
std::string SafeTarget(std::string_view s) {
  const bool policy_id =
      s.size() >= 2 && s.size() <= 20 && s.front() >= 'A' && s.front() <= 'Z' &&
      std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!s.empty() && !identity::IsValidId(s) && !policy_id) return "(invalid)";
  // Shaped like an id but holding a person's number (a My Number typed as a
  // finding or request id): the event validator would refuse the whole
  // refusal, which then went unrecorded and was answered 500.
  return audit::EventIdentifier(s);
}

// The event attributes of an action: its target, when it has one.
std::map<std::string, std::string> TargetAttrs(const Action& action) {
  if (action.target.empty()) return {};
  return {{"target", SafeTarget(action.target)}};
}

Code CodeOfHttpStatus(int status) {
  switch (status) {
    case 401:
      return Code::kUnauthenticated;
    case 403:
      return Code::kPermissionDenied;
    case 404:
      return Code::kNotFound;
    case 409:
      return Code::kFailedPrecondition;
    case 503:
      return Code::kUnavailable;
    default:
      return status >= 500 ? Code::kInternal : Code::kInvalidArgument;
  }
}

// The rules the data operation of each recent request was authorised under:
// Disclose masks that request's answer under the same rules, which also
// spares it a second read of the policy version. Disclose may run on
// another thread than Authorize (a deferred read answers from the store's
// thread), so this is shared, one slot per request id's hash. A request whose
// slot another has taken since falls back to reading the rules in force.
class AuthorisedRules {
 public:
  void Remember(std::string_view request_id, std::shared_ptr<const policy::Snapshot> rules) {
    Slot& slot = slots_[Index(request_id)];
    std::lock_guard lock(mu_);
    slot.request_id.assign(request_id);
    slot.rules = std::move(rules);
  }
  std::shared_ptr<const policy::Snapshot> Find(std::string_view request_id) {
    const Slot& slot = slots_[Index(request_id)];
    std::lock_guard lock(mu_);
    return slot.request_id == request_id ? slot.rules : nullptr;
  }

 private:
  // Far more than the requests a server has in flight at once.
  static constexpr size_t kSlots = 4096;
  struct Slot {
    std::string request_id;
    std::shared_ptr<const policy::Snapshot> rules;
  };
  static size_t Index(std::string_view request_id) {
    return std::hash<std::string_view>{}(request_id) % kSlots;
  }
  std::mutex mu_;
  std::array<Slot, kSlots> slots_;
};
AuthorisedRules authorised_rules;

}  // namespace

engine::Context RequestContext(const RequestInfo& request) {
  static_assert(identity::IsReservedId("anonymous"), "no principal may act as nobody");
  engine::Context ctx;
  ctx.actor = "anonymous";
  ctx.request_id = request.request_id;
  ctx.terminal = !request.peer.cert_sha256.empty() ? "cert:" + request.peer.cert_sha256
                 : !request.peer.address.empty()   ? "remote:" + request.peer.address
                                                   : "";
  return ctx;
}

std::optional<policy::Operation> DataOperation(std::string_view op) {
  using policy::Operation;
  if (op == "record.get" || op == "record.history" || op == "record.list") return Operation::kRead;
  if (op == "record.put" || op == "record.update" || op == "record.end_use") {
    return Operation::kWrite;
  }
  if (op == "record.find") return Operation::kFind;
  if (op == "record.export") return Operation::kExport;
  if (op == "record.shred") return Operation::kShred;
  return std::nullopt;
}

Result<identity::Principal> AccessControl::Authenticate(const RequestInfo& request) {
  const engine::Context ctx = RequestContext(request);
  const std::string_view token = BearerToken(request);
  if (!token.empty()) {
    const bool restricted_ok = Contains(kRestrictedRoutes, request.route);
    identity::Terminal terminal;
    MAMORI_ASSIGN_OR_RETURN(auto session,
                            identity_.authenticator().TouchFromCertificate(
                                token, request.peer.cert_sha256, &terminal, ctx, restricted_ok));
    identity::Principal who = std::move(session.principal);
    who.terminal = terminal;
    return who;
  }
  if (!request.peer.cert_sha256.empty()) {
    MAMORI_ASSIGN_OR_RETURN(identity::Terminal terminal,
                            identity_.terminals().ResolveTerminal(request.peer.cert_sha256));
    MAMORI_ASSIGN_OR_RETURN(
        identity::Principal who,
        identity_.service_accounts().AuthenticateCertificate(request.peer.cert_sha256, ctx));
    who.terminal = terminal;
    return who;
  }
  Status why = Status::Unauthenticated(
      "log on first (POST /v1/auth/login) and send the token as 'Authorization: Bearer TOKEN', "
      "or present an application's client certificate",
      "先にログオン (POST /v1/auth/login) し、トークンを 'Authorization: Bearer TOKEN' "
      "で送るか、アプリケーションのクライアント証明書を提示してください",
      "credentials.missing");
  return Fail(engine_.RecordRefusal(ctx, "api.authenticate", "", why));
}

Status AccessControl::CheckDeclaration(const RouteSpec& spec) const {
  const std::string where = spec.method + " " + spec.pattern;
  auto refuse = [&](const std::string& what, const std::string& what_ja) {
    return Status::FailedPrecondition("route " + where + ": " + what,
                                      "ルート " + where + ": " + what_ja, "route");
  };
  std::vector<std::string> operations = {spec.operation};
  if (!spec.variant_operation.empty()) operations.push_back(spec.variant_operation);
  switch (spec.guard) {
    case Guard::kPublic:
    case Guard::kSession:
      return Status::Ok();
    case Guard::kPeer:
      // Refused to every principal this authenticator produces (call.cc).
      if (!spec.operation.starts_with("exchange.")) {
        return refuse("a peer route's operation is an exchange operation",
                      "相手方ノードのルートの操作は exchange の操作です");
      }
      return Status::Ok();
    case Guard::kSystem:
      for (const auto& op : operations) {
        if (!policy::FindSystemRule(op)) {
          return refuse("no system rule covers operation " + op,
                        "操作 " + op + " を定めるシステム権限がありません");
        }
      }
      return Status::Ok();
    case Guard::kData:
      if ((spec.pattern.find("{ds}") == std::string::npos) == spec.dataset_query.empty() ||
          (!spec.dataset_query.empty() && std::find(spec.query.begin(), spec.query.end(),
                                                    spec.dataset_query) == spec.query.end())) {
        return refuse(
            "a data route must name its dataset as {ds} or as one declared query parameter",
            "データ操作のルートはデータセットを {ds} "
            "または宣言したクエリパラメータで示す必要があります");
      }
      for (const auto& op : operations) {
        const auto data_op = DataOperation(op);
        if (!data_op) {
          return refuse("operation " + op + " is not a data operation",
                        "操作 " + op + " はデータ操作ではありません");
        }
        if (policy::NeedsPurpose(*data_op) != spec.purpose) {
          return refuse(
              "operation " + op + (spec.purpose ? " takes no purpose" : " needs a purpose"),
              "操作 " + op + " の利用目的の宣言が権限の規則と一致しません");
        }
      }
      return Status::Ok();
    case Guard::kUndeclared:
      break;
  }
  return refuse("the route declares who may call it", "呼び出せる者が宣言されていません");
}

namespace {

// The principal as far as system operations go. A person suspended by a
// leave review (policy/review_types.h) keeps what every role may do and
// nothing more: the roles that carry system rights (approving, managing
// people, reading evidence) are under review like their grants, and stay
// suspended until it is decided. Fails closed when the rules are unreadable.
Result<identity::Principal> SystemStanding(policy::Authorizer& policy,
                                           const identity::Principal& who, bool* suspended) {
  MAMORI_ASSIGN_OR_RETURN(auto rules, policy.Current());
  *suspended = rules->suspended.contains(who.id);
  if (!*suspended) return who;
  identity::Principal acting = who;
  const auto carrying = policy::RolesCarryingSystemRights();
  std::erase_if(acting.roles, [&](const std::string& role) {
    return std::find(carrying.begin(), carrying.end(), role) != carrying.end();
  });
  return acting;
}

}  // namespace

Result<std::vector<std::string>> AccessControl::SystemOperations(const identity::Principal& who) {
  bool suspended = false;
  MAMORI_ASSIGN_OR_RETURN(identity::Principal standing, SystemStanding(policy_, who, &suspended));
  std::vector<std::string> allowed;
  for (const policy::SystemRule& rule : policy::SystemRules()) {
    if (policy::SystemAllows(standing, rule.operation)) allowed.emplace_back(rule.operation);
  }
  return allowed;
}

Status AccessControl::Authorize(const identity::Principal& who, const Action& action) {
  if (DataOperation(action.operation)) return AuthorizeData(who, action);
  // System operations are not uses of personal data: they carry no purpose.
  const engine::Context ctx = PrincipalContext(who, "", action.request_id);
  bool suspended = false;
  auto standing = SystemStanding(policy_, who, &suspended);
  if (!standing) {
    policy::Decision unavailable;
    unavailable.code = policy::kUnavailable;
    return engine_.RecordRefusal(ctx, action.operation, SafeIdentifier(action.dataset),
                                 unavailable.ToStatus(), TargetAttrs(action));
  }
  if (suspended && !policy::SystemAllows(*standing, action.operation) &&
      policy::SystemAllows(who, action.operation)) {
    policy::Decision disabled;
    disabled.code = policy::kDisabled;
    return engine_.RecordRefusal(ctx, action.operation, SafeIdentifier(action.dataset),
                                 disabled.ToStatus(), TargetAttrs(action));
  }
  if (!policy::SystemAllows(*standing, action.operation)) {
    const policy::SystemRule* rule = policy::FindSystemRule(action.operation);
    Status why = Status::PermissionDenied(
        rule ? "none of your roles may do " + std::string(action.operation)
             : "operation " + std::string(action.operation) + " is not allowed to anyone",
        rule ? "この操作 (" + std::string(rule->description_ja) + ") を行える役割がありません"
             : "操作 " + std::string(action.operation) + " は許可されていません",
        "policy.no_role");
    return engine_.RecordRefusal(ctx, action.operation, SafeIdentifier(action.dataset), why,
                                 TargetAttrs(action));
  }
  if (IsServerAuditedRead(action.operation)) {
    auto seq = engine_.RecordEvent(ctx, action.operation, SafeIdentifier(action.dataset),
                                   TargetAttrs(action));
    if (!seq) return seq.error();  // fail closed: no unaudited read
  }
  return Status::Ok();
}

// Never allows on an error: an unknown dataset, unreadable rules, a missing
// or unregistered purpose are refusals like any other, decided and audited
// here (the engine checks them again when it acts).
Status AccessControl::AuthorizeData(const identity::Principal& who, const Action& action) {
  const std::optional<policy::Operation> op = DataOperation(action.operation);
  if (!op) return Status::Internal("not a data operation", "データ操作ではありません");
  auto def = engine_.Definition(action.dataset);
  if (!def) {
    const engine::Context ctx = PrincipalContext(who, "", action.request_id);
    return engine_.RecordRefusal(ctx, action.operation, action.dataset, def.error());
  }
  std::shared_ptr<const policy::Snapshot> rules;
  const policy::Decision d = policy_.AuthorizeUnder(who, **def, *op, action.purpose, &rules);
  if (d.allowed) {
    if (!action.request_id.empty()) {
      authorised_rules.Remember(action.request_id, std::move(rules));
    }
    return Status::Ok();
  }
  policy::Caller caller{who, std::string(action.request_id), 0};
  Status recorded = policy_.RecordRefusal(caller, **def, *op, action.purpose, d);
  if (!recorded.ok()) return recorded;
  return d.ToStatus();
}

nlohmann::json AccessControl::Disclose(const identity::Principal& who, const Action& action,
                                       nlohmann::json values) {
  if (action.operation == "audit.proof") {
    // A proof is hashes, for anyone who keeps receipts; the event in it
    // (actor, terminal, purpose, record) is for those who may read events.
    if (values.is_object() && !policy::SystemAllows(who, "audit.events")) values.erase("event");
    return values;
  }
  auto op = DataOperation(action.operation);
  // The values come from an engine operation that has just confirmed the
  // definition in its own transaction: no second read of it.
  auto def = engine_.CachedDefinition(action.dataset);
  if (!op || !def) return nlohmann::json::object();
  const policy::Operation mask_op =
      *op == policy::Operation::kExport ? policy::Operation::kExport : policy::Operation::kRead;
  if (!action.request_id.empty()) {
    if (auto rules = authorised_rules.Find(action.request_id)) {
      return policy::Authorizer::ApplyMask(*rules, who, **def, action.purpose, values, mask_op);
    }
  }
  return policy_.ApplyMask(who, **def, action.purpose, values, mask_op);
}

void AccessControl::Refused(const RequestInfo& request, const identity::Principal* who,
                            const Problem& problem) {
  engine::Context ctx =
      who ? PrincipalContext(*who, "", request.request_id) : RequestContext(request);
  Status why(CodeOfHttpStatus(problem.status), problem.detail, problem.detail_ja, problem.code);
  // A failure to audit cannot change the answer (it is already a refusal);
  // the engine's own error log carries it.
  (void)engine_.RecordRefusal(ctx, "api.request", "", why);
}

}  // namespace mamori::api
