// inquiries commands: two-person control of credit-information inquiries
// ([003 VI(1)]), as /v1/inquiries serves it, for a person at the server's
// console (cli/person.h: a real, audited logon; the system rights table
// decides the same operation as the route; the approval layer decides
// operator ≠ confirmer, the department and the scheme's order).
//
//   inquiries list         --data DIR --user ID [--state S] [--dataset DS]
//   inquiries show         --data DIR --user ID --id Q00000001
//   inquiries apply        --data DIR --user ID --dataset DS --record ID --purpose P
//                          --consent REF [--branch-request B00000001]
//   inquiries approve      --data DIR --user ID --id Q…   (pre_approval, a confirmer)
//   inquiries issue-number --data DIR --user ID --id Q…   (one_time_number, a confirmer)
//   inquiries run          --data DIR --user ID --id Q… [--number-file FILE]
//   inquiries release      --data DIR --user ID --id Q…   (held_answer, a confirmer)
//   inquiries answer       --data DIR --user ID --id Q…   (the operator: the record)
//   inquiries request      --data DIR --user ID --dataset DS --consent REF  (a branch)
//   inquiries requests     --data DIR --user ID
//   inquiries reconcile    --data DIR --user ID --from DATE --to DATE
//   inquiries lists        --data DIR [--date DATE] [--dataset DS]
//
// The one-time number is read from a file, never from the command line
// (argv is visible to every local user); --number-file - reads it from
// standard input when the password comes from --password-file. `lists`
// reads the data store only, like `lists show`; the lists are confirmed
// with `mamori lists confirm`.

#include "analysis/lists.h"
#include "api/approval_steps.h"
#include "approval/inquiries.h"
#include "cli/person.h"

namespace mamori::cli {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags);

namespace inquiries_cli {

approval::Caller InquiryCaller(const PersonCall& c) { return api::ApprovalCaller(c.caller); }

nlohmann::json Shown(const approval::Inquiry& q) { return approval::InquiryToJson(q, false); }

Status NoSuchInquiry(const std::string& id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no inquiry " + shown, "照会 " + shown + " はありません", "inquiry");
}

// The inquiry's read, authorised as the read it is (as the route does).
Status AuthorizeRead(PersonCall& c, std::string_view dataset, std::string_view purpose,
                     std::string_view record) {
  api::Action read("record.get", dataset, purpose, record, c.local.request_id);
  return c.stack.access().Authorize(c.caller.principal, read);
}

struct IdFlags {
  PersonFlags person;
  std::string id, number_file;
};

struct ListFlags {
  PersonFlags person;
  std::string state, dataset;
};

struct ApplyFlags {
  PersonFlags person;
  approval::InquiryDraft draft;
};

struct RequestFlags {
  PersonFlags person;
  std::string dataset, consent;
};

struct ReconcileFlags {
  PersonFlags person;
  std::string from, to;
};

struct ListsFlags {
  StoreFlags store;
  std::string date, dataset;
};

int List(const ListFlags& f) {
  if (!f.state.empty() && !approval::ParseInquiryState(f.state)) {
    return ReportError(Status::InvalidArgument(
        "--state must be one of applied, approved, number_issued, held, answered",
        "--state は applied, approved, number_issued, held, answered のいずれかです", "--state"));
  }
  return AsPerson(f.person, "inquiry.show", "", [&](PersonCall& c) -> Result<nlohmann::json> {
    MAMORI_ASSIGN_OR_RETURN(auto all, c.stack.inquiries().List());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& q : all) {
      if (!approval::Inquiries::MayView(c.caller.principal, q)) continue;
      if (!f.state.empty() && approval::InquiryStateName(q.state) != f.state) continue;
      if (!f.dataset.empty() && q.dataset != f.dataset) continue;
      out.push_back(Shown(q));
    }
    return nlohmann::json{{"inquiries", out}};
  });
}

int Show(const IdFlags& f) {
  return AsPerson(f.person, "inquiry.show", f.id, [&](PersonCall& c) -> Result<nlohmann::json> {
    auto q = c.stack.inquiries().Get(f.id);
    if (!q || !approval::Inquiries::MayView(c.caller.principal, *q)) {
      return Fail(NoSuchInquiry(f.id));
    }
    return Shown(*q);
  });
}

int Apply(const ApplyFlags& f) {
  return AsPerson(f.person, "inquiry.apply", "", [&](PersonCall& c) -> Result<nlohmann::json> {
    const auto& d = f.draft;
    MAMORI_RETURN_IF_ERROR(AuthorizeRead(c, d.dataset, d.purpose, d.record));
    MAMORI_ASSIGN_OR_RETURN(auto q, c.stack.inquiries().Open(InquiryCaller(c), d));
    return Shown(q);
  });
}

// approve, release: a confirmer's step without an answer of its own.
int Confirm(const IdFlags& f, bool release) {
  return AsPerson(f.person, "inquiry.confirm", f.id, [&](PersonCall& c) -> Result<nlohmann::json> {
    auto& inq = c.stack.inquiries();
    MAMORI_ASSIGN_OR_RETURN(auto q, release ? inq.Release(InquiryCaller(c), f.id)
                                            : inq.Approve(InquiryCaller(c), f.id));
    return Shown(q);
  });
}

int IssueNumber(const IdFlags& f) {
  return AsPerson(f.person, "inquiry.confirm", f.id, [&](PersonCall& c) -> Result<nlohmann::json> {
    MAMORI_ASSIGN_OR_RETURN(auto step, c.stack.inquiries().IssueNumber(InquiryCaller(c), f.id));
    nlohmann::json out = Shown(step.inquiry);
    out["approval_number"] = step.number;
    return out;
  });
}

// The number, from its own file ("-": standard input, when the password
// comes from a file); none when no file is named.
Result<std::string> NumberOf(const IdFlags& f) {
  if (f.number_file.empty()) return std::string();
  if (f.number_file == "-" && f.person.password_file == "-") {
    return Fail(Status::InvalidArgument(
        "the password and the approval number cannot both come from standard input: give "
        "--password-file or a --number-file other than -",
        "パスワードと承認番号の両方を標準入力から読むことはできません。--password-file か - "
        "以外の --number-file を指定してください",
        "--number-file"));
  }
  MAMORI_ASSIGN_OR_RETURN(std::string text, ReadInput(f.number_file));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty() || text.size() > 16) {
    return Fail(Status::InvalidArgument("--number-file holds no approval number",
                                        "--number-file に承認番号がありません", "--number-file"));
  }
  return text;
}

int Run(const IdFlags& f) {
  auto number = NumberOf(f);
  if (!number) return ReportError(number.error());
  return AsPerson(f.person, "inquiry.run", f.id, [&](PersonCall& c) -> Result<nlohmann::json> {
    auto found = c.stack.inquiries().Get(f.id);
    if (found) {
      MAMORI_RETURN_IF_ERROR(AuthorizeRead(c, found->dataset, found->purpose, found->record));
    }
    MAMORI_ASSIGN_OR_RETURN(auto q, c.stack.inquiries().Run(InquiryCaller(c), f.id, *number));
    return Shown(q);
  });
}

// The answer: the step is recorded first (a held answer and a person other
// than the operator are refused there), then the record is read through
// the engine under the inquiry's purpose, audited and masked as every read.
int Answer(const IdFlags& f) {
  return AsPerson(f.person, "inquiry.answer", f.id, [&](PersonCall& c) -> Result<nlohmann::json> {
    auto found = c.stack.inquiries().Get(f.id);
    if (found) {
      MAMORI_RETURN_IF_ERROR(AuthorizeRead(c, found->dataset, found->purpose, found->record));
    }
    MAMORI_ASSIGN_OR_RETURN(auto q, c.stack.inquiries().Deliver(InquiryCaller(c), f.id));
    engine::Context ctx = c.local;
    ctx.purpose = q.purpose;
    MAMORI_ASSIGN_OR_RETURN(auto view, c.stack.engine().Get(ctx, q.dataset, q.record));
    api::Action read("record.get", q.dataset, q.purpose, q.record, ctx.request_id);
    nlohmann::json values = c.stack.access().Disclose(c.caller.principal, read, view.ToJson());
    return nlohmann::json{{"inquiry", Shown(q)}, {"answer", std::move(values)}};
  });
}

int Request(const RequestFlags& f) {
  return AsPerson(f.person, "inquiry.request", "", [&](PersonCall& c) -> Result<nlohmann::json> {
    MAMORI_ASSIGN_OR_RETURN(
        auto r, c.stack.inquiries().RegisterRequest(InquiryCaller(c), f.dataset, f.consent));
    return approval::BranchRequestToJson(r);
  });
}

int Requests(const PersonFlags& f) {
  return AsPerson(f, "inquiry.show", "", [&](PersonCall& c) -> Result<nlohmann::json> {
    MAMORI_ASSIGN_OR_RETURN(auto all, c.stack.inquiries().Requests());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : all) {
      if (c.stack.inquiries().MayViewRequest(c.caller.principal, r)) {
        out.push_back(approval::BranchRequestToJson(r));
      }
    }
    return nlohmann::json{{"requests", out}};
  });
}

Result<CivilDate> DateFlag(const std::string& text, const char* flag) {
  auto d = ParseDate(text);
  if (!d) {
    return Fail(Status::InvalidArgument(
        std::string(flag) + " must be a date like 2026-12-07",
        std::string(flag) + " は 2026-12-07 の形式で指定してください", flag));
  }
  return *d;
}

int Reconcile(const ReconcileFlags& f) {
  auto from = DateFlag(f.from, "--from");
  if (!from) return ReportError(from.error());
  auto to = DateFlag(f.to, "--to");
  if (!to) return ReportError(to.error());
  return AsPerson(f.person, "inquiry.reconcile", "", [&](PersonCall& c) -> Result<nlohmann::json> {
    MAMORI_ASSIGN_OR_RETURN(auto r, c.stack.inquiries().Reconcile(*from, *to));
    return approval::ReconciliationToJson(r);
  });
}

int Lists(const ListsFlags& f) {
  analysis::ListFilter filter;
  filter.kind = analysis::ListKind::kInquiry;
  filter.dataset = f.dataset;
  if (!f.date.empty()) {
    auto d = DateFlag(f.date, "--date");
    if (!d) return ReportError(d.error());
    filter.date = *d;
  }
  auto storage = OpenDataStore(f.store);
  if (!storage) return ReportError(storage.error());
  auto lists = analysis::Lists(**storage).List(filter);
  if (!lists) return ReportError(lists.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : *lists) out.push_back(analysis::ListToJson(l));
  PrintJson({{"lists", out}});
  return 0;
}

}  // namespace inquiries_cli

void AddInquiriesCommands(CLI::App& app, int& exit_code) {
  namespace q = inquiries_cli;
  auto* cmd =
      app.add_subcommand("inquiries", "two-person control of credit inquiries / 照会の相互牽制");
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand("list", "the inquiries I may see / 照会の一覧");
  auto lf = std::make_shared<q::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--state", lf->state, "applied, approved, number_issued, held, answered");
  list->add_option("--dataset", lf->dataset, "dataset name");
  list->callback([lf, &exit_code] { exit_code = q::List(*lf); });

  auto* apply = cmd->add_subcommand("apply", "apply for, or run, an inquiry / 照会の申請・実行");
  auto af = std::make_shared<q::ApplyFlags>();
  af->person.AddTo(apply);
  apply->add_option("--dataset", af->draft.dataset, "dataset name")->required();
  apply->add_option("--record", af->draft.record, "the record inquired about, its id")->required();
  apply->add_option("--purpose", af->draft.purpose, "the registered purpose")->required();
  apply
      ->add_option("--consent", af->draft.consent,
                   "reference of the consent document (同意書): its number or SHA-256")
      ->required();
  apply->add_option("--branch-request", af->draft.branch_request,
                    "the branch request it answers, e.g. B00000001");
  apply->callback([af, &exit_code] { exit_code = q::Apply(*af); });

  struct IdVerb {
    const char* name;
    const char* help;
    int (*run)(const q::IdFlags&);
  };
  static constexpr IdVerb kVerbs[] = {
      {"show", "one inquiry / 照会の表示", &q::Show},
      {"approve", "pre_approval: approve before it runs / 事前承認",
       [](const q::IdFlags& f) { return q::Confirm(f, false); }},
      {"issue-number", "one_time_number: issue the approval number / 承認番号の発行",
       &q::IssueNumber},
      {"run", "run the approved inquiry / 承認済み照会の実行", &q::Run},
      {"release", "held_answer: release the held answer / 保留回答の開放",
       [](const q::IdFlags& f) { return q::Confirm(f, true); }},
      {"answer", "receive the answer / 回答の受領", &q::Answer},
  };
  for (const auto& v : kVerbs) {
    auto* step = cmd->add_subcommand(v.name, v.help);
    auto f = std::make_shared<q::IdFlags>();
    f->person.AddTo(step);
    step->add_option("--id", f->id, "inquiry id, e.g. Q00000001")->required();
    if (std::string_view(v.name) == "run") {
      step->add_option("--number-file", f->number_file,
                       "one_time_number: file holding the approval number (- : standard input)");
    }
    auto run = v.run;
    step->callback([f, run, &exit_code] { exit_code = run(*f); });
  }

  auto* request =
      cmd->add_subcommand("request", "a branch's request for a head-office inquiry / 照会依頼");
  auto rf = std::make_shared<q::RequestFlags>();
  rf->person.AddTo(request);
  request->add_option("--dataset", rf->dataset, "dataset name")->required();
  request->add_option("--consent", rf->consent, "the branch's consent reference")->required();
  request->callback([rf, &exit_code] { exit_code = q::Request(*rf); });

  auto* requests = cmd->add_subcommand("requests", "branch requests I may see / 照会依頼の一覧");
  auto pf = std::make_shared<PersonFlags>();
  pf->AddTo(requests);
  requests->callback([pf, &exit_code] { exit_code = q::Requests(*pf); });

  auto* reconcile = cmd->add_subcommand(
      "reconcile", "inquiries against branch requests / 照会件数と依頼件数の突合");
  auto cf = std::make_shared<q::ReconcileFlags>();
  cf->person.AddTo(reconcile);
  reconcile->add_option("--from", cf->from, "first JST day, e.g. 2026-12-01")->required();
  reconcile->add_option("--to", cf->to, "last JST day")->required();
  reconcile->callback([cf, &exit_code] { exit_code = q::Reconcile(*cf); });

  auto* lists =
      cmd->add_subcommand("lists", "daily inquiry lists (reads the store) / 照会の確認リスト");
  auto sf = std::make_shared<q::ListsFlags>();
  sf->store.AddTo(lists);
  lists->add_option("--date", sf->date, "the business day");
  lists->add_option("--dataset", sf->dataset, "dataset name");
  lists->callback([sf, &exit_code] { exit_code = q::Lists(*sf); });
}

}  // namespace mamori::cli
