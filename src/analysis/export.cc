#include "analysis/export.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "analysis/store_util.h"
#include "audit/log.h"

namespace mamori::analysis {
namespace {

class SyslogExport final : public ExportSink {
 public:
  SyslogExport(SyslogTlsOptions tls, SyslogOrigin origin)
      : tls_(std::move(tls)), origin_(std::move(origin)) {}
  ~SyslogExport() override {
    if (sender_) (void)sender_->Close();
  }
  std::string_view Kind() const override { return "syslog"; }
  Status Event(const audit::Event& ev) override { return Send(SyslogEventMessage(ev, origin_)); }
  Status Finding(const analysis::Finding& f) override {
    return Send(SyslogFindingMessage(f, origin_));
  }
  // TLS over TCP: what SSL_write accepted is with the kernel; closing the
  // session cleanly at the end is what makes it the receiver's.
  Status Flush() override { return Status::Ok(); }

 private:
  Status Send(const std::string& message) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!sender_) {
        MAMORI_ASSIGN_OR_RETURN(sender_, SyslogTlsSender::Connect(tls_));
      }
      Status s = sender_->Send(message);
      if (s.ok()) return s;
      sender_.reset();
      if (attempt == 1) return s;
    }
    return Status::Ok();
  }

  SyslogTlsOptions tls_;
  SyslogOrigin origin_;
  std::unique_ptr<SyslogTlsSender> sender_;
};

class JsonLinesExport final : public ExportSink {
 public:
  JsonLinesExport(int events_fd, int findings_fd) : events_(events_fd), findings_(findings_fd) {}
  ~JsonLinesExport() override {
    for (int fd : {events_, findings_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  std::string_view Kind() const override { return "jsonl"; }
  Status Event(const audit::Event& ev) override {
    return Write(events_, audit::EventToJson(ev).dump() + "\n");
  }
  Status Finding(const analysis::Finding& f) override {
    if (findings_ < 0) return Status::Ok();
    return Write(findings_, FindingToJson(f).dump() + "\n");
  }
  Status Flush() override {
    for (int fd : {events_, findings_}) {
      if (fd >= 0 && ::fsync(fd) != 0) return Failed();
    }
    return Status::Ok();
  }

 private:
  static Status Failed() {
    return Status::IoError(std::string("cannot write the export file: ") + std::strerror(errno),
                           "エクスポートファイルに書き込めません", "export");
  }
  static Status Write(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Failed();
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  int events_, findings_;
};

Result<int> OpenAppend(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(Status::IoError("cannot open " + path + ": " + std::strerror(errno),
                                path + " を開けません", "export"));
  }
  return fd;
}

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Status AuditExport(store::Storage& store, const engine::Context& ctx, std::string_view kind,
                   const ExportOptions& o, const ExportStats& st, bool end) {
  audit::Event ev = internal::MakeEvent(ctx, "analysis.export", ctx.time ? ctx.time : NowMicros());
  ev.attrs = {{"target", std::string(kind)},
              {"cursor", o.name},
              {"phase", end ? "end" : "start"},
              {"from_seq", std::to_string(st.from_seq)}};
  if (end) {
    ev.attrs["next_seq"] = std::to_string(st.next_seq);
    ev.attrs["events"] = std::to_string(st.events);
    ev.attrs["findings"] = std::to_string(st.findings);
  }
  return store.Update([&](store::WriteTxn& txn) { return StatusOf(audit::Append(txn, ev)); });
}

}  // namespace

std::unique_ptr<ExportSink> SyslogSink(SyslogTlsOptions tls, SyslogOrigin origin) {
  return std::make_unique<SyslogExport>(std::move(tls), std::move(origin));
}

Result<std::unique_ptr<ExportSink>> JsonLinesSink(const std::string& events_path,
                                                  const std::string& findings_path) {
  MAMORI_ASSIGN_OR_RETURN(int events, OpenAppend(events_path));
  int findings = -1;
  if (!findings_path.empty()) {
    auto fd = OpenAppend(findings_path);
    if (!fd) {
      ::close(events);
      return Fail(fd.error());
    }
    findings = *fd;
  }
  return std::unique_ptr<ExportSink>(std::make_unique<JsonLinesExport>(events, findings));
}

Result<ExportStats> ExportLog(store::Storage& store, ExportSink& sink, const ExportOptions& o,
                              const engine::Context& ctx) {
  if (!ValidName(o.name)) {
    return Fail(Status::InvalidArgument("an export's name is 1-32 of a-z, 0-9, _ and -",
                                        "エクスポート名は英小文字・数字・_・- の1〜32文字です",
                                        "name"));
  }
  const std::string cursor_key = internal::Key(internal::kExportPrefix, o.name);
  ExportStats st;
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto stored, txn.Get(cursor_key));
    if (o.from_seq) {
      st.from_seq = *o.from_seq;
    } else if (stored) {
      try {
        st.from_seq = std::stoull(*stored);
      } catch (...) {
        return internal::Corrupt("export cursor");
      }
    }
    return Status::Ok();
  }));
  st.next_seq = st.from_seq;
  MAMORI_RETURN_IF_ERROR(AuditExport(store, ctx, sink.Kind(), o, st, false));
  for (;;) {
    std::vector<audit::Event> batch;
    std::vector<analysis::Finding> raised;
    MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
      return txn.ScanEach(
          audit::EventKey(st.next_seq), store::PrefixEnd(audit::kEventPrefix),
          [&](std::string_view, std::string_view value) -> Result<bool> {
            MAMORI_ASSIGN_OR_RETURN(audit::Event ev, audit::ParseEvent(value));
            if (ev.operation == "analysis.finding" && ev.result == audit::kResultOk) {
              auto id = ev.attrs.find("finding");
              if (id != ev.attrs.end()) {
                MAMORI_ASSIGN_OR_RETURN(
                    auto j,
                    internal::ReadJson(txn, internal::Key(internal::kFindingPrefix, id->second),
                                       "finding"));
                if (j) {
                  MAMORI_ASSIGN_OR_RETURN(analysis::Finding f, FindingFromJson(*j));
                  raised.push_back(std::move(f));
                }
              }
            }
            batch.push_back(std::move(ev));
            return batch.size() < o.batch;
          });
    }));
    if (batch.empty()) break;
    size_t next_finding = 0;
    for (const auto& ev : batch) {
      MAMORI_RETURN_IF_ERROR(sink.Event(ev));
      ++st.events;
      if (ev.operation == "analysis.finding" && next_finding < raised.size() &&
          ev.attrs.count("finding") && ev.attrs.at("finding") == raised[next_finding].id) {
        MAMORI_RETURN_IF_ERROR(sink.Finding(raised[next_finding++]));
        ++st.findings;
      }
    }
    MAMORI_RETURN_IF_ERROR(sink.Flush());
    st.next_seq = batch.back().seq + 1;
    MAMORI_RETURN_IF_ERROR(store.Update(
        [&](store::WriteTxn& txn) { return txn.Put(cursor_key, std::to_string(st.next_seq)); }));
  }
  MAMORI_RETURN_IF_ERROR(AuditExport(store, ctx, sink.Kind(), o, st, true));
  return st;
}

}  // namespace mamori::analysis
