// The exchange between institutions at the server's console (exchange/,
// docs/EXCHANGE.md):
//
//   exchange init     --data DIR --name NAME --role ROLE [--host H]...
//   exchange serve    --data DIR [--host 127.0.0.1] [--port 0]
//   exchange send     --data DIR --connection C --kind notification|request|transfer
//                     --accounts A,B… [--items I,J…] [--key KEY]
//   connection add     --data DIR --file DEFINITION.json
//   connection list    --data DIR
//   connection show    --data DIR --id C [--card [--text]] [--provisions]
//   connection suspend --data DIR --id C --reason CODE
//   connection resume  --data DIR --id C --reason CODE
//
// The local operator (the OS user) acts: the register lets it register a
// connection whose approval was granted through the approval flow (the
// approval is checked in the registering transaction, not here), and use
// the kill switch like the connection's responsible person. `serve` runs
// the node's exchange listener (api/exchange_server.h) until SIGTERM or
// SIGINT, printing one JSON line with its URL once it listens. Suspend and
// resume notify the counterpart when the data directory is a node; the
// answer says whether the notice arrived.
#include <signal.h>

#include <iostream>

#include "api/exchange_client.h"
#include "api/exchange_server.h"
#include "audit/event.h"
#include "cli/common.h"
#include "cli/node_config.h"
#include "exchange/card.h"

namespace mamori::cli {

namespace exchange_cli {

using nlohmann::json;

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Runs `fn` over an open engine; closes it; the exit code.
int WithEngine(const StoreFlags& store, const std::function<Result<json>(engine::Engine&)>& fn) {
  auto engine = OpenEngine(store);
  if (!engine) return ReportError(engine.error());
  auto out = fn(**engine);
  Status closed = (*engine)->Close();
  if (!out) return ReportError(out.error());
  if (!closed.ok()) return ReportError(closed);
  PrintJson(*out);
  return 0;
}

struct Flags {
  StoreFlags store;
  std::string name, role, host = "127.0.0.1", id, reason, file, connection, kind, accounts, items,
                          key;
  std::vector<std::string> hosts;
  uint16_t port = 0;
  bool card = false, text = false, provisions = false;
};

int Init(const Flags& f) {
  auto role = exchange::ParseRole(f.role);
  if (!role) {
    return ReportError(Status::InvalidArgument(
        "--role must be transfer_institution, account_manager or issuer",
        "--role は transfer_institution、account_manager または issuer です", "role"));
  }
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    exchange::NodeConfig config;
    config.name = f.name;
    config.role = *role;
    config.hosts = f.hosts;
    config.dir = ExchangeDir(f.store.MakePaths().data_dir);
    MAMORI_ASSIGN_OR_RETURN(auto node, exchange::Node::Open(engine, config));
    MAMORI_RETURN_IF_ERROR(WriteNodeConfig(f.store.MakePaths().data_dir, config));
    MAMORI_RETURN_IF_ERROR(node->EnsureDataset(LocalContext()));
    const auto& id = node->identity();
    return json{{"name", config.name},
                {"role", exchange::RoleName(config.role)},
                {"location", config.location},
                {"certificate", id.certificate_pem},
                {"certificate_sha256", id.certificate_sha256},
                {"public_key_pin", id.public_key_pin}};
  });
}

int Serve(const Flags& f) {
  // Blocked before any thread starts, so that only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto engine = OpenEngine(f.store);
  if (!engine) return ReportError(engine.error());
  int code = 0;
  {
    auto node = OpenNode(**engine, f.store.MakePaths().data_dir);
    if (!node) {
      code = ReportError(node.error());
    } else {
      api::ExchangeClient client(**node);
      (*node)->SetTransport(&client);
      api::ExchangeServerOptions options;
      options.host = f.host;
      options.port = f.port;
      auto server = api::ExchangeServer::Start(**engine, **node, options);
      if (!server) {
        code = ReportError(server.error());
      } else {
        std::cout << json{{"node", (*node)->config().name}, {"url", (*server)->url()}}.dump()
                  << "\n"
                  << std::flush;
        int signal_number = 0;
        sigwait(&signals, &signal_number);
        (*server)->Shutdown();
      }
    }
  }
  Status closed = (*engine)->Close();
  if (!closed.ok() && code == 0) return ReportError(closed);
  return code;
}

json OutcomeJson(const exchange::Outcome& o) {
  json j = {{"sent", exchange::ToJson(o.sent)}, {"repeated", o.repeated}};
  if (o.received) j["received"] = exchange::ToJson(*o.received);
  return j;
}

int Send(const Flags& f) {
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    MAMORI_ASSIGN_OR_RETURN(auto node, OpenNode(engine, f.store.MakePaths().data_dir));
    api::ExchangeClient client(*node);
    node->SetTransport(&client);
    MAMORI_ASSIGN_OR_RETURN(exchange::Outcome out,
                            node->Send(LocalContext(), f.connection, f.kind,
                                       SplitCommas(f.accounts), SplitCommas(f.items), f.key));
    return OutcomeJson(out);
  });
}

int Add(const Flags& f) {
  auto text = ReadInput(f.file);
  if (!text) return ReportError(text.error());
  const json definition = json::parse(*text, nullptr, false);
  if (definition.is_discarded()) {
    return ReportError(Status::InvalidArgument("--file is not valid JSON",
                                               "--file が正しい JSON ではありません", "file"));
  }
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    exchange::Connections connections(engine.data_store());
    MAMORI_ASSIGN_OR_RETURN(auto c, connections.Add(LocalContext(), definition));
    return exchange::ToJson(c);
  });
}

int List(const Flags& f) {
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    // Reads of the register are recorded, as the API records them.
    MAMORI_RETURN_IF_ERROR(StatusOf(engine.RecordEvent(LocalContext(), "connection.list", "")));
    exchange::Connections connections(engine.data_store());
    MAMORI_ASSIGN_OR_RETURN(auto list, connections.List());
    json out = json::array();
    for (const auto& c : list) out.push_back(exchange::ToJson(c));
    return json{{"connections", out}};
  });
}

int Show(const Flags& f) {
  if (f.card && f.text) {
    // The printable card: plain text, not JSON.
    auto engine = OpenEngine(f.store);
    if (!engine) return ReportError(engine.error());
    auto c = [&]() -> Result<exchange::Connection> {
      MAMORI_RETURN_IF_ERROR(StatusOf((*engine)->RecordEvent(
          LocalContext(), "connection.show", "", {{"connection", audit::EventIdentifier(f.id)}})));
      return exchange::Connections((*engine)->data_store()).Get(f.id);
    }();
    Status closed = (*engine)->Close();
    if (!c) return ReportError(c.error());
    if (!closed.ok()) return ReportError(closed);
    std::cout << exchange::CardText(*c);
    return 0;
  }
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    MAMORI_RETURN_IF_ERROR(StatusOf(
        engine.RecordEvent(LocalContext(), f.provisions ? "provision.list" : "connection.show", "",
                           {{"connection", audit::EventIdentifier(f.id)}})));
    exchange::Connections connections(engine.data_store());
    MAMORI_ASSIGN_OR_RETURN(auto c, connections.Get(f.id));
    if (f.card) return exchange::Card(c);
    json out = exchange::ToJson(c);
    if (f.provisions) {
      exchange::Provisions provisions(engine.data_store());
      MAMORI_ASSIGN_OR_RETURN(auto list, provisions.List(f.id));
      json records = json::array();
      for (const auto& r : list) records.push_back(exchange::ToJson(r));
      out["provisions"] = records;
    }
    return out;
  });
}

int Switch(const Flags& f, bool suspend) {
  return WithEngine(f.store, [&](engine::Engine& engine) -> Result<json> {
    const engine::Context ctx = LocalContext();
    auto node = OpenNode(engine, f.store.MakePaths().data_dir);
    if (!node) {
      if (node.error().code() != Code::kNotFound) return Fail(node.error());
      // No node here: the register alone; nobody to notify.
      exchange::Connections connections(engine.data_store());
      MAMORI_ASSIGN_OR_RETURN(auto c, suspend ? connections.Suspend(ctx, f.id, f.reason)
                                              : connections.Resume(ctx, f.id, f.reason));
      json out = exchange::ToJson(c);
      out["counterpart_notified"] = false;
      return out;
    }
    api::ExchangeClient client(**node);
    (*node)->SetTransport(&client);
    MAMORI_ASSIGN_OR_RETURN(auto r, suspend ? (*node)->Suspend(ctx, f.id, f.reason)
                                            : (*node)->Resume(ctx, f.id, f.reason));
    json out = exchange::ToJson(r.connection);
    out["counterpart_notified"] = r.notified;
    return out;
  });
}

}  // namespace exchange_cli

void AddExchangeCommands(CLI::App& app, int& exit_code) {
  using exchange_cli::Flags;
  auto* ex = app.add_subcommand(
      "exchange", "the exchange between institutions / 機関間の個人番号の通知・提供 (交換ノード)");
  ex->require_subcommand(1);
  {
    auto f = std::make_shared<Flags>();
    auto* cmd =
        ex->add_subcommand("init", "make this data directory an exchange node / ノードの作成");
    f->store.AddTo(cmd);
    cmd->add_option("--name", f->name, "the node's name [a-z0-9_-] / ノード名")->required();
    cmd->add_option(
           "--role", f->role,
           "transfer_institution (振替機関), account_manager (口座管理機関) or issuer (発行者)")
        ->required();
    cmd->add_option("--host", f->hosts, "another name for the certificate / 証明書の別名");
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::Init(*f); });
  }
  {
    auto f = std::make_shared<Flags>();
    auto* cmd = ex->add_subcommand("serve", "the node's exchange listener / 交換用の受付");
    f->store.AddTo(cmd);
    cmd->add_option("--host", f->host, "address to listen on")->capture_default_str();
    cmd->add_option("--port", f->port, "port (0: any free port)")->capture_default_str();
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::Serve(*f); });
  }
  {
    auto f = std::make_shared<Flags>();
    auto* cmd = ex->add_subcommand("send", "send a notification, request or transfer / 送信");
    f->store.AddTo(cmd);
    cmd->add_option("--connection", f->connection, "connection id / 接続")->required();
    cmd->add_option("--kind", f->kind, "notification, request or transfer")->required();
    cmd->add_option("--accounts", f->accounts, "account codes A,B,… / 加入者口座コード")
        ->required();
    cmd->add_option("--items", f->items, "the items to send I,J,… (not for a request) / 項目");
    cmd->add_option("--key", f->key, "idempotency key (a retry uses the same) / 冪等キー");
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::Send(*f); });
  }

  auto* conn = app.add_subcommand("connection", "connections (電算結合) / 接続の登録・停止");
  conn->require_subcommand(1);
  {
    auto f = std::make_shared<Flags>();
    auto* cmd =
        conn->add_subcommand("add", "register an approved connection / 承認された接続の登録");
    f->store.AddTo(cmd);
    cmd->add_option("--file", f->file, "the definition, JSON (- for standard input)")->required();
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::Add(*f); });
  }
  {
    auto f = std::make_shared<Flags>();
    auto* cmd = conn->add_subcommand("list", "the connection register / 接続の一覧");
    f->store.AddTo(cmd);
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::List(*f); });
  }
  {
    auto f = std::make_shared<Flags>();
    auto* cmd = conn->add_subcommand("show", "one connection, its card or its provision records");
    f->store.AddTo(cmd);
    cmd->add_option("--id", f->id, "connection id / 接続")->required();
    cmd->add_flag("--card", f->card, "the connection card (第5号様式) / 電算結合の記録票");
    cmd->add_flag("--text", f->text, "with --card: printable text / 印刷用");
    cmd->add_flag("--provisions", f->provisions, "with its provision records / 提供記録");
    cmd->callback([f, &exit_code] { exit_code = exchange_cli::Show(*f); });
  }
  for (const bool suspend : {true, false}) {
    auto f = std::make_shared<Flags>();
    auto* cmd = conn->add_subcommand(
        suspend ? "suspend" : "resume",
        suspend ? "the kill switch: suspend at once, notify the counterpart / 接続の即時停止"
                : "lift a suspension, notify the counterpart / 停止の解除");
    f->store.AddTo(cmd);
    cmd->add_option("--id", f->id, "connection id / 接続")->required();
    cmd->add_option("--reason", f->reason, "a code, e.g. suspected_leak / 理由コード")->required();
    cmd->callback([f, suspend, &exit_code] { exit_code = exchange_cli::Switch(*f, suspend); });
  }
}

}  // namespace mamori::cli
