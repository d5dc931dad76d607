// record commands: put, get, update, history, find, list, end-use, shred, disposals, verify.
#include <nlohmann/json.hpp>

#include "approval/flows.h"
#include "cli/common.h"
#include "core/time.h"

namespace mamori::cli {
namespace {

struct RecordFlags {
  StoreFlags store;
  std::string dataset;
  std::string purpose;
  std::string id;
  void Add(CLI::App* cmd, bool with_purpose, bool with_id) {
    store.AddTo(cmd);
    cmd->add_option("--dataset", dataset, "dataset name / 台帳名")->required();
    if (with_purpose)
      cmd->add_option("--purpose", purpose, "registered purpose id / 利用目的")->required();
    if (with_id) cmd->add_option("--id", id, "record id / レコードID")->required();
  }
};

// Runs fn with an open engine; reports errors into exit_code.
template <class Fn>
void WithEngine(const StoreFlags& flags, int& exit_code, Fn fn) {
  auto engine = OpenEngine(flags);
  if (!engine) {
    exit_code = ReportError(engine.error());
    return;
  }
  Status s = fn(**engine);
  if (!s.ok()) exit_code = ReportError(s);
}

Result<nlohmann::json> ParseValues(const std::string& json_text, const std::string& file) {
  std::string text = json_text;
  if (!file.empty()) {
    MAMORI_ASSIGN_OR_RETURN(text, ReadInput(file));
  }
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) {
    return Fail(Status::InvalidArgument("--json is not valid JSON",
                                        "--json が正しいJSONではありません", "json"));
  }
  return json;
}

}  // namespace

void AddRecordCommands(CLI::App& app, int& exit_code) {
  auto* rec = app.add_subcommand(
      "record",
      "records: every operation needs a registered purpose / レコード操作 (利用目的が必須)");
  rec->require_subcommand(1);

  for (const char* verb : {"put", "update"}) {
    const bool put = std::string_view(verb) == "put";
    auto* cmd = rec->add_subcommand(
        verb, put ? "register a record; prints its id / レコードを登録"
                  : "change fields (null removes); the previous version is kept / レコードを更新");
    auto f = std::make_shared<RecordFlags>();
    auto json = std::make_shared<std::string>();
    auto file = std::make_shared<std::string>();
    f->Add(cmd, true, !put);
    auto* opt = cmd->add_option("--json", *json, "values as a JSON object {field: value} / 値");
    cmd->add_option("--json-file", *file,
                    "read the values from a file (- for stdin), keeping them out of argv")
        ->excludes(opt);
    cmd->callback([f, json, file, put, &exit_code] {
      auto values = ParseValues(*json, *file);
      if (!values) {
        exit_code = ReportError(values.error());
        return;
      }
      WithEngine(f->store, exit_code, [&](engine::Engine& e) -> Status {
        const auto ctx = LocalContext(f->purpose);
        MAMORI_ASSIGN_OR_RETURN(auto r, put ? e.Put(ctx, f->dataset, *values)
                                            : e.Update(ctx, f->dataset, f->id, *values));
        PrintJson({{"id", r.id}, {"version", r.version}, {"audit_seq", r.audit_seq}});
        return Status::Ok();
      });
    });
  }

  auto* get = rec->add_subcommand("get", "print a record / レコードを参照");
  auto get_f = std::make_shared<RecordFlags>();
  get_f->Add(get, true, true);
  get->callback([get_f, &exit_code] {
    WithEngine(get_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto r,
                              e.Get(LocalContext(get_f->purpose), get_f->dataset, get_f->id));
      PrintJson(r.ToJson());
      return Status::Ok();
    });
  });

  auto* history =
      rec->add_subcommand("history", "every version of a record, oldest first / 変更履歴");
  auto hist_f = std::make_shared<RecordFlags>();
  hist_f->Add(history, true, true);
  history->callback([hist_f, &exit_code] {
    WithEngine(hist_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(
          auto versions, e.History(LocalContext(hist_f->purpose), hist_f->dataset, hist_f->id));
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : versions) out.push_back(v.ToJson());
      PrintJson(out);
      return Status::Ok();
    });
  });

  auto* find =
      rec->add_subcommand("find", "ids of records whose indexed field equals the value / 検索");
  auto find_f = std::make_shared<RecordFlags>();
  auto field = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  find_f->Add(find, true, false);
  find->add_option("--field", *field, "indexed field / 検索項目")->required();
  find->add_option("--value", *value, "value (normalised as the field's type) / 検索値")
      ->required();
  auto find_cursor = std::make_shared<std::string>();
  auto find_limit = std::make_shared<size_t>(100);
  find->add_option("--cursor", *find_cursor, "next_cursor of the previous page / 続きの位置");
  find->add_option("--limit", *find_limit, "ids per page (1-1000) / 件数")->capture_default_str();
  find->callback([find_f, field, value, find_cursor, find_limit, &exit_code] {
    WithEngine(find_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto page, e.Find(LocalContext(find_f->purpose), find_f->dataset,
                                                *field, *value, *find_cursor, *find_limit));
      PrintJson({{"ids", page.ids}, {"next_cursor", page.next_cursor}});
      return Status::Ok();
    });
  });

  auto* list =
      rec->add_subcommand("list", "records in registration order, a page at a time / 一覧");
  auto list_f = std::make_shared<RecordFlags>();
  auto cursor = std::make_shared<std::string>();
  auto limit = std::make_shared<size_t>(100);
  list_f->Add(list, true, false);
  list->add_option("--cursor", *cursor, "next_cursor of the previous page / 続きの位置");
  list->add_option("--limit", *limit, "records per page (1-1000) / 件数")->capture_default_str();
  list->callback([list_f, cursor, limit, &exit_code] {
    WithEngine(list_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(
          auto page, e.List(LocalContext(list_f->purpose), list_f->dataset, *cursor, *limit));
      nlohmann::json records = nlohmann::json::array();
      for (const auto& r : page.records) records.push_back(r.ToJson());
      PrintJson({{"records", records}, {"next_cursor", page.next_cursor}});
      return Status::Ok();
    });
  });

  auto* end_use =
      rec->add_subcommand("end-use", "mark the end of use; starts the retention period / 利用終了");
  auto end_f = std::make_shared<RecordFlags>();
  auto date = std::make_shared<std::string>();
  end_f->Add(end_use, true, true);
  end_use->add_option("--date", *date,
                      "end-of-use date YYYY-MM-DD (default today, JST) / 利用終了日");
  end_use->callback([end_f, date, &exit_code] {
    CivilDate d = JstDate(NowMicros());
    if (!date->empty()) {
      auto parsed = ParseDate(*date);
      if (!parsed) {
        exit_code =
            ReportError(Status::InvalidArgument("--date must be a real date YYYY-MM-DD",
                                                "--date は実在する日付 (YYYY-MM-DD) です", "date"));
        return;
      }
      d = *parsed;
    }
    WithEngine(end_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto r,
                              e.EndUse(LocalContext(end_f->purpose), end_f->dataset, end_f->id, d));
      PrintJson(r.ToJson()["_meta"]);
      return Status::Ok();
    });
  });

  auto* shred = rec->add_subcommand(
      "shred",
      "destroy a record unrecoverably; prints the signed disposal record / 廃棄 (復元不能)");
  auto shred_f = std::make_shared<RecordFlags>();
  auto reason = std::make_shared<std::string>();
  auto reference = std::make_shared<std::string>();
  shred_f->Add(shred, false, true);
  shred->add_option("--purpose", shred_f->purpose,
                    "purpose recorded with the disposal (default: disposal)");
  shred
      ->add_option("--reason", *reason,
                   "why, a code kept in the disposal record / 廃棄理由のコード: retention_expired, "
                   "purpose_ended, subject_request, erroneous_entry, duplicate, other")
      ->required();
  shred->add_option("--reference", *reference,
                    "the rights-register request or ticket id that asked for it (required with "
                    "other) / 申請ID・チケットID");
  // Outside the retention sweep a disposal is non-standard work
  // ([003 V(4)]), at the console as through the API: it names an approved
  // non_standard_work request for this record, which the engine checks in
  // the transaction that records the shred request.
  auto approval_id = std::make_shared<std::string>();
  shred
      ->add_option("--approval", *approval_id,
                   "the approved non-standard-work request for this disposal / "
                   "承認済みの規格外作業申請ID (A…)")
      ->required();
  shred->callback([shred_f, reason, reference, approval_id, &exit_code] {
    WithEngine(shred_f->store, exit_code, [&](engine::Engine& e) -> Status {
      engine::ShredAuthority authority;
      authority.approval = *approval_id;
      const std::string subject = shred_f->dataset + "/" + shred_f->id;
      const std::string approval = *approval_id;
      authority.check = [subject, approval](store::ReadTxn& txn) {
        return approval::CheckWorkApprovalByOperator(txn, approval, subject, "record.shred",
                                                     NowMicros());
      };
      MAMORI_ASSIGN_OR_RETURN(
          auto disposal,
          e.Shred(LocalContext(shred_f->purpose.empty() ? "disposal" : shred_f->purpose),
                  shred_f->dataset, shred_f->id, *reason, *reference, authority));
      PrintJson(disposal);
      return Status::Ok();
    });
  });

  auto* disposals =
      rec->add_subcommand("disposals", "signed disposal records of a dataset / 廃棄記録の一覧");
  auto disp_f = std::make_shared<RecordFlags>();
  disp_f->Add(disposals, false, false);
  disposals->callback([disp_f, &exit_code] {
    WithEngine(disp_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto all, e.Disposals(LocalContext("disposal"), disp_f->dataset));
      PrintJson(all);
      return Status::Ok();
    });
  });

  auto* verify = rec->add_subcommand(
      "verify",
      "compare every stored record with its last write in the audit log (finds records rolled "
      "back with their history, or deleted); exit 1 on a finding / 監査ログとの突合");
  auto verify_f = std::make_shared<RecordFlags>();
  verify_f->Add(verify, false, false);
  verify->callback([verify_f, &exit_code] {
    WithEngine(verify_f->store, exit_code, [&](engine::Engine& e) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto report, e.VerifyRecords(LocalContext(""), verify_f->dataset));
      nlohmann::json findings = nlohmann::json::array();
      for (const auto& f : report.findings) {
        findings.push_back(
            {{"record", f.record}, {"problem", f.problem}, {"problem_ja", f.problem_ja}});
      }
      PrintJson({{"ok", report.ok()},
                 {"events_read", report.events_read},
                 {"records_stored", report.records_stored},
                 {"rows_compared", report.rows_compared},
                 {"findings", findings}});
      if (!report.ok()) exit_code = 1;
      return Status::Ok();
    });
  });
}

}  // namespace mamori::cli
