// Two-person control of credit-information inquiries (approval/inquiry.h,
// approval/inquiries.h; [003 VI(1)]):
//
//   GET  /v1/inquiries[?state=&dataset=]          the inquiries the caller may see
//   POST /v1/inquiries                            {"dataset", "record", "purpose",
//                                                  "consent", "branch_request"}
//   GET  /v1/inquiries/{inquiry}
//   POST /v1/inquiries/{inquiry}/approve          pre_approval: a confirmer
//   POST /v1/inquiries/{inquiry}/issue-number     one_time_number: a confirmer; the
//                                                  number is in this answer only
//   POST /v1/inquiries/{inquiry}/run              {"approval_number"}: the operator
//   POST /v1/inquiries/{inquiry}/release          held_answer: a confirmer
//   GET  /v1/inquiries/{inquiry}/answer           the operator: the record, masked
//   GET  /v1/inquiries/lists[?date=&dataset=&state=]  the daily inquiry lists
//                                                  (confirmed at /v1/lists/{list}/confirm)
//   GET  /v1/inquiries/requests                   branch requests
//   POST /v1/inquiries/requests                   {"dataset", "consent"}: a branch
//   GET  /v1/inquiries/reconciliation?from=&to=   head office: inquiries against
//                                                  branch requests, per branch
//
// The route table authorises each route (inquiry.* in the system rights
// table); the inquiry's read is authorised again as what it is — a
// "record.get" of the inquiry's dataset, record and purpose — through the
// same Authorizer before the operator applies, runs and receives the
// answer, and the engine audits the read ("record.get") as every read.
// The steps decide operator ≠ confirmer, the confirmer's department and
// the scheme's order in the transaction that records them.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/body.h"
#include "api/call.h"
#include "api/paging.h"
#include "api/routes.h"

namespace mamori::api {
namespace {

approval::Caller InquiryCallerOf(const Call& call) {
  const policy::Caller c = CallerOf(call);
  approval::Caller out;
  out.principal = c.principal;
  out.request_id = c.request_id;
  out.time = c.time;
  return out;
}

Problem HiddenInquiry(std::string_view id) {
  return Problem::FromStatus(
      Status::NotFound("no inquiry " + audit::EventIdentifier(id),
                       "照会 " + audit::EventIdentifier(id) + " はありません", "inquiry"));
}

nlohmann::json ShownInquiry(const approval::Inquiry& q) {
  return approval::InquiryToJson(q, /*stored=*/false);
}

// The inquiry's read, asked of the Authorizer as the read it is.
std::expected<void, Problem> AuthorizeRead(Authorizer& authz, const Call& call,
                                           const approval::Inquiry& q) {
  return Authorize(authz, call, {"record.get", q.dataset, q.purpose, q.record});
}

}  // namespace

Status AddInquiryRoutes(Router& router, const RouteDeps& deps) {
  approval::Inquiries* inquiries = deps.inquiries;
  Authorizer* authz = deps.authorizer;
  engine::Engine* engine = deps.engine;
  analysis::Lists* lists = deps.lists;
  if (!inquiries || !authz || !engine || !lists) {
    return Status::InvalidArgument(
        "the inquiry routes need the inquiries, an authorizer, the engine and the lists",
        "照会のルートには照会・認可・エンジン・確認リストが必要です");
  }

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inquiries", [=](Call& call) -> HandlerResult {
         auto all = inquiries->List();
         if (!all) return std::unexpected(Problem::FromStatus(all.error()));
         const std::string state = call.QueryText("state");
         const std::string dataset = call.QueryText("dataset");
         if (!state.empty() && !approval::ParseInquiryState(state)) {
           return std::unexpected(Problem::Make(
               "invalid_argument",
               "state must be one of applied, approved, number_issued, held, answered",
               "state は applied, approved, number_issued, held, answered のいずれかです",
               "state"));
         }
         std::erase_if(*all, [&](const approval::Inquiry& q) {
           return !approval::Inquiries::MayView(*call.principal, q) ||
                  (!state.empty() && approval::InquiryStateName(q.state) != state) ||
                  (!dataset.empty() && q.dataset != dataset);
         });
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "inquiries", *all, *page, [](const approval::Inquiry& q) { return q.id; },
             [](const approval::Inquiry& q) { return ShownInquiry(q); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add({"POST", "/v1/inquiries", [=](Call& call) -> HandlerResult {
                                       const nlohmann::json& b = call.body;
                                       approval::InquiryDraft draft;
                                       draft.dataset = StringOf(b, "dataset");
                                       draft.record = StringOf(b, "record");
                                       draft.purpose = StringOf(b, "purpose");
                                       draft.consent = StringOf(b, "consent");
                                       draft.branch_request = StringOf(b, "branch_request");
                                       // The operator must be allowed the read the inquiry is,
                                       // before a confirmer is asked about it or it runs.
                                       approval::Inquiry probe;
                                       probe.dataset = draft.dataset;
                                       probe.record = draft.record;
                                       probe.purpose = draft.purpose;
                                       if (auto ok = AuthorizeRead(*authz, call, probe); !ok) {
                                         return std::unexpected(ok.error());
                                       }
                                       auto q = inquiries->Open(InquiryCallerOf(call), draft);
                                       if (!q) return std::unexpected(AuditedProblem(q.error()));
                                       Response out = JsonResponse(201, ShownInquiry(*q));
                                       out.headers.emplace_back("Location",
                                                                "/v1/inquiries/" + q->id);
                                       return out;
                                     }}));

  // Literal children of /v1/inquiries before {inquiry}.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inquiries/lists", [=](Call& call) -> HandlerResult {
         analysis::ListFilter filter;
         filter.kind = analysis::ListKind::kInquiry;
         filter.dataset = call.QueryText("dataset");
         if (auto d = call.Query("date")) {
           auto date = ParseDate(*d);
           if (!date) {
             return std::unexpected(Problem::Make("invalid_argument",
                                                  "date must be a date like 2026-12-07",
                                                  "date は 2026-12-07 の形式です", "date"));
           }
           filter.date = *date;
         }
         if (auto s = call.Query("state")) {
           filter.state = analysis::ParseListState(*s);
           if (!filter.state) {
             return std::unexpected(
                 Problem::Make("invalid_argument", "state must be pending or confirmed",
                               "state は pending または confirmed です", "state"));
           }
         }
         auto all = lists->List(filter);
         if (!all) return std::unexpected(Problem::FromStatus(all.error()));
         std::erase_if(*all, [&](const analysis::ReconciliationList& l) {
           return !analysis::Lists::MayView(*call.principal, l);
         });
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "lists", *all, *page, [](const analysis::ReconciliationList& l) { return l.id; },
             [](const analysis::ReconciliationList& l) { return analysis::ListToJson(l); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inquiries/requests", [=](Call& call) -> HandlerResult {
         auto all = inquiries->Requests();
         if (!all) return std::unexpected(Problem::FromStatus(all.error()));
         std::erase_if(*all, [&](const approval::BranchRequest& r) {
           return !inquiries->MayViewRequest(*call.principal, r);
         });
         auto page = PageParamsOf(call);
         if (!page) return std::unexpected(page.error());
         auto out = JsonPage(
             "requests", *all, *page, [](const approval::BranchRequest& r) { return r.id; },
             [](const approval::BranchRequest& r) { return approval::BranchRequestToJson(r); });
         if (!out) return std::unexpected(out.error());
         return JsonResponse(200, *out);
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inquiries/requests", [=](Call& call) -> HandlerResult {
         auto r = inquiries->RegisterRequest(InquiryCallerOf(call), StringOf(call.body, "dataset"),
                                             StringOf(call.body, "consent"));
         if (!r) return std::unexpected(AuditedProblem(r.error()));
         return JsonResponse(201, approval::BranchRequestToJson(*r));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/inquiries/reconciliation", [=](Call& call) -> HandlerResult {
                    auto from_text = QueryRequired(call, "from");
                    if (!from_text) return std::unexpected(from_text.error());
                    auto to_text = QueryRequired(call, "to");
                    if (!to_text) return std::unexpected(to_text.error());
                    auto from = ParseDate(*from_text);
                    auto to = ParseDate(*to_text);
                    if (!from || !to) {
                      return std::unexpected(Problem::Make(
                          "invalid_argument", "from and to must be dates like 2026-12-07",
                          "from と to は 2026-12-07 の形式です", !from ? "from" : "to"));
                    }
                    auto r = inquiries->Reconcile(*from, *to);
                    if (!r) return std::unexpected(Problem::FromStatus(r.error()));
                    return JsonResponse(200, approval::ReconciliationToJson(*r));
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"GET", "/v1/inquiries/{inquiry}", [=](Call& call) -> HandlerResult {
                    const std::string& id = call.Param("inquiry");
                    auto q = inquiries->Get(id);
                    if (!q) return std::unexpected(Problem::FromStatus(q.error()));
                    if (!approval::Inquiries::MayView(*call.principal, *q)) {
                      return std::unexpected(HiddenInquiry(id));
                    }
                    return JsonResponse(200, ShownInquiry(*q));
                  }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/inquiries/{inquiry}/approve", [=](Call& call) -> HandlerResult {
                    auto q = inquiries->Approve(InquiryCallerOf(call), call.Param("inquiry"));
                    if (!q) return std::unexpected(AuditedProblem(q.error()));
                    return JsonResponse(200, ShownInquiry(*q));
                  }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inquiries/{inquiry}/issue-number", [=](Call& call) -> HandlerResult {
         auto step = inquiries->IssueNumber(InquiryCallerOf(call), call.Param("inquiry"));
         if (!step) return std::unexpected(AuditedProblem(step.error()));
         nlohmann::json out = ShownInquiry(step->inquiry);
         out["approval_number"] = step->number;
         Response r = JsonResponse(200, out);
         r.headers.emplace_back("Cache-Control", "no-store");
         return r;
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"POST", "/v1/inquiries/{inquiry}/run", [=](Call& call) -> HandlerResult {
         const std::string& id = call.Param("inquiry");
         auto found = inquiries->Get(id);
         if (found) {
           if (auto ok = AuthorizeRead(*authz, call, *found); !ok) {
             return std::unexpected(ok.error());
           }
         }
         auto q = inquiries->Run(InquiryCallerOf(call), id, StringOf(call.body, "approval_number"));
         if (!q) return std::unexpected(AuditedProblem(q.error()));
         return JsonResponse(200, ShownInquiry(*q));
       }}));

  MAMORI_RETURN_IF_ERROR(
      router.Add({"POST", "/v1/inquiries/{inquiry}/release", [=](Call& call) -> HandlerResult {
                    auto q = inquiries->Release(InquiryCallerOf(call), call.Param("inquiry"));
                    if (!q) return std::unexpected(AuditedProblem(q.error()));
                    return JsonResponse(200, ShownInquiry(*q));
                  }}));

  // The answer: the step is recorded first (the held answer and a person
  // other than the operator are refused there, before anything is read),
  // then the record is read through the engine under the inquiry's
  // purpose, audited as every read, and masked as every read.
  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/inquiries/{inquiry}/answer", [=](Call& call) -> HandlerResult {
         const std::string& id = call.Param("inquiry");
         auto found = inquiries->Get(id);
         if (found) {
           if (auto ok = AuthorizeRead(*authz, call, *found); !ok) {
             return std::unexpected(ok.error());
           }
         }
         auto q = inquiries->Deliver(InquiryCallerOf(call), id);
         if (!q) return std::unexpected(AuditedProblem(q.error()));
         const engine::Context ctx = call.Context(q->purpose);
         auto view = engine->Get(ctx, q->dataset, q->record);
         if (!view) return std::unexpected(EngineProblem(view.error(), ctx));
         nlohmann::json values = authz->Disclose(
             *call.principal, {"record.get", q->dataset, q->purpose, q->record, ctx.request_id},
             view->ToJson());
         return JsonResponse(200, {{"inquiry", ShownInquiry(*q)}, {"answer", std::move(values)}});
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
