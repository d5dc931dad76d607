// Branch requests of head-office inquiries and their reconciliation
// ([003 VI(1)②] 注2: head office checks that the total of its inquiries
// equals the total of the branches' requests), and the store helpers of
// inquiry_store.h.
#include <charconv>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "approval/inquiry_store.h"
#include "audit/audited.h"
#include "identity/roles.h"

namespace mamori::approval {
namespace inquiry_store {
namespace {

std::string InqKey(std::string_view prefix, std::string_view id) {
  return std::string(prefix) + std::string(id);
}

Result<std::optional<nlohmann::json>> InqReadJson(store::ReadTxn& txn, const std::string& key) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
  if (!raw) return std::optional<nlohmann::json>();
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded()) {
    return Fail(Status::DataLoss("stored inquiry data is corrupt",
                                 "保存された照会データが壊れています", "inquiry"));
  }
  return std::optional<nlohmann::json>(std::move(j));
}

Result<BranchRequest> RequestFromJson(const nlohmann::json& j) {
  try {
    BranchRequest r;
    r.id = j.at("id").get<std::string>();
    r.branch = j.at("branch").get<std::string>();
    r.dataset = j.at("dataset").get<std::string>();
    r.consent = j.at("consent").get<std::string>();
    r.requested_by = j.at("requested_by").get<std::string>();
    r.requested_by_name = j.at("requested_by_name").get<std::string>();
    auto t = ParseUtc(j.at("created_at").get<std::string>());
    if (!t) {
      return Fail(Status::DataLoss("stored branch request is corrupt",
                                   "保存された照会依頼が壊れています", "inquiry"));
    }
    r.created_at = *t;
    r.inquiry = j.at("inquiry").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception&) {
    return Fail(Status::DataLoss("stored branch request is corrupt",
                                 "保存された照会依頼が壊れています", "inquiry"));
  }
}

}  // namespace

Result<std::string> NextId(store::WriteTxn& txn, std::string_view counter, char letter) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(counter));
  uint64_t n = 0;
  if (raw) {
    auto [p, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), n);
    if (ec != std::errc() || p != raw->data() + raw->size()) {
      return Fail(Status::DataLoss("stored inquiry counter is not a number",
                                   "保存された照会の採番が壊れています", std::string(counter)));
    }
  }
  ++n;
  MAMORI_RETURN_IF_ERROR(txn.Put(counter, std::to_string(n)));
  char id[24];
  std::snprintf(id, sizeof id, "%c%08llu", letter, static_cast<unsigned long long>(n));
  return std::string(id);
}

Result<std::optional<Inquiry>> ReadInquiry(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto j, InqReadJson(txn, InqKey(kInquiries, id)));
  if (!j) return std::optional<Inquiry>();
  MAMORI_ASSIGN_OR_RETURN(Inquiry q, InquiryFromJson(*j));
  return std::optional<Inquiry>(std::move(q));
}

Status WriteInquiry(store::WriteTxn& txn, const Inquiry& q) {
  return txn.Put(InqKey(kInquiries, q.id), InquiryToJson(q).dump());
}

Status NoSuchInquiry(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no inquiry " + shown, "照会 " + shown + " はありません", "inquiry");
}

Result<std::optional<BranchRequest>> ReadRequest(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto j, InqReadJson(txn, InqKey(kRequests, id)));
  if (!j) return std::optional<BranchRequest>();
  MAMORI_ASSIGN_OR_RETURN(BranchRequest r, RequestFromJson(*j));
  return std::optional<BranchRequest>(std::move(r));
}

Status WriteRequest(store::WriteTxn& txn, const BranchRequest& r) {
  return txn.Put(InqKey(kRequests, r.id), BranchRequestToJson(r).dump());
}

Status NoSuchRequest(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no branch request " + shown, "照会依頼 " + shown + " はありません",
                          "request");
}

}  // namespace inquiry_store

namespace iq = inquiry_store;

nlohmann::json BranchRequestToJson(const BranchRequest& r) {
  return {{"id", r.id},
          {"branch", r.branch},
          {"dataset", r.dataset},
          {"consent", r.consent},
          {"requested_by", r.requested_by},
          {"requested_by_name", r.requested_by_name},
          {"created_at", FormatUtc(r.created_at)},
          {"inquiry", r.inquiry}};
}

nlohmann::json ReconciliationToJson(const Reconciliation& r) {
  nlohmann::json branches = nlohmann::json::array();
  for (const auto& b : r.branches) {
    branches.push_back({{"branch", b.branch},
                        {"requests", b.requests},
                        {"inquiries", b.inquiries},
                        {"matches", b.matches()},
                        {"unanswered", b.unanswered}});
  }
  return {{"from", FormatDate(r.from)}, {"to", FormatDate(r.to)}, {"requests", r.requests},
          {"inquiries", r.inquiries},   {"matches", r.matches()}, {"branches", branches}};
}

Result<BranchRequest> Inquiries::RegisterRequest(const Caller& caller, std::string_view dataset,
                                                 std::string_view consent) {
  audit::Event ev;
  ev.time = caller.Now();
  ev.actor = caller.principal.id;
  ev.terminal = caller.principal.terminal.id;
  ev.request_id = caller.request_id;
  ev.operation = "inquiry.request";
  ev.result = std::string(audit::kResultOk);
  ev.dataset = audit::EventIdentifier(dataset);
  auto scheme = schemes_(dataset);
  BranchRequest out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        const identity::Principal& who = caller.principal;
        if (who.kind != identity::PrincipalKind::kUser || who.id.empty()) {
          return Status::PermissionDenied("only a person registers a branch request",
                                          "照会依頼の登録は本人の利用者 ID で行います",
                                          std::string(kNotPerson));
        }
        if (!scheme) return scheme.error();
        if (!*scheme) {
          return Status::FailedPrecondition(
              "the dataset is not inquired about: its definition names no inquiry_control",
              "この台帳は照会の対象ではありません (inquiry_control の定めがありません)",
              std::string(kNotInquiryDataset));
        }
        if (who.department.empty()) {
          return Status::FailedPrecondition("a branch request comes from a department (支店)",
                                            "照会依頼は部署 (営業店) から行います", "department");
        }
        MAMORI_RETURN_IF_ERROR(ValidateReference(consent, "consent", true));
        BranchRequest r;
        MAMORI_ASSIGN_OR_RETURN(r.id, iq::NextId(txn, iq::kRequestSeq, 'B'));
        r.branch = who.department;
        r.dataset = std::string(dataset);
        r.consent = std::string(consent);
        r.requested_by = who.id;
        r.requested_by_name = who.display_name;
        r.created_at = caller.Now();
        e.attrs["request"] = r.id;
        e.attrs["consent"] = r.consent;
        out = r;
        return iq::WriteRequest(txn, r);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<BranchRequest> Inquiries::GetRequest(std::string_view id) {
  std::optional<BranchRequest> r;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(r, iq::ReadRequest(txn, id));
    return Status::Ok();
  }));
  if (!r) return Fail(iq::NoSuchRequest(id));
  return std::move(*r);
}

Result<std::vector<BranchRequest>> Inquiries::Requests() {
  std::vector<BranchRequest> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    return txn.ScanEach(iq::kRequests, store::PrefixEnd(iq::kRequests),
                        [&](std::string_view key, std::string_view) -> Result<bool> {
                          MAMORI_ASSIGN_OR_RETURN(
                              auto r, iq::ReadRequest(txn, key.substr(iq::kRequests.size())));
                          if (r) out.push_back(std::move(*r));
                          return true;
                        });
  }));
  return out;
}

bool Inquiries::MayViewRequest(const identity::Principal& who, const BranchRequest& r) {
  namespace role = identity::role;
  if (!who.department.empty() && r.branch == who.department) return true;
  if (r.inquiry.empty()) {
    for (auto held : {role::kInquiryOperator, role::kConfirmer, role::kCiso, role::kDeputyCiso,
                      role::kChiefOfficer, role::kAuditor, role::kAuditLead}) {
      if (who.HasRole(held)) return true;
    }
    return false;
  }
  auto q = Get(r.inquiry);
  return q && MayView(who, *q);
}

Result<Reconciliation> Inquiries::Reconcile(CivilDate from, CivilDate to) {
  const int64_t first = DaysFromCivil(from), last = DaysFromCivil(to);
  if (last < first || last - first > 365) {
    return Fail(Status::InvalidArgument("the period is from ≤ to, at most 366 days",
                                        "期間は from ≤ to で366日以内です", "to"));
  }
  auto in_period = [&](TimeMicros t) {
    const int64_t d = DaysFromCivil(JstDate(t));
    return t != 0 && d >= first && d <= last;
  };
  MAMORI_ASSIGN_OR_RETURN(auto requests, Requests());
  MAMORI_ASSIGN_OR_RETURN(auto inquiries, List());
  std::map<std::string, BranchTotals> by_branch;
  Reconciliation out;
  out.from = from;
  out.to = to;
  for (const auto& r : requests) {
    if (!in_period(r.created_at)) continue;
    BranchTotals& b = by_branch[r.branch];
    ++b.requests;
    ++out.requests;
    if (r.inquiry.empty()) b.unanswered.push_back(r.id);
  }
  for (const auto& q : inquiries) {
    if (q.branch_request.empty() || !in_period(q.run_at)) continue;
    ++by_branch[q.branch].inquiries;
    ++out.inquiries;
  }
  for (auto& [branch, totals] : by_branch) {
    totals.branch = branch;
    out.branches.push_back(std::move(totals));
  }
  return out;
}

}  // namespace mamori::approval
