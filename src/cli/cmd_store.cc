// init, dataset, keys and retention commands.
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "engine/data_store.h"

namespace mamori::cli {
namespace {

nlohmann::json DatasetSummary(const engine::DatasetDef& def) {
  return {{"name", def.name},
          {"title", def.title},
          {"department", def.department},
          {"category", def.category},
          {"version", def.version},
          {"classification", "C" + std::to_string(def.classification.confidentiality) + " I" +
                                 std::to_string(def.classification.integrity) + " A" +
                                 std::to_string(def.classification.availability)}};
}

}  // namespace

void AddInitCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "init", "create a new store: root key, key store, data store, audit log / ストアを新規作成");
  auto flags = std::make_shared<StoreFlags>();
  flags->AddTo(cmd);
  cmd->callback([flags, &exit_code] {
    const engine::Paths paths = flags->MakePaths();
    std::unique_ptr<keys::RootKeyProvider> provider;
    if (!flags->passphrase_file.empty()) {
      auto p = MakeRootProvider(*flags);
      if (!p) {
        exit_code = ReportError(p.error());
        return;
      }
      provider = std::move(*p);
    }
    auto signer = MakeAuditSigner(*flags);
    if (!signer) {
      exit_code = ReportError(signer.error());
      return;
    }
    if (Status s = engine::Engine::Init(paths, provider.get(), LocalContext(), signer->get());
        !s.ok()) {
      exit_code = ReportError(s);
      return;
    }
    PrintJson(
        {{"data_store", engine::DataStoreName(paths)},
         {"key_store", paths.KeyStore()},
         {"root_key", provider ? provider->Describe() : "file:" + paths.RootKeyFile()},
         {"audit_public_key", paths.AuditPublicKey()},
         {"audit_signer", *signer ? (*signer)->Describe() : "key store"},
         {"message",
          "store created; keep the key store and root key apart from data backups / "
          "ストアを作成しました。鍵ストアとルート鍵はデータのバックアップと別に保管してください"}});
  });
}

void AddDatasetCommands(CLI::App& app, int& exit_code) {
  auto* ds = app.add_subcommand("dataset", "datasets (台帳): definitions and the ledger view");
  ds->require_subcommand(1);

  for (const char* verb : {"create", "update"}) {
    const bool create = std::string_view(verb) == "create";
    auto* cmd =
        ds->add_subcommand(verb, create ? "register a dataset from a JSON definition / 台帳を登録"
                                        : "new version of a dataset definition / 台帳定義を改版");
    auto flags = std::make_shared<StoreFlags>();
    auto file = std::make_shared<std::string>();
    flags->AddTo(cmd);
    cmd->add_option("--file", *file, "JSON definition, - for stdin / 定義ファイル")->required();
    cmd->callback([flags, file, create, &exit_code] {
      auto text = ReadInput(*file);
      if (!text) {
        exit_code = ReportError(text.error());
        return;
      }
      auto json = nlohmann::json::parse(*text, nullptr, false);
      if (json.is_discarded()) {
        exit_code =
            ReportError(Status::InvalidArgument("the definition file is not valid JSON",
                                                "定義ファイルが正しいJSONではありません", "file"));
        return;
      }
      auto engine = OpenEngine(*flags);
      if (!engine) {
        exit_code = ReportError(engine.error());
        return;
      }
      const auto ctx = LocalContext();
      auto def = create ? (*engine)->CreateDataset(ctx, json) : (*engine)->UpdateDataset(ctx, json);
      if (!def) {
        exit_code = ReportError(def.error());
        return;
      }
      PrintJson(engine::DatasetDefToJson(*def));
    });
  }

  auto* list = ds->add_subcommand("list", "list datasets / 台帳の一覧");
  auto list_flags = std::make_shared<StoreFlags>();
  list_flags->AddTo(list);
  list->callback([list_flags, &exit_code] {
    auto engine = OpenEngine(*list_flags);
    if (!engine) {
      exit_code = ReportError(engine.error());
      return;
    }
    auto defs = (*engine)->ListDatasets(LocalContext());
    if (!defs) {
      exit_code = ReportError(defs.error());
      return;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& def : *defs) out.push_back(DatasetSummary(def));
    PrintJson(out);
  });

  auto* show = ds->add_subcommand(
      "show", "the ledger entry (台帳) of a dataset, or its definition / 台帳の表示");
  auto show_flags = std::make_shared<StoreFlags>();
  auto name = std::make_shared<std::string>();
  auto definition = std::make_shared<bool>(false);
  auto versions = std::make_shared<bool>(false);
  show_flags->AddTo(show);
  show->add_option("--dataset", *name, "dataset name / 台帳名")->required();
  show->add_flag("--definition", *definition,
                 "print the definition JSON instead of the ledger view / 定義を表示");
  show->add_flag("--versions", *versions, "print every version of the definition / 定義の全版");
  show->callback([show_flags, name, definition, versions, &exit_code] {
    auto engine = OpenEngine(*show_flags);
    if (!engine) {
      exit_code = ReportError(engine.error());
      return;
    }
    const auto ctx = LocalContext();
    if (*versions) {
      auto all = (*engine)->DatasetVersions(ctx, *name);
      if (!all) {
        exit_code = ReportError(all.error());
        return;
      }
      nlohmann::json out = nlohmann::json::array();
      for (const auto& def : *all) out.push_back(engine::DatasetDefToJson(def));
      PrintJson(out);
      return;
    }
    if (*definition) {
      auto def = (*engine)->GetDataset(ctx, *name);
      if (!def) {
        exit_code = ReportError(def.error());
        return;
      }
      PrintJson(engine::DatasetDefToJson(*def));
      return;
    }
    auto ledger = (*engine)->Ledger(ctx, *name);
    if (!ledger) {
      exit_code = ReportError(ledger.error());
      return;
    }
    PrintJson(*ledger);
  });
}

void AddKeysCommands(CLI::App& app, int& exit_code) {
  auto* keys_cmd = app.add_subcommand("keys", "key hierarchy: rotation and status / 鍵の管理");
  keys_cmd->require_subcommand(1);

  auto* rotate = keys_cmd->add_subcommand(
      "rotate", "rotate dataset keys (all, or --dataset) or the root key (--root) / 鍵の更新");
  auto flags = std::make_shared<StoreFlags>();
  auto root = std::make_shared<bool>(false);
  auto dataset = std::make_shared<std::string>();
  auto new_passphrase = std::make_shared<std::string>();
  flags->AddTo(rotate);
  rotate->add_flag("--root", *root, "rotate the root key / ルート鍵を更新");
  rotate->add_option("--dataset", *dataset, "only this dataset's key / この台帳の鍵のみ");
  rotate->add_option(
      "--new-passphrase-file", *new_passphrase,
      "with --root and a passphrase root key: file holding the new passphrase (0600)");
  rotate->callback([flags, root, dataset, new_passphrase, &exit_code] {
    engine::EngineOptions options;
    options.paths = flags->MakePaths();
    options.record_key_pool = 1;
    auto provider = MakeRootProvider(*flags);
    if (!provider) {
      exit_code = ReportError(provider.error());
      return;
    }
    if (!new_passphrase->empty()) {
      auto* pp = dynamic_cast<keys::PassphraseProvider*>(provider->get());
      auto next = keys::ReadSecretFile(*new_passphrase);
      if (!pp || !next) {
        exit_code =
            ReportError(next ? Status::InvalidArgument(
                                   "--new-passphrase-file needs --passphrase-file",
                                   "--new-passphrase-file には --passphrase-file が必要です")
                             : next.error());
        return;
      }
      pp->SetNextPassphrase(std::move(*next));
    }
    options.root = std::move(*provider);
    auto engine = engine::Engine::Open(std::move(options), LocalContext());
    if (!engine) {
      exit_code = ReportError(engine.error());
      return;
    }
    const auto ctx = LocalContext();
    nlohmann::json out;
    if (*root) {
      if (Status s = (*engine)->RotateRootKey(ctx); !s.ok()) {
        exit_code = ReportError(s);
        return;
      }
      out["root"] = "rotated / ルート鍵を更新しました";
    }
    if (!*root || !dataset->empty()) {
      std::vector<std::string> names;
      if (!dataset->empty()) {
        names.push_back(*dataset);
      } else {
        auto defs = (*engine)->ListDatasets(ctx);
        if (!defs) {
          exit_code = ReportError(defs.error());
          return;
        }
        for (const auto& d : *defs) names.push_back(d.name);
      }
      for (const auto& n : names) {
        auto count = (*engine)->RotateDatasetKey(ctx, n);
        if (!count) {
          exit_code = ReportError(count.error());
          return;
        }
        out["datasets"][n] = {{"record_keys_rewrapped", *count}};
      }
    }
    PrintJson(out);
  });

  auto* status =
      keys_cmd->add_subcommand("status", "key versions and counts, no key material / 鍵の状態");
  auto status_flags = std::make_shared<StoreFlags>();
  status_flags->AddTo(status);
  status->callback([status_flags, &exit_code] {
    auto engine = OpenEngine(*status_flags);
    if (!engine) {
      exit_code = ReportError(engine.error());
      return;
    }
    auto info = (*engine)->KeyInfo(LocalContext());
    if (!info) {
      exit_code = ReportError(info.error());
      return;
    }
    nlohmann::json out = {{"root_provider", info->root_provider},
                          {"root_version", info->root_version},
                          {"audit_key_fingerprint", info->audit_key_fingerprint}};
    out["datasets"] = nlohmann::json::array();
    for (const auto& d : info->datasets) {
      out["datasets"].push_back(
          {{"name", d.name}, {"key_version", d.current_version}, {"record_keys", d.record_keys}});
    }
    PrintJson(out);
  });
}

void AddRetentionCommands(CLI::App& app, int& exit_code) {
  auto* ret = app.add_subcommand("retention", "retention deadlines / 保管期限");
  ret->require_subcommand(1);
  auto* sweep = ret->add_subcommand(
      "sweep", "shred every record past its retention deadline / 期限切れレコードを廃棄");
  auto flags = std::make_shared<StoreFlags>();
  auto today = std::make_shared<std::string>();
  flags->AddTo(sweep);
  sweep->add_option("--today", *today,
                    "evaluate as of this JST date (YYYY-MM-DD); default today / 基準日");
  sweep->callback([flags, today, &exit_code] {
    CivilDate date = JstDate(NowMicros());
    if (!today->empty()) {
      auto parsed = ParseDate(*today);
      if (!parsed) {
        exit_code = ReportError(Status::InvalidArgument(
            "--today must be a date YYYY-MM-DD", "--today は YYYY-MM-DD 形式の日付です", "today"));
        return;
      }
      date = *parsed;
    }
    auto engine = OpenEngine(*flags);
    if (!engine) {
      exit_code = ReportError(engine.error());
      return;
    }
    auto ctx = LocalContext();
    // The sweep acts for the retention rule, started by this operator.
    ctx.actor = "system:retention/" + ctx.actor;
    auto report = (*engine)->SweepRetention(ctx, date);
    if (!report) {
      exit_code = ReportError(report.error());
      return;
    }
    PrintJson({{"as_of", FormatDate(date)},
               {"examined", report->examined},
               {"shredded", report->disposals.size()},
               {"disposals", report->disposals},
               {"errors", report->errors}});
    if (!report->errors.empty()) exit_code = 1;
  });
}

}  // namespace mamori::cli
