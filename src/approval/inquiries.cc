#include "approval/inquiries.h"

#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "approval/inquiry_store.h"
#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "identity/roles.h"

namespace mamori::approval {
namespace {

namespace iq = inquiry_store;

Status InqRefuse(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

Status InqWrongState(const Inquiry& q) {
  const std::string state(InquiryStateName(q.state));
  return Status::FailedPrecondition(
      "inquiry " + q.id + " is " + state + " (" + std::string(SchemeName(q.scheme)) +
          "): this step does not apply to it now",
      "照会 " + q.id + " の状態 (" + state + ") ではこの手続はできません",
      std::string(kWrongState));
}

Status InqCheckPerson(const identity::Principal& who) {
  if (who.kind != identity::PrincipalKind::kUser || who.id.empty()) {
    return InqRefuse(kNotPerson, "only a person logged in with their own user id takes this step",
                     "この手続は本人の利用者 ID でログインした人だけが行えます");
  }
  return Status::Ok();
}

// Rules 3 and 4: operator ≠ confirmer first, then the confirmer's role in
// the operator's department.
Status InqCheckConfirmer(const identity::Principal& who, const Inquiry& q) {
  MAMORI_RETURN_IF_ERROR(InqCheckPerson(who));
  if (who.id == q.operator_id) {
    return InqRefuse(kConfirmerIsOperator,
                     "the operator of an inquiry does not confirm it: another person confirms",
                     "照会作業者は自分の照会を確認できません。別の確認者が確認します");
  }
  if (!who.HasRole(kConfirmerRole) || who.department != q.department) {
    return InqRefuse(kNotConfirmer,
                     "only a confirmer (確認者) of the operator's department confirms an inquiry",
                     "照会の確認は照会作業者と同じ部署の確認者が行います");
  }
  return Status::Ok();
}

Status InqCheckOperator(const identity::Principal& who, const Inquiry& q) {
  MAMORI_RETURN_IF_ERROR(InqCheckPerson(who));
  if (who.id != q.operator_id) {
    return InqRefuse(kNotOperator,
                     "only the operator who applied runs the inquiry and receives "
                     "its answer",
                     "照会の実行と回答の受領は申請した照会作業者本人だけが行えます");
  }
  return Status::Ok();
}

void InqDescribe(const Inquiry& q, audit::Event& ev) {
  ev.dataset = q.dataset;
  ev.record = q.record;
  ev.purpose = q.purpose;
  ev.attrs["inquiry"] = q.id;
  ev.attrs["scheme"] = std::string(SchemeName(q.scheme));
  ev.attrs["consent"] = q.consent;
  ev.attrs["operator"] = q.operator_id;
  ev.attrs["state"] = std::string(InquiryStateName(q.state));
  if (!q.branch_request.empty()) ev.attrs["branch_request"] = q.branch_request;
}

std::string NumberHash(std::string_view salt_hex, std::string_view id, std::string_view number) {
  return HexEncode(crypto::DigestView(crypto::Sha256Parts({salt_hex, "/", id, "/", number})));
}

}  // namespace

Inquiries::Inquiries(store::Storage& storage, SchemeSource schemes)
    : storage_(storage), schemes_(std::move(schemes)) {}

Result<Inquiry> Inquiries::Step(
    const Caller& caller, std::string_view operation, std::string_view id,
    const std::function<Status(store::WriteTxn&, Inquiry&, audit::Event&, bool&)>& fn) {
  audit::Event ev = CallerEvent(caller, operation);
  ev.attrs["inquiry"] = audit::EventIdentifier(id);
  Inquiry out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool& keep) -> Status {
        MAMORI_ASSIGN_OR_RETURN(auto found, iq::ReadInquiry(txn, id));
        if (!found) return iq::NoSuchInquiry(id);
        Inquiry q = std::move(*found);
        InqDescribe(q, e);
        MAMORI_RETURN_IF_ERROR(fn(txn, q, e, keep));
        e.attrs["state"] = std::string(InquiryStateName(q.state));
        out = q;
        return iq::WriteInquiry(txn, q);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Inquiry> Inquiries::Open(const Caller& caller, const InquiryDraft& draft) {
  // The definition is read outside the transaction (the engine's cache).
  auto scheme = schemes_(draft.dataset);
  const bool runs_now =
      scheme && *scheme && (**scheme == Scheme::kHeldAnswer || **scheme == Scheme::kDailyList);
  audit::Event ev = CallerEvent(caller, runs_now ? "inquiry.run" : "inquiry.apply");
  ev.dataset = audit::EventIdentifier(draft.dataset);
  ev.record = audit::EventIdentifier(draft.record);
  ev.purpose = audit::EventIdentifier(draft.purpose);
  Inquiry out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        const TimeMicros now = caller.Now();
        const identity::Principal& who = caller.principal;
        MAMORI_RETURN_IF_ERROR(InqCheckPerson(who));
        if (!scheme) return scheme.error();
        if (!*scheme) {
          return Status::FailedPrecondition(
              "the dataset is not inquired about: its definition names no inquiry_control",
              "この台帳は照会の対象ではありません (inquiry_control の定めがありません)",
              std::string(kNotInquiryDataset));
        }
        if (draft.record.empty() || draft.record.size() > 64 ||
            audit::EventIdentifier(draft.record) != draft.record) {
          return Status::InvalidArgument("record must be the id of the record inquired about",
                                         "record には照会するレコードの ID を指定してください",
                                         "record");
        }
        if (draft.purpose.empty()) {
          return Status::InvalidArgument("purpose is required", "purpose は必須です", "purpose");
        }
        MAMORI_RETURN_IF_ERROR(ValidateReference(draft.consent, "consent", true));
        MAMORI_RETURN_IF_ERROR(ValidateReference(draft.branch_request, "branch_request", false));
        Inquiry q;
        q.dataset = draft.dataset;
        q.record = draft.record;
        q.purpose = draft.purpose;
        q.scheme = **scheme;
        q.consent = draft.consent;
        q.operator_id = who.id;
        q.operator_name = who.display_name;
        q.department = who.department;
        q.created_at = now;
        MAMORI_ASSIGN_OR_RETURN(q.id, iq::NextId(txn, iq::kInquirySeq, 'Q'));
        if (!draft.branch_request.empty()) {
          MAMORI_ASSIGN_OR_RETURN(auto req, iq::ReadRequest(txn, draft.branch_request));
          if (!req || req->dataset != q.dataset) {
            return Status::FailedPrecondition(
                "branch_request is not a registered request for this dataset",
                "branch_request はこの台帳について登録された営業店の照会依頼ではありません",
                std::string(kUnknownRequest));
          }
          if (!req->inquiry.empty()) {
            return Status::FailedPrecondition(
                "the branch request was already inquired on (" + req->inquiry + ")",
                "この照会依頼については照会済みです (" + req->inquiry + ")",
                std::string(kRequestUsed));
          }
          req->inquiry = q.id;
          MAMORI_RETURN_IF_ERROR(iq::WriteRequest(txn, *req));
          q.branch_request = req->id;
          q.branch = req->branch;
        }
        switch (q.scheme) {
          case Scheme::kPreApproval:
          case Scheme::kOneTimeNumber:
            q.state = InquiryState::kApplied;
            break;
          case Scheme::kHeldAnswer:
            q.state = InquiryState::kHeld;
            q.run_at = now;
            break;
          case Scheme::kDailyList:
            q.state = InquiryState::kAnswered;
            q.run_at = now;
            break;
        }
        InqDescribe(q, e);
        out = q;
        return iq::WriteInquiry(txn, q);
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Inquiry> Inquiries::Approve(const Caller& caller, std::string_view id) {
  return Step(caller, "inquiry.approve", id,
              [&](store::WriteTxn&, Inquiry& q, audit::Event&, bool&) -> Status {
                MAMORI_RETURN_IF_ERROR(InqCheckConfirmer(caller.principal, q));
                if (q.scheme != Scheme::kPreApproval || q.state != InquiryState::kApplied) {
                  return InqWrongState(q);
                }
                q.state = InquiryState::kApproved;
                q.confirmer = caller.principal.id;
                q.confirmer_name = caller.principal.display_name;
                q.confirmed_at = caller.Now();
                return Status::Ok();
              });
}

Result<InquiryStep> Inquiries::IssueNumber(const Caller& caller, std::string_view id) {
  std::string number;
  auto q =
      Step(caller, "inquiry.issue_number", id,
           [&](store::WriteTxn&, Inquiry& q, audit::Event&, bool&) -> Status {
             MAMORI_RETURN_IF_ERROR(InqCheckConfirmer(caller.principal, q));
             if (q.scheme != Scheme::kOneTimeNumber ||
                 (q.state != InquiryState::kApplied && q.state != InquiryState::kNumberIssued)) {
               return InqWrongState(q);
             }
             MAMORI_ASSIGN_OR_RETURN(uint64_t n, crypto::RandomBelow(100000000));
             MAMORI_ASSIGN_OR_RETURN(std::string salt, crypto::RandomBytes(16));
             char digits[16];
             std::snprintf(digits, sizeof digits, "%08llu", static_cast<unsigned long long>(n));
             number = digits;
             q.number_salt = HexEncode(salt);
             q.number_hash = NumberHash(q.number_salt, q.id, number);
             q.number_expires_at = caller.Now() + kNumberLifetime;
             q.number_failures = 0;
             q.state = InquiryState::kNumberIssued;
             q.confirmer = caller.principal.id;
             q.confirmer_name = caller.principal.display_name;
             q.confirmed_at = caller.Now();
             return Status::Ok();
           });
  if (!q) return Fail(q.error());
  return InquiryStep{std::move(*q), std::move(number)};
}

Result<Inquiry> Inquiries::Run(const Caller& caller, std::string_view id, std::string_view number) {
  return Step(
      caller, "inquiry.run", id,
      [&](store::WriteTxn& txn, Inquiry& q, audit::Event&, bool& keep) -> Status {
        MAMORI_RETURN_IF_ERROR(InqCheckOperator(caller.principal, q));
        const TimeMicros now = caller.Now();
        if (q.scheme == Scheme::kPreApproval) {
          if (q.state == InquiryState::kApplied) {
            return InqRefuse(kNotApproved,
                             "the inquiry is not approved yet: a confirmer approves it first",
                             "この照会は確認者の承認前です。承認後に照会してください");
          }
          if (q.state != InquiryState::kApproved) return InqWrongState(q);
        } else if (q.scheme == Scheme::kOneTimeNumber) {
          if (q.number_used) {
            return InqRefuse(kNumberUsed, "the approval number was used already: it is good once",
                             "この承認番号は使用済みです (1回限り有効)");
          }
          if (q.state == InquiryState::kApplied) {
            return InqRefuse(kNoNumber, "no approval number was issued for this inquiry yet",
                             "この照会の承認番号はまだ発行されていません");
          }
          if (q.state != InquiryState::kNumberIssued) return InqWrongState(q);
          if (number.empty()) {
            return Status::InvalidArgument("approval_number is required for this inquiry",
                                           "この照会には承認番号 (approval_number) が必要です",
                                           std::string(kNoNumber));
          }
          if (q.number_failures >= kMaxNumberFailures) {
            return InqRefuse(kNumberVoid,
                             "the approval number is void after too many wrong entries; a "
                             "confirmer issues a new one",
                             "誤入力が多いため承認番号は無効です。確認者が再発行してください");
          }
          if (now >= q.number_expires_at) {
            return InqRefuse(kNumberExpired,
                             "the approval number has expired; a confirmer issues a new one",
                             "承認番号の有効期限が過ぎています。確認者が再発行してください");
          }
          if (!crypto::ConstantTimeEquals(NumberHash(q.number_salt, q.id, number), q.number_hash)) {
            ++q.number_failures;
            keep = true;  // the failure counts, with its refused event
            MAMORI_RETURN_IF_ERROR(iq::WriteInquiry(txn, q));
            return InqRefuse(kWrongNumber, "the approval number is not the one issued",
                             "承認番号が一致しません");
          }
          q.number_used = true;
        } else {
          return InqWrongState(q);  // held_answer and daily_list ran when applied
        }
        q.state = InquiryState::kAnswered;
        q.run_at = now;
        return Status::Ok();
      });
}

Result<Inquiry> Inquiries::Release(const Caller& caller, std::string_view id) {
  return Step(caller, "inquiry.release", id,
              [&](store::WriteTxn&, Inquiry& q, audit::Event&, bool&) -> Status {
                MAMORI_RETURN_IF_ERROR(InqCheckConfirmer(caller.principal, q));
                if (q.scheme != Scheme::kHeldAnswer || q.state != InquiryState::kHeld) {
                  return InqWrongState(q);
                }
                q.state = InquiryState::kAnswered;
                q.confirmer = caller.principal.id;
                q.confirmer_name = caller.principal.display_name;
                q.confirmed_at = caller.Now();
                return Status::Ok();
              });
}

Result<Inquiry> Inquiries::Deliver(const Caller& caller, std::string_view id) {
  return Step(caller, "inquiry.answer", id,
              [&](store::WriteTxn&, Inquiry& q, audit::Event& e, bool&) -> Status {
                MAMORI_RETURN_IF_ERROR(InqCheckOperator(caller.principal, q));
                if (q.state == InquiryState::kHeld) {
                  return InqRefuse(kAnswerHeld, "the answer is held until a confirmer releases it",
                                   "回答は確認者が開放するまで保留されています");
                }
                if (q.state != InquiryState::kAnswered) return InqWrongState(q);
                // "count": the answers this delivery adds to the day's count
                // list — the first delivery is the answer received.
                e.attrs["count"] = q.deliveries == 0 ? "1" : "0";
                if (q.deliveries == 0) q.answered_at = caller.Now();
                ++q.deliveries;
                return Status::Ok();
              });
}

Result<Inquiry> Inquiries::Get(std::string_view id) {
  std::optional<Inquiry> q;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(q, iq::ReadInquiry(txn, id));
    return Status::Ok();
  }));
  if (!q) return Fail(iq::NoSuchInquiry(id));
  return std::move(*q);
}

Result<std::vector<Inquiry>> Inquiries::List() {
  std::vector<Inquiry> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    return txn.ScanEach(iq::kInquiries, store::PrefixEnd(iq::kInquiries),
                        [&](std::string_view, std::string_view value) -> Result<bool> {
                          MAMORI_ASSIGN_OR_RETURN(Inquiry q, InquiryFromJson(nlohmann::json::parse(
                                                                 value, nullptr, false)));
                          out.push_back(std::move(q));
                          return true;
                        });
  }));
  return out;
}

bool Inquiries::MayView(const identity::Principal& who, const Inquiry& q) {
  namespace r = identity::role;
  for (auto role : {r::kCiso, r::kDeputyCiso, r::kChiefOfficer, r::kAuditor, r::kAuditLead}) {
    if (who.HasRole(role)) return true;
  }
  if (who.id == q.operator_id) return true;
  const bool managing = who.HasRole(r::kConfirmer) || who.HasRole(r::kSectionManager) ||
                        who.HasRole(r::kDepartmentOfficer) || who.HasRole(r::kCreditInfoDirector);
  if (!managing) return false;
  return (!q.department.empty() && who.department == q.department) ||
         (!q.branch.empty() && who.department == q.branch);
}

}  // namespace mamori::approval
