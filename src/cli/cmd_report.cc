// report commands: the compliance report (準拠状況報告;
// governance/compliance_report.h) and the attestations it reads.
//
//   report compliance   --data DIR --format html|csv|xlsx|json [--source 000..004]
//                       [--out FILE]
//       as the OS operator (like `lists show`): the store is read, nothing
//       is changed except the audited read of the take-out register the
//       take-out probe makes. The same report as GET /v1/reports/compliance.
//   report attest       --data DIR --user ID --source 002 --clause 第3条
//                       --statement REF --until YYYY-MM-DD
//   report attestations --data DIR --user ID [--source 002]
//       as a person at the console (POST|GET /v1/reports/attestations):
//       the route table and the attestations decide who may (the CISO line
//       attests; it and internal audit read).
#include <fstream>
#include <iostream>

#include "api/console.h"
#include "api/stack.h"
#include "approval/people.h"
#include "cli/common.h"
#include "governance/compliance_report.h"
#include "governance/report_formats.h"

namespace mamori::cli {
namespace report_cli {

struct ComplianceFlags {
  StoreFlags store;
  std::string format = "json", source, out;
};

struct AttestFlags {
  PersonFlags person;
  std::string source, clause, statement, until;
};

Status WriteOut(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) {
    return Status::IoError("--out: the file could not be written",
                           "--out: ファイルに書き込めませんでした", "--out");
  }
  return Status::Ok();
}

int Compliance(const ComplianceFlags& f) {
  auto format = governance::ParseReportFormat(f.format);
  if (!format) {
    return ReportError(Status::InvalidArgument("--format must be html, csv, xlsx or json",
                                               "--format は html、csv、xlsx、json のいずれかです",
                                               "--format"));
  }
  if (!f.source.empty() && !governance::IsSource(f.source)) {
    return ReportError(Status::InvalidArgument("--source must be one of 000, 001, 002, 003, 004",
                                               "--source は 000〜004 のいずれかです", "--source"));
  }
  if (*format == governance::ReportFormat::kXlsx && f.out.empty()) {
    return ReportError(Status::InvalidArgument(
        "--format xlsx needs --out FILE", "--format xlsx には --out FILE が必要です", "--out"));
  }
  return WithStack(f.store, [&](api::Stack& stack) {
    const approval::IdentityPeople people(stack.identity().directory());
    auto report = governance::ComplianceReportNow(
        api::EvidenceOf(stack.Deps(), NowMicros(), &people), f.source);
    if (!report) return ReportError(report.error());
    auto body = governance::RenderReport(*report, *format);
    if (!body) return ReportError(body.error());
    if (f.out.empty()) {
      std::cout << *body;
      return 0;
    }
    Status written = WriteOut(f.out, *body);
    return written.ok() ? 0 : ReportError(written);
  });
}

int Attest(const AttestFlags& f) {
  const nlohmann::json body = {
      {"source", f.source}, {"clause", f.clause}, {"statement", f.statement}, {"until", f.until}};
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call("POST", "/v1/reports/attestations", body.dump()));
  });
}

int Attestations(const AttestFlags& f) {
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(
        console.Call("GET", TargetWith("/v1/reports/attestations", {{"source", f.source}})));
  });
}

}  // namespace report_cli

void AddReportCommands(CLI::App& app, int& exit_code) {
  namespace r = report_cli;
  auto* cmd = app.add_subcommand("report", "the compliance report / 準拠状況報告");
  cmd->require_subcommand(1);

  auto* compliance = cmd->add_subcommand(
      "compliance", "every clause with its status and evidence / 条項ごとの準拠状況と証跡");
  auto cf = std::make_shared<r::ComplianceFlags>();
  cf->store.AddTo(compliance);
  compliance->add_option("--format", cf->format, "html, csv, xlsx or json")->capture_default_str();
  compliance->add_option("--source", cf->source, "one source only: 000, 001, 002, 003 or 004");
  compliance->add_option("--out", cf->out, "write to FILE instead of standard output");
  compliance->callback([cf, &exit_code] { exit_code = r::Compliance(*cf); });

  auto* attest = cmd->add_subcommand(
      "attest", "record that an attested clause is met (CISO line) / 確認記録の登録");
  auto af = std::make_shared<r::AttestFlags>();
  af->person.AddTo(attest);
  attest->add_option("--source", af->source, "000 … 004")->required();
  attest->add_option("--clause", af->clause, "the clause as the catalogue names it, e.g. 第3条")
      ->required();
  attest
      ->add_option("--statement", af->statement,
                   "the reference of the document that shows it / 根拠文書の参照番号")
      ->required();
  attest->add_option("--until", af->until, "the last day it holds, YYYY-MM-DD")->required();
  attest->callback([af, &exit_code] { exit_code = r::Attest(*af); });

  auto* list = cmd->add_subcommand("attestations", "the recorded attestations / 確認記録の一覧");
  auto lf = std::make_shared<r::AttestFlags>();
  lf->person.AddTo(list);
  list->add_option("--source", lf->source, "000 … 004");
  list->callback([lf, &exit_code] { exit_code = r::Attestations(*lf); });
}

}  // namespace mamori::cli
