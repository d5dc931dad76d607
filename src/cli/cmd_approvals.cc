// approvals commands: the approval requests of every flow, as
// /v1/approvals serves them, for a person at the server's console.
//
//   approvals list    --data DIR --user ID [--view mine|pending]
//   approvals show    --data DIR --user ID --id A00000001
//   approvals submit  --data DIR --user ID --type T --subject S --action A --reason CODE
//                     [--attachment SHA256]... [--acted-at UTC]
//   approvals approve --data DIR --user ID --id A… [--comment TEXT]
//   approvals reject  --data DIR --user ID --id A… [--reason CODE|TEXT]
//   approvals cancel  --data DIR --user ID --id A… [--reason TEXT]
//   approvals ledger  --data DIR
//
// Every verb but ledger acts as a person, never as the OS operator: USER
// logs on here (a real, audited logon from this console, "local:<host>",
// inside the controlled area), the system rights table decides the same
// operation as the route (approval.list, .show, .submit, .decide,
// .cancel), and the approval engine — or, for a rights request, the rights
// register — decides and audits the step (api/approval_steps.h). The
// session ends when the command does. The password comes from a file or
// standard input, never from the command line. `ledger` reads the data
// store only, like `lists show`.
#include <iostream>

#include "api/approval_steps.h"
#include "api/console.h"
#include "api/stack.h"
#include "cli/common.h"

namespace mamori::cli {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags);

// Named (the CLI is one unity build, and other commands have their own
// Show and ShowFlags).
namespace approvals_cli {

using Body = std::function<Result<nlohmann::json>(api::Stack&, const policy::Caller&)>;

// Logs USER on at this console, authorises `operation` on `target` through
// the system rights table, runs `body` as that person, logs off.
int AsPerson(const PersonFlags& f, std::string_view operation, const std::string& target,
             const Body& body) {
  return AtConsole(f, [&](api::Stack& stack, api::Console& console) {
    const identity::Principal& who = console.principal();
    const engine::Context local = LocalContext();
    api::Action action =
        target.empty() ? api::Action(operation) : api::Action::On(operation, target);
    action.request_id = local.request_id;
    Status allowed = stack.access().Authorize(who, action);
    if (!allowed.ok()) return ReportError(allowed);
    policy::Caller caller;
    caller.principal = who;
    caller.request_id = local.request_id;
    auto out = body(stack, caller);
    if (!out) return ReportError(out.error());
    PrintJson(*out);
    return 0;
  });
}

nlohmann::json Shown(const approval::Request& r) {
  nlohmann::json j = approval::RequestToJson(r);
  j["state"] = approval::StateName(r.StateAt(NowMicros()));
  return j;
}

nlohmann::json ListJson(const std::vector<approval::Request>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : list) out.push_back(Shown(r));
  return {{"approvals", out}};
}

struct ListFlags {
  PersonFlags person;
  std::string view = "mine";
};

struct ShowFlags {
  PersonFlags person;
  std::string id;
};

struct SubmitFlags {
  PersonFlags person;
  std::string type, subject, action, reason, acted_at;
  std::vector<std::string> attachments;
};

struct StepFlags {
  PersonFlags person;
  std::string id, text;
};

int List(const ListFlags& f) {
  if (f.view != "mine" && f.view != "pending") {
    return ReportError(Status::InvalidArgument("--view must be mine or pending",
                                               "--view は mine または pending です", "--view"));
  }
  return AsPerson(f.person, "approval.list", "",
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    const approval::Caller who = api::ApprovalCaller(c);
                    if (f.view == "pending") {
                      MAMORI_ASSIGN_OR_RETURN(auto list, s.approvals().PendingFor(who));
                      return ListJson(list);
                    }
                    MAMORI_ASSIGN_OR_RETURN(auto list, s.approvals().List());
                    std::erase_if(list, [&](const approval::Request& r) {
                      return r.applicant != who.principal.id;
                    });
                    return ListJson(list);
                  });
}

int Show(const ShowFlags& f) {
  return AsPerson(
      f.person, "approval.show", f.id,
      [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
        auto r = s.approvals().Get(f.id);
        if (!r || !api::MayViewApproval(s.approvals(), api::ApprovalCaller(c), *r)) {
          const std::string shown = audit::EventIdentifier(f.id);
          return Fail(Status::NotFound("no approval request " + shown,
                                       "承認申請 " + shown + " はありません", "approval"));
        }
        return Shown(*r);
      });
}

int Submit(const SubmitFlags& f) {
  approval::Draft draft;
  draft.subject = f.subject;
  draft.action = f.action;
  draft.reason = f.reason;
  draft.attachments = f.attachments;
  if (!f.acted_at.empty()) {
    auto t = ParseUtc(f.acted_at);
    if (!t) {
      return ReportError(Status::InvalidArgument(
          "--acted-at must be a UTC time like 2026-12-04T01:00:00Z",
          "--acted-at は 2026-12-04T01:00:00Z の形式で指定してください", "--acted-at"));
    }
    draft.acted_at = *t;
  }
  return AsPerson(f.person, "approval.submit", "",
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    MAMORI_ASSIGN_OR_RETURN(
                        auto r, s.approvals().Submit(api::ApprovalCaller(c), f.type, draft));
                    return Shown(r);
                  });
}

int Step(const StepFlags& f, api::ApprovalVerb verb, std::string_view operation,
         const char* member) {
  return AsPerson(f.person, operation, f.id,
                  [&](api::Stack& s, const policy::Caller& c) -> Result<nlohmann::json> {
                    bool audited = true;
                    MAMORI_ASSIGN_OR_RETURN(
                        auto r, api::TakeApprovalStep(s.approvals(), s.rights(), c, f.id, verb,
                                                      f.text, member, &audited));
                    return Shown(r);
                  });
}

int Ledger(const StoreFlags& f) {
  auto storage = OpenDataStore(f);
  if (!storage) return ReportError(storage.error());
  approval::Approvals approvals(**storage, nullptr);
  auto list = approvals.List();
  if (!list) return ReportError(list.error());
  PrintJson(ListJson(*list));
  return 0;
}

}  // namespace approvals_cli

void AddApprovalsCommands(CLI::App& app, int& exit_code) {
  namespace a = approvals_cli;
  auto* cmd = app.add_subcommand("approvals", "approval requests of every flow / 承認申請");
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand("list", "my requests, or those I may decide / 申請・承認待ち");
  auto lf = std::make_shared<a::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--view", lf->view, "mine (default) or pending")->capture_default_str();
  list->callback([lf, &exit_code] { exit_code = a::List(*lf); });

  auto* show = cmd->add_subcommand("show", "one request / 申請の表示");
  auto sf = std::make_shared<a::ShowFlags>();
  sf->person.AddTo(show);
  show->add_option("--id", sf->id, "approval id, e.g. A00000001")->required();
  show->callback([sf, &exit_code] { exit_code = a::Show(*sf); });

  auto* submit =
      cmd->add_subcommand("submit", "apply, or file an emergency action / 申請・事後届出");
  auto uf = std::make_shared<a::SubmitFlags>();
  uf->person.AddTo(submit);
  submit->add_option("--type", uf->type, "the flow: non_standard_work, exception")->required();
  submit->add_option("--subject", uf->subject, "what it is about, an id")->required();
  submit->add_option("--action", uf->action, "the requested action, a code")->required();
  submit->add_option("--reason", uf->reason, "a reason code, never text about a person")
      ->required();
  submit->add_option("--attachment", uf->attachments, "SHA-256 of a document (repeatable)");
  submit->add_option("--acted-at", uf->acted_at, "UTC time an emergency action was taken");
  submit->callback([uf, &exit_code] { exit_code = a::Submit(*uf); });

  struct VerbSpec {
    const char* name;
    const char* help;
    api::ApprovalVerb verb;
    const char* operation;
    const char* member;
    const char* option;
  };
  static constexpr VerbSpec kVerbs[] = {
      {"approve", "approve the open stage / 承認", api::ApprovalVerb::kApprove, "approval.decide",
       "comment", "--comment"},
      {"reject", "reject / 却下", api::ApprovalVerb::kReject, "approval.decide", "reason",
       "--reason"},
      {"cancel", "cancel my pending request / 取消し", api::ApprovalVerb::kCancel,
       "approval.cancel", "reason", "--reason"},
  };
  for (const auto& v : kVerbs) {
    auto* step = cmd->add_subcommand(v.name, v.help);
    auto f = std::make_shared<a::StepFlags>();
    f->person.AddTo(step);
    step->add_option("--id", f->id, "approval id, e.g. A00000001")->required();
    step->add_option(v.option, f->text,
                     "rights requests: text kept in the register; reject: a reason code");
    const VerbSpec spec = v;
    step->callback(
        [f, spec, &exit_code] { exit_code = a::Step(*f, spec.verb, spec.operation, spec.member); });
  }

  auto* ledger = cmd->add_subcommand("ledger", "every request (reads the store) / 承認申請の台帳");
  auto gf = std::make_shared<StoreFlags>();
  gf->AddTo(ledger);
  ledger->callback([gf, &exit_code] { exit_code = a::Ledger(*gf); });
}

}  // namespace mamori::cli
