#include "api/stack.h"

#include "analysis/parameters.h"
#include "approval/flows.h"
#include "approval/inquiries.h"
#include "approval/takeout_flow.h"
#include "policy/separation.h"

namespace mamori::api {

Result<std::unique_ptr<identity::Identity>> OpenIdentity(engine::Engine& engine,
                                                         identity::IdentityOptions options) {
  MAMORI_ASSIGN_OR_RETURN(auto key, engine.DeriveModuleKey(kIdentityKeyLabel));
  return identity::Identity::Open(engine.data_store(), key, std::move(options));
}

policy::Caller CallerFor(const identity::User& user, std::string request_id) {
  policy::Caller c;
  c.principal.id = user.id;
  c.principal.display_name = user.display_name;
  c.principal.department = user.department;
  c.principal.roles = user.roles;
  c.principal.positions = user.positions;
  c.request_id = std::move(request_id);
  return c;
}

Result<std::unique_ptr<Stack>> Stack::Open(engine::Engine& engine,
                                           identity::IdentityOptions options) {
  std::unique_ptr<Stack> s(new Stack(engine));
  MAMORI_ASSIGN_OR_RETURN(s->identity_, OpenIdentity(engine, std::move(options)));
  s->people_ = std::make_unique<policy::IdentityDirectory>(s->identity_->directory(),
                                                           s->identity_->service_accounts());
  store::Storage& store = engine.data_store();
  s->policy_ = std::make_unique<policy::Authorizer>(store);
  s->rights_ = std::make_unique<policy::RightsAdmin>(store);
  // One approval engine for every flow; the organisation's closed days are
  // the analysis's policy parameters, read in the transaction that needs
  // them.
  s->approval_people_ = std::make_unique<approval::IdentityPeople>(s->identity_->directory());
  s->approvals_ = std::make_unique<approval::Approvals>(store, s->approval_people_.get());
  s->approvals_->SetCalendar([](store::ReadTxn& txn) -> Result<jp::BusinessCalendar> {
    MAMORI_ASSIGN_OR_RETURN(analysis::Parameters params, analysis::ReadParameters(txn));
    return analysis::CalendarOf(params);
  });
  for (auto& flow : approval::StandardFlows()) {
    MAMORI_RETURN_IF_ERROR(s->approvals_->Register(std::move(flow)));
  }
  // The take-out flow reads dataset definitions (its approvers follow the
  // classification).
  MAMORI_RETURN_IF_ERROR(s->approvals_->Register(approval::TakeoutFlow(engine)));
  MAMORI_RETURN_IF_ERROR(s->rights_->SetApprovals(s->approvals_.get()));
  // The exception ledger: the CISO designates its approvers among the roles
  // that decide approvals at all.
  s->exceptions_ = std::make_unique<approval::Exceptions>(
      store, *s->approvals_, s->approval_people_.get(),
      std::vector<std::string>(policy::kApproverRoles.begin(), policy::kApproverRoles.end()));
  s->exception_reports_ = std::make_unique<approval::ExceptionReports>(store);
  // The registers the rules require; user fields name active people.
  s->registers_ = std::make_unique<governance::Registers>(store, s->approval_people_.get());
  // Inquiries: the scheme is the dataset definition's inquiry_control.
  s->inquiries_ = std::make_unique<approval::Inquiries>(
      store, [&engine](std::string_view dataset) -> Result<std::optional<approval::Scheme>> {
        MAMORI_ASSIGN_OR_RETURN(auto def, engine.Definition(dataset));
        if (def->inquiry_control.empty()) return std::optional<approval::Scheme>();
        return approval::ParseScheme(def->inquiry_control);
      });
  // Who holds what changes only through the register: identity asks policy
  // before every role, department or credential change it makes, and the
  // register makes configured role changes in identity.
  s->gate_ = std::make_unique<policy::RightsGate>();
  s->identity_->SetRightsGuard(s->gate_.get());
  s->rights_->SetMembershipWriter(s->people_.get());
  s->register_ = std::make_unique<policy::RightsRegister>(store, *s->people_);
  s->reviews_ = std::make_unique<policy::ReviewCampaigns>(store, *s->people_);
  s->reviews_->SetMembershipWriter(s->people_.get());
  s->access_ = std::make_unique<AccessControl>(engine, *s->identity_, *s->policy_);
  s->findings_ = std::make_unique<analysis::Findings>(store);
  s->lists_ = std::make_unique<analysis::Lists>(store);
  s->incidents_ = std::make_unique<governance::Incidents>(store, s->findings_.get());
  s->admission_ = std::make_unique<TerminalAdmission>(engine);
  return s;
}

identity::IdentityOptions IdentityOptionsFor(const ServerConfig& config,
                                             identity::IdentityOptions base) {
  base.hash_budget.memory_kib = config.limits.password_hash_memory_mib * 1024;
  base.hash_budget.max_waiting = config.limits.password_hash_queue;
  base.hash_budget.max_wait = config.timeouts.password_hash_wait;
  return base;
}

RouteDeps Stack::Deps() {
  RouteDeps deps;
  deps.engine = &engine_;
  deps.authorizer = access_.get();
  deps.identity = identity_.get();
  deps.rights = rights_.get();
  deps.approvals = approvals_.get();
  deps.exceptions = exceptions_.get();
  deps.exception_reports = exception_reports_.get();
  deps.registers = registers_.get();
  deps.inquiries = inquiries_.get();
  deps.rights_register = register_.get();
  deps.reviews = reviews_.get();
  deps.findings = findings_.get();
  deps.lists = lists_.get();
  deps.incidents = incidents_.get();
  deps.policy = policy_.get();
  return deps;
}

}  // namespace mamori::api
