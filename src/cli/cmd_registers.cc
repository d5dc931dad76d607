// registers, contractors and cloud-services commands: the registers the
// rules require (governance/registers.h) as /v1/registers/{kind},
// /v1/contractors and /v1/cloud-services serve them, for a person at the
// server's console (api/console.h) — the same route table, authorisation,
// handler and audit events.
//
//   registers kinds   --data DIR --user ID
//   registers list    --data DIR --user ID --kind K [--overdue] [--retired]
//   registers show    --data DIR --user ID --kind K --id ID
//   registers create  --data DIR --user ID --kind K [--set NAME=VALUE]... [--json FILE]
//   registers change  --data DIR --user ID --kind K --id ID [--set NAME=VALUE]... [--json FILE]
//   registers retire  --data DIR --user ID --kind K --id ID [--reason CODE]
//   registers check   --data DIR --user ID --kind K --id ID --date YYYY-MM-DD --result CODE
//                     [--note CODE]
//   contractors    list|show|create|change|retire|check  (the same without --kind)
//   cloud-services list|show|create|change|retire|check|approve
//
// --set gives one field: by the kind's schema a boolean field takes
// true/false, a list field comma-separated codes, any other a string;
// "NAME=" with nothing after it removes an optional field on change.
// --json FILE (a JSON object, "-" not allowed: standard input carries the
// password) gives them all; --set overrides it.
#include <nlohmann/json.hpp>

#include "api/console.h"
#include "cli/common.h"
#include "governance/register_kinds.h"

namespace mamori::cli {
namespace registers_cli {

struct Flags {
  PersonFlags person;
  std::string kind, id, json_file, reason, date, result, note;
  std::vector<std::string> sets;
  bool overdue = false, retired = false;
};

Status BadSet() {
  return Status::InvalidArgument("--set takes NAME=VALUE with NAME a field of the register",
                                 "--set は台帳の項目名=値の形式で指定します", "--set");
}

// The body of create or change, from --json and --set by the schema.
Result<nlohmann::json> FieldsOf(const Flags& f, const governance::RegisterKind* kind, bool change) {
  nlohmann::json out = nlohmann::json::object();
  if (!f.json_file.empty()) {
    if (f.json_file == "-") {
      return Fail(Status::InvalidArgument("--json names a file: standard input is the password",
                                          "--json にはファイルを指定します (標準入力はパスワード)",
                                          "--json"));
    }
    MAMORI_ASSIGN_OR_RETURN(auto text, ReadInput(f.json_file));
    out = nlohmann::json::parse(text, nullptr, false);
    if (!out.is_object()) {
      return Fail(Status::InvalidArgument("--json must hold a JSON object",
                                          "--json は JSON オブジェクトのファイルです", "--json"));
    }
  }
  for (const auto& s : f.sets) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return Fail(BadSet());
    const std::string name = s.substr(0, eq), value = s.substr(eq + 1);
    const governance::FieldSpec* spec = kind ? kind->Field(name) : nullptr;
    if (value.empty() && change) {
      out[name] = nullptr;
    } else if (spec && spec->type == governance::FieldType::kBool) {
      if (value != "true" && value != "false") return Fail(BadSet());
      out[name] = value == "true";
    } else if (spec && spec->type == governance::FieldType::kCodes) {
      nlohmann::json list = nlohmann::json::array();
      for (size_t at = 0; at <= value.size();) {
        const size_t comma = std::min(value.find(',', at), value.size());
        list.push_back(value.substr(at, comma - at));
        at = comma + 1;
      }
      out[name] = std::move(list);
    } else {
      out[name] = value;  // unknown names go to the server, which refuses them
    }
  }
  return out;
}

// The base path of the family, and the kind it serves.
struct Family {
  std::string base;  // "/v1/contractors", or "" for /v1/registers/{kind}
  std::string kind;  // fixed kind, or "" (from --kind)
};

std::string Base(const Family& fam, const Flags& f) {
  return fam.base.empty() ? "/v1/registers/" + PercentEncoded(f.kind) : fam.base;
}

int Run(const Family& fam, const std::string& verb, const Flags& f) {
  const std::string base = Base(fam, f);
  const std::string entry = base + "/" + PercentEncoded(f.id);
  const governance::RegisterKind* kind =
      governance::FindRegisterKind(fam.kind.empty() ? f.kind : fam.kind);
  std::string method = "POST", target, body;
  if (verb == "kinds") {
    method = "GET";
    target = "/v1/registers";
  } else if (verb == "list") {
    method = "GET";
    target = TargetWith(
        base, {{"overdue", f.overdue ? "true" : ""}, {"retired", f.retired ? "true" : ""}});
  } else if (verb == "show") {
    method = "GET";
    target = entry;
  } else if (verb == "create" || verb == "change") {
    auto fields = FieldsOf(f, kind, verb == "change");
    if (!fields) return ReportError(fields.error());
    method = verb == "create" ? "POST" : "PATCH";
    target = verb == "create" ? base : entry;
    body = fields->dump();
  } else if (verb == "retire") {
    target = entry + "/retire";
    if (!f.reason.empty()) body = nlohmann::json{{"reason", f.reason}}.dump();
  } else if (verb == "check") {
    target = entry + "/checks";
    nlohmann::json b = {{"date", f.date}, {"result", f.result}};
    if (!f.note.empty()) b["note"] = f.note;
    body = b.dump();
  } else {  // approve
    target = entry + "/approve";
  }
  return AtConsole(f.person, [&](api::Stack&, api::Console& console) {
    return PrintResponse(console.Call(method, target, body));
  });
}

void AddVerbs(CLI::App* cmd, const Family& fam, std::vector<std::string> verbs, int& exit_code) {
  static const std::map<std::string, const char*> kHelp = {
      {"kinds", "the kinds of register and their fields / 台帳の種類と項目"},
      {"list", "the entries / 一覧"},
      {"show", "one entry with its versions / 項目と版の履歴"},
      {"create", "register an entry / 登録"},
      {"change", "change fields / 変更"},
      {"retire", "retire an entry / 廃止"},
      {"check", "record a periodic check or inventory / 定期点検・棚卸しの記録"},
      {"approve", "approve (統括情報セキュリティ責任者) / 利用承認"},
  };
  for (const auto& verb : verbs) {
    auto* sub = cmd->add_subcommand(verb, kHelp.at(verb));
    auto f = std::make_shared<Flags>();
    f->person.AddTo(sub);
    if (fam.kind.empty() && verb != "kinds") {
      sub->add_option("--kind", f->kind, "the register, e.g. media / 台帳の種類")->required();
    }
    if (verb != "kinds" && verb != "list" && verb != "create") {
      sub->add_option("--id", f->id, "the entry, e.g. CT00001 / 項目 ID")->required();
    }
    if (verb == "list") {
      sub->add_flag("--overdue", f->overdue, "past their periodic check / 点検期限超過");
      sub->add_flag("--retired", f->retired, "retired entries too / 廃止済みも");
    }
    if (verb == "create" || verb == "change") {
      sub->add_option("--set", f->sets, "NAME=VALUE, one field (repeatable) / 項目");
      sub->add_option("--json", f->json_file, "a file holding a JSON object of fields");
    }
    if (verb == "retire") sub->add_option("--reason", f->reason, "a reason code / 理由コード");
    if (verb == "check") {
      sub->add_option("--date", f->date, "the day of the check, YYYY-MM-DD / 点検日")->required();
      sub->add_option("--result", f->result, "a result code of the register / 結果")->required();
      sub->add_option("--note", f->note, "a note code / 備考コード");
    }
    sub->callback([fam, verb, f, &exit_code] { exit_code = Run(fam, verb, *f); });
  }
}

}  // namespace registers_cli

void AddRegistersCommands(CLI::App& app, int& exit_code) {
  namespace r = registers_cli;
  auto* registers = app.add_subcommand("registers", "the registers the rules require / 台帳");
  registers->require_subcommand(1);
  r::AddVerbs(registers, {"", ""}, {"kinds", "list", "show", "create", "change", "retire", "check"},
              exit_code);
  auto* contractors = app.add_subcommand("contractors", "the contractor register / 委託先台帳");
  contractors->require_subcommand(1);
  r::AddVerbs(contractors, {"/v1/contractors", "contractor"},
              {"list", "show", "create", "change", "retire", "check"}, exit_code);
  auto* cloud =
      app.add_subcommand("cloud-services", "the cloud-service register / クラウドサービス台帳");
  cloud->require_subcommand(1);
  r::AddVerbs(cloud, {"/v1/cloud-services", "cloud_service"},
              {"list", "show", "create", "change", "retire", "check", "approve"}, exit_code);
}

}  // namespace mamori::cli
