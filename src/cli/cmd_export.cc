// analysis export ([003 II.5(8)]: use and access are monitored;
// docs/REQUIREMENTS.md §6, docs/ANALYSIS.md): the audit log, and each finding
// as it is raised, to a SIEM — syslog (RFC 5424) over TLS, or JSON-lines files
// — from where the last run of the same --name stopped (analysis/export.h).
// With --follow it keeps following the log, every --interval seconds, until
// SIGTERM or SIGINT: run it as a service beside `mamori serve`.
//
//   mamori analysis export --data DIR --syslog tls://HOST:PORT --ca CA.pem
//                          [--cert C.pem --key K.pem] [--name N] [--from-seq S] [--follow]
//   mamori analysis export --data DIR --jsonl EVENTS.jsonl [--findings-jsonl F.jsonl] …
// Prints one JSON line per run: {"from_seq", "next_seq", "events", "findings"}.
// A JSON-lines destination inside the data directory or the key store (by
// any path or link), a symbolic or hard link, or one file for both events
// and findings is refused (analysis/export.h): the operator who runs this
// can write there, and appending would corrupt the store.
#include <pthread.h>
#include <signal.h>

#include <chrono>

#include "analysis/export.h"
#include "cli/common.h"

namespace mamori::cli {

Result<std::unique_ptr<store::Storage>> OpenDataStore(const StoreFlags& flags);

namespace {

struct ExportFlags {
  StoreFlags store;
  std::string syslog, ca, cert, key, jsonl, findings_jsonl, name;
  int64_t from_seq = -1;
  bool follow = false;
  unsigned interval = 5;
};

int Export(const ExportFlags& f) {
  if (f.syslog.empty() == f.jsonl.empty()) {
    return ReportError(Status::InvalidArgument("give either --syslog or --jsonl",
                                               "--syslog か --jsonl のどちらかを指定してください",
                                               "target"));
  }
  if (!f.findings_jsonl.empty() && f.jsonl.empty()) {
    return ReportError(Status::InvalidArgument("--findings-jsonl goes with --jsonl",
                                               "--findings-jsonl は --jsonl と共に指定します",
                                               "target"));
  }
  std::unique_ptr<analysis::ExportSink> sink;
  if (!f.syslog.empty()) {
    analysis::SyslogTlsOptions tls;
    tls.url = f.syslog;
    tls.ca_file = f.ca;
    tls.cert_file = f.cert;
    tls.key_file = f.key;
    if (tls.ca_file.empty()) {
      return ReportError(
          Status::InvalidArgument("--syslog needs --ca", "--syslog には --ca が必要です", "ca"));
    }
    // Fail at once on a receiver that cannot be reached or trusted.
    auto probe = analysis::SyslogTlsSender::Connect(tls);
    if (!probe) return ReportError(probe.error());
    (void)(*probe)->Close();
    sink = analysis::SyslogSink(tls, {});
  } else {
    const engine::Paths paths = f.store.MakePaths();
    auto s = analysis::JsonLinesSink(f.jsonl, f.findings_jsonl, {paths.data_dir, paths.KeysDir()});
    if (!s) return ReportError(s.error());
    sink = std::move(*s);
  }
  auto storage = OpenDataStore(f.store);
  if (!storage) return ReportError(storage.error());
  analysis::ExportOptions options;
  options.name = !f.name.empty() ? f.name : std::string(sink->Kind());
  if (f.from_seq >= 0) options.from_seq = static_cast<uint64_t>(f.from_seq);

  // --follow: SIGTERM/SIGINT end the wait between runs.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (f.follow) pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  for (;;) {
    auto st = analysis::ExportLog(**storage, *sink, options, LocalContext());
    if (!st) return ReportError(st.error());
    PrintJson({{"from_seq", st->from_seq},
               {"next_seq", st->next_seq},
               {"events", st->events},
               {"findings", st->findings}});
    if (!f.follow) break;
    options.from_seq.reset();  // on from the stored cursor
    timespec wait{static_cast<time_t>(f.interval), 0};
    if (sigtimedwait(&signals, nullptr, &wait) > 0) break;
  }
  sink.reset();  // closes the TLS session cleanly
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App* analysis_cmd, int& exit_code) {
  auto* cmd = analysis_cmd->add_subcommand(
      "export", "audit events and findings to a SIEM / 監査イベントと指摘を SIEM へ送信");
  auto f = std::make_shared<ExportFlags>();
  f->store.AddTo(cmd);
  cmd->add_option("--syslog", f->syslog, "tls://HOST:PORT of a syslog receiver (RFC 5424/5425)");
  cmd->add_option("--ca", f->ca, "PEM CA that issued the receiver's certificate");
  cmd->add_option("--cert", f->cert, "PEM client certificate (mutual TLS)");
  cmd->add_option("--key", f->key, "PEM key of --cert (mode 0600)");
  cmd->add_option("--jsonl", f->jsonl, "append the events to this JSON-lines file");
  cmd->add_option("--findings-jsonl", f->findings_jsonl, "append the findings to this file");
  cmd->add_option("--name", f->name, "the cursor's name (default: syslog or jsonl)");
  cmd->add_option("--from-seq", f->from_seq, "start at this seq instead of the cursor");
  cmd->add_flag("--follow", f->follow, "keep following the log until SIGTERM/SIGINT");
  cmd->add_option("--interval", f->interval, "seconds between runs with --follow (default 5)")
      ->check(CLI::Range(1u, 3600u));
  cmd->callback([f, &exit_code] { exit_code = Export(*f); });
}

}  // namespace mamori::cli
