// takeouts commands ([002 第47-49条], docs/WORKFLOWS.md "Take-out"): the
// take-out flow at the server's console, as the person who logs on here.
// Each verb is one request through the API's own pipeline (api/console.h):
// the same route, authorisation, engine checks, audit events and answers as
// over HTTPS.
//
//   takeouts apply    --data DIR --user ID --dataset DS --purpose P
//                     --recipient-cert CERT.pem --until DATE --reason CODE
//                     (--all | --record ID…) [--field F]… [--internal]
//                     POST /v1/approvals, type takeout: the approved terms
//   takeouts export   --data DIR --user ID --approval A… --dataset DS --purpose P
//                     --recipient-cert CERT.pem [--out FILE]
//                     POST /v1/takeouts; with --out also fetches the file
//   takeouts list     --data DIR --user ID [--dataset DS] [--open] [--overdue]
//   takeouts show     --data DIR --user ID --id T…
//   takeouts manifest --data DIR --user ID --id T…
//   takeouts file     --data DIR --user ID --id T… --out FILE
//   takeouts confirm  --data DIR --user ID --id T… --disposition returned|destroyed
//
// The file is written with mode 0600 and never over an existing file: it is
// encrypted, but what it holds is still the organisation's to account for.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "api/console.h"
#include "cli/common.h"
#include "crypto/recipient_certificate.h"

namespace mamori::cli {
namespace takeouts_cli {

Status WriteNewFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return errno == EEXIST ? Status::AlreadyExists(
                                 "--out names a file that exists; it is not overwritten",
                                 "--out のファイルは既に存在します（上書きしません）", "--out")
                           : Status::IoError("cannot create the --out file",
                                             "--out のファイルを作成できません", "--out");
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Status::IoError("cannot write the --out file", "--out のファイルに書き込めません",
                           "--out");
  }
  return Status::Ok();
}

// Fetches a take-out's file as the person at the console into `out`;
// what was saved, or the refusal.
Result<nlohmann::json> SaveFile(api::Console& console, const std::string& takeout,
                                const std::string& out) {
  api::Response r = console.Call("GET", "/v1/takeouts/" + PercentEncoded(takeout) + "/file");
  if (r.status != 200) return Fail(api::StatusOfProblem(r));
  MAMORI_RETURN_IF_ERROR(WriteNewFile(out, r.body));
  return nlohmann::json{{"path", out}, {"bytes", r.body.size()}};
}

struct ApplyFlags {
  PersonFlags person;
  std::string dataset, purpose, recipient_cert, until, reason;
  std::vector<std::string> records, fields;
  bool all = false, internal = false;
};

struct ExportFlags {
  PersonFlags person;
  std::string approval, dataset, purpose, recipient_cert, out;
};

struct ListFlags {
  PersonFlags person;
  std::string dataset;
  bool open = false, overdue = false;
};

struct IdFlags {
  PersonFlags person;
  std::string id, out, disposition;
};

Result<std::string> ReadCertificate(const std::string& path) {
  auto pem = ReadInput(path);
  if (!pem) return pem;
  if (!crypto::RecipientCertificate::Parse(*pem)) {
    return Fail(Status::InvalidArgument(
        "--recipient-cert is not one X.509 certificate the take-out can encrypt to",
        "--recipient-cert は暗号化に使える X.509 証明書ではありません", "--recipient-cert"));
  }
  return pem;
}

int Apply(const ApplyFlags& f) {
  if (f.all == !f.records.empty()) {
    return ReportError(Status::InvalidArgument("give either --all or --record",
                                               "--all か --record のどちらかを指定してください",
                                               "--all"));
  }
  auto pem = ReadCertificate(f.recipient_cert);
  if (!pem) return ReportError(pem.error());
  nlohmann::json details = {{"purpose", f.purpose},
                            {"recipient", crypto::RecipientCertificate::Parse(*pem)->Fingerprint()},
                            {"internal", f.internal},
                            {"until", f.until}};
  if (f.all) {
    details["all"] = true;
  } else {
    details["records"] = f.records;
  }
  if (!f.fields.empty()) details["fields"] = f.fields;
  const nlohmann::json body = {{"type", "takeout"},
                               {"subject", f.dataset},
                               {"action", "record.export"},
                               {"reason", f.reason},
                               {"details", details}};
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call("POST", "/v1/approvals", body.dump()));
  });
}

int Export(const ExportFlags& f) {
  auto pem = ReadCertificate(f.recipient_cert);
  if (!pem) return ReportError(pem.error());
  const nlohmann::json body = {{"approval", f.approval}, {"recipient_certificate", *pem}};
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    api::Response r = console.Call(
        "POST", TargetWith("/v1/takeouts", {{"dataset", f.dataset}, {"purpose", f.purpose}}),
        body.dump());
    if (r.status != 201 || f.out.empty()) return PrintResponse(r);
    // The take-out is made; saving its file is a second step that may be
    // retried with `takeouts file`.
    nlohmann::json made = nlohmann::json::parse(r.body);
    auto saved = SaveFile(console, made.value("id", ""), f.out);
    if (!saved) {
      PrintJson(made);
      return ReportError(saved.error());
    }
    made["saved"] = *saved;
    PrintJson(made);
    return 0;
  });
}

int List(const ListFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("GET", TargetWith("/v1/takeouts", {{"dataset", f.dataset},
                                                        {"open", f.open ? "true" : ""},
                                                        {"overdue", f.overdue ? "true" : ""}})));
  });
}

int Get(const IdFlags& f, std::string_view suffix) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("GET", "/v1/takeouts/" + PercentEncoded(f.id) + std::string(suffix)));
  });
}

int File(const IdFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    auto saved = SaveFile(console, f.id, f.out);
    if (!saved) return ReportError(saved.error());
    PrintJson({{"takeout", f.id}, {"saved", *saved}});
    return 0;
  });
}

int Confirm(const IdFlags& f) {
  const nlohmann::json body = {{"disposition", f.disposition}};
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("POST", "/v1/takeouts/" + PercentEncoded(f.id) + "/confirm", body.dump()));
  });
}

}  // namespace takeouts_cli

void AddTakeoutsCommands(CLI::App& app, int& exit_code) {
  namespace t = takeouts_cli;
  auto* cmd = app.add_subcommand("takeouts", "take-outs of records / 持ち出し");
  cmd->require_subcommand(1);

  auto* apply = cmd->add_subcommand("apply", "apply for a take-out / 持ち出しの申請");
  auto af = std::make_shared<t::ApplyFlags>();
  af->person.AddTo(apply);
  apply->add_option("--dataset", af->dataset, "the dataset / 台帳")->required();
  apply->add_option("--purpose", af->purpose, "the purpose of use / 利用目的")->required();
  apply
      ->add_option("--recipient-cert", af->recipient_cert,
                   "the recipient's X.509 certificate (PEM)")
      ->required();
  apply->add_option("--until", af->until, "return or destruction by, YYYY-MM-DD (JST)")->required();
  apply->add_option("--reason", af->reason, "a reason code / 理由コード")->required();
  apply->add_flag("--all", af->all, "every record of the dataset / 全件");
  apply->add_option("--record", af->records, "a record id (repeatable) / レコード ID");
  apply->add_option("--field", af->fields, "a field to take out (repeatable; default all)");
  apply->add_flag("--internal", af->internal, "the recipient is inside the organisation / 組織内");
  apply->callback([af, &exit_code] { exit_code = t::Apply(*af); });

  auto* exp = cmd->add_subcommand("export", "export under an approved take-out / 持ち出しの実施");
  auto ef = std::make_shared<t::ExportFlags>();
  ef->person.AddTo(exp);
  exp->add_option("--approval", ef->approval, "the approved request, e.g. A00000011")->required();
  exp->add_option("--dataset", ef->dataset, "the dataset / 台帳")->required();
  exp->add_option("--purpose", ef->purpose, "the purpose of use / 利用目的")->required();
  exp->add_option("--recipient-cert", ef->recipient_cert, "the recipient's X.509 certificate (PEM)")
      ->required();
  exp->add_option("--out", ef->out, "also save the encrypted file here (mode 0600, new file)");
  exp->callback([ef, &exit_code] { exit_code = t::Export(*ef); });

  auto* list = cmd->add_subcommand("list", "the take-out register / 持ち出し台帳");
  auto lf = std::make_shared<t::ListFlags>();
  lf->person.AddTo(list);
  list->add_option("--dataset", lf->dataset, "one dataset only");
  list->add_flag("--open", lf->open, "not yet returned or destroyed / 未返却");
  list->add_flag("--overdue", lf->overdue, "past their day / 期限超過");
  list->callback([lf, &exit_code] { exit_code = t::List(*lf); });

  struct IdVerb {
    const char* name;
    const char* help;
  };
  static constexpr IdVerb kVerbs[] = {
      {"show", "one take-out / 持ち出しの表示"},
      {"manifest", "which records it wrote / 持ち出したレコード"},
      {"file", "the encrypted file, to its exporter / 持ち出しファイル"},
      {"confirm", "confirm its return or destruction / 返却・廃棄の確認"},
  };
  for (const auto& v : kVerbs) {
    auto* sub = cmd->add_subcommand(v.name, v.help);
    auto f = std::make_shared<t::IdFlags>();
    f->person.AddTo(sub);
    sub->add_option("--id", f->id, "take-out id")->required();
    const std::string name = v.name;
    if (name == "file")
      sub->add_option("--out", f->out, "where to save it (mode 0600)")->required();
    if (name == "confirm") {
      sub->add_option("--disposition", f->disposition, "returned (返却) or destroyed (廃棄)")
          ->required();
    }
    sub->callback([f, name, &exit_code] {
      if (name == "show") exit_code = t::Get(*f, "");
      if (name == "manifest") exit_code = t::Get(*f, "/manifest");
      if (name == "file") exit_code = t::File(*f);
      if (name == "confirm") exit_code = t::Confirm(*f);
    });
  }
}

}  // namespace mamori::cli
