// Engine::Export: a take-out of records to a file encrypted for its
// recipient (takeout.h states the contract). The register of take-outs
// (confirmation, listing, interrupted exports) is in takeout_register.cc.
#include "engine/takeout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "audit/event.h"
#include "core/encoding.h"
#include "crypto/cms_writer.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/recipient_certificate.h"
#include "engine/engine.h"
#include "engine/envelope.h"
#include "engine/keyspace.h"
#include "engine/record_ops.h"
#include "engine/takeout_rules.h"
#include "engine/takeout_store.h"

namespace mamori::engine {

namespace {

constexpr std::string_view kExportOp = "record.export";
constexpr size_t kManifestChunk = 1000;  // manifest lines per stored row

Status TakeoutBad(const std::string& subject, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("take-out: " + en, "持ち出し: " + ja, subject);
}

// An identifier the audit log accepts as it stands (audit/event.h), of at
// most `max` bytes: what the approval engine's references and people's ids
// must be, since the event records them.
bool IsEventId(std::string_view s, size_t max = 128) {
  return !s.empty() && s.size() <= max && audit::EventIdentifier(s) == s;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What Export decided before writing anything.
struct Plan {
  std::optional<crypto::RecipientCertificate> recipient;
  TakeoutRules rules;
  std::vector<std::string> fields;  // written, in definition order
  std::vector<std::string> ids;     // selected, in the order given (or stored)
  std::vector<TakeoutApprover> approvers;
};

Status CheckApprovers(const Context& ctx, const TakeoutRules& rules,
                      const std::vector<TakeoutApprover>& approvers) {
  std::set<std::string> people, roles;
  if (approvers.size() > 8) {
    return TakeoutBad("approvers", "at most 8 approvers", "承認者は8人までです");
  }
  for (const auto& a : approvers) {
    if (!IsEventId(a.person, 64) || !IsEventId(a.role, 64)) {
      return TakeoutBad("approvers", "an approver's person or role is not an identifier",
                        "承認者の利用者IDまたは役割がIDの形式ではありません");
    }
    if (a.person == ctx.actor) {
      return Status::PermissionDenied("take-out: the exporter cannot be one of its approvers",
                                      "持ち出し: 持ち出す本人は承認者になれません", "approvers");
    }
    if (!people.insert(a.person).second) {
      return Status::PermissionDenied("take-out: each approver must be a different person",
                                      "持ち出し: 承認者はそれぞれ別の人でなければなりません",
                                      "approvers");
    }
    roles.insert(a.role);
  }
  for (const auto& role : rules.approver_roles) {
    if (!roles.contains(role)) {
      return Status::PermissionDenied(
          "take-out: this dataset needs the approval of a " + role +
              " (confidentiality 3: section_manager and department_officer)",
          "持ち出し: この台帳には " + role +
              " の承認が必要です (機密性3は情報セキュリティ管理者と情報セキュリティ責任者の両方)",
          "approvers");
    }
  }
  return Status::Ok();
}

Result<Plan> MakePlan(const Context& ctx, const DatasetDef& def, const TakeoutRequest& req) {
  Plan plan;
  plan.rules = TakeoutRulesFor(def);
  if (!plan.rules.permitted.ok()) return Fail(plan.rules.permitted);
  if (plan.rules.internal_only && !req.recipient_internal) {
    return Fail(Status::PermissionDenied("take-out: the dataset's handling restriction " +
                                             plan.rules.internal_because +
                                             " allows a recipient inside the organisation only",
                                         "持ち出し: 台帳の取扱制限 " + plan.rules.internal_because +
                                             " により、組織外の受領者には持ち出せません",
                                         "recipient_internal"));
  }
  if (!IsEventId(req.approval)) {
    return Fail(TakeoutBad("approval",
                           "the approval reference must be an identifier (printable ASCII without "
                           "spaces or quotes, at most 128 bytes, no run of ten or more digits)",
                           "承認番号はIDの形式でなければなりません (空白・引用符を含まない 128 "
                           "バイト以内の ASCII、10桁以上の数字の連続を含まない)"));
  }
  MAMORI_RETURN_IF_ERROR(CheckApprovers(ctx, plan.rules, req.approvers));
  plan.approvers = req.approvers;

  const CivilDate today = JstDate(ctx.time);
  const int64_t days = IsValidDate(req.until.year, req.until.month, req.until.day)
                           ? DaysFromCivil(req.until) - DaysFromCivil(today)
                           : -1;
  if (days < 0 || days > kMaxTakeoutDays) {
    return Fail(TakeoutBad("until",
                           "the date by which it is returned or destroyed must be from today to " +
                               std::to_string(kMaxTakeoutDays) + " days ahead (JST)",
                           "返却・廃棄の期限は本日から" + std::to_string(kMaxTakeoutDays) +
                               "日以内の日付でなければなりません (日本時間)"));
  }

  auto recipient = crypto::RecipientCertificate::Parse(req.recipient_certificate);
  if (!recipient) return Fail(recipient.error());
  MAMORI_RETURN_IF_ERROR(recipient->Usable(ctx.time));
  plan.recipient = std::move(*recipient);

  // Fields: a subset of the definition's (minimum data, [003 V(1)⑦]).
  std::set<std::string_view> wanted;
  for (const auto& f : req.fields) {
    if (!def.Field(f)) {
      const bool named = IsValidName(f);
      return Fail(TakeoutBad(named ? f : "fields",
                             "field " +
                                 (named ? "'" + f + "'" : std::string("(not an identifier)")) +
                                 " is not a field of " + def.name,
                             "項目 " + (named ? f : std::string("(IDの形式ではない)")) +
                                 " は台帳 " + def.name + " にありません"));
    }
    if (!wanted.insert(f).second) {
      return Fail(
          TakeoutBad(f, "field '" + f + "' is named twice", "項目 " + f + " が重複しています"));
    }
  }
  for (const auto& f : def.fields) {
    if (wanted.empty() || wanted.contains(f.name)) plan.fields.push_back(f.name);
  }

  if (req.all != req.record_ids.empty()) {
    return Fail(TakeoutBad("records", "give either all records or a list of record ids, not both",
                           "全件かレコードIDの一覧のどちらか一方を指定してください"));
  }
  if (req.record_ids.size() > kMaxTakeoutRecords) {
    return Fail(TakeoutBad(
        "records", "at most " + std::to_string(kMaxTakeoutRecords) + " records per take-out",
        "1回の持ち出しは " + std::to_string(kMaxTakeoutRecords) + " 件までです"));
  }
  std::set<std::string_view> seen;
  for (const auto& id : req.record_ids) {
    if (!IsRecordId(id))
      return Fail(TakeoutBad("records", "a record id is malformed", "レコードIDが不正です"));
    if (!seen.insert(id).second) {
      return Fail(TakeoutBad("records", "record " + id + " is selected twice",
                             "レコード " + id + " が重複して選択されています"));
    }
  }
  plan.ids = req.record_ids;

  if (req.out_path.empty() || req.out_path.front() != '/' || req.out_path.back() == '/') {
    return Fail(TakeoutBad("out_path", "the output file must be an absolute path",
                           "出力ファイルは絶対パスで指定してください"));
  }
  struct stat st;
  if (::lstat(req.out_path.c_str(), &st) == 0) {
    return Fail(Status::AlreadyExists("take-out: the output file already exists",
                                      "持ち出し: 出力ファイルが既にあります", "out_path"));
  }
  return plan;
}

// A file being written, removed unless kept.
struct PartialFile {
  std::string path;
  int fd = -1;
  bool keep = false;
  ~PartialFile() { Discard(); }
  void Discard() {
    if (fd >= 0) ::close(fd);
    fd = -1;
    if (!keep && !path.empty()) ::unlink(path.c_str());
    path.clear();
  }
};

Status FileError(std::string_view what) {
  return Status::IoError(
      "take-out: cannot " + std::string(what) + " the output file: " + std::strerror(errno),
      "持ち出し: 出力ファイルを処理できません (" + std::string(what) + ")", "out_path");
}

Result<std::string> HashFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(FileError("read"));
  crypto::Sha256Hasher h;
  std::string buf(1 << 16, '\0');
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Fail(FileError("read"));
    }
    if (n == 0) break;
    h.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return HexEncode(crypto::DigestView(h.Finish()));
}

Status SyncParent(const std::string& path) {
  const std::string dir = path.substr(0, std::max<size_t>(path.rfind('/'), 1));
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("sync the directory of");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : FileError("sync the directory of");
}

nlohmann::json Label(const DatasetDef& def) {
  nlohmann::json handling = nlohmann::json::array();
  for (const auto& h : def.handling) {
    const auto ja = HandlingLabelJa(h);
    handling.push_back({{"id", h}, {"label_ja", ja.empty() ? h : std::string(ja)}});
  }
  const auto& c = def.classification;
  return {
      {"classification",
       {{"confidentiality", c.confidentiality},
        {"integrity", c.integrity},
        {"availability", c.availability},
        {"label", "機密性" + std::to_string(c.confidentiality) + " 完全性" +
                      std::to_string(c.integrity) + " 可用性" + std::to_string(c.availability)},
        {"derived", c.DerivedLabels()}}},
      {"handling", handling},
      {"notice_ja",
       "この情報は上記の格付及び取扱制限に従って取り扱い、期限までに返却又は廃棄してください "
       "(第47条・第49条)。"},
      {"notice_en",
       "Handle this information according to the classification and handling restrictions "
       "above, and return or destroy it by the date given."},
  };
}

}  // namespace

Result<TakeoutResult> Engine::Export(const Context& ctx_in, const TakeoutRequest& req) {
  const Context ctx = WithTime(ctx_in);
  RecordOps ops(*this);
  if (ctx.actor.empty()) return Fail(Refuse(ctx, kExportOp, req.dataset, "", NoActor()));
  // Identifiers every event of this export carries once they are known.
  std::map<std::string, std::string> attrs;
  if (IsEventId(req.approval)) attrs["approval"] = req.approval;
  bool stale = false;
  for (int attempt = 0; attempt < kOptimisticRetries; ++attempt) {
    MAMORI_ASSIGN_OR_RETURN(auto def, ops.Admit(ctx, kExportOp, req.dataset, "", false, stale));
    auto refuse = [&](const Status& why) {
      return Fail(Refuse(ctx, kExportOp, def->name, "", why, attrs));
    };
    if (req.check) {
      Status allowed = data_->View([&](store::ReadTxn& txn) { return req.check(txn); });
      if (!allowed.ok()) return refuse(allowed);
    }
    auto planned = MakePlan(ctx, *def, req);
    if (!planned) return refuse(planned.error());
    Plan& plan = *planned;
    attrs["recipient"] = plan.recipient->Fingerprint();
    if (req.all) {
      // Every stored record, read as ids only; the count bounded as a list is.
      std::vector<std::string> ids;
      Status listed = data_->View([&](store::ReadTxn& txn) -> Status {
        const std::string prefix = keyspace::RecordsPrefix(def->name);
        return txn.ScanEach(prefix, store::PrefixEnd(prefix),
                            [&](std::string_view key, std::string_view) -> Result<bool> {
                              ids.emplace_back(key.substr(prefix.size()));
                              return ids.size() <= kMaxTakeoutRecords;
                            });
      });
      if (!listed.ok()) return refuse(listed);
      if (ids.size() > kMaxTakeoutRecords) {
        return refuse(TakeoutBad("records",
                                 "the dataset holds more than " +
                                     std::to_string(kMaxTakeoutRecords) + " records: select them",
                                 "台帳のレコードが " + std::to_string(kMaxTakeoutRecords) +
                                     " 件を超えています。対象を選択してください"));
      }
      plan.ids = std::move(ids);
    }
    if (plan.ids.empty()) {
      return refuse(TakeoutBad("records", "nothing is selected", "持ち出すレコードがありません"));
    }

    MAMORI_ASSIGN_OR_RETURN(std::string random, crypto::RandomBytes(16));
    const std::string id = HexEncode(random);
    attrs["takeout"] = id;
    PartialFile file;
    const std::string partial = req.out_path + ".partial";
    // Written ahead: a crash from here to the commit leaves a marker that
    // Open acts on (the partial file deleted, the interruption recorded).
    MAMORI_RETURN_IF_ERROR(data_->Update([&](store::WriteTxn& txn) -> Status {
      return txn.Put(keyspace::TakeoutPending(id),
                     nlohmann::json({{"path", partial},
                                     {"dataset", def->name},
                                     {"m", PendingExportMac(envelope_key_, id, partial)}})
                         .dump());
    }));
    // The writer (whose BIO chain holds the descriptor), the file, then its
    // marker: a crash between leaves a marker whose file is gone, which Open
    // records and removes.
    std::unique_ptr<crypto::CmsWriter> writer;
    auto unmark = [&] {
      writer.reset();
      file.Discard();
      (void)data_->Update(
          [&](store::WriteTxn& txn) { return txn.Delete(keyspace::TakeoutPending(id)); });
    };
    file.fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (file.fd < 0) {
      Status why = errno == EEXIST
                       ? Status::AlreadyExists("take-out: the output file already exists",
                                               "持ち出し: 出力ファイルが既にあります", "out_path")
                       : FileError("create");
      unmark();
      return refuse(why);
    }
    file.path = partial;

    auto begun = crypto::CmsWriter::Begin(file.fd, *plan.recipient);
    if (!begun) {
      unmark();
      return refuse(begun.error());
    }
    writer = std::move(*begun);
    crypto::Sha256Hasher content_hash, manifest_hash;
    auto put = [&](const std::string& line) {
      content_hash.Update(line);
      return writer->Write(line);
    };
    const nlohmann::json header = {{"mamori_takeout", 1},
                                   {"label", Label(*def)},
                                   {"takeout", id},
                                   {"dataset", def->name},
                                   {"dataset_title", def->title},
                                   {"purpose", ctx.purpose},
                                   {"approval", req.approval},
                                   {"exported_at", FormatJst(ctx.time)},
                                   {"exported_by", ctx.actor},
                                   {"recipient", plan.recipient->Fingerprint()},
                                   {"until", FormatDate(req.until)},
                                   {"fields", plan.fields},
                                   {"records", plan.ids.size()}};
    Status wrote = put(Dump(header) + "\n");
    std::vector<std::string> manifest(1);
    size_t in_chunk = 0;
    for (size_t i = 0; wrote.ok() && i < plan.ids.size(); ++i) {
      const std::string& rid = plan.ids[i];
      // Load checks the row (integrity.h) and audits its own refusal.
      auto loaded = ops.Load(ctx, kExportOp, def->name, rid);
      if (!loaded) {
        unmark();
        return Fail(loaded.error());
      }
      nlohmann::json values = nlohmann::json::object();
      for (const auto& f : plan.fields) {
        auto it = loaded->values.find(f);
        if (it != loaded->values.end()) values[f] = std::move(*it);
      }
      const RecordView view = RecordOps::View(rid, loaded->env, std::move(values));
      wrote = put(Dump(view.ToJson()) + "\n");
      const std::string line = rid + ":" + std::to_string(view.version) + "\n";
      manifest_hash.Update(line);
      if (in_chunk == kManifestChunk) {
        manifest.emplace_back();
        in_chunk = 0;
      }
      manifest.back() += line;
      ++in_chunk;
    }
    const std::string content_sha = HexEncode(crypto::DigestView(content_hash.Finish()));
    if (wrote.ok()) {
      const nlohmann::json trailer = {
          {"end", true}, {"records", plan.ids.size()}, {"sha256", content_sha}};
      wrote = writer->Write(Dump(trailer) + "\n");
    }
    if (wrote.ok()) wrote = writer->Finish();
    if (wrote.ok() && ::fsync(file.fd) != 0) wrote = FileError("sync");
    Result<std::string> file_sha = Fail(wrote);
    if (wrote.ok()) file_sha = HashFile(partial);
    if (!file_sha) {
      unmark();
      return refuse(file_sha.error());
    }

    TakeoutRecord rec;
    rec.id = id;
    rec.dataset = def->name;
    rec.purpose = ctx.purpose;
    rec.exported_by = ctx.actor;
    rec.terminal = ctx.terminal;
    rec.exported_at = ctx.time;
    rec.approval = req.approval;
    rec.approvers = plan.approvers;
    rec.recipient_fingerprint = plan.recipient->Fingerprint();
    rec.recipient_key = plan.recipient->KeyDescription();
    rec.recipient_internal = req.recipient_internal;
    rec.until = req.until;
    rec.records = plan.ids.size();
    rec.fields = plan.fields;
    rec.destroy_only = plan.rules.destroy_only;
    rec.manifest_sha256 = HexEncode(crypto::DigestView(manifest_hash.Finish()));
    rec.content_sha256 = content_sha;
    rec.file_sha256 = *file_sha;

    audit::Event ev = MakeEvent(ctx, kExportOp, def->name, "");
    ev.attrs = attrs;
    nlohmann::json approvers = nlohmann::json::array();
    for (const auto& a : plan.approvers) approvers.push_back(a.person + ":" + a.role);
    ev.attrs["approvers"] = approvers.dump();
    ev.attrs["recipient_key"] = rec.recipient_key;
    ev.attrs["internal"] = req.recipient_internal ? "true" : "false";
    ev.attrs["until"] = FormatDate(req.until);
    ev.attrs["count"] = std::to_string(rec.records);
    const std::string fields = nlohmann::json(plan.fields).dump();
    ev.attrs["fields"] = req.fields.empty()     ? "all"
                         : fields.size() <= 900 ? fields
                                                : std::to_string(plan.fields.size());
    ev.attrs["manifest"] = rec.manifest_sha256;
    ev.attrs["content"] = rec.content_sha256;
    ev.attrs["file"] = rec.file_sha256;
    uint64_t seq = 0;
    Status committed = data_->Update([&](store::WriteTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(bool current, RecordOps::Current(txn, *def));
      stale = !current;
      if (stale) return Status::Ok();
      // The approval as it stands now: used, cancelled or expired since
      // the first check, the export is refused and its file discarded.
      if (req.check) MAMORI_RETURN_IF_ERROR(req.check(txn));
      if (req.spend) MAMORI_RETURN_IF_ERROR(req.spend(txn, id));
      // The event's position is known only when it is appended; the record
      // names it, so it is written after.
      MAMORI_ASSIGN_OR_RETURN(seq, AppendEvent(txn, ev));
      rec.export_seq = seq;
      MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Takeout(id), EncodeTakeout(envelope_key_, rec)));
      for (uint32_t c = 0; c < manifest.size(); ++c) {
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::TakeoutManifest(id, c), manifest[c]));
      }
      return txn.Delete(keyspace::TakeoutPending(id));
    });
    if (!committed.ok()) {
      unmark();
      return refuse(committed);
    }
    if (stale) {
      // The definition changed while the file was written (its restrictions
      // may now forbid this): the file is discarded and the rules applied
      // again to the new definition.
      unmark();
      continue;
    }
    ::close(file.fd);
    file.fd = -1;
    file.keep = true;  // recorded: from here the export stands
    // link then unlink rather than rename: a file created at out_path since
    // the check is never replaced.
    if (::link(partial.c_str(), req.out_path.c_str()) != 0 || ::unlink(partial.c_str()) != 0) {
      return Fail(Status::IoError(
          "take-out " + id + " is recorded, but its file could not be renamed from " + partial +
              ": " + std::strerror(errno),
          "持ち出し " + id + " は記録されましたが、ファイル名を変更できませんでした: " + partial,
          "out_path"));
    }
    MAMORI_RETURN_IF_ERROR(SyncParent(req.out_path));
    TakeoutResult result;
    result.record = std::move(rec);
    result.path = req.out_path;
    return result;
  }
  return Fail(RetryLater());
}

}  // namespace mamori::engine
