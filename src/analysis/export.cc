#include "analysis/export.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
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

// What the caller named, for a message: the option of `analysis export`.
std::string Which(const char* member) {
  return std::string_view(member) == "jsonl" ? "the events file (--jsonl)"
                                             : "the findings file (--findings-jsonl)";
}

Status Refused(const char* member, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument(Which(member) + ": " + en, Which(member) + ": " + ja, member);
}

// The real path of an open descriptor (symbolic links resolved).
std::string RealPathOf(int fd) {
  char buf[PATH_MAX + 1];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), buf, PATH_MAX);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool Inside(const std::string& path, const std::string& dir) {
  if (dir.empty() || path.empty()) return false;
  if (dir == "/") return true;
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

// Opens `path` for appending: its directory first, then the file in it
// without following a link, then checks what was opened.
Result<int> OpenAppend(const std::string& path, const char* member,
                       const std::vector<std::string>& protected_dirs) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") {
    return Fail(Refused(member, "name a file, not a directory",
                        "ディレクトリではなくファイルを指定してください"));
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    return Fail(
        Status::IoError(Which(member) + ": cannot open its directory: " + std::strerror(errno),
                        Which(member) + ": ディレクトリを開けません", member));
  }
  const std::string real_dir = RealPathOf(dfd);
  for (const auto& p : protected_dirs) {
    char resolved[PATH_MAX + 1];
    const std::string protected_real = ::realpath(p.c_str(), resolved) ? resolved : p;
    if (real_dir.empty() || Inside(real_dir, protected_real)) {
      ::close(dfd);
      return Fail(
          Refused(member,
                  "the export file may not be inside the data directory or the key "
                  "store: appending there would corrupt the store",
                  "エクスポート先をデータディレクトリ・鍵ストアの中にすることはできません"));
    }
  }
  const int fd = ::openat(
      dfd, name.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  const int open_errno = errno;
  ::close(dfd);
  if (fd < 0) {
    if (open_errno == ELOOP) {
      return Fail(Refused(member, "the export file may not be a symbolic link",
                          "エクスポート先にシンボリックリンクは指定できません"));
    }
    return Fail(Status::IoError(Which(member) + ": cannot open: " + std::strerror(open_errno),
                                Which(member) + ": 開けません", member));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    ::close(fd);
    return Fail(Refused(member,
                        "the export file must be a regular file with one name (no hard link)",
                        "エクスポート先は通常のファイル (ハードリンクなし) です"));
  }
  // Writes block as for any file; only the open had to not wait on a FIFO.
  (void)::fcntl(fd, F_SETFL, O_APPEND);
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
                                                  const std::string& findings_path,
                                                  const std::vector<std::string>& protected_dirs) {
  MAMORI_ASSIGN_OR_RETURN(int events, OpenAppend(events_path, "jsonl", protected_dirs));
  int findings = -1;
  if (!findings_path.empty()) {
    auto fd = OpenAppend(findings_path, "findings_jsonl", protected_dirs);
    if (!fd) {
      ::close(events);
      return Fail(fd.error());
    }
    findings = *fd;
    // One file for both would mix findings into the events that
    // `analysis run --events` reads back.
    struct stat a {
    }, b{};
    if (::fstat(events, &a) != 0 || ::fstat(findings, &b) != 0 ||
        (a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
      ::close(events);
      ::close(findings);
      return Fail(Refused("findings_jsonl", "the findings go to a file other than the events",
                          "指摘はイベントとは別のファイルに出力します"));
    }
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
                  // The finding as it stands now may carry the reasons
                  // people wrote when closing it: text, which stays with
                  // the finding and never leaves for a SIEM (the steps,
                  // who and when, do).
                  for (auto& step : f.history) step.reason.clear();
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
