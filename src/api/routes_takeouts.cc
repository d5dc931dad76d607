// Take-outs (持ち出し, [002 第47-49条]): exports of records under an
// approved take-out request (approval/takeout_flow.h), their files and
// their register (engine/takeout.h).
//
//   POST /v1/takeouts?dataset=&purpose=            {"approval", "recipient_certificate",
//                                                  "all" | "records", "fields", "until"}
//   GET  /v1/takeouts[?dataset=&open=&overdue=]    the register
//   GET  /v1/takeouts/{takeout}                    one take-out
//   GET  /v1/takeouts/{takeout}/manifest           which records (and versions) it wrote
//   GET  /v1/takeouts/{takeout}/file               the encrypted file (its exporter only)
//   POST /v1/takeouts/{takeout}/confirm            {"disposition": "returned"|"destroyed"}
//
// The export. The route table authorises it as "record.export" on
// ?dataset= for ?purpose= (a data grant for export); the handler builds
// the engine's request from the body, taking what the body leaves out
// (selection, fields, until) from the approval's terms, and the approval
// flow's check (CheckTakeoutApproval) runs in the engine before anything
// is written and again in the transaction that records the export, which
// also marks the approval used. Every refusal is the engine's, audited as
// "record.export" refused, and leaves neither a file nor a take-out.
//
// The file. The server writes it to its spool, <data>/takeouts/<approval
// id>.cms (the directory 0700, the file 0600; named by the approval, which
// allows one export). GET …/file answers its bytes
// (application/pkcs7-mime, CMS DER) to the exporter, as often as needed
// until the take-out is confirmed; the confirmation deletes it, since the
// server has no business keeping a copy of what went out. Anyone else is
// refused (403 takeout.not_exporter), audited by the pipeline.
//
// The register and one take-out. GET /v1/takeouts is takeout.list
// (managers, the CISO line, auditors); one take-out and its manifest are
// shown to those, to its exporter and to its approvers, and answered 404 to
// anyone else. The engine audits each read (takeout.get, takeout.list,
// takeout.manifest).
//
// The confirmation. By someone other than the exporter (the engine refuses
// and audits that) who approved the take-out, or who holds one of the
// approving roles of its request in the applicant's department (the
// approver may be absent when the file comes back); anyone else with the
// route's right is refused 403 takeout.not_confirmer.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <regex>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"
#include "approval/takeout_flow.h"
#include "crypto/recipient_certificate.h"
#include "engine/takeout.h"
#include "policy/system_rights.h"

namespace mamori::api {
namespace {

constexpr size_t kMaxTakeoutFileBytes = size_t{256} << 20;  // the response holds it whole

bool IsApprovalRef(std::string_view id) {
  static const std::regex kId("A[0-9]{8}");
  return std::regex_match(id.begin(), id.end(), kId);
}

Problem TakeoutHidden(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Problem::FromStatus(
      Status::NotFound("no take-out " + shown, "持ち出し " + shown + " はありません", "takeout"));
}

Problem TakeoutDenied(std::string_view code, const std::string& en, const std::string& ja) {
  return Problem::FromStatus(Status::PermissionDenied(en, ja, std::string(code)));
}

bool IsTakeoutApprover(const engine::TakeoutRecord& t, std::string_view who) {
  return std::any_of(t.approvers.begin(), t.approvers.end(),
                     [&](const engine::TakeoutApprover& a) { return a.person == who; });
}

// Who sees one take-out: register readers, its exporter, its approvers.
bool MaySeeTakeout(const identity::Principal& who, const engine::TakeoutRecord& t) {
  return policy::SystemAllows(who, "takeout.list") || t.exported_by == who.id ||
         IsTakeoutApprover(t, who.id);
}

Status MakeTakeoutSpool(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError("cannot create the take-out spool directory",
                           "持ち出しファイルの保管ディレクトリを作成できません", "takeouts");
  }
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 077) != 0) {
    return Status::FailedPrecondition(
        "the take-out spool is not a private directory (mode 0700)",
        "持ち出しファイルの保管場所が非公開のディレクトリ (0700) ではありません", "takeouts");
  }
  return Status::Ok();
}

Result<std::string> ReadTakeoutFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return Fail(Status::NotFound("the take-out's file is no longer kept by the server",
                                 "持ち出しファイルはサーバに残っていません", "file"));
  }
  std::string out;
  std::string buf(1 << 16, '\0');
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || out.size() + static_cast<size_t>(std::max<ssize_t>(n, 0)) > kMaxTakeoutFileBytes) {
      ::close(fd);
      return Fail(Status::IoError("cannot read the take-out's file",
                                  "持ち出しファイルを読み取れません", "file"));
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::optional<bool> TakeoutFlag(const Call& call, std::string_view name) {
  auto v = call.Query(name);
  if (!v) return false;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return std::nullopt;
}

}  // namespace

Status AddTakeoutRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;
  approval::Approvals* approvals = deps.approvals;
  if (!engine || !approvals) {
    return Status::InvalidArgument("the take-out routes need the engine and the approval engine",
                                   "持ち出しのルートにはエンジンと承認エンジンが必要です");
  }
  const std::string spool = engine->paths().data_dir + "/takeouts";

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/takeouts", [=](Call& call) -> HandlerResult {
         const nlohmann::json& b = call.body;
         const engine::Context ctx = call.Context(call.Query("purpose").value_or(""));
         const std::string dataset(call.Query("dataset").value_or(""));
         const std::string approval_id = StringOf(b, "approval");
         // The approved terms fill in what the body leaves out; the check
         // in the engine decides, whatever is read here.
         std::optional<approval::TakeoutTerms> approved;
         approval::Request request;
         if (auto found = approvals->Get(approval_id); found && found->type == approval::kTakeout) {
           if (auto terms = approval::TakeoutTermsOf(found->subject, found->details)) {
             approved = std::move(*terms);
             request = std::move(*found);
           }
         }
         const std::string_view pem = StringView(b, "recipient_certificate");
         auto recipient = crypto::RecipientCertificate::Parse(pem);
         if (!recipient) return std::unexpected(Problem::FromStatus(recipient.error()));

         approval::TakeoutTerms wanted;
         wanted.dataset = dataset;
         wanted.purpose = ctx.purpose;
         wanted.recipient = recipient->Fingerprint();
         if (b.contains("all") || b.contains("records")) {
           wanted.all = b.value("all", false);
           wanted.records = Strings(b, "records");
         } else if (approved) {
           wanted.all = approved->all;
           wanted.records = approved->records;
         }
         wanted.fields = b.contains("fields") ? Strings(b, "fields")
                                              : (approved ? approved->fields : wanted.fields);
         if (b.contains("until")) {
           auto until = ParseDate(StringOf(b, "until"));
           if (!until) {
             return std::unexpected(BadMember("until", "until must be a date like 2026-12-18",
                                              "until は 2026-12-18 の形式で指定してください"));
           }
           wanted.until = *until;
         } else if (approved) {
           wanted.until = approved->until;
         }

         Status spooled = MakeTakeoutSpool(spool);
         if (!spooled.ok()) return std::unexpected(Problem::FromStatus(spooled));
         engine::TakeoutRequest req;
         req.dataset = dataset;
         req.all = wanted.all;
         req.record_ids = wanted.records;
         req.fields = wanted.fields;
         req.recipient_certificate = std::string(pem);
         req.recipient_internal = approved && approved->internal;
         req.approval = approval_id;
         req.approvers = approved ? approval::TakeoutApprovers(request)
                                  : std::vector<engine::TakeoutApprover>{};
         req.until = wanted.until;
         // Named by the approval (one export each); a reference that is no
         // approval id is refused by the check before any file is named.
         req.out_path =
             spool + "/" + (IsApprovalRef(approval_id) ? approval_id : "not-an-approval") + ".cms";
         const std::string actor = ctx.actor;
         const TimeMicros now = NowMicros();
         req.check = [=](store::ReadTxn& txn) -> Status {
           return approval::CheckTakeoutApproval(txn, approval_id, wanted, actor, now);
         };
         req.spend = [=](store::WriteTxn& txn, std::string_view takeout) -> Status {
           return approval::Approvals::MarkUsedIn(txn, approval_id, takeout, now);
         };
         auto done = engine->Export(ctx, req);
         if (!done) return std::unexpected(EngineProblem(done.error(), ctx));
         nlohmann::json out = done->record.ToJson(JstDate(now));
         out["file"] = "/v1/takeouts/" + done->record.id + "/file";
         Response r = JsonResponse(201, out);
         r.headers.emplace_back("Location", "/v1/takeouts/" + done->record.id);
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/takeouts", [=](Call& call) -> HandlerResult {
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         const auto open = TakeoutFlag(call, "open");
         const auto overdue = TakeoutFlag(call, "overdue");
         if (!open || !overdue) {
           return std::unexpected(Problem::Make("invalid_argument",
                                                "open and overdue are true or false",
                                                "open と overdue は true か false です", "open"));
         }
         const CivilDate today = JstDate(NowMicros());
         engine::TakeoutFilter filter;
         filter.dataset = call.QueryText("dataset");
         filter.open_only = *open || *overdue;
         if (*overdue) filter.due_before = today;
         const engine::Context ctx = call.Context("");
         auto list = engine->ListTakeouts(ctx, filter);
         if (!list) return std::unexpected(EngineProblem(list.error(), ctx));
         auto out = JsonPage(
             "takeouts", *list, *page, [](const engine::TakeoutRecord& t) { return t.id; },
             [&](const engine::TakeoutRecord& t) { return t.ToJson(today); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/takeouts/{takeout}", [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    auto t = engine->GetTakeout(ctx, call.Param("takeout"));
                    if (!t) return std::unexpected(EngineProblem(t.error(), ctx));
                    if (!MaySeeTakeout(*call.principal, *t)) {
                      return std::unexpected(TakeoutHidden(call.Param("takeout")));
                    }
                    return JsonResponse(200, t->ToJson(JstDate(NowMicros())));
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/takeouts/{takeout}/manifest", [=](Call& call) -> HandlerResult {
                    const engine::Context ctx = call.Context("");
                    const std::string& id = call.Param("takeout");
                    auto t = engine->GetTakeout(ctx, id);
                    if (!t) return std::unexpected(EngineProblem(t.error(), ctx));
                    if (!MaySeeTakeout(*call.principal, *t))
                      return std::unexpected(TakeoutHidden(id));
                    auto entries = engine->TakeoutManifest(ctx, id);
                    if (!entries) return std::unexpected(EngineProblem(entries.error(), ctx));
                    nlohmann::json records = nlohmann::json::array();
                    for (const auto& e : *entries) {
                      records.push_back({{"record", e.record}, {"version", e.version}});
                    }
                    return JsonResponse(200, {{"takeout", id},
                                              {"dataset", t->dataset},
                                              {"manifest_sha256", t->manifest_sha256},
                                              {"records", std::move(records)}});
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/takeouts/{takeout}/file", [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         const std::string& id = call.Param("takeout");
         auto t = engine->GetTakeout(ctx, id);
         if (!t) return std::unexpected(EngineProblem(t.error(), ctx));
         if (t->exported_by != call.principal->id) {
           return std::unexpected(
               TakeoutDenied("takeout.not_exporter",
                             "only the person who took the records out receives "
                             "the file",
                             "持ち出しファイルを受け取れるのは持ち出した本人だけです"));
         }
         if (!t->Open() || !IsApprovalRef(t->approval)) {
           return std::unexpected(Problem::FromStatus(
               Status::NotFound("the take-out is confirmed; the server keeps no file of it",
                                "持ち出しは確認済みで、サーバにファイルは残っていません", "file")));
         }
         auto bytes = ReadTakeoutFile(spool + "/" + t->approval + ".cms");
         if (!bytes) return std::unexpected(Problem::FromStatus(bytes.error()));
         Response r;
         r.status = 200;
         r.content_type = "application/pkcs7-mime; smime-type=authEnveloped-data";
         r.body = std::move(*bytes);
         r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + ".p7m\"");
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/takeouts/{takeout}/confirm", [=](Call& call) -> HandlerResult {
         const engine::Context ctx = call.Context("");
         const std::string& id = call.Param("takeout");
         const std::string disposition = StringOf(call.body, "disposition");
         engine::TakeoutDisposition d;
         if (disposition == "returned") {
           d = engine::TakeoutDisposition::kReturned;
         } else if (disposition == "destroyed") {
           d = engine::TakeoutDisposition::kDestroyed;
         } else {
           return std::unexpected(
               BadMember("disposition", "disposition is returned or destroyed",
                         "disposition は returned (返却) か destroyed (廃棄) です"));
         }
         auto t = engine->GetTakeout(ctx, id);
         if (!t) return std::unexpected(EngineProblem(t.error(), ctx));
         const identity::Principal& who = *call.principal;
         // The exporter is refused by the engine, which audits it as the
         // confirmation's refusal; others are narrowed here.
         if (t->exported_by != who.id && !IsTakeoutApprover(*t, who.id)) {
           bool holds = false;
           if (auto r = approvals->Get(t->approval)) {
             for (const auto& stage : r->stages) {
               for (const auto& role : stage.roles) {
                 holds = holds ||
                         (who.HasRole(role) &&
                          (!stage.same_department || who.department == r->applicant_department));
               }
             }
           }
           if (!holds) {
             return std::unexpected(TakeoutDenied(
                 "takeout.not_confirmer",
                 "the return or destruction is confirmed by an approver of the take-out "
                 "or a holder of an approving role in the applicant's department",
                 "返却・廃棄の確認は、持ち出しの承認者又は申請者の部署で承認の役割を持つ人"
                 "が行います"));
           }
         }
         auto done = engine->ConfirmTakeout(ctx, id, d);
         if (!done) return std::unexpected(EngineProblem(done.error(), ctx));
         // The server's copy of what went out is not kept past its end.
         bool removed = true;
         if (IsApprovalRef(done->approval)) {
           const std::string path = spool + "/" + done->approval + ".cms";
           removed = ::unlink(path.c_str()) == 0 || errno == ENOENT;
         }
         nlohmann::json out = done->ToJson(JstDate(NowMicros()));
         out["file_removed"] = removed;
         return JsonResponse(200, out);
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
